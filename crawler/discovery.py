"""What ``doclisten sources add URL`` learns from the one body it fetched.

The body is either a feed (then the feed tells us the site) or an HTML page (then its
``<link rel=alternate>`` tags, the WordPress REST link and platform hints tell us the rest).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

from parsel import Selector

from crawler.charset import decode_html
from crawler.connectors.registry import as_dir, page_facts, recognition
from crawler.exceptions import DoclistenError
from crawler.extract.model import BLOGGER, GENERIC
from crawler.extract.platform import detect_platform, platform_from_generator, platform_from_host
from crawler.extract.tree import Doc
from crawler.feeds import Feed, FeedError, is_json_feed, parse_feed
from crawler.urls import same_site

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
}
GUESSED_FEED_PATHS = ("/rss.xml", "/atom.xml", "/feed.xml", "/index.xml", "/feed.json")
REST_REL = "https://api.w.org/"
# the first element after the XML declaration, comments, processing instructions and DOCTYPE
_ROOT_TAG = re.compile(
    rb"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*<([A-Za-z][\w:.-]*)", re.DOTALL
)
_FEED_ROOTS = {b"rss", b"feed", b"rdf:rdf"}
_HTML_HINT = re.compile(rb"<(!doctype html|html|head|body|meta|title)[\s>]", re.IGNORECASE)
_LINK_HEADER = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")


class DiscoveryError(DoclistenError, ValueError):
    """The body is neither an HTML page nor a feed (the message does not repeat the URL)."""


@dataclass
class Discovery:
    home_url: str | None
    feed_url: str | None = None
    feed_kind: str | None = None  # "rss" | "atom" | "json", or a listing's kind ("discourse": a forum's JSON)
    comments_feed_url: str | None = None  # site-wide comments feed
    rest_root: str | None = None  # WordPress REST root, e.g. https://x/wp-json/
    platform: str = GENERIC
    title: str | None = None
    candidate_feed_urls: list[str] = field(default_factory=list)  # to try when no feed is linked
    is_feed: bool = False
    facts: dict[str, str] = field(default_factory=dict)  # what companion connectors found (Disqus's forum)


def default_comments_feed(home_url: str | None, platform: str) -> str | None:
    """The site-wide comment feed the platform's connector names (WordPress, Blogger), else None."""
    found = recognition(platform)
    return found.comments_feed_url(home_url) if found and home_url else None


def _header(headers: Mapping | None, name: str) -> list[str]:
    """Values of one header from a plain dict or Scrapy ``Headers`` (bytes, lists)."""
    for key, value in (headers or {}).items():
        key = key.decode("latin-1") if isinstance(key, bytes) else key
        if key.lower() != name:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        return [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in values]
    return []


def rest_root_from_link_header(values: list[str], base: str) -> str | None:
    for value in values:
        for href, params in _LINK_HEADER.findall(value):
            rels = re.search(r"rel\s*=\s*\"?([^\";]+)\"?", params)
            if rels and REST_REL in rels.group(1).split():
                return urljoin(base, href.strip())
    return None


def _looks_like_feed(body: bytes, content_type: str) -> bool:
    if is_json_feed(body, content_type):
        return True
    root = _ROOT_TAG.match(body[:8192].removeprefix(b"\xef\xbb\xbf"))
    return root is not None and root.group(1).lower() in _FEED_ROOTS


def _from_feed(feed: Feed, url: str) -> Discovery:
    home = feed.site_url or urljoin(url, "/")
    platform = (
        platform_from_generator(feed.generator)
        or (BLOGGER if feed.blogger_blog_id else None)
        or platform_from_host(home)
        or platform_from_host(url)
        or GENERIC
    )
    if listed := _listed(home, platform, feed.title):  # a forum's RSS: its JSON listing says more
        return listed
    return Discovery(
        home_url=home,
        feed_url=url,
        feed_kind=feed.kind,
        comments_feed_url=feed.comments_feed_url or default_comments_feed(home, platform),
        platform=platform,
        title=feed.title,
        is_feed=True,
    )


def _alternates(sel: Selector, base: str) -> list[tuple[str, str, bool]]:
    """(href, kind, is_comments_feed) for every feed <link rel=alternate>, in page order."""
    found = []
    for link in sel.xpath("//link[@href][@type]"):
        rels = (link.attrib.get("rel") or "").lower().split()
        kind = FEED_TYPES.get((link.attrib.get("type") or "").strip().lower())
        if "alternate" not in rels or not kind:
            continue
        href = urljoin(base, link.attrib["href"].strip())
        comments = "comment" in (link.attrib.get("title") or "").lower() or "/comments/" in href
        found.append((href, kind, comments))
    return found


def _candidates(home: str, platform: str) -> list[str]:
    """The feeds to try when a page links none: its connector's guesses first."""
    found = recognition(platform)
    first = found.feed_guesses(home) if found and found.feeds else [urljoin(as_dir(home), "feed/")]
    guesses = first + [urljoin(home, path) for path in GUESSED_FEED_PATHS]
    return list(dict.fromkeys(guesses))


def _title(sel: Selector) -> str | None:
    site_name = sel.xpath("//meta[@property='og:site_name']/@content").get()
    title = site_name or sel.xpath("//title/text()").get()
    return (" ".join(title.split()) or None) if title else None


def _from_html(body: bytes, url: str, content_type: str, headers: Mapping | None) -> Discovery:
    text = decode_html(body, content_type)
    sel = Selector(text=text, type="html", base_url=url)
    base = urljoin(url, sel.xpath("//base/@href").get(default="").strip())
    canonical = sel.xpath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href").get()
    home = urljoin(base, canonical.strip()) if canonical else url
    home = home if same_site(home, url) else url
    doc = Doc(text)
    platform = detect_platform(doc, home)
    if listed := _listed(home, platform, _title(sel)):
        return listed
    feeds = _alternates(sel, base)
    main = next(((href, kind) for href, kind, comments in feeds if not comments), (None, None))
    linked_comments = next((href for href, _, comments in feeds if comments), None)
    rest = sel.xpath(f"//link[@rel='{REST_REL}']/@href").get()
    return Discovery(
        home_url=home,
        feed_url=main[0],
        feed_kind=main[1],
        comments_feed_url=linked_comments or default_comments_feed(home, platform),
        rest_root=urljoin(base, rest.strip())
        if rest
        else rest_root_from_link_header(_header(headers, "link"), url),
        platform=platform,
        title=_title(sel),
        candidate_feed_urls=[] if main[0] else _candidates(home, platform),
        facts=page_facts(doc, home),
    )


def _listed(home: str, platform: str, title: str | None) -> Discovery | None:
    """A platform read through a listing that is not a feed (a Discourse forum or one of its categories:
    its JSON listing), else None."""
    found = recognition(platform)
    if found is None or found.listing is None:
        return None
    return Discovery(
        home_url=home,
        feed_url=found.listing(home),
        feed_kind=found.listing_kind,
        platform=platform,
        title=title,
    )


def discover(
    body: bytes, url: str, content_type: str | None = None, headers: Mapping | None = None
) -> Discovery:
    """Discover feed, comments feed, REST root and platform from a fetched homepage or feed.

    ``headers`` (optional) are the response headers; the ``Link`` header can carry the
    WordPress REST root. Raises ``DiscoveryError`` when the body is neither HTML nor a feed.
    """
    content_type = content_type or next(iter(_header(headers, "content-type")), "")
    if not body or not body.strip():
        raise DiscoveryError("empty response")
    if _looks_like_feed(body, content_type):
        try:
            return _from_feed(parse_feed(body, url, content_type), url)
        except FeedError as exc:
            raise DiscoveryError(f"looks like a feed but {exc}") from None
    if "html" in content_type.lower() or _HTML_HINT.search(body[:4096]):
        if b"\x00" in body[:4096]:
            raise DiscoveryError("binary content served as HTML")
        return _from_html(body, url, content_type, headers)
    try:
        return _from_feed(parse_feed(body, url, content_type), url)
    except FeedError as exc:
        raise DiscoveryError(f"neither an HTML page nor a feed ({exc})") from None
