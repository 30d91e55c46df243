"""Pieces shared by the platform renderers: the response value, escaping, dates, routing base."""

from __future__ import annotations

import hashlib
import html
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import parse_qs

from .content import Blog, Comment, Post, inline_html

HTML = "text/html; charset=UTF-8"
RSS = "application/rss+xml; charset=UTF-8"
ATOM = "application/atom+xml; charset=UTF-8"
JSONFEED = "application/feed+json; charset=UTF-8"
JSON = "application/json; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
TEXT = "text/plain; charset=UTF-8"

TRACKING = "utm_source=twitter&utm_medium=social"


@dataclass
class Resource:
    """One HTTP answer. ``etag_basis`` (default: the body) is what the ETag hashes."""

    body: bytes
    content_type: str = HTML
    last_modified: datetime | None = None
    status: int = 200
    conditional: bool = True  # send ETag/Last-Modified and honour conditional requests
    etag_basis: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def text_resource(text: str, content_type: str = HTML, **kw) -> Resource:
    return Resource(text.encode("utf-8"), content_type, **kw)


def redirect(location: str, status: int = 301) -> Resource:
    return Resource(b"", TEXT, status=status, conditional=False, headers={"Location": location})


def rfc822(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC), usegmt=True)


def human_date(dt: datetime, upper_ampm: bool = False) -> str:
    """``March 3, 2015 at 4:12 pm`` (WordPress) or ``… 4:12 PM`` (Blogger)."""
    ampm = dt.strftime("%p")
    ampm = ampm.upper() if upper_ampm else ampm.lower()
    return f"{dt.strftime('%B')} {dt.day}, {dt.year} at {dt.hour % 12 or 12}:{dt:%M} {ampm}"


def long_date(dt: datetime) -> str:
    return f"{dt.strftime('%B')} {dt.day}, {dt.year}"


def comment_children(comments: list[Comment]) -> dict[int | None, list[Comment]]:
    """Comments grouped by parent id (``None`` = top level), oldest first, like WordPress threads."""
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for c in sorted(comments, key=lambda c: c.published):
        children[c.parent_id].append(c)
    return children


def avatar(name: str, size: int) -> str:
    digest = hashlib.md5(name.lower().encode(), usedforsecurity=False).hexdigest()
    return f"https://secure.gravatar.com/avatar/{digest}?s={size}&amp;d=mm&amp;r=g"


def parse_query(query: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}


class Renderer:
    """Routes one blog's paths to :class:`Resource` values; subclasses implement ``route``."""

    def __init__(self, blog: Blog, base_url: str):
        self.blog = blog
        self.base = base_url  # ends with "/"
        self.tz = timezone(timedelta(hours=blog.utc_offset_hours))

    # -- overridden per platform
    def post_path(self, post: Post) -> str:
        raise NotImplementedError

    def route(self, path: str, query: dict[str, str]) -> Resource | None:
        raise NotImplementedError

    robots = "User-agent: *\nDisallow:\n\nSitemap: {base}sitemap.xml\n"

    # -- helpers
    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def post_url(self, post: Post) -> str:
        return self.url(self.post_path(post))

    def slug_url(self, slug: str) -> str:
        post = self.blog.post_by_slug(slug)
        return self.post_url(post) if post else self.base

    def local(self, dt: datetime) -> datetime:
        return dt.astimezone(self.tz)

    def iso(self, dt: datetime) -> str:
        return self.local(dt).isoformat()

    def body_html(self, post: Post, indent: str = "") -> str:
        return "\n".join(
            f"{indent}<p>{inline_html(p, self.base, self.slug_url)}</p>" for p in post.paragraphs
        )

    def excerpt(self, post: Post, words: int = 55) -> str:
        parts = post.text.split()
        return " ".join(parts[:words]) + (" […]" if len(parts) > words else "")

    def tracked(self, post: Post, source: str = TRACKING) -> str:
        """The post's URL decorated with tracking parameters, escaped for an HTML attribute."""
        return esc(f"{self.post_url(post)}?{source}")

    def path_of(self, post_path: str) -> Post | None:
        return next((p for p in self.blog.posts if self.post_path(p) == post_path), None)

    def lastmod(self, posts: list[Post] | None = None) -> datetime | None:
        posts = self.blog.posts if posts is None else posts
        return max((p.updated for p in posts), default=None)

    def comments_lastmod(self, posts: list[Post] | None = None) -> datetime | None:
        posts = self.blog.posts if posts is None else posts
        stamps = [c.published for p in posts for c in p.comments]
        return max(stamps, default=None) or self.lastmod(posts)

    def resolve(self, path: str, query: dict[str, str]) -> Resource:
        if path == "/robots.txt":
            return text_resource(self.robots.format(base=self.base), TEXT, conditional=False)
        found = self.route(path, query)
        return found if found is not None else self.not_found()

    def not_found(self) -> Resource:
        page = (
            '<!DOCTYPE html>\n<html><head><meta charset="UTF-8"><title>Page not found – '
            f'{esc(self.blog.title)}</title></head>\n<body class="error404"><h1>Oops! That page can’t be found.</h1>'
            f'<p>It looks like nothing was found at this location. <a href="{self.base}">Home</a></p></body></html>\n'
        )
        return text_resource(page, status=404, conditional=False)
