"""XML sitemaps and sitemap indexes (used to backfill a blog's older posts).

Parsing is Scrapy's ``Sitemap`` (lxml with entities off); gzip bodies are inflated with
a size cap so a compressed bomb cannot exhaust memory.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap as ScrapySitemap
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.exceptions import DoclistenError
from crawler.extract.dates import parse_iso

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file
_KINDS = ("urlset", "sitemapindex")


class SitemapError(DoclistenError, ValueError):
    """The body is not a sitemap."""


@dataclass
class Sitemap:
    kind: str  # "urlset" | "sitemapindex"
    urls: list[tuple[str, datetime | None]] = field(default_factory=list)  # (loc, lastmod UTC)


def _inflate(body: bytes) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        return gunzip(body, max_size=MAX_SITEMAP_BYTES)
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        raise SitemapError(f"bad gzip sitemap: {exc}") from None


def parse_sitemap(body: bytes) -> Sitemap:
    """Parse a (possibly gzipped) ``<urlset>`` or ``<sitemapindex>``."""
    body = _inflate(body)
    if not body.strip():
        raise SitemapError("empty sitemap")
    try:
        parsed = ScrapySitemap(body)
        kind = parsed.type
        entries = list(parsed)
    except StopIteration:
        raise SitemapError("not XML: no root element") from None
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not XML: {exc}") from None
    if kind not in _KINDS:
        raise SitemapError(f"root element <{kind}> is not urlset or sitemapindex")
    urls = [(e["loc"], parse_iso(e.get("lastmod"))) for e in entries if e.get("loc")]
    return Sitemap(kind=kind, urls=urls)


def sitemaps_from_robots(robots_txt: str, base_url: str) -> list[str]:
    """Absolute ``Sitemap:`` URLs from a robots.txt, without duplicates."""
    text = robots_txt.encode("utf-8") if isinstance(robots_txt, str) else robots_txt
    return list(dict.fromkeys(sitemap_urls_from_robots(text, base_url=base_url)))
