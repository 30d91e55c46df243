"""``extract_links``: post links and the next archive page of a blog index/archive page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin

from lxml import etree

from crawler.extract.text import inline_text
from crawler.extract.tree import parse_html, select
from crawler.urls import is_permalink, may_be_post, same_site

TITLE_LINK_CSS = (
    "h1.entry-title a, h2.entry-title a, h3.entry-title a, .post-title a, h3.post-title a, "
    "article a[rel=bookmark], a[rel=bookmark], .wp-block-post-title a"
)
NEXT_CSS = (
    "a.next.page-numbers, .nav-previous a, a.blog-pager-older-link, #blog-pager-older-link a, "
    ".wp-block-query-pagination-next, .nav-links a.next, a[rel=next], .pagination a.next"
)
_OLDER_TEXT = re.compile(r"^\W*(older (posts|entries)|ältere (beiträge|einträge)|next page)\W*$", re.I)
_POST_NAV = "ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' post-navigation ')]"


@dataclass
class PageLinks:
    post_links: list[str] = field(default_factory=list)
    next_page: str | None = None


def _absolute(base: str, href: str | None) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    absolute = urldefrag(urljoin(base, href))[0]
    return absolute if absolute.startswith(("http://", "https://")) else None


def _post_links(root: etree._Element, url: str) -> list[str]:
    found: dict[str, None] = {}
    titled = set(select(root, TITLE_LINK_CSS))
    for a in select(root, "a[href]"):
        link = _absolute(url, a.get("href"))
        if not link or not same_site(link, url):
            continue
        if is_permalink(link) if a not in titled else may_be_post(link):
            found.setdefault(link, None)
    return list(found)


def _next_page(root: etree._Element, url: str) -> str | None:
    for href in select(root, "head link[rel=next]"):
        link = _absolute(url, href.get("href"))
        if link and same_site(link, url):
            return link
    candidates = [a for a in select(root, NEXT_CSS) if not a.xpath(_POST_NAV)]
    candidates += [a for a in select(root, "a[href]") if _OLDER_TEXT.match(inline_text(a))]
    for a in candidates:
        link = _absolute(url, a.get("href") if a.tag == "a" else a.xpath("string(.//a/@href)"))
        if link and same_site(link, url) and link != url and "replytocom=" not in link:
            return link
    return None


def extract_links(html: bytes | str | etree._Element, url: str) -> PageLinks:
    """Post links (same host, no reply/feed/admin/taxonomy/share traps) and the next archive page."""
    root = parse_html(html)
    return PageLinks(post_links=_post_links(root, url), next_page=_next_page(root, url))
