"""Content model of the sample DOC site: blogs, posts and threaded comments.

The texts live in ``data_*.py``; :func:`load_blogs` builds fresh, independent copies so that
mutations made by one :class:`~doclisten.demo_site.server.DemoSite` never leak into another.

Post paragraphs are plain text with three inline marks, rendered to HTML by :func:`inline_html`
and removed by :func:`inline_text`: ``[label](url)`` (a link; a url starting with ``/`` is made
absolute against the blog), ``**strong**`` and ``_emphasis_``.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

WORDPRESS = "wordpress"
WORDPRESS_COM = "wordpress.com"
BLOGGER = "blogger"
GENERIC = "generic"


@dataclass
class Comment:
    id: int
    author: str
    author_url: str | None
    published: datetime  # aware, UTC
    text: str  # plain text; paragraphs separated by a blank line
    parent_id: int | None = None
    kind: str = "comment"  # WordPress comment_type: "comment" | "pingback" | "trackback"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]


@dataclass
class Post:
    id: int
    slug: str
    title: str
    author: str
    published: datetime  # aware, UTC
    updated: datetime
    paragraphs: list[str]
    tags: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    # pingbacks/trackbacks: shown in the comment list and the comment feeds (as WordPress does), never
    # reader comments (tests.expect.check_comments does not expect them)
    pings: list[Comment] = field(default_factory=list)
    # consent signals of the post page (docs/privacy.md): the content of its <meta name="robots"> (None: the
    # theme's default) and an X-Robots-Tag header (None: none)
    robots: str | None = None
    x_robots: str | None = None

    @property
    def text(self) -> str:
        """The body as plain text, paragraphs separated by blank lines."""
        return "\n\n".join(inline_text(p) for p in self.paragraphs)

    @property
    def last_activity(self) -> datetime:
        """Latest change relevant to the post page: the post itself or its newest comment."""
        return max([self.updated, *(c.published for c in self.comments)])


@dataclass
class Blog:
    key: str
    platform: str  # "wordpress" | "wordpress.com" | "blogger" | "generic"
    title: str
    tagline: str
    posts: list[Post]  # newest first
    theme: str = ""  # "classic" | "block" for WordPress
    blog_id: int = 0  # Blogger blog id
    utc_offset_hours: int = 0  # site timezone for displayed/local times (fixed offset)

    def post_by_slug(self, slug: str) -> Post | None:
        return next((p for p in self.posts if p.slug == slug), None)

    def post_by_id(self, post_id: int) -> Post | None:
        return next((p for p in self.posts if p.id == post_id), None)

    def all_comments(self) -> list[tuple[Post, Comment]]:
        return [(p, c) for p in self.posts for c in p.comments]

    def all_pings(self) -> list[tuple[Post, Comment]]:
        return [(p, c) for p in self.posts for c in p.pings]

    def sort_posts(self) -> None:
        self.posts.sort(key=lambda p: p.published, reverse=True)


# ---------------------------------------------------------------- inline marks

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<![\w/])_(.+?)_(?![\w])")


def inline_text(par: str) -> str:
    text = _LINK.sub(r"\1", par)
    text = _STRONG.sub(r"\1", text)
    return _EM.sub(r"\1", text)


def inline_html(par: str, base_url: str, post_url: Callable[[str], str] | None = None) -> str:
    """Render one paragraph's inline marks to HTML (text escaped, links absolute).

    ``post:SLUG?query#frag`` links point to another post of the same blog; ``post_url(slug)`` gives its URL.
    """
    out, pos = [], 0
    for m in _LINK.finditer(par):
        out.append(_marks_html(par[pos : m.start()]))
        url = m.group(2)
        if url.startswith("post:") and post_url is not None:
            slug, _, suffix = url[5:].partition("?") if "?" in url else url[5:].partition("#")
            suffix = ("?" if "?" in url else "#") + suffix if suffix else ""
            url = post_url(slug) + suffix
        elif url.startswith("/"):
            url = base_url.rstrip("/") + url
        out.append(f'<a href="{html.escape(url)}">{_marks_html(m.group(1))}</a>')
        pos = m.end()
    out.append(_marks_html(par[pos:]))
    return "".join(out)


def _marks_html(text: str) -> str:
    text = html.escape(text, quote=False)
    text = _STRONG.sub(r"<strong>\1</strong>", text)
    return _EM.sub(r"<em>\1</em>", text)


def slugify(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "post"


def blogger_id(*parts: object) -> int:
    """A stable 19-digit id like Blogger's post/comment ids."""
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()
    return 1_000_000_000_000_000_000 + int(digest[:15], 16) % 8_000_000_000_000_000_000


# ---------------------------------------------------------------- building from data


def utc(stamp: str) -> datetime:
    """``"2015-03-05 14:12"`` -> aware UTC datetime."""
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


@dataclass
class C:
    """A comment in the data files; ``reply_to`` is the index of an earlier comment of the same post."""

    author: str
    when: str
    text: str
    reply_to: int | None = None
    url: str | None = None


@dataclass
class P:
    """A post in the data files."""

    slug: str
    title: str
    author: str
    when: str
    paragraphs: list[str]
    tags: list[str] = field(default_factory=list)
    comments: list[C] = field(default_factory=list)
    updated: str | None = None
    pings: list[C] = field(
        default_factory=list
    )  # pingbacks (WordPress blogs): author = the linking page's title
    robots: str | None = None  # the post page's <meta name="robots"> content (Yoast's per-post "noindex")
    x_robots: str | None = None  # the post page's X-Robots-Tag header


def build_blog(key: str, platform: str, title: str, tagline: str, posts: list[P], **extra) -> Blog:
    """Turn data-file posts into a :class:`Blog`, assigning post and comment ids like the platform does."""
    blog = Blog(key=key, platform=platform, title=title, tagline=tagline, posts=[], **extra)
    ordered = sorted(posts, key=lambda p: p.when)
    next_comment = 1000
    next_ping = 9000  # pingbacks share WordPress's comment ids; a range of their own keeps the others stable
    for index, data in enumerate(ordered):
        published = utc(data.when)
        if platform == BLOGGER:
            post_id = blogger_id(blog.blog_id, data.slug)
        else:
            post_id = 40 + index * 17 + len(data.slug) % 5
        comments: list[Comment] = []
        for c in data.comments:
            if platform == BLOGGER:
                cid = blogger_id(blog.blog_id, data.slug, len(comments), c.author)
            else:
                next_comment += 1 + len(c.author) % 3
                cid = next_comment
            parent = comments[c.reply_to].id if c.reply_to is not None else None
            comments.append(Comment(cid, c.author, c.url, utc(c.when), c.text.strip(), parent))
        pings = []
        for ping in data.pings:
            next_ping += 1
            pings.append(
                Comment(next_ping, ping.author, ping.url, utc(ping.when), ping.text, kind="pingback")
            )
        blog.posts.append(
            Post(
                id=post_id,
                slug=data.slug,
                title=data.title,
                author=data.author,
                published=published,
                updated=utc(data.updated) if data.updated else published,
                paragraphs=list(data.paragraphs),
                tags=list(data.tags),
                comments=comments,
                pings=pings,
                robots=data.robots,
                x_robots=data.x_robots,
            )
        )
    blog.sort_posts()
    return blog


def load_blogs() -> dict[str, Blog]:
    """Fresh copies of the five sample blogs, keyed by blog key."""
    from . import data_blogger, data_generic, data_wordpress, data_wpcom

    classic = data_wordpress.wp_classic()
    blogs = [
        classic,
        data_wordpress.wp_block(),
        data_wpcom.wpcom(),
        data_blogger.blogger(),
        data_generic.generic(classic),
    ]
    return {b.key: b for b in blogs}
