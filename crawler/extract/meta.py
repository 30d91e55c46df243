"""Page-level metadata: title, author, dates, canonical URL, platform ids, comment feed and pagination.

Read from the full tree (scripts and forms included) before boilerplate is stripped.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urldefrag, urljoin, urlsplit

from crawler.extract.dates import parse_date, parse_iso
from crawler.extract.model import ExtractedPost
from crawler.extract.text import inline_text
from crawler.extract.tree import Doc, select_one

TITLE_CSS = "h1.entry-title, h1.wp-block-post-title, h1.post-title, h3.post-title, h2.post-title.entry-title"
AUTHOR_CSS = (
    ".entry-meta .author .fn, .entry-meta .author a, .byline .author a, .byline .fn, .post-author .fn, "
    ".wp-block-post-author__name, .wp-block-post-author-name, .post-meta .author a, span.author.vcard a, "
    "a[rel=author], .g-profile, .post-author"
)
PUBLISHED_ATTRS = (
    ("meta[property='article:published_time'], meta[itemprop=datePublished], meta[name=pubdate]", "content"),
    (
        "time.entry-date.published, time.published, .wp-block-post-date time, time[itemprop=datePublished]",
        "datetime",
    ),
    (".entry-date[datetime], article time[datetime]", "datetime"),
    ("abbr.published, .post-timestamp abbr, a.timestamp-link abbr", "title"),
)
PUBLISHED_TEXT = ".date-header span, h2.date-header, .entry-date, .posted-on, .post-date"
UPDATED_ATTRS = (
    (
        "meta[property='article:modified_time'], meta[property='og:updated_time'], meta[itemprop=dateModified]",
        "content",
    ),
    ("time.updated, time[itemprop=dateModified]", "datetime"),
    ("abbr.updated", "title"),
)
COMMENT_NEXT_CSS = (
    ".comment-navigation .nav-previous a, .comments-navigation .nav-previous a, #comment-nav-above .nav-previous a, "
    "#comment-nav-below .nav-previous a, .comment-nav-previous a, .comments-pagination a.prev, "
    ".wp-block-comments-pagination-previous, .comments-pagination a.next, .comment-navigation .nav-next a, "
    ".wp-block-comments-pagination-next"
)
_BYLINE_RE = re.compile(r"^(posted by|written by|by|von|par|por|di)\s+", re.I)
_POSTID_CLASS = re.compile(r"\bpostid-(\d+)\b")
_POST_ID_ATTR = re.compile(r"^post-(\d+)$")
_SHORTLINK_P = re.compile(r"[?&]p=(\d+)")
_BLOG_ID_RE = re.compile(r"""(?:['"]blogId['"]\s*:\s*['"]|blogID(?:=|\\x3d|\\u003d))(\d{5,})""")
_POST_ID_RE = re.compile(r"""(?:['"]postId['"]\s*:\s*['"]|postID(?:=|\\x3d|\\u003d))(\d{5,})""")
_BLOGGER_FEED_RE = re.compile(r"/feeds/(\d{5,})/comments/default")


def _ld_objects(doc: Doc) -> list[dict]:
    objects: list[dict] = []
    for script in doc.select("script[type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                objects.append(item)
                stack.extend(item.get("@graph") or [])
            elif isinstance(item, list):
                stack.extend(item)
    return objects


def _ld_value(objects: list[dict], key: str) -> str | None:
    for obj in objects:
        value = obj.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _first_date(doc: Doc, attrs, text_css: str | None = None):
    for css, attr in attrs:
        for el in doc.select(css):
            value = parse_iso(el.get(attr)) or parse_date(el.get(attr))
            if value:
                return value
    if text_css:
        for el in doc.select(text_css)[:5]:
            value = parse_date(inline_text(el))
            if value:
                return value
    return None


def _title(doc: Doc, ld: list[dict]) -> str | None:
    el = doc.select_one(TITLE_CSS)
    title = inline_text(el) if el is not None else ""
    title = title or doc.first_attr("meta[property='og:title']", "content") or _ld_value(ld, "headline") or ""
    if not title:
        el = doc.select_one("h1") if len(doc.select("h1")) == 1 else doc.select_one("title")
        title = inline_text(el) if el is not None else ""
    return title or None


def _author(doc: Doc, ld: list[dict]) -> str | None:
    for el in doc.select(AUTHOR_CSS):
        name = _BYLINE_RE.sub("", inline_text(el))
        if name and len(name) < 100:
            return name
    meta = doc.first_attr("meta[name=author]", "content") or _ld_value(ld, "author")
    return meta if meta and "://" not in meta else None


def wp_post_id(doc: Doc) -> str | None:
    body = doc.select_one("body")
    match = _POSTID_CLASS.search(body.get("class") or "") if body is not None else None
    if match:
        return match.group(1)
    shortlink = doc.first_attr("link[rel=shortlink]", "href")
    match = _SHORTLINK_P.search(shortlink or "")
    if match:
        return match.group(1)
    value = doc.first_attr("input[name=comment_post_ID]", "value")
    if value and value.isdigit():
        return value
    posts = doc.select("article[id^='post-'], div[id^='post-']")
    ids = {m.group(1) for m in (_POST_ID_ATTR.match(el.get("id") or "") for el in posts) if m}
    return ids.pop() if len(ids) == 1 else None


def blogger_ids(doc: Doc) -> tuple[str | None, str | None]:
    blog_id = doc.first_attr("meta[itemprop=blogId]", "content")
    post_id = doc.first_attr("meta[itemprop=postId]", "content")
    if not post_id:
        bodies = {(el.get("id") or "")[len("post-body-") :] for el in doc.select("div[id^='post-body-']")}
        post_id = bodies.pop() if len(bodies) == 1 else None
    if not blog_id or not post_id:
        scripts = " ".join(s.text or "" for s in doc.select("script") if "blog" in (s.text or ""))
        links = " ".join(a.get("href") or "" for a in doc.select("a[href*='postID=']"))
        blog_match = _BLOG_ID_RE.search(scripts) or _BLOG_ID_RE.search(links)
        post_match = _POST_ID_RE.search(scripts) or _POST_ID_RE.search(links)
        blog_id = blog_id or (blog_match.group(1) if blog_match else None)
        post_id = post_id or (post_match.group(1) if post_match else None)
    return blog_id, post_id


def comment_feed(doc: Doc, url: str, post_path: str, blogger_post: str | None) -> str | None:
    """The per-post comment feed among ``<link rel=alternate>`` (not the site or site-comments feed)."""
    for link in doc.select("link[rel=alternate]"):
        kind = (link.get("type") or "").lower()
        href = (link.get("href") or "").strip()
        if not href or not kind.endswith(("rss+xml", "atom+xml")):
            continue
        absolute = urljoin(url, href)
        path = urlsplit(absolute).path
        if path.endswith(("/feed/", "/feed")) and path.rsplit("/feed", 1)[0].rstrip("/") == post_path:
            return absolute
        match = _BLOGGER_FEED_RE.search(path)
        if match and match.group(1) == blogger_post:
            return absolute
    return None


def next_comments(doc: Doc, url: str) -> str | None:
    for el in doc.select(COMMENT_NEXT_CSS):
        link = el if el.tag == "a" else select_one(el, "a[href]")
        href = (link.get("href") or "").strip() if link is not None else ""
        if href and not href.startswith("#"):
            return urldefrag(urljoin(url, href))[0]
    return None


def fill_metadata(post: ExtractedPost, doc: Doc, url: str, wordpress: bool, blogger: bool) -> None:
    ld = _ld_objects(doc)
    canonical = doc.first_attr("link[rel=canonical]", "href")
    post.canonical_url = urljoin(url, canonical) if canonical else None
    post.title = _title(doc, ld)
    post.author = _author(doc, ld)
    ld_published = parse_iso(_ld_value(ld, "datePublished"))
    post.published_at = _first_date(doc, PUBLISHED_ATTRS[:1]) or ld_published
    post.published_at = post.published_at or _first_date(doc, PUBLISHED_ATTRS[1:], PUBLISHED_TEXT)
    post.updated_at = _first_date(doc, UPDATED_ATTRS) or parse_iso(_ld_value(ld, "dateModified"))
    if wordpress:
        post.wp_post_id = wp_post_id(doc)
        post.next_comments_url = next_comments(doc, url)
    if blogger:
        post.blogger_blog_id, post.blogger_post_id = blogger_ids(doc)
    post_path = urlsplit(post.canonical_url or url).path.rstrip("/")
    post.comment_feed_url = comment_feed(doc, url, post_path, post.blogger_post_id) if post_path else None
