"""URL canonicalization and crawl-trap detection.

``canonical_url`` is the key posts are stored under, so it must be stable: the same post
reached through a feed (``?utm_source=feedburner``), a share button (``?share=twitter``), a
reply link (``?replytocom=12#respond``) or Blogger's mobile view (``?m=1``) gets one URL.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string, url_query_cleaner

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
_TRAP_PATH_PARTS = ("/wp-login.php", "/wp-admin/", "/xmlrpc.php", "/trackback/")
_TRAP_PARAMS = frozenset({"replytocom", "share", "action", "s", "like_comment"})


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


def _site_host(url: str) -> str:
    host = urlsplit(safe_url_string(url.strip())).hostname or ""
    return host.removeprefix("www.")


def same_site(a: str, b: str) -> bool:
    """Same host, ignoring case and a leading ``www.``."""
    host = _site_host(a)
    return bool(host) and host == _site_host(b)
