"""HTTP header rules the crawl and the schedule share (Cache-Control, …)."""

from __future__ import annotations


def max_age(cache_control: str | None) -> int | None:
    """Seconds from a Cache-Control header's max-age / s-maxage."""
    if not cache_control:
        return None
    best = None
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() in ("max-age", "s-maxage") and value.strip().isdigit():
            best = max(best or 0, int(value.strip()))
    return best


ROBOTS_MAX_LIFETIME = 24 * 3600  # RFC 9309 2.4: a cached robots.txt is not used for more than 24 hours


def robots_lifetime(status: int, cache_control: str | None) -> int:
    """Seconds a robots.txt answer may be kept: its Cache-Control max-age (``no-store``/``no-cache``: 0),
    at most 24 h, 24 h without one. 2xx and 4xx answers only: a 5xx (or no answer) is not kept (0)."""
    if status >= 500 or status < 200:
        return 0
    directives = {part.strip().split("=")[0].lower() for part in (cache_control or "").split(",")}
    if directives & {"no-store", "no-cache"}:
        return 0
    age = max_age(cache_control)
    return ROBOTS_MAX_LIFETIME if age is None else min(age, ROBOTS_MAX_LIFETIME)
