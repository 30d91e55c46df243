"""A generated blog farm for the crawl benchmarks, served from its own process on loopback.

    .venv/bin/python bench/farm.py [--blogs 200] [--posts 50] [--comments 0-20] [--seed 1]

Every blog is a distinct host for Scrapy (its downloader slots, robots.txt and connection
pools are per host name): blog ``i`` listens on its own loopback address ``127.20.x.y``
(all of 127.0.0.0/8 is loopback on Linux) on an ephemeral port. The markup, feeds, comment
feeds, REST API, sitemaps and robots.txt are those of the bundled sample site
(``doclisten.demo_site`` renderers and content model), filled with generated content: posts
built from shuffled sentences of the sample DOC blogs, 0..N threaded comments each, over four
platforms (self-hosted WordPress classic with REST, WordPress block theme, WordPress.com,
Blogger). Every page, feed and sitemap answers conditional GETs (ETag, Last-Modified, 304).

Responses are rendered once and cached (the predictable URLs at start-up, the rest on first
request), so the farm answers from memory and is not what a benchmark measures. When ready the
farm prints one JSON line (blogs, totals, control URL) on stdout; it runs until SIGTERM or
SIGINT (or end of stdin with ``--stdin-eof``). The control server (127.0.0.1) answers
``/count``, ``/log?from=N`` (requests seen: time, blog, method, target, status, bytes,
conditional) and ``/stats`` (renders, answers served from memory, CPU seconds, the first
targets that were not pre-rendered).

``/add-comments?share=0.1&per-post=1&seed=1`` mutates the farm as readers would between two crawls:
it adds ``per-post`` new comments, dated now, to ``share`` of the (old) posts of every blog (at least
one post per blog, so every platform kind gets some; a third of them replies to an existing comment),
with the ids each platform gives (WordPress: the blog's next comment id; Blogger: a 19-digit id).
The blog's answers are rendered again from its content, so its site-wide comment feed, the post's
page, comment feed and REST comments show them with a fresh ETag and Last-Modified, and the posts
feed (whose ETag follows the newest post, as on WordPress and Blogger) does not change. It answers
the comments added (blog, kind, post URL and id, comment id, parent id, published); ``/added``
lists every comment added so far.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import dataclasses
import hashlib
import json
import random
import re
import signal
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.extract.wp_rest import rest_comments_url
from crawler.plan import blogger_comments_feed
from doclisten.demo_site import feeds
from doclisten.demo_site.content import (
    BLOGGER,
    WORDPRESS,
    WORDPRESS_COM,
    Blog,
    Comment,
    Post,
    blogger_id,
    inline_text,
    load_blogs,
    slugify,
)
from doclisten.demo_site.render_blogger import PROFILE, BloggerRenderer
from doclisten.demo_site.render_common import Renderer, Resource, parse_query, rfc822
from doclisten.demo_site.render_wordpress import ClassicWordPress
from doclisten.demo_site.render_wpblock import BlockWordPress
from doclisten.demo_site.render_wpcom import WordPressCom

# ---------------------------------------------------------------------------------- platforms


class FarmBlogger(BloggerRenderer):
    """Blogger as it really pages: ``start-index``/``max-results`` on the posts feed (with a correct
    ``next`` link) and a site-wide comment feed of the newest 25 comments."""

    def route(self, path: str, query: dict[str, str]) -> Resource | None:
        if path == "/feeds/posts/default":
            return self.posts_feed(query)
        if path == "/feeds/comments/default":
            newest = sorted(self.blog.all_comments(), key=lambda pc: pc[1].published, reverse=True)[:25]
            keep = {id(c) for _, c in newest}
            posts = [
                dataclasses.replace(p, comments=[c for c in p.comments if id(c) in keep])
                for p in self.blog.posts
            ]
            view = copy.copy(self)
            view.blog = dataclasses.replace(self.blog, posts=[p for p in posts if p.comments])
            return feeds.blogger_comments_atom(view, None)
        return super().route(path, query)

    def posts_feed(self, query: dict[str, str]) -> Resource:
        start = max(1, _int(query.get("start-index"), 1))
        size = min(500, max(1, _int(query.get("max-results"), self.per_page)))
        res = feeds.blogger_posts_atom(self, self.blog.posts[start - 1 : start - 1 + size], PROFILE)
        text = res.body.decode()
        old = "start-index=6&amp;max-results=5"
        if start - 1 + size < len(self.blog.posts):
            text = text.replace(old, f"start-index={start + size}&amp;max-results={size}")
        else:
            text = re.sub(r"<link rel='next'[^>]*/>", "", text)
        return dataclasses.replace(res, body=text.encode())


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


# kind: (renderer, platform, theme); blog i gets KINDS[MIX[i % 10]]
KINDS: dict[str, tuple[type[Renderer], str, str]] = {
    "wp-classic": (ClassicWordPress, WORDPRESS, "classic"),
    "wp-block": (BlockWordPress, WORDPRESS, "block"),
    "wpcom": (WordPressCom, WORDPRESS_COM, ""),
    "blogger": (FarmBlogger, BLOGGER, ""),
}
MIX = ["wp-classic"] * 4 + ["wp-block"] * 2 + ["wpcom"] * 2 + ["blogger"] * 2
FEED_PATHS = {"wp-classic": "feed/", "wp-block": "feed/", "wpcom": "feed/", "blogger": "feeds/posts/default"}

# ---------------------------------------------------------------------------------- content

FIRST = [
    "Megan",
    "Tom",
    "Jess",
    "Ravi",
    "Dana",
    "Ben",
    "Tanya",
    "Jorge",
    "Aisha",
    "Kim",
    "Lena",
    "Omar",
    "Priya",
    "Sam",
    "Nora",
    "Eli",
    "Maya",
    "Jon",
    "Rosa",
    "Ike",
]
LAST = [
    "Hollis",
    "Reyes",
    "Alvarado",
    "Patel",
    "Kowalski",
    "Castellanos",
    "Nguyen",
    "Okafor",
    "Berg",
    "Lindqvist",
    "Moreau",
    "Silva",
    "Haddad",
]
TOPICS = [
    "CGM",
    "pumps",
    "insulin",
    "prices",
    "glucagon",
    "Loop",
    "school",
    "family",
    "A1c",
    "advocacy",
    "travel",
    "sports",
    "food",
]
START = datetime(2012, 1, 1, tzinfo=UTC)
SPAN_DAYS = 12 * 365  # posts 2012..2023: old enough that no comment re-check is due


@dataclass
class Pools:
    sentences: list[str]
    comment_sentences: list[str]
    titles: list[str]


def load_pools() -> Pools:
    """Sentences and titles of the sample DOC blogs (plain text: inline marks removed)."""
    split = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
    sentences, comments, titles = [], [], []
    for blog in load_blogs().values():
        for post in blog.posts:
            titles.append(post.title)
            for par in post.paragraphs:
                sentences += [s for s in split.split(inline_text(par)) if len(s) > 20]
            for c in post.comments:
                comments += [s for s in split.split(c.text.replace("\n\n", " ")) if len(s) > 5]
    return Pools(sentences, comments, titles)


def build_blog(
    index: int, n_posts: int, comments: tuple[int, int], pools: Pools, seed: int
) -> tuple[str, Blog]:
    rng = random.Random(f"{seed}/{index}")
    kind = MIX[index % len(MIX)]
    _, platform, theme = KINDS[kind]
    owner = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    blog = Blog(
        key=f"blog{index}",
        platform=platform,
        title=f"{rng.choice(['Sugar', 'Beta Cells', 'Bolus', 'Type 1', 'Pancreas'])} Notes #{index}",
        tagline=f"{owner} on life with diabetes, {rng.choice(TOPICS)} and the #DOC",
        posts=[],
        theme=theme,
        blog_id=blogger_id("farm", seed, index) if platform == BLOGGER else 0,
        utc_offset_hours=rng.choice([-8, -7, -6, -5, 0, 1, 2]) if platform == WORDPRESS else 0,
    )
    stamps = sorted(START + timedelta(minutes=rng.randrange(SPAN_DAYS * 1440)) for _ in range(n_posts))
    next_comment, slugs = 1000, set()
    for n, published in enumerate(stamps):
        title = f"{rng.choice(pools.titles)}: {rng.choice(TOPICS)} notes {n + 1}"
        slug = slugify(title)
        while slug in slugs:
            slug += "-2"
        slugs.add(slug)
        post_id = blogger_id(blog.blog_id, slug) if platform == BLOGGER else 40 + n * 7
        paragraphs = [
            " ".join(rng.sample(pools.sentences, rng.randint(2, 4))) for _ in range(rng.randint(3, 7))
        ]
        updated = published + timedelta(days=rng.randint(1, 20)) if rng.random() < 0.1 else published
        post = Post(post_id, slug, title, owner, published, updated, paragraphs, rng.sample(TOPICS, 2), [])
        for k in range(rng.randint(*comments)):
            when = published + timedelta(minutes=rng.randint(5, 30 * 1440))
            author = owner if rng.random() < 0.15 else f"{rng.choice(FIRST)} {rng.choice(LAST)[0]}."
            parent = rng.choice(post.comments).id if post.comments and rng.random() < 0.3 else None
            if parent is not None:  # a reply comes after what it answers
                when = max(
                    when, next(c.published for c in post.comments if c.id == parent) + timedelta(minutes=3)
                )
            if platform == BLOGGER:
                cid = blogger_id(blog.blog_id, slug, k, author)
            else:
                next_comment += 1 + k % 3
                cid = next_comment
            text = " ".join(rng.sample(pools.comment_sentences, rng.randint(1, 3)))
            url = f"http://{author.split()[0].lower()}{k}.example.org/" if rng.random() < 0.3 else None
            post.comments.append(Comment(cid, author, url, when, text, parent))
        blog.posts.append(post)
    blog.sort_posts()
    return kind, blog


# ---------------------------------------------------------------------------------- serving


@dataclass
class Answer:
    status: int
    head: bytes  # status line and headers except Content-Length, each line ending in CRLF
    body: bytes
    etag: str | None
    last_modified: datetime | None
    not_modified_head: bytes


def make_answer(res: Resource) -> Answer:
    headers = {"Content-Type": res.content_type, **res.headers}
    etag = None
    if res.status == 200 and res.conditional:
        etag = '"' + hashlib.sha1(res.etag_basis or res.body).hexdigest()[:20] + '"'
        headers["ETag"] = etag
        if res.last_modified is not None:
            headers["Last-Modified"] = rfc822(res.last_modified)
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    reason = {200: "OK", 301: "Moved Permanently", 302: "Found", 400: "Bad Request", 404: "Not Found"}
    head = f"HTTP/1.1 {res.status} {reason.get(res.status, 'OK')}\r\nServer: nginx\r\n{lines}".encode(
        "latin-1"
    )
    nm = f"HTTP/1.1 304 Not Modified\r\nServer: nginx\r\n{lines}Content-Length: 0\r\n\r\n".encode("latin-1")
    return Answer(res.status, head, res.body, etag, res.last_modified, nm)


def not_modified(answer: Answer, headers: dict[str, str]) -> bool:
    """Same rules as the sample site: If-None-Match wins; else If-Modified-Since."""
    if answer.etag is None:
        return False
    if "if-none-match" in headers:
        tags = [t.strip().removeprefix("W/") for t in headers["if-none-match"].split(",")]
        return answer.etag in tags or "*" in tags
    if "if-modified-since" in headers and answer.last_modified is not None:
        try:
            since = parsedate_to_datetime(headers["if-modified-since"])
        except (TypeError, ValueError):
            return False
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
        return answer.last_modified.replace(microsecond=0) <= since
    return False


class Farm:
    def __init__(self, blogs: list[tuple[str, Blog]], pools: Pools | None = None):
        self.pools = pools
        self.added: list[dict[str, object]] = []  # comments added by /add-comments
        self.kinds = [kind for kind, _ in blogs]
        self.content = [blog for _, blog in blogs]
        self.renderers: list[Renderer] = []
        self.bases: list[str] = []
        self.cache: dict[tuple[int, str], Answer] = {}
        self.log: list[tuple] = []
        self.renders = 0
        self.render_seconds = 0.0
        self.hits = 0
        self.late: list[str] = []  # targets first rendered after start-up (not predicted)
        self.ready = False

    def answer(self, blog: int, target: str) -> Answer:
        key = (blog, target)
        found = self.cache.get(key)
        if found is not None:
            self.hits += 1
            return found
        t0 = time.perf_counter()
        parts = urlsplit(target)
        found = make_answer(self.renderers[blog].resolve(parts.path or "/", parse_query(parts.query)))
        self.cache[key] = found
        if self.ready:
            self.late.append(f"{blog} {target}")
        self.renders += 1
        self.render_seconds += time.perf_counter() - t0
        return found

    def respond(self, blog: int, method: str, target: str, headers: dict[str, str]) -> bytes:
        answer = self.answer(blog, target)
        conditional = "if-none-match" in headers or "if-modified-since" in headers
        if answer.status == 200 and conditional and not_modified(answer, headers):
            out, status, size = answer.not_modified_head, 304, 0
        else:
            body = answer.body if method != "HEAD" else b""
            out = answer.head + f"Content-Length: {len(answer.body)}\r\n\r\n".encode() + body
            status, size = answer.status, len(body)
        self.log.append((round(time.time(), 4), blog, method, target, status, size, conditional))
        return out

    def add_comments(self, share: float, per_post: int, seed: int) -> list[dict[str, object]]:
        """New comments on old posts, dated now (see the module docstring); re-renders the blogs."""
        rng = random.Random(f"new-comments/{seed}/{len(self.added)}")
        sentences = self.pools.comment_sentences if self.pools else ["Thanks for writing this."]
        now = datetime.now(UTC).replace(microsecond=0)
        out: list[dict[str, object]] = []
        for i, blog in enumerate(self.content):
            if not blog.posts:
                continue
            k = max(1, round(share * len(blog.posts)))
            for post in rng.sample(blog.posts, min(k, len(blog.posts))):
                for _n in range(per_post):
                    author = f"{rng.choice(FIRST)} {rng.choice(LAST)[0]}."
                    parent = rng.choice(post.comments).id if post.comments and rng.random() < 1 / 3 else None
                    if blog.platform == BLOGGER:
                        cid = blogger_id(blog.blog_id, post.slug, "new", len(self.added) + len(out), author)
                    else:
                        cid = max((c.id for _, c in blog.all_comments()), default=1000) + 1
                    stamp = max([now, *(c.published + timedelta(seconds=1) for c in post.comments)])
                    text = " ".join(rng.sample(sentences, min(len(sentences), rng.randint(1, 3))))
                    post.comments.append(Comment(cid, author, None, stamp, text, parent))
                    out.append(
                        {
                            "blog": i,
                            "kind": self.kinds[i],
                            "post_url": self.renderers[i].post_url(post),
                            "post_id": str(post.id),
                            "id": str(cid),
                            "parent_id": None if parent is None else str(parent),
                            "published": stamp.isoformat(),
                        }
                    )
            self.rerender(i)
        self.added += out
        return out

    def rerender(self, i: int) -> None:
        """Forget blog ``i``'s answers and render its predictable ones again (not counted as late)."""
        for key in [key for key in self.cache if key[0] == i]:
            del self.cache[key]
        ready, self.ready = self.ready, False
        try:
            for target in self.predictable_targets(i):
                self.answer(i, target)
        finally:
            self.ready = ready

    def predictable_targets(self, i: int) -> list[str]:
        """URLs a crawl of blog ``i`` will ask for (pre-rendered at start-up)."""
        blog, kind, r, base = self.content[i], self.kinds[i], self.renderers[i], self.bases[i]
        paths = ["/", "/robots.txt", "/" + FEED_PATHS[kind], "/sitemap.xml"]
        pages = -(-len(blog.posts) // 5)
        if kind == "blogger":
            paths += ["/feeds/comments/default", "/feeds/posts/default?alt=rss"]
            paths += [
                f"/feeds/posts/default?start-index={s}&max-results=5"
                for s in range(6, len(blog.posts) + 1, 5)
            ]
            for k in range(1, pages):
                stamp = blog.posts[k * 5 - 1].published.strftime("%Y-%m-%dT%H:%M:%S%%2B00:00")
                paths.append(f"/search?updated-max={stamp}&max-results=5")
        else:
            paths += ["/comments/feed/", "/wp-json/", "/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml"]
            paths += [f"/page/{k}/" for k in range(2, pages + 1)]
        for post in blog.posts:
            url = r.post_url(post)
            paths.append(urlsplit(url).path)
            if kind == "blogger":  # as linked from the post (rel=replies) and as doclisten builds it
                paths.append(f"/feeds/{post.id}/comments/default")
                paths.append(_target(blogger_comments_feed(base, str(post.id))))
            else:
                paths.append(urlsplit(url).path + "feed/")
            if kind == "wp-classic":
                paths.append(_target(rest_comments_url(base + "wp-json/", str(post.id))))
        return paths


def _target(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def host_of(index: int) -> str:
    if index >= 250 * 250:
        raise ValueError("at most 62,500 blogs")
    return f"127.20.{index // 250}.{index % 250 + 1}"


async def serve_blog(
    farm: Farm, index: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = (lines[0].split(" ") + ["", ""])[:3]
            headers = {}
            for line in lines[1:]:
                name, sep, value = line.partition(":")
                if sep:
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            if length:
                await reader.readexactly(length)
            writer.write(farm.respond(index, method, target, headers))
            await writer.drain()
            if headers.get("connection", "").lower() == "close" or version == "HTTP/1.0":
                return
    except ConnectionError:
        return
    finally:
        writer.close()


async def serve_control(farm: Farm, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        target = head.decode("latin-1").split(" ")[1]
        parts = urlsplit(target)
        query = parse_query(parts.query)
        if parts.path == "/count":
            data: object = {"requests": len(farm.log)}
        elif parts.path == "/log":
            data = farm.log[int(query.get("from", "0")) :]
        elif parts.path == "/add-comments":
            data = farm.add_comments(
                float(query.get("share", "0.1")), int(query.get("per-post", "1")), int(query.get("seed", "1"))
            )
        elif parts.path == "/added":
            data = farm.added
        else:
            data = {
                "renders": farm.renders,
                "render_seconds": round(farm.render_seconds, 3),
                "hits": farm.hits,
                "cpu_seconds": round(time.process_time(), 2),
                "late": farm.late[:50],
            }
        status = "200 OK"
    except ValueError as exc:  # a bad query value: one line back, the farm goes on
        data, status = {"error": str(exc).splitlines()[0]}, "400 Bad Request"
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, IndexError):
        writer.close()
        return
    try:
        body = json.dumps(data).encode()
        writer.write(f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nConnection: close\r\n".encode())
        writer.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def run(args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    low, _, high = args.comments.partition("-")
    comments = (int(low), int(high or low))
    pools = load_pools()
    farm = Farm([build_blog(i, args.posts, comments, pools, args.seed) for i in range(args.blogs)], pools)
    servers = []
    for i, (kind, blog) in enumerate(zip(farm.kinds, farm.content, strict=True)):
        server = await asyncio.start_server(
            lambda r, w, i=i: serve_blog(farm, i, r, w), host_of(i), args.port, backlog=256
        )
        port = server.sockets[0].getsockname()[1]
        base = f"http://{host_of(i)}:{port}/"
        farm.bases.append(base)
        farm.renderers.append(KINDS[kind][0](blog, base))
        servers.append(server)
    built = time.perf_counter() - t0
    if not args.no_prerender:
        for i in range(args.blogs):
            for target in farm.predictable_targets(i):
                farm.answer(i, target)
    farm.ready = True
    control = await asyncio.start_server(lambda r, w: serve_control(farm, r, w), "127.0.0.1", 0)
    manifest = {
        "control": f"http://127.0.0.1:{control.sockets[0].getsockname()[1]}/",
        "blogs": [
            {
                "home": farm.bases[i],
                "kind": farm.kinds[i],
                "feed": farm.bases[i] + FEED_PATHS[farm.kinds[i]],
                "posts": len(b.posts),
                "comments": sum(len(p.comments) for p in b.posts),
            }
            for i, b in enumerate(farm.content)
        ],
        "posts": sum(len(b.posts) for b in farm.content),
        "comments": sum(len(p.comments) for b in farm.content for p in b.posts),
        "build_seconds": round(built, 2),
        "prerender_seconds": round(farm.render_seconds, 2),
        "prerendered": farm.renders,
    }
    print(json.dumps(manifest), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if args.stdin_eof:
        loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not sys.stdin.buffer.read1(4096) else None)
    await stop.wait()
    for server in [*servers, control]:
        server.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--blogs", type=int, default=200)
    parser.add_argument("--posts", type=int, default=50, help="posts per blog")
    parser.add_argument("--comments", default="0-20", help="comments per post: N or MIN-MAX (uniform)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="port of every blog (default: any free port)")
    parser.add_argument("--stdin-eof", action="store_true", help="also stop at end of stdin (for a parent)")
    parser.add_argument("--no-prerender", action="store_true", help="render every answer on first request")
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
