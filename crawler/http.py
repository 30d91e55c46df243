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
