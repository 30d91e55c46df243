"""Serve the sample blogs (default on 127.0.0.1), one ``ThreadingHTTPServer`` (own port) per blog.

    with DemoSite() as site:
        site.blogs["wp-classic"].base_url   # http://127.0.0.1:PORT/
        site.add_comment("wp-classic", "baqsimi-in-the-backpack", "Ann", "Great post!")

``DemoSite(host="0.0.0.0", public_host="demo-site", port_base=8081)`` listens on every interface
(e.g. in a container) and writes its absolute URLs (links, feeds, canonical, sitemaps) with the
name clients reach it by: ``http://demo-site:8081/``.

Every HTML page, feed and sitemap answers conditional GETs (ETag, Last-Modified, 304). All
requests are recorded in ``site.requests``.
"""

from __future__ import annotations

import hashlib
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import urlsplit

from .content import BLOGGER, GENERIC, Blog, Comment, Post, blogger_id, load_blogs, slugify
from .render_blogger import BloggerRenderer
from .render_common import Renderer, Resource, parse_query, rfc822
from .render_generic import GenericRenderer
from .render_wordpress import ClassicWordPress
from .render_wpblock import BlockWordPress
from .render_wpcom import WordPressCom

RENDERERS: dict[str, type[Renderer]] = {
    "wp-classic": ClassicWordPress,
    "wp-block": BlockWordPress,
    "wpcom": WordPressCom,
    "blogger": BloggerRenderer,
    "generic": GenericRenderer,
}
HOMEPAGE_FEEDS = {
    "wp-classic": "feed/",
    "wp-block": "feed/",
    "wpcom": "feed/",
    "blogger": "feeds/posts/default",
    "generic": "feed.json",
}


class RequestRecord(NamedTuple):
    blog_key: str
    method: str
    path: str  # path with query string
    status: int
    headers: dict[str, str]


@dataclass
class ServedBlog:
    key: str
    platform: str
    content: Blog
    base_url: str

    @property
    def homepage(self) -> str:
        return self.base_url

    @property
    def feed_url(self) -> str:
        return self.base_url + HOMEPAGE_FEEDS[self.key]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # clients hanging up early are normal
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _QuietServer6(_QuietServer):
    address_family = socket.AF_INET6


WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


def default_public_host(host: str) -> str:
    """The host name for URLs: the bound address, or this machine's (container's) name for a wildcard."""
    return socket.gethostname() if host in WILDCARD_HOSTS else host


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class DemoSite:
    """The five sample blogs, each on its own port (loopback by default). A context manager, or start()/stop()."""

    def __init__(
        self,
        root: str | None = None,
        port_base: int | None = None,
        host: str = "127.0.0.1",
        public_host: str | None = None,
    ):
        self.root = root  # reserved: an alternative content directory (unused; content is Python data)
        self.port_base = port_base
        self.host = host  # the address the servers bind
        # the name in absolute URLs: the bound address, or this machine's name when binding every interface
        self.public_host = public_host or default_public_host(host)
        self.blogs: dict[str, ServedBlog] = {}
        self.requests: list[RequestRecord] = []
        self._content = load_blogs()
        self._lock = threading.RLock()
        self._servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []
        self._renderers: dict[str, Renderer] = {}
        self._stamp = max(p.last_activity for b in self._content.values() for p in b.posts)
        self._answers: dict[tuple[str, str], int] = {}  # (blog key, path) -> status (delete_post, fail_post)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> DemoSite:
        for index, (key, blog) in enumerate(self._content.items()):
            port = self.port_base + index if self.port_base else 0
            server_class = _QuietServer6 if ":" in self.host else _QuietServer
            server = server_class((self.host, port), _make_handler(self, key))
            base = f"http://{_url_host(self.public_host)}:{server.server_address[1]}/"
            self.blogs[key] = ServedBlog(key, blog.platform, blog, base)
            self._renderers[key] = RENDERERS[key](blog, base)
            thread = threading.Thread(
                target=server.serve_forever, args=(0.05,), name=f"demo-{key}", daemon=True
            )
            thread.start()
            self._servers.append((server, thread))
        return self

    def stop(self) -> None:
        for server, thread in self._servers:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
        self._servers.clear()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def post_url(self, blog_key: str, post_slug: str) -> str:
        """The canonical URL of a post (only after ``start()``)."""
        with self._lock:
            return self._renderers[blog_key].post_url(self._post(blog_key, post_slug))

    def comment_feed_url(self, blog_key: str, post_slug: str) -> str | None:
        """The per-post comment feed (WordPress RSS, Blogger Atom), or None (generic site)."""
        blog = self._content[blog_key]
        post = self._post(blog_key, post_slug)
        if blog.platform == BLOGGER:
            return f"{self.blogs[blog_key].base_url}feeds/{post.id}/comments/default"
        if blog.platform == GENERIC:
            return None
        return self.post_url(blog_key, post_slug) + "feed/"

    # ------------------------------------------------------------------ request log
    def requests_for(self, blog_key: str) -> list[RequestRecord]:
        with self._lock:
            return [r for r in self.requests if r.blog_key == blog_key]

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # ------------------------------------------------------------------ mutations
    def _next_stamp(self) -> datetime:
        now = datetime.now(UTC).replace(microsecond=0)
        self._stamp = max(now, self._stamp + timedelta(seconds=1))
        return self._stamp

    def _post(self, blog_key: str, post_slug: str) -> Post:
        post = self._content[blog_key].post_by_slug(post_slug)
        if post is None:
            raise KeyError(f"{blog_key}: no post with slug {post_slug!r}")
        return post

    def add_comment(
        self,
        blog_key: str,
        post_slug: str,
        author: str,
        text: str,
        parent_id: int | None = None,
        author_url: str | None = None,
    ) -> Comment:
        with self._lock:
            blog = self._content[blog_key]
            post = self._post(blog_key, post_slug)
            if parent_id is not None and parent_id not in {c.id for c in post.comments}:
                raise KeyError(f"no comment {parent_id} on {post_slug!r}")
            stamp = self._next_stamp()
            existing = [c.id for _, c in blog.all_comments()]
            if blog.platform == BLOGGER:
                cid = blogger_id(blog.blog_id, post_slug, author, stamp.isoformat())
            else:
                cid = max(existing, default=1000) + 1
            comment = Comment(cid, author, author_url, stamp, text.strip(), parent_id)
            post.comments.append(comment)
            return comment

    def add_post(
        self,
        blog_key: str,
        title: str,
        paragraphs: list[str],
        author: str | None = None,
        published: datetime | None = None,
    ) -> Post:
        with self._lock:
            blog = self._content[blog_key]
            stamp = self._next_stamp()
            slug, n = slugify(title), 2
            while blog.post_by_slug(slug):
                slug, n = f"{slugify(title)}-{n}", n + 1
            when = published or stamp
            post_id = (
                blogger_id(blog.blog_id, slug)
                if blog.platform == BLOGGER
                else max(p.id for p in blog.posts) + 1
            )
            post = Post(
                post_id, slug, title, author or blog.posts[0].author, when, stamp, list(paragraphs), [], []
            )
            blog.posts.append(post)
            blog.sort_posts()
            return post

    def edit_post(
        self, blog_key: str, post_slug: str, paragraphs: list[str] | None = None, title: str | None = None
    ) -> Post:
        with self._lock:
            post = self._post(blog_key, post_slug)
            if paragraphs is not None:
                post.paragraphs = list(paragraphs)
            if title is not None:
                post.title = title
            post.updated = self._next_stamp()
            return post

    def delete_post(self, blog_key: str, post_slug: str, status: int = 410) -> None:
        """The author deleted the post: it leaves the feeds and sitemaps, its page answers ``status`` (410
        Gone, as a redirection/410 plugin sends; 404 is what WordPress itself answers)."""
        with self._lock:
            path = urlsplit(self.post_url(blog_key, post_slug)).path
            blog = self._content[blog_key]
            blog.posts.remove(self._post(blog_key, post_slug))
            if status != 404:
                self._answers[(blog_key, path)] = status

    def fail_post(self, blog_key: str, post_slug: str, status: int = 503) -> None:
        """The post's page answers ``status`` (a soft failure: the server is overloaded) until restored."""
        with self._lock:
            self._answers[(blog_key, urlsplit(self.post_url(blog_key, post_slug)).path)] = status

    def remove_comment(self, blog_key: str, post_slug: str, comment_id: int) -> None:
        """The comment was deleted upstream: its replies move up to its parent (as wp_delete_comment does)."""
        with self._lock:
            post = self._post(blog_key, post_slug)
            removed = next(c for c in post.comments if c.id == comment_id)
            post.comments = [c for c in post.comments if c.id != comment_id]
            for c in post.comments:
                if c.parent_id == comment_id:
                    c.parent_id = removed.parent_id
            post.updated = self._next_stamp()

    # ------------------------------------------------------------------ serving
    def respond(
        self, blog_key: str, method: str, target: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one request (also usable without sockets); records it in ``requests``."""
        parts = urlsplit(target)
        with self._lock:
            answer = self._answers.get((blog_key, parts.path or "/"))
            if answer is not None:
                status, out_headers, body = (
                    answer,
                    {"Content-Type": "text/html; charset=UTF-8"},
                    b"<h1>Gone</h1>",
                )
            else:
                res = self._renderers[blog_key].resolve(parts.path or "/", parse_query(parts.query))
                status, out_headers, body = _finish(res, headers)
            self.requests.append(RequestRecord(blog_key, method, target, status, dict(headers)))
        return status, out_headers, body


def _finish(res: Resource, req: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": res.content_type, **res.headers}
    if res.status == 200 and res.conditional:
        etag = '"' + hashlib.sha1(res.etag_basis or res.body).hexdigest()[:20] + '"'
        headers["ETag"] = etag
        if res.last_modified is not None:
            headers["Last-Modified"] = rfc822(res.last_modified)
        if _not_modified(req, etag, res.last_modified):
            return 304, headers, b""
    headers["Content-Length"] = str(len(res.body))
    return res.status, headers, res.body


def _not_modified(req: dict[str, str], etag: str, last_modified: datetime | None) -> bool:
    lowered = {k.lower(): v for k, v in req.items()}
    if "if-none-match" in lowered:
        tags = [t.strip().removeprefix("W/") for t in lowered["if-none-match"].split(",")]
        return etag in tags or "*" in tags
    if "if-modified-since" in lowered and last_modified is not None:
        try:
            since = parsedate_to_datetime(lowered["if-modified-since"])
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return last_modified.replace(microsecond=0) <= since
    return False


def _make_handler(site: DemoSite, blog_key: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "nginx"
        sys_version = ""

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            status, headers, body = site.respond(
                blog_key, self.command, self.path, dict(self.headers.items())
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body and status != 304:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
