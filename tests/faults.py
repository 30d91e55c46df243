"""A fault-injection web server: small blogs on 127.0.0.1 whose URLs misbehave on purpose.

    with FaultSite(maxsize=1_000_000) as site:
        site.home("healthy")                       # http://127.0.0.1:PORT/
        site.hits("errors", "/2024/01/broken/")  # how often a path was asked for

Every blog has its own server (its own port), a robots.txt that allows everything, a homepage
(linking its feed and its posts, like a WordPress index page) and usually an RSS feed; what
misbehaves is built by the blog functions below (``fault_blogs()`` lists them all). Besides the blogs, ``site.blackhole`` is a port whose
listening socket never accepts (its accept queue is kept full: connections time out).

Requests that hang (read timeout, slow drip) are released when the site stops, so the
servers and their threads always shut down cleanly.
"""

from __future__ import annotations

import gzip
import random
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

WORDS = [
    "basal",
    "bolus",
    "sensor",
    "pump",
    "insulin",
    "carbs",
    "endo",
    "meter",
    "lancet",
    "glucagon",
    "hypo",
    "spike",
    "night",
    "morning",
    "coffee",
    "run",
    "walk",
    "ratio",
    "dose",
    "site",
    "tape",
    "alarm",
    "battery",
    "pharmacy",
    "refill",
    "insurance",
    "clinic",
    "nurse",
    "school",
    "lunch",
    "pizza",
    "weekend",
    "hike",
    "swim",
    "bike",
    "exam",
    "clinic",
    "doctor",
    "data",
    "graph",
    "trend",
    "arrow",
    "loop",
    "cannula",
    "vial",
    "pen",
    "needle",
    "strip",
]


def paragraphs(seed: str, n: int = 3) -> list[str]:
    """A few sentences of their own for every post (shared text would make posts near-duplicates)."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(n)]


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    ctype: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    length: int | None = None  # Content-Length to announce (default: len(body)); -1: none, close-delimited
    drip: float = 0.0  # seconds between two bytes of the body
    hang: bool = False  # read the request, never answer
    stream: int = 0  # bytes to stream after ``body`` (no Content-Length), until the client hangs up


@dataclass
class Post:
    slug: str
    title: str
    date: str = "2024-01-02T10:00:00Z"  # ISO, in the page's <time datetime>
    pubdate: str = "Tue, 02 Jan 2024 10:00:00 +0000"  # RFC 822, in the feed
    guid: str | None = None
    text: str = ""
    link: str | None = None  # path, when not /2024/01/<slug>/

    @property
    def path(self) -> str:
        return self.link or f"/2024/01/{self.slug}/"


def html_page(title: str | None, paragraphs: list[str], date: str | None = None, head: str = "") -> str:
    heading = f'<h1 class="entry-title">{escape(title)}</h1>' if title else ""
    when = f'<time class="published" datetime="{date}">{date}</time>' if date else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{escape(title or '')}</title></head><body>"
        f'<main><article class="post">{heading}{when}<div class="entry-content">{body}</div>'
        "</article></main></body></html>"
    )


def post_page(post: Post, head: str = '<meta charset="utf-8">') -> str:
    first = post.text or post.title
    return html_page(post.title, [first + ".", *paragraphs(post.slug)], post.date, head)


def homepage(title: str, posts: list[Post], feed: str | None = "/feed/", older: str | None = None) -> str:
    link = f'<link rel="alternate" type="application/rss+xml" title="{title}" href="{feed}">' if feed else ""
    items = "".join(f'<h2 class="entry-title"><a href="{p.path}">{escape(p.title)}</a></h2>' for p in posts)
    nav = f'<div class="nav-previous"><a href="{older}">Older posts</a></div>' if older else ""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>{link}</head>'
        f"<body><h1>{escape(title)}</h1>{items}{nav}</body></html>"
    )


def rss(base: str, title: str, posts: list[Post], head: str = "", encoding: str = "utf-8") -> str:
    items = "".join(
        f"<item><title>{escape(p.title)}</title><link>{base}{p.path.lstrip('/')}</link>"
        f'<guid isPermaLink="false">{escape(p.guid or p.slug)}</guid><pubDate>{p.pubdate}</pubDate>'
        f"<description>{escape(p.text or p.title)}</description></item>"
        for p in posts
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0" '
        f'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>{escape(title)}</title>'
        f"<link>{base}</link>{head}{items}</channel></rss>"
    )


RSS = "application/rss+xml; charset=utf-8"
Route = Callable[["Blog", re.Match[str]], Reply]


class Blog:
    """One small blog: posts, a homepage and a feed; ``routes`` (regex on the path) override or add URLs."""

    def __init__(self, key: str, posts: list[Post], feed: bool = True):
        self.key = key
        self.title = f"{key.title()} diabetes blog"
        self.posts = posts
        self.feed = feed
        self.routes: list[tuple[re.Pattern[str], Route]] = []
        self.base = ""  # http://127.0.0.1:PORT/ once served
        self.site: FaultSite | None = None

    def route(self, pattern: str, reply: Route) -> Blog:
        self.routes.append((re.compile(f"(?:{pattern})$"), reply))
        return self

    def answer(self, path: str) -> Reply:
        for pattern, reply in self.routes:
            match = pattern.match(path)
            if match:
                return reply(self, match)
        return self.normal(path)

    def normal(self, path: str) -> Reply:
        """What a well-behaved blog answers."""
        if path == "/robots.txt":
            return Reply(body=b"User-agent: *\nAllow: /\n", ctype="text/plain")
        if path == "/":
            return Reply(body=homepage(self.title, self.posts, "/feed/" if self.feed else None).encode())
        if path == "/feed/" and self.feed:
            return Reply(body=rss(self.base, self.title, self.posts).encode(), ctype=RSS)
        for post in self.posts:
            if path == post.path:
                return Reply(body=post_page(post).encode())
        return Reply(404, b"not found", "text/plain")


def ok_posts(*slugs: str) -> list[Post]:
    return [Post(slug, slug.replace("-", " ").capitalize(), text=f"{slug} is fine") for slug in slugs]


def once(bad: Reply) -> Route:
    """The first request of the path gets ``bad``, the next ones the normal page."""

    def reply(blog: Blog, match: re.Match[str]) -> Reply:
        assert blog.site is not None
        if blog.site.hits(blog.key, match.group(0)) == 1:
            return bad
        post = next(p for p in blog.posts if p.path == match.group(0))
        return Reply(body=post_page(post).encode())

    return reply


def after_first(bad: Reply) -> Route:
    """The first request of the path (``sources add``) gets the normal answer, the next ones ``bad``."""

    def reply(blog: Blog, match: re.Match[str]) -> Reply:
        assert blog.site is not None
        return blog.normal(match.group(0)) if blog.site.hits(blog.key, match.group(0)) == 1 else bad

    return reply


def fixed(reply: Reply) -> Route:
    return lambda blog, match: reply


# ---------------------------------------------------------------------------------------------- the blogs


def healthy() -> Blog:
    return Blog("healthy", ok_posts("first-pump", "sensor-day", "a1c-results"))


def errors() -> Blog:
    posts = ok_posts("fine-post", "broken", "flaky")
    return (
        Blog("errors", posts)
        .route(r"/2024/01/broken/", fixed(Reply(500, b"Internal Server Error", "text/plain")))
        .route(r"/2024/01/flaky/", once(Reply(500, b"oops", "text/plain")))
    )


def throttled() -> Blog:
    posts = ok_posts("calm-post", "busy-429", "busy-503")
    return (
        Blog("throttled", posts)
        .route(r"/2024/01/busy-429/", once(Reply(429, b"slow down", "text/plain", {"Retry-After": "1"})))
        .route(r"/2024/01/busy-503/", once(Reply(503, b"back soon", "text/plain", {"Retry-After": "1"})))
    )


def slow() -> Blog:
    blog = Blog("slow", ok_posts("quick-post", "slow-drip", "read-timeout"))
    blog.route(r"/2024/01/slow-drip/", fixed(Reply(body=b"<html>" + b"x" * 200, drip=1.0)))
    blog.route(r"/2024/01/read-timeout/", fixed(Reply(hang=True)))

    def feed(blog: Blog, match: re.Match[str]) -> Reply:  # one post lives on a host that never accepts
        assert blog.site is not None
        dead = Post("connect-timeout", "Connect timeout")
        body = rss(blog.base, blog.title, blog.posts).replace(
            "</channel>",
            f"<item><title>Dead host</title><link>http://127.0.0.1:{blog.site.blackhole}{dead.path}</link>"
            "<guid>dead</guid></item></channel>",
        )
        return Reply(body=body.encode(), ctype=RSS)

    return blog.route(r"/feed/", feed)


def _bomb(maxsize: int) -> bytes:
    return gzip.compress(b"<html><body>" + b" " * (maxsize * 4), compresslevel=9)


def huge(maxsize: int) -> Blog:
    bomb = _bomb(maxsize)
    big = b"<html><body>" + b"<p>insulin</p>" * (maxsize // 14 + 1000)
    return (
        Blog("huge", ok_posts("small-post", "gzip-bomb", "oversize", "oversize-stream"))
        .route(r"/2024/01/gzip-bomb/", fixed(Reply(body=bomb, headers={"Content-Encoding": "gzip"})))
        .route(r"/2024/01/oversize/", fixed(Reply(body=big)))
        .route(
            r"/2024/01/oversize-stream/", fixed(Reply(body=b"<html><body>", length=-1, stream=maxsize * 2))
        )
    )


def loops() -> Blog:
    def hop(blog: Blog, match: re.Match[str]) -> Reply:
        return Reply(302, b"", "text/plain", {"Location": f"/hop/{int(match.group(1)) + 1}/"})

    return (
        Blog("loops", ok_posts("straight-post", "redirect-loop", "redirect-chain"))
        .route(r"/2024/01/redirect-loop/", fixed(Reply(301, b"", "text/plain", {"Location": "/loop/b/"})))
        .route(r"/loop/b/", fixed(Reply(302, b"", "text/plain", {"Location": "/2024/01/redirect-loop/"})))
        .route(r"/2024/01/redirect-chain/", fixed(Reply(302, b"", "text/plain", {"Location": "/hop/1/"})))
        .route(r"/hop/(\d+)/", hop)
    )


def _numbered(prefix: str, n: int) -> Post:
    return Post(f"{prefix}-{n}", f"{prefix.title()} day {n}", text=f"{prefix} entry number {n}")


def endless() -> Blog:
    """No feed; ``/page/N/`` forever, every page with one new post and an "Older posts" link."""

    def listing(blog: Blog, match: re.Match[str]) -> Reply:
        n = int(match.group(1) or 1)
        return Reply(body=homepage(blog.title, [_numbered("endless", n)], None, f"/page/{n + 1}/").encode())

    def post(blog: Blog, match: re.Match[str]) -> Reply:
        return Reply(body=post_page(_numbered("endless", int(match.group(1)))).encode())

    return (
        Blog("endless", [], feed=False)
        .route(r"/(?:page/(\d+)/)?", listing)
        .route(r"/2024/01/endless-(\d+)/", post)
    )


def calendar() -> Blog:
    """Month archives going back forever, and a feed whose ``rel=next`` pages never end."""

    def month(n: int) -> str:
        return f"/archive/{2024 - n // 12}/{12 - n % 12:02d}/"

    def listing(blog: Blog, match: re.Match[str]) -> Reply:
        n = next((i for i in range(1200) if month(i) == match.group(0)), 0) if match.group(0) != "/" else 0
        posts = [_numbered("calendar", n)]
        return Reply(body=homepage(blog.title, posts, "/feed/", month(n + 1)).encode())

    def feed(blog: Blog, match: re.Match[str]) -> Reply:
        n = int(match.group(1) or 1)
        nxt = f'<atom:link rel="next" href="{blog.base}feed/?paged={n + 1}"/>'
        return Reply(body=rss(blog.base, blog.title, [_numbered("feedpage", n)], nxt).encode(), ctype=RSS)

    def post(blog: Blog, match: re.Match[str]) -> Reply:
        return Reply(body=post_page(_numbered(match.group(1), int(match.group(2)))).encode())

    return (
        Blog("calendar", [])
        .route(r"/|/archive/\d{4}/\d{2}/", listing)
        .route(r"/feed/(?:\?paged=(\d+))?", feed)
        .route(r"/2024/01/(calendar|feedpage)-(\d+)/", post)
    )


def feed_fault(key: str, feed: Callable[[Blog], Reply], n_posts: int = 2) -> Blog:
    """A blog whose homepage and posts are fine and whose feed is not."""
    posts = [
        Post(f"{key}-{i}", f"{key.title()} post {i}", text=f"{key} post {i}") for i in range(1, n_posts + 1)
    ]
    return Blog(key, posts).route(r"/feed/", lambda blog, match: feed(blog))


def _malformed(blog: Blog) -> Reply:
    body = rss(blog.base, blog.title, blog.posts).replace("</channel></rss>", "")  # unclosed
    body = body.replace("<title>Malformed post 1</title>", "<title>Malformed post 1 & co</title><br>")
    return Reply(body=body.encode(), ctype=RSS)


def _truncated(blog: Blog) -> Reply:
    body = rss(blog.base, blog.title, blog.posts).encode()
    return Reply(body=body[: body.rindex(b"<item>") + 40], ctype=RSS)  # cut inside the last item


def _dropped(blog: Blog) -> Reply:
    body = rss(blog.base, blog.title, blog.posts).encode()
    return Reply(body=body[: len(body) // 2], ctype=RSS, length=len(body))  # connection closed early


def _html_feed(blog: Blog) -> Reply:
    return Reply(body=homepage(blog.title, blog.posts).encode(), ctype=RSS)


def _feed_as_html(blog: Blog) -> Reply:
    return Reply(body=rss(blog.base, blog.title, blog.posts).encode(), ctype="text/html; charset=utf-8")


GARBAGE = random.Random(6).randbytes(30_000)


def binary() -> Blog:
    blog = feed_fault("binary", lambda blog: Reply(body=GARBAGE, ctype=RSS), n_posts=3)
    blog.route(r"/2024/01/binary-2/", fixed(Reply(body=GARBAGE, ctype="text/html")))
    return blog.route(r"/2024/01/binary-3/", fixed(Reply(body=GARBAGE, ctype="application/octet-stream")))


def html_feed() -> Blog:
    """The feed answers an HTML page; one post answers a feed (as text/html)."""
    blog = feed_fault("htmlfeed", _html_feed, n_posts=3)
    return blog.route(r"/2024/01/htmlfeed-3/", lambda blog, m: _feed_as_html(blog))


def dupes() -> Blog:
    tracked = "/2024/01/same-guid/?utm_source=feed&utm_medium=rss"
    shared = "http://example.invalid/"  # a generator that gives every entry the site's URL as GUID
    posts = [
        Post("same-guid", "Same GUID", guid="urn:post:1"),
        Post("same-guid", "Same GUID", guid="urn:post:1"),  # the same entry twice
        Post("same-guid-tracked", "Same GUID", guid="urn:post:1", link=tracked),  # same post, tracked link
        Post("same-guid-copy", "Same GUID", guid="urn:post:1"),  # the same GUID and title, another URL
        Post("shared-1", "Shared GUID one", guid=shared),
        Post("shared-2", "Shared GUID two", guid=shared),
    ]
    listed = [posts[0], posts[4], posts[5]]
    return Blog("dupes", posts).route(r"/", lambda blog, m: Reply(body=homepage(blog.title, listed).encode()))


def dates() -> Blog:
    posts = [
        Post("future", "Future post", "2999-01-01T00:00:00Z", "Tue, 01 Jan 2999 00:00:00 +0000"),
        Post("far-future", "Far future post", "9999-12-31T23:59:59Z", "Fri, 31 Dec 9999 23:59:59 +0000"),
        Post("overflow", "Overflowing post", "9999-12-31T23:59:59-12:00", "Fri, 31 Dec 9999 23:59:59 -1200"),
        Post("no-date", "Undated post", "someday soon", "someday soon"),
        Post("bad-date", "Badly dated post", "2024-13-45T99:99:99Z", "Mon, 45 Foo 2024 99:99:99 +9999"),
        Post("normal", "Normal post"),
    ]
    return Blog("dates", posts)


ENCODED = {  # slug: (title, body text, how it is served: bytes encoding, Content-Type, <meta>)
    "latin1-declared-utf8": (
        "Café au lait",
        "Crème brûlée after a hypo, naïve me.",
        "latin-1",
        "text/html; charset=utf-8",
        '<meta charset="utf-8">',
    ),
    "utf8-bom": (
        "Señor Müller’s pump",
        "Ünïcödé with a byte order mark — 100 µg.",
        "utf-8-sig",
        "text/html",
        "",
    ),
    "cp1252-quotes": (
        "“Smart” quotes – €5",
        "She said “don’t bolus yet” – and she was right.",
        "cp1252",
        "text/html; charset=iso-8859-1",
        '<meta charset="iso-8859-1">',
    ),
    "utf8-declared-latin1": (
        "Déjà vu",
        "Glycémie à jeun: déjà élevée.",
        "utf-8",
        "text/html; charset=iso-8859-1",
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
    ),
    "no-charset-cp1252": ("Ça va “bien”", "Pâte à crêpes and insulin — ça va.", "cp1252", "text/html", ""),
    "mixed": (
        "Mixed “encodings” café",
        "Naïve UTF-8 first, then “Windows quotes” and café.",
        "mixed",
        "text/html; charset=utf-8",
        '<meta charset="utf-8">',
    ),
}


def _mixed(text: str) -> bytes:
    """UTF-8, except the curly quotes, which are windows-1252 bytes (a template pasted into a page)."""
    return text.encode("utf-8").replace("“".encode(), b"\x93").replace("”".encode(), b"\x94")


FEED_ONLY_TITLE = "Entrée “feed” title"  # in a Windows-1252 feed that says it is UTF-8


def encodings() -> Blog:
    posts = [Post(slug, title, text=text) for slug, (title, text, *_) in ENCODED.items()]
    blog = Blog("encodings", [*posts, Post("feed-title", FEED_ONLY_TITLE)])
    for slug, (title, text, codec, ctype, meta) in ENCODED.items():
        html = html_page(title, [text, *paragraphs(slug)], "2024-01-02T10:00:00Z", meta)
        body = _mixed(html) if codec == "mixed" else html.encode(codec)
        blog.route(rf"/2024/01/{slug}/", fixed(Reply(body=body, ctype=ctype)))
    untitled = html_page(None, paragraphs("feed-title"), "2024-01-02T10:00:00Z", '<meta charset="utf-8">')
    blog.route(r"/2024/01/feed-title/", fixed(Reply(body=untitled.encode())))

    def feed(blog: Blog, match: re.Match[str]) -> Reply:
        return Reply(
            body=rss(blog.base, "Café diabète", blog.posts).encode("cp1252"), ctype="application/rss+xml"
        )

    return blog.route(r"/feed/", feed)


SECRET = "TOP-SECRET-FROM-THE-CRAWLER-HOST"
LAUGHS = (
    '<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
    '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">'
    '<!ENTITY xxe SYSTEM "{secret}">]>'
)


def hostile(secret_uri: str) -> Blog:
    """XML entity attacks (billion laughs, external entities) in the feed and the sitemap; a post link
    and a comment feed link to a local file. The post pages have no title: the feed's titles are used."""
    blog = Blog("hostile", [Post("laughs", "Laughs"), Post("xxe", "XXE")])
    doctype = LAUGHS.replace("{secret}", secret_uri)
    namespaces = 'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/"'

    def feed(blog: Blog, match: re.Match[str]) -> Reply:
        items = "".join(
            f"<item><title>{p.title} &lol9; &xxe;</title><link>{blog.base}{p.path.lstrip('/')}</link>"
            f"<guid>{blog.base}{p.slug}</guid><description>&lol9; &xxe;</description>"
            f"<wfw:commentRss>{secret_uri}</wfw:commentRss><slash:comments>2</slash:comments></item>"
            for p in blog.posts
        )
        items += f"<item><title>Local file</title><link>{secret_uri}</link><guid>file</guid></item>"
        body = (
            f'<?xml version="1.0"?>{doctype}<rss version="2.0" {namespaces}><channel><title>&lol9;</title>'
            f"{items}</channel></rss>"
        )
        return Reply(body=body.encode(), ctype=RSS)

    def sitemap(blog: Blog, match: re.Match[str]) -> Reply:
        body = (
            f'<?xml version="1.0"?>{doctype.replace("rss", "urlset")}'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{blog.base}2024/01/from-sitemap-&xxe;/</loc></url>"
            f"<url><loc>{blog.base}2024/01/laughs-&lol9;/</loc></url></urlset>"
        )
        return Reply(body=body.encode(), ctype="application/xml")

    def page(blog: Blog, match: re.Match[str]) -> Reply:
        return Reply(body=html_page(None, paragraphs(match.group(1)), "2024-01-02T10:00:00Z").encode())

    robots = "User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n"
    return (
        blog.route(r"/feed/", feed)
        .route(r"/sitemap\.xml", sitemap)
        .route(
            r"/robots\.txt",
            lambda blog, m: Reply(body=robots.format(base=blog.base).encode(), ctype="text/plain"),
        )
        .route(r"/2024/01/(laughs|xxe)/", page)
    )


def health_blogs(maxsize: int) -> list[Blog]:
    """Blogs for the source-health rules: one broken page is a page error, an unreadable feed or
    listing (the entry point of a crawl) is a failed crawl; a robots.txt that is missing or failing."""
    big = b"<html><body>" + b"<p>insulin</p>" * (maxsize // 14 + 1000)
    toobig = Blog("toobig", ok_posts("fine-one", "fine-two", "too-big")).route(
        r"/2024/01/too-big/", fixed(Reply(body=big))
    )
    stalled = Blog("stalled", ok_posts("fine-three", "fine-four", "never-ends")).route(
        r"/2024/01/never-ends/", fixed(Reply(body=b"<html>" + b"x" * 200, drip=1.0))
    )
    bomb = _bomb(maxsize)
    feedbomb = feed_fault(
        "feedbomb", lambda blog: Reply(body=bomb, ctype=RSS, headers={"Content-Encoding": "gzip"})
    )
    garbage = feed_fault("garbagefeed", lambda blog: Reply(body=GARBAGE, ctype=RSS))
    nofeed = Blog("nofeed", ok_posts("listed-one", "listed-two"), feed=False)
    garbage_home = Blog("garbagehome", ok_posts("unlisted"), feed=False).route(
        r"/", after_first(Reply(body=GARBAGE, ctype="text/html"))
    )

    def feed_later(blog: Blog, match: re.Match[str]) -> Reply:  # missing on the first crawl only
        assert blog.site is not None
        if blog.site.hits(blog.key, "/feed/") == 1:
            return Reply(404, b"not found", "text/plain")
        return blog.normal("/feed/")

    recovers = Blog("recovers", ok_posts("back-again")).route(r"/feed/", feed_later)
    norobots = Blog("norobots", ok_posts("no-robots-post")).route(
        r"/robots\.txt", fixed(Reply(404, b"<html>not found</html>"))
    )
    robots503 = Blog("robots503", ok_posts("unreachable-robots")).route(
        r"/robots\.txt", after_first(Reply(503, b"down for maintenance", "text/plain"))
    )
    return [toobig, stalled, feedbomb, garbage, nofeed, garbage_home, recovers, norobots, robots503]


def fault_blogs(maxsize: int) -> list[Blog]:
    """Every fault case, and one healthy blog crawled alongside."""
    return [
        healthy(),
        errors(),
        throttled(),
        slow(),
        huge(maxsize),
        loops(),
        endless(),
        calendar(),
        feed_fault("malformed", _malformed),
        feed_fault("truncated", _truncated, n_posts=3),
        feed_fault("dropped", _dropped),
        feed_fault("empty", lambda blog: Reply(body=b"", ctype=RSS)),
        feed_fault("feedashtml", _feed_as_html),
        html_feed(),
        binary(),
        dupes(),
        dates(),
        encodings(),
    ]


# ---------------------------------------------------------------------------------------------- serving


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):  # clients hang up: normal
            super().handle_error(request, client_address)


def _handler(site: FaultSite, blog: Blog) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            site.record(blog.key, self.path)
            reply = blog.answer(self.path)
            if reply.hang:
                site.stopping.wait()
                self.close_connection = True
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.ctype)
            length = len(reply.body) if reply.length is None else reply.length
            if length >= 0:
                self.send_header("Content-Length", str(length))
            else:
                self.send_header("Connection", "close")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self._body(reply)
            if reply.length is not None:  # the body does not match: the connection must end
                self.close_connection = True

        def _body(self, reply: Reply) -> None:
            if reply.drip:
                for i in range(len(reply.body)):
                    if site.stopping.wait(reply.drip):
                        return
                    self.wfile.write(reply.body[i : i + 1])
                    self.wfile.flush()
                return
            self.wfile.write(reply.body)
            chunk, sent = b"<p>" + b"x" * 65_533, 0
            while sent < reply.stream and not site.stopping.is_set():
                self.wfile.write(chunk)
                sent += len(chunk)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


class FaultSite:
    """The fault blogs, each on its own port of 127.0.0.1; a context manager."""

    def __init__(self, blogs: list[Blog] | None = None, maxsize: int = 1_000_000):
        self.blogs = {b.key: b for b in (blogs if blogs is not None else fault_blogs(maxsize))}
        self.stopping = threading.Event()
        self.requests: list[tuple[str, str, float]] = []  # (blog key, path, monotonic time)
        self.blackhole = 0
        self._lock = threading.Lock()
        self._servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []
        self._sockets: list[socket.socket] = []

    def start(self) -> FaultSite:
        self._start_blackhole()
        for blog in self.blogs.values():
            server = _Server(("127.0.0.1", 0), _handler(self, blog))
            blog.base = f"http://127.0.0.1:{server.server_address[1]}/"
            blog.site = self
            thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=f"fault-{blog.key}")
            thread.start()
            self._servers.append((server, thread))
        return self

    def _start_blackhole(self) -> None:
        """A listening socket that never accepts, its one-connection queue filled: connects time out."""
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        self.blackhole = listener.getsockname()[1]
        self._sockets.append(listener)
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", self.blackhole))
            self._sockets.append(filler)

    def stop(self) -> None:
        self.stopping.set()
        for server, thread in self._servers:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
        self._servers.clear()
        for sock in self._sockets:
            sock.close()
        self._sockets.clear()

    def __enter__(self) -> FaultSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ what the crawler did
    def record(self, key: str, path: str) -> None:
        with self._lock:
            self.requests.append((key, path, time.monotonic()))

    def hits(self, key: str, path: str) -> int:
        return len(self.times(key, path))

    def times(self, key: str, path: str) -> list[float]:
        with self._lock:
            return [t for k, p, t in self.requests if k == key and p == path]

    def paths(self, key: str) -> Iterator[str]:
        with self._lock:
            return iter([p for k, p, _ in self.requests if k == key])

    def home(self, key: str) -> str:
        return self.blogs[key].base

    def url(self, key: str, path: str) -> str:
        return self.blogs[key].base + path.lstrip("/")


def hanging_feeds(hold: threading.Event, keys: tuple[str, ...] = ("ann", "ben")) -> list[Blog]:
    """Blogs of two posts each whose feed hangs while ``hold`` is set (a crawl or run then holds them)."""

    def feed(blog: Blog, _: object) -> Reply:
        if hold.is_set():
            return Reply(hang=True)
        return Reply(body=rss(blog.base, blog.title, blog.posts).encode(), ctype=RSS)

    return [Blog(key, ok_posts(f"{key}-pump", f"{key}-sensor")).route("/feed/", feed) for key in keys]
