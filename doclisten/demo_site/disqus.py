"""The sample Disqus-commented blog (``doclisten demo`` and the tests), written by the project: a small
WordPress blog with the Disqus plugin (its ``var embedVars = {...}`` and ``#disqus_thread``) and a stand-in for
disqus.com's key-less embed page (``/embed/comments/?f=<forum>&t_i=<identifier>``, answering with the
``<script type="text/json" id="disqus-threadData">`` Disqus's iframe loads; shapes: tests/pages/disqus/).

    with DisqusBlog() as blog:
        blog.home            # the blog, http://127.0.0.1:PORT/
        blog.disqus          # the stand-in for disqus.com and <forum>.disqus.com: crawl with
                             # DOCLISTEN_HOST_OVERRIDES={"disqus.com": blog.disqus, "*.disqus.com": blog.disqus}
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .serving import LocalServer

FORUM = "carbcountingkitchen"


@dataclass
class DComment:
    id: int
    parent: int | None
    name: str
    created: str  # ISO, UTC, as Disqus writes it (no offset)
    text: str


@dataclass
class DPost:
    wp_id: int
    slug: str
    title: str
    published: str  # RFC 822, for the feed
    paragraphs: list[str]
    comments: list[DComment] = field(default_factory=list)


POSTS = [
    DPost(
        31,
        "2026/10/lentil-soup-carb-count",
        "Lentil soup, counted three ways",
        "Mon, 12 Oct 2026 09:00:00 +0000",
        [
            "Lentils are my favourite test of carb counting: the label, the scale and my CGM disagree every time.",
            "By the label a bowl is 38 grams. Weighed and looked up, 44. My Dexcom says the truth is somewhere "
            "in between, with a slow rise two hours after lunch that a split bolus handles well.",
            "Next week: the same soup with barley, and why I pre-bolus twenty minutes for it.",
        ],
        [
            DComment(
                7100001,
                None,
                "Priya R",
                "2026-10-12T11:20:00",
                "The slow rise! Split bolus works for me too.",
            ),
            DComment(
                7100002, 7100001, "Tom B", "2026-10-12T12:05:10", "How do you split it, 60/40 over two hours?"
            ),
            DComment(
                7100003,
                7100002,
                "Priya R",
                "2026-10-12T13:40:00",
                "Roughly, yes. My pump calls it a dual wave.",
            ),
            DComment(
                7100004,
                None,
                "Lena F",
                "2026-10-13T08:15:00",
                "Barley next week, can't wait. Glucagon on hand?",
            ),
        ],
    ),
    DPost(
        32,
        "2026/11/oatmeal-and-dawn-phenomenon",
        "Oatmeal and the dawn phenomenon",
        "Fri, 06 Nov 2026 07:30:00 +0000",
        [
            "Breakfast is the hardest meal for many of us: dawn phenomenon plus oatmeal is a spike waiting to happen.",
            "What worked for me: steel-cut oats, a handful of walnuts, and bolusing before the kettle boils.",
        ],
        [
            DComment(
                7100010,
                None,
                "Ken M",
                "2026-11-06T10:00:00",
                "Steel-cut made the biggest difference for our son.",
            )
        ],
    ),
]


class DisqusBlog:
    def __init__(self) -> None:
        self.posts = POSTS
        self.home = ""
        self.disqus = ""
        self._servers: list[LocalServer] = []

    # ------------------------------------------------------------------ the blog
    def post_url(self, post: DPost) -> str:
        return f"{self.home}{post.slug}/"

    def identifier(self, post: DPost) -> str:
        return f"{post.wp_id} {self.home}?p={post.wp_id}"  # the plugin's dsq_identifier_for_post

    def _page(self, post: DPost) -> bytes:
        embed = {
            "disqusConfig": {"platform": "wordpress@6.4.2", "language": ""},
            "disqusIdentifier": self.identifier(post),
            "disqusShortname": FORUM,
            "disqusTitle": post.title,
            "disqusUrl": self.post_url(post),
            "postId": str(post.wp_id),
        }
        body = "".join(f"<p>{html.escape(p)}</p>" for p in post.paragraphs)
        return (
            '<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8">'
            f"<title>{html.escape(post.title)} &#8211; Carb Counting Kitchen</title>"
            f'<link rel="canonical" href="{self.post_url(post)}"></head>'
            f'<body class="post-template-default single single-post postid-{post.wp_id}">'
            f'<article id="post-{post.wp_id}" class="post-{post.wp_id} post type-post status-publish">'
            f'<h1 class="entry-title">{html.escape(post.title)}</h1>'
            f'<div class="entry-meta"><time class="entry-date published" datetime="{_iso_of(post)}">'
            f'{post.published[5:16]}</time> by <span class="author vcard">Maya Chen</span></div>'
            f'<div class="entry-content">{body}</div></article><div id="disqus_thread"></div>'
            '<script type="text/javascript" id="disqus_embed-js-extra">\n/* <![CDATA[ */\n'
            f"var embedVars = {json.dumps(embed).replace('/', chr(92) + '/')};\n/* ]]> */\n</script>"
            "</body></html>"
        ).encode()

    def _feed(self) -> bytes:
        items = "".join(
            f"<item><title>{html.escape(p.title)}</title><link>{self.post_url(p)}</link>"
            f"<pubDate>{p.published}</pubDate><guid isPermaLink='false'>{self.home}?p={p.wp_id}</guid>"
            "<dc:creator><![CDATA[Maya Chen]]></dc:creator></item>"
            for p in self.posts
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>Carb Counting Kitchen</title><link>{self.home}</link>"
            f"<generator>https://wordpress.org/?v=6.4.2</generator>{items}</channel></rss>"
        ).encode()

    def _empty_comments(self, title: str) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Comments on: {html.escape(title)}</title><link>{self.home}</link></channel></rss>"
        ).encode()

    def blog_answer(self, path: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow: /wp-admin/\n"
        if path == "/feed/":
            return 200, "application/rss+xml; charset=UTF-8", self._feed()
        if path == "/":
            home = (
                "<!DOCTYPE html><html><head><title>Carb Counting Kitchen</title>"
                '<meta name="generator" content="WordPress 6.4.2">'
                f'<link rel="alternate" type="application/rss+xml" title="Feed" href="{self.home}feed/">'
                "</head><body><h1>Carb Counting Kitchen</h1></body></html>"
            )
            return 200, "text/html; charset=UTF-8", home.encode()
        for post in self.posts:
            if path == f"/{post.slug}/":
                return 200, "text/html; charset=UTF-8", self._page(post)
            if path == f"/{post.slug}/feed/":  # WordPress still serves the post's comment feed: empty here
                return 200, "application/rss+xml; charset=UTF-8", self._empty_comments(post.title)
        if path == "/comments/feed/":
            return 200, "application/rss+xml; charset=UTF-8", self._empty_comments("Carb Counting Kitchen")
        return 404, "text/html", b"<html><body>Not found</body></html>"

    # ------------------------------------------------------------------ disqus.com's embed page
    def thread_data(self, post: DPost) -> dict[str, Any]:
        return {
            "code": 0,
            "cursor": {"hasPrev": False, "prev": None, "hasNext": False, "next": None, "total": len(post.comments)},
            "response": {
                "thread": {"id": str(9000 + post.wp_id), "forum": FORUM, "posts": len(post.comments),
                           "link": self.post_url(post), "title": post.title, "identifier": [self.identifier(post)]},
                "posts": [
                    {"id": str(c.id), "parent": c.parent, "createdAt": c.created, "message": f"<p>{html.escape(c.text)}</p>",
                     "raw_message": c.text, "author": {"name": c.name, "username": "", "profileUrl": "", "isAnonymous": True},
                     "isDeleted": False, "isSpam": False, "isApproved": True}
                    for c in post.comments
                ],
            },
        }  # fmt: skip

    def disqus_answer(self, target: str) -> tuple[int, str, bytes]:
        parts = urlsplit(target)
        if parts.path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow: /admin/\n"
        if parts.path == "/embed/comments/":
            query = parse_qs(parts.query)
            wanted = query.get("t_i", [""])[0]
            post = next((p for p in self.posts if self.identifier(p) == wanted), None)
            if post is not None and query.get("f") == [FORUM]:
                data = json.dumps(self.thread_data(post)).replace("</", "<\\/")
                page = (
                    "<!DOCTYPE html><html><head><title>Disqus Comments</title></head><body>"
                    f'<div id="layout"></div><script type="text/json" id="disqus-threadData">{data}</script>'
                    "</body></html>"
                )
                return 200, "text/html; charset=utf-8", page.encode()
        if (
            parts.path == "/latest.rss"
        ):  # <forum>.disqus.com/latest.rss (shape: tests/pages/disqus/latest.rss)
            return 200, "application/rss+xml; charset=utf-8", self.latest_rss()
        return 404, "text/html", b"<html><body>Not found</body></html>"

    def latest_rss(self) -> bytes:
        """The forum's recent-comments feed: every comment, newest first, without parents."""
        found = sorted(
            ((c, p) for p in self.posts for c in p.comments), key=lambda cp: cp[0].created, reverse=True
        )
        items = "".join(
            f"<item><title>Re: {html.escape(p.title)}</title>"
            f"<link>{self.post_url(p)}#comment-{c.id}</link>"
            f"<description>{html.escape(f'<p>{html.escape(c.text)}</p>')}</description>"
            f"<dc:creator>{html.escape(c.name)}</dc:creator>"
            f"<pubDate>{_rfc822(c.created)}</pubDate><guid>{self.post_url(p)}#comment-{c.id}</guid></item>"
            for c, p in found
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{FORUM} - Latest Comments</title><link>http://{FORUM}.disqus.com/</link>{items}</channel></rss>"
        ).encode()

    # ------------------------------------------------------------------ serving
    def start(self) -> DisqusBlog:
        blog, disqus = (
            LocalServer(lambda path: self.blog_answer(urlsplit(path).path)),
            LocalServer(self.disqus_answer),
        )
        self._servers = [blog, disqus]
        self.home, self.disqus = blog.origin + "/", disqus.origin
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.stop()
        self._servers = []

    def __enter__(self) -> DisqusBlog:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _iso_of(post: DPost) -> str:
    return parsedate_to_datetime(post.published).isoformat()


def _rfc822(created: str) -> str:
    """Disqus's ISO time (UTC, no offset) as an RSS date."""
    return format_datetime(datetime.fromisoformat(created).replace(tzinfo=UTC))
