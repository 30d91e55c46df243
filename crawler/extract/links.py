"""``extract_links``: post links and the next archive page of a blog index/archive page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from crawler.extract.text import inline_text
from crawler.extract.tree import parse_html, select

TITLE_LINK_CSS = (
    "h1.entry-title a, h2.entry-title a, h3.entry-title a, .post-title a, h3.post-title a, "
    "article a[rel=bookmark], a[rel=bookmark], .wp-block-post-title a"
)
NEXT_CSS = (
    "a.next.page-numbers, .nav-previous a, a.blog-pager-older-link, #blog-pager-older-link a, "
    ".wp-block-query-pagination-next, .nav-links a.next, a[rel=next], .pagination a.next"
)
_POST_PATH = re.compile(
    r"^/(?:[^/]+/)?\d{4}/\d{2}/(?:\d{2}/)?[^/]+(?:/|\.html?)?$"  # /YYYY/MM/(DD/)slug/ and Blogger .html
)
_POST_QUERY = re.compile(r"(?:^|&)p=\d+(?:&|$)")
_TRAP = re.compile(
    r"replytocom=|/feed/?$|/feeds/|/wp-admin/|/wp-login\.php|/tag/|/category/|/author/|/label/|/search"
    r"|[?&]share=|/comment-page-|/trackback/?$|showComment=|[?&](?:s|m|widgetType|action)=|/page/\d+",
    re.I,
)
_OLDER_TEXT = re.compile(r"^\W*(older (posts|entries)|ältere (beiträge|einträge)|next page)\W*$", re.I)
_POST_NAV = "ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' post-navigation ')]"


@dataclass
class PageLinks:
    post_links: list[str] = field(default_factory=list)
    next_page: str | None = None


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _absolute(base: str, href: str | None) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    absolute = urldefrag(urljoin(base, href))[0]
    return absolute if absolute.startswith(("http://", "https://")) else None


def _is_post(url: str) -> bool:
    parts = urlsplit(url)
    if _TRAP.search(url):
        return False
    return bool(_POST_PATH.match(parts.path)) or (
        parts.path in ("", "/") and bool(_POST_QUERY.search(parts.query))
    )


def _post_links(root: etree._Element, url: str, host: str) -> list[str]:
    found: dict[str, None] = {}
    titled = set(select(root, TITLE_LINK_CSS))
    for a in select(root, "a[href]"):
        link = _absolute(url, a.get("href"))
        if not link or _host(link) != host or _TRAP.search(link):
            continue
        if a in titled or _is_post(link):
            found.setdefault(link, None)
    return list(found)


def _next_page(root: etree._Element, url: str, host: str) -> str | None:
    for href in select(root, "head link[rel=next]"):
        link = _absolute(url, href.get("href"))
        if link and _host(link) == host:
            return link
    candidates = [a for a in select(root, NEXT_CSS) if not a.xpath(_POST_NAV)]
    candidates += [a for a in select(root, "a[href]") if _OLDER_TEXT.match(inline_text(a))]
    for a in candidates:
        link = _absolute(url, a.get("href") if a.tag == "a" else a.xpath("string(.//a/@href)"))
        if link and _host(link) == host and link != url and "replytocom=" not in link:
            return link
    return None


def extract_links(html: bytes | str | etree._Element, url: str) -> PageLinks:
    """Post links (same host, no reply/feed/admin/taxonomy/share traps) and the next archive page."""
    root = parse_html(html)
    host = _host(url)
    return PageLinks(post_links=_post_links(root, url, host), next_page=_next_page(root, url, host))
