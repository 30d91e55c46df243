"""Feeds (RSS, Atom, JSON Feed) and comment feeds, parsed from bodies Scrapy downloaded.

feedparser always gets a ``BytesIO``, never a URL or a plain string (it would fetch a URL
and open a string that names a file); it never resolves external entities and drops
entity declarations that expand to other entities, so a hostile feed expands nothing.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

import feedparser

from crawler.charset import UTF8, declared_charsets, decode_body, needs_decoding
from crawler.exceptions import DoclistenError, one_line
from crawler.extract.dates import from_struct_time, parse_iso
from crawler.extract.model import ExtractedComment
from crawler.extract.pings import looks_like_ping
from crawler.extract.text import fragment_text
from crawler.extract.wp_rest import without_fragment
from crawler.urls import canonical_url

BLOGGER_ID = re.compile(r"^tag:blogger\.com,1999:blog-(\d+)(?:\.post-(\d+))?")
_WP_COMMENT_ID = re.compile(r"#comment-(\d+)$")
_BLOGGER_PARENT = re.compile(r"/comments/default/(\d+)$")
_COMMENT_PAGE = re.compile(r"comment-page-\d+/?$")
_JSONFEED_VERSION = b"jsonfeed.org/version/"
_HTML_HINT = re.compile(rb"<(!doctype html|html|head|body)[\s>]")
_SY_MINUTES = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}


class FeedError(DoclistenError, ValueError):
    """The body is not a feed at all (HTML page, empty, garbage)."""


@dataclass
class FeedEntry:
    guid: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None  # aware, UTC
    updated_at: datetime | None = None
    content_html: str | None = None
    summary: str | None = None
    comment_feed_url: str | None = None
    comment_count: int | None = None
    blogger_post_id: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Feed:
    kind: str  # "rss" | "atom" | "json"
    title: str | None = None
    site_url: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    ttl_minutes: int | None = None
    next_url: str | None = None
    comments_feed_url: str | None = None
    bozo: str | None = None
    generator: str | None = None  # "<name> <uri> <version>", for platform guessing
    blogger_blog_id: str | None = None


def is_json_feed(body: bytes, content_type: str | None = None) -> bool:
    head = body[:4096].lstrip().removeprefix(b"\xef\xbb\xbf")
    if not head.startswith(b"{"):
        return False
    return "feed+json" in (content_type or "") or _JSONFEED_VERSION in head


def _xml_content_type(content_type: str | None) -> str:
    """feedparser flags non-XML media types; many blogs serve feeds as text/html or text/plain.

    Keep an explicit charset (it overrides the XML declaration, as HTTP says), else plain XML.
    """
    media, _, params = (content_type or "").partition(";")
    if "xml" in media.lower():
        return content_type or "application/xml"
    return "application/xml" + (f";{params}" if "charset" in params.lower() else "")


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _link(links, rel: str, types: tuple[str, ...] = ()) -> str | None:
    for link in links or ():
        if link.get("rel") == rel and (not types or link.get("type") in types) and link.get("href"):
            return link["href"]
    return None


def _utf8_repaired(body: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """The body as UTF-8, decoded by the one charset decision (``crawler.charset.decode_body``), when
    feedparser would misread it: Latin-1 or Windows-1252 bytes said to be UTF-8, UTF-8 said to be
    Latin-1, UTF-8 with some Windows-1252 pasted in. feedparser trusts the declaration; pages do not."""
    declared = declared_charsets(content_type, body)
    if not needs_decoding(body, declared):
        return body, content_type
    text, _how = decode_body(body, declared)
    media = (content_type or "application/xml").partition(";")[0]
    return text.encode(UTF8), f"{media}; charset=utf-8"


def _not_a_feed(body: bytes, reason: object) -> FeedError:
    head = body[:2048].lower()
    if _HTML_HINT.search(head):
        return FeedError("not a feed: the server sent an HTML page")
    if b"\0" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 20:
        return FeedError("not a feed: binary data")
    return FeedError(f"not a feed: {' '.join(str(reason).split())[:200]}")


def _raw_parse(body: bytes, url: str, content_type: str | None):
    if not body or not body.strip():
        raise FeedError("empty body")
    body, content_type = _utf8_repaired(body, content_type)
    headers = {"content-location": url, "content-type": _xml_content_type(content_type)}
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    if not parsed.version and not parsed.entries:
        raise _not_a_feed(body, parsed.get("bozo_exception") or "no RSS/Atom root element")
    return parsed


def _ttl(feed) -> int | None:
    ttl = _int(feed.get("ttl"))
    if ttl is not None:
        return ttl
    period = _SY_MINUTES.get((feed.get("sy_updateperiod") or "").strip().lower())
    if period is None:
        return None
    frequency = _int(feed.get("sy_updatefrequency")) or 1
    return max(1, period // frequency)


def _feed_comments_link(links) -> str | None:
    for link in links or ():
        href, rel = link.get("href") or "", link.get("rel")
        titled = "comment" in (link.get("title") or "").lower()
        if rel == "replies" or (rel in ("alternate", "related") and (titled or "/comments/" in href)):
            return href or None
    return None


def _content_html(entry) -> str | None:
    contents = entry.get("content") or []
    for content in contents:
        if "html" in (content.get("type") or ""):
            return content.get("value")
    if contents:
        return contents[0].get("value")
    return entry.get("summary")


def _author(entry) -> str | None:
    detail = entry.get("author_detail") or {}
    return (detail.get("name") or entry.get("author") or "").strip() or None


def _entry(entry) -> FeedEntry:
    links = entry.get("links")
    guid = entry.get("id") or None
    blogger = BLOGGER_ID.match(guid or "")
    replies = _link(links, "replies", ("application/atom+xml", "application/rss+xml"))
    tags = [t.get("term") or t.get("label") for t in entry.get("tags") or ()]
    return FeedEntry(
        guid=guid or entry.get("link"),
        url=_link(links, "alternate", ("text/html",)) or entry.get("link"),
        title=entry.get("title"),
        author=_author(entry),
        published_at=from_struct_time(entry.get("published_parsed")),
        updated_at=from_struct_time(entry.get("updated_parsed")),
        content_html=_content_html(entry),
        summary=entry.get("summary"),
        comment_feed_url=entry.get("wfw_commentrss") or replies,
        comment_count=_int(entry.get("slash_comments") or entry.get("thr_total")),
        blogger_post_id=blogger.group(2) if blogger else None,
        tags=list(dict.fromkeys(t for t in tags if t)),
    )


def _generator(feed) -> str | None:
    detail = feed.get("generator_detail") or {}
    parts = [feed.get("generator"), detail.get("href"), detail.get("version")]
    return " ".join(p for p in parts if p) or None


def _bozo(parsed) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    return one_line(exc, 300, named=True)


def _xml_feed(body: bytes, url: str, content_type: str | None) -> Feed:
    parsed = _raw_parse(body, url, content_type)
    meta, links = parsed.feed, parsed.feed.get("links")
    blogger = BLOGGER_ID.match(meta.get("id") or "")
    return Feed(
        kind="atom" if parsed.version.startswith("atom") else "rss",
        title=meta.get("title"),
        site_url=_link(links, "alternate", ("text/html",)) or meta.get("link"),
        entries=[_entry(e) for e in parsed.entries],
        ttl_minutes=_ttl(meta),
        next_url=_link(links, "next"),
        comments_feed_url=_feed_comments_link(links),
        bozo=_bozo(parsed),
        generator=_generator(meta),
        blogger_blog_id=blogger.group(1) if blogger else None,
    )


def _json_author(item: dict) -> str | None:
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
    names = [str(a["name"]) for a in authors if isinstance(a, dict) and a.get("name")]
    return ", ".join(names) or None


def _json_entry(item: dict, base: str) -> FeedEntry:
    tags = item.get("tags")
    text = item.get("content_text") or item.get("summary")
    url = item.get("url") or item.get("external_url")
    return FeedEntry(
        guid=str(item["id"]) if item.get("id") is not None else url,
        url=urljoin(base, url) if url else None,
        title=item.get("title"),
        author=_json_author(item),
        published_at=parse_iso(item.get("date_published")),
        updated_at=parse_iso(item.get("date_modified")),
        content_html=item.get("content_html") or (html.escape(text, quote=False) if text else None),
        summary=item.get("summary"),
        tags=[str(t) for t in tags] if isinstance(tags, list) else [],
    )


def _json_feed(body: bytes, url: str) -> Feed:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"JSON Feed is not valid JSON ({exc.__class__.__name__})") from None
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or "jsonfeed.org/version/" not in version:
        raise FeedError("JSON without a JSON Feed version")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError("JSON Feed without an items list")
    home, next_url = data.get("home_page_url"), data.get("next_url")
    return Feed(
        kind="json",
        title=data.get("title"),
        site_url=urljoin(url, home) if home else None,
        entries=[_json_entry(i, url) for i in items if isinstance(i, dict)],
        next_url=urljoin(url, next_url) if next_url else None,
    )


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Feed:
    """Parse an RSS/Atom/JSON feed. Raises ``FeedError`` when the body is not a feed.

    A malformed feed that still yields something is returned with ``bozo`` set.
    """
    if is_json_feed(body, content_type):
        return _json_feed(body, url)
    return _xml_feed(body, url, content_type)


def entry_url(entry: FeedEntry, feed_url: str) -> str | None:
    """The post a feed entry points to: its link, else a GUID that is a web address. None without one
    (a truncated entry, a GUID like ``urn:uuid:…``, a ``file:`` link) rather than the feed's own URL."""
    link = (entry.url or "").strip()
    guid = (entry.guid or "").strip()
    if not link and guid.lower().startswith(("http://", "https://")):
        link = guid
    if not link:
        return None
    url = canonical_url(link, feed_url)
    if not url.startswith(("http://", "https://")) or url == canonical_url(feed_url):
        return None
    return url


def unique_entries(entries: list[FeedEntry]) -> Iterator[FeedEntry]:
    """Feed entries without repeats: an entry with the GUID and title of an earlier one is the same post
    (the first one wins); a GUID shared by entries with different titles is a broken feed, not a repeat."""
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        key = (entry.guid or "", entry.title or "")
        if entry.guid and key in seen:
            continue
        seen.add(key)
        yield entry


def _wp_reply_prefix(markup: str, text: str) -> tuple[str, str | None]:
    """WordPress comment feeds prefix replies with "In reply to <a href=…#comment-N>X</a>."."""
    match = re.match(r"\s*(?:<p>)?\s*In reply to <a [^>]*href=['\"]([^'\"]*)['\"][^>]*>(.*?)</a>\.", markup)
    if not match:
        return text, None
    prefix = f"In reply to {fragment_text(match.group(2))}."
    parent = _WP_COMMENT_ID.search(match.group(1))
    if text.startswith(prefix):
        text = text[len(prefix) :].lstrip()
    return text, parent.group(1) if parent else None


def _blogger_comment(entry, blogger) -> ExtractedComment:
    parent = None
    for link in entry.get("links") or ():
        found = _BLOGGER_PARENT.search(link.get("href") or "") if link.get("rel") == "related" else None
        parent = parent or (found.group(1) if found else None)
    detail = entry.get("author_detail") or {}
    reply_to = entry.get("thr_in-reply-to") or {}
    return ExtractedComment(
        text=fragment_text(_content_html(entry)),
        author=_author(entry),
        author_url=detail.get("href") or None,
        published_at=from_struct_time(entry.get("published_parsed") or entry.get("updated_parsed")),
        external_id=blogger.group(2),
        parent_external_id=parent,
        via="feed",
        post_url=without_fragment(reply_to.get("href")) or _post_url(entry.get("link")),
    )


def _post_url(link: str | None) -> str | None:
    url = without_fragment(link)
    return _COMMENT_PAGE.sub("", url) if url else None


def _wp_comment_html(entry) -> str:
    """content:encoded is HTML; WordPress escapes the HTML once more in <description>."""
    contents = entry.get("content")
    if contents:
        return _content_html(entry) or ""
    summary = entry.get("summary") or ""
    return html.unescape(summary) if "&lt;" in summary and "&gt;" in summary else summary


def _wp_comment(entry, pings: Collection[str] = ()) -> ExtractedComment | None:
    """One WordPress comment feed item; None for a pingback or trackback (its id among the ``pings`` of the
    post's HTML, or its shape: crawler/extract/pings.py)."""
    markup = _wp_comment_html(entry)
    text = fragment_text(markup)
    ids = (_WP_COMMENT_ID.search(v or "") for v in (entry.get("id"), entry.get("link")))
    external_id = next((m.group(1) for m in ids if m), None)
    if (external_id is not None and external_id in pings) or looks_like_ping(markup, text):
        return None
    text, parent = _wp_reply_prefix(markup, text)
    return ExtractedComment(
        text=text,
        author=_author(entry),
        author_url=(entry.get("author_detail") or {}).get("href") or None,
        published_at=from_struct_time(entry.get("published_parsed") or entry.get("updated_parsed")),
        external_id=external_id,
        parent_external_id=parent,
        via="feed",
        post_url=_post_url(entry.get("link")),
    )


def parse_comment_feed(
    body: bytes, url: str, content_type: str | None = None, pings: Collection[str] = ()
) -> list[ExtractedComment]:
    """Comments from a WordPress comment RSS or a Blogger comment Atom feed, without pingbacks and
    trackbacks (``pings``: the comment ids the post's HTML marks as such; site-wide feeds go by shape).

    Raises ``FeedError`` when the body is not a feed; an empty feed gives ``[]``.
    """
    parsed = _raw_parse(body, url, content_type)
    comments = []
    for entry in parsed.entries:
        blogger = BLOGGER_ID.match(entry.get("id") or "")
        if blogger and blogger.group(2):
            comments.append(_blogger_comment(entry, blogger))
        elif (comment := _wp_comment(entry, pings)) is not None:
            comments.append(comment)
    return comments
