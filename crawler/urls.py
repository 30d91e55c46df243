"""The one URL module: canonical form, same site, crawl traps, listing pages, post-like URLs, and the
rule for what a user may give as a web address (``web_url``).

Three kinds of links on a blog: **traps** are never followed (reply, share and log-in links, searches,
day-by-day calendar archives); **listings** are followed to find posts (the home page's pages, tags,
categories, authors, Blogger labels and ``/search?updated-max=`` pages, year and month archives) but
are not posts; **posts** are fetched and stored.  Spiders, ``extract_links`` and sitemaps ask this module.

``canonical_url`` is the key posts are stored under, so it must be stable: the same post
reached through a feed (``?utm_source=feedburner``), a share button (``?share=twitter``), a
reply link (``?replytocom=12#respond``) or Blogger's mobile view (``?m=1``) gets one URL.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string, url_query_cleaner

from crawler.exceptions import DoclistenError

# Query parameters that never change what a page shows (lowercase; ``utm_*`` by prefix).
DROPPED_PARAMS = frozenset(
    {
        # click and campaign trackers
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "igshid",
        "yclid",
        "ref_src",
        # WordPress share buttons (?share=twitter&nb=1) and reply links
        "share",
        "nb",
        "replytocom",
        # Blogger mobile view and comment permalinks
        "m",
        "showcomment",
        # AMP flag (?amp / ?amp=1)
        "amp",
    }
)
DROPPED_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}

_DAY_ARCHIVE = re.compile(r"/\d{4}/\d{2}/\d{2}/?(page/\d+/?)?$")
_LISTING_SEGMENTS = frozenset(
    {"tag", "tags", "category", "categories", "author", "page", "search", "archive", "archives", "label"}
)
_DATE_ARCHIVE = re.compile(r"/(?:199\d|20\d\d)(?:/(?:0[1-9]|1[0-2]))?/?$")  # /2015/, /blog/2015/03/
_BLOGGER_ARCHIVE = re.compile(r"/\d{4}_\d{2}_\d{2}_archive\.html$")  # Blogger's classic archive pages
# Not content of its own: feeds, WordPress internals, a post's paginated comments
_NOT_CONTENT = re.compile(r"/(?:feed|feeds|wp-admin|wp-content|wp-includes|comment-page-\d+)(?:/|$)", re.I)
# A view of a page linked from it (Blogger's mobile view and comment permalinks), not another page
_VIEW_PARAMS = frozenset({"m", "showcomment", "widgettype"})
_SITE_PAGE = re.compile(
    r"^/(?:about|contact|privacy|privacy-policy|terms|disclaimer)(?:-[^/]*)?(?:/|$)", re.I
)
_STATIC = (".xml", ".json", ".txt", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".css", ".js")
# /2015/03/04/slug/, /2015/03/slug/, /blog/2015/03/slug.html (day archives are traps, checked first)
_PERMALINK = re.compile(r"/\d{4}/\d{2}/(?:\d{2}/)?[^/]+(?:/|\.html?)?$")
_POST_ID = re.compile(r"(?:^|&)p=\d+(?:&|$)")  # WordPress ?p=123
_TRAP_PATH_PARTS = ("/wp-login.php", "/wp-admin/", "/xmlrpc.php", "/trackback/")
_TRAP_PARAMS = frozenset({"replytocom", "share", "action", "s", "like_comment"})


WEB_SCHEMES = ("http", "https")
SHORT_URL_LIMIT = 100
# ``javascript:alert(1)``, ``mailto:x@y`` — but not ``localhost:8080`` (a host and a port)
_OTHER_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(?!\d*(?:[/?#]|$))")
_BAD_HOST = re.compile(r"[\x00-\x20\x7f<>\"'`{}|\\^%]")


def short_url(url: str, limit: int = SHORT_URL_LIMIT) -> str:
    """``url`` for a user message: whole when short, else its start (scheme, host, …) and "…"."""
    return url if len(url) <= limit else url[: limit - 1] + "…"


class InvalidURL(DoclistenError, ValueError):
    """Text that cannot be fetched as a web page; ``reason`` says why, without repeating the URL."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{short_url(url)!r}: {reason}")
        self.url = url
        self.reason = reason


# Scrapy's URLLENGTH_LIMIT default: longer URLs are dropped by its UrlLengthMiddleware without an answer.
MAX_URL_LENGTH = 2083


def web_url(text: str, *, default_scheme: str | None = None) -> str:
    """``text`` as an http(s) URL a request can be made for, else ``InvalidURL`` (before any request).

    Refused: longer than ``MAX_URL_LENGTH``, another scheme (``javascript:``, ``ftp://``), no host, a host with spaces or markup
    characters, a port that is not 1-65535, whatever Scrapy's URL parser (w3lib) rejects. With
    ``default_scheme``, text without ``://`` is a host: ``example.com`` -> ``https://example.com/``.
    """
    url = text.strip()
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(url, f"too long ({len(url):,} characters; at most {MAX_URL_LENGTH:,})")
    if "://" not in url:
        if not default_scheme or _OTHER_SCHEME.match(url):
            raise InvalidURL(url, "not an http(s) URL")
        url = f"{default_scheme}://{url}"
    try:
        parts = urlsplit(url)
        port = parts.port
        safe_url_string(url)
    except ValueError as exc:
        reason = str(exc)
        if "Port" in reason or "port" in reason:
            port_text = parts.netloc.rpartition("@")[2].rpartition(":")[2]
            raise InvalidURL(url, f"invalid port {port_text!r} (expected 1-65535)") from None
        raise InvalidURL(url, f"not a valid URL ({reason})") from None
    if parts.scheme.lower() not in WEB_SCHEMES:
        raise InvalidURL(url, "not an http(s) URL")
    if not parts.hostname:
        raise InvalidURL(url, "no host name")
    if _BAD_HOST.search(parts.hostname):
        raise InvalidURL(url, "invalid host name")
    if port == 0:
        raise InvalidURL(url, "invalid port '0' (expected 1-65535)")
    return url if parts.path else url + "/"


def _is_dropped(name: str) -> bool:
    name = name.lower()
    return name in DROPPED_PARAMS or name.startswith(DROPPED_PREFIXES)


def _drop_default_port(url: str) -> str:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a non-numeric port: leave the URL alone
        return url
    if port is None or DEFAULT_PORTS.get(parts.scheme) != port:
        return url
    netloc = parts.netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


# URLs remembered by each of the pure URL functions below (a crawl sees each link many times)
URL_CACHE = 4096  # per function: a few MB at most


@lru_cache(maxsize=URL_CACHE)
def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute, normalised URL with tracking/view parameters and the fragment removed.

    Scheme and host are lowercased, IDN hosts punycoded, default ports dropped, the
    remaining query sorted and percent-encoding normalised (w3lib). The path, including a
    trailing slash, is kept. Idempotent.
    """
    url = safe_url_string(urljoin(base, url.strip()) if base else url.strip())
    query = urlsplit(url).query
    dropped = {name for name, _ in parse_qsl(query, keep_blank_values=True) if _is_dropped(name)}
    if dropped:
        url = url_query_cleaner(url, sorted(dropped), remove=True, unique=False, keep_fragments=True)
    return _drop_default_port(canonicalize_url(url, keep_blank_values=True))


@lru_cache(maxsize=URL_CACHE)
def is_trap(url: str) -> bool:
    """True for links a crawler must not follow: reply/share/login links, searches,
    day-by-day calendar archives.

    Feeds (``/feed/``) and paginated comments (``/comment-page-2/``) are not traps;
    neither is Blogger's ``/search?updated-max=…`` pagination or ``/search/label/X``.
    """
    parts = urlsplit(url)
    path = parts.path.lower()
    if parts.fragment.lower() == "respond":
        return True
    if any(part in path for part in _TRAP_PATH_PARTS):
        return True
    params = {name.lower() for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if params & _TRAP_PARAMS:
        return True
    if path.rstrip("/") == "/search" and "q" in params:
        return True
    return bool(_DAY_ARCHIVE.search(path))


@lru_cache(maxsize=URL_CACHE)
def _site_host(url: str) -> str:
    host = urlsplit(safe_url_string(url.strip())).hostname or ""
    return host.removeprefix("www.")


def same_site(a: str, b: str) -> bool:
    """Same host, ignoring case and a leading ``www.``."""
    host = _site_host(a)
    return bool(host) and host == _site_host(b)


def is_listing(url: str) -> bool:
    """True for pages that list posts (followed to find them, never stored as posts): paginated home
    and archive pages, tags, categories, authors, Blogger labels and searches by date, year and month
    archives.  A trap is never a listing."""
    if is_trap(url):
        return False
    path = urlsplit(url).path.lower()
    if any(segment in _LISTING_SEGMENTS for segment in path.split("/")):
        return True
    return bool(_DATE_ARCHIVE.search(path) or _BLOGGER_ARCHIVE.search(path))


def may_be_post(url: str) -> bool:
    """False for the pages that are never posts: traps, listings, feeds, WordPress internals, paginated
    comments, views of another page, site pages (about, contact) and files."""
    return not _not_a_post(url)


@lru_cache(maxsize=URL_CACHE)
def _not_a_post(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.lower()
    params = {name.lower() for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    return (
        is_trap(url)
        or is_listing(url)
        or bool(params & _VIEW_PARAMS)
        or bool(_NOT_CONTENT.search(path) or _SITE_PAGE.search(path))
        or path.endswith(_STATIC)
    )


def is_permalink(url: str) -> bool:
    """A URL shaped like a post's permalink: a dated path (``/2015/03/04/slug/``, Blogger's
    ``/2015/03/slug.html``) or WordPress's ``?p=123``, and none of the pages that are not posts."""
    parts = urlsplit(url)
    return bool(_PERMALINK.search(parts.path) or _POST_ID.search(parts.query)) and not _not_a_post(url)


def looks_like_post_url(url: str, home_url: str) -> bool:
    """A URL from a sitemap that is probably one of this blog's posts: a permalink, or on generic sites
    any path of one to three segments that is not the home page, a listing, a trap or a site page."""
    if not same_site(url, home_url) or _not_a_post(url):
        return False
    parts = urlsplit(url)
    if _PERMALINK.search(parts.path) or _POST_ID.search(parts.query):
        return True
    path = parts.path or "/"
    if path.rstrip("/") == (urlsplit(home_url).path or "/").rstrip("/"):
        return False  # the home page
    return 1 <= len([s for s in path.split("/") if s]) <= 3
