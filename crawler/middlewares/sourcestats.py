"""Counts requests and 304 answers per source (``meta["source_id"]``) in the crawler stats.

The other per-source counters are kept by the spider and the storage pipeline; ``listing_read`` is 1
once the entry point of the crawl (the posts feed, or the homepage listing of a blog without a feed)
was read: a crawl without it failed, whatever its single pages did (``scheduler.pipeline``).
"""

from __future__ import annotations

from typing import Any

# Per-source counters of one crawl of that source (reset when the source is done).
SOURCE_STATS = (
    "requests",
    "not_modified",
    "new_posts",
    "updated_posts",
    "unchanged_posts",
    "new_comments",
    "duplicates",
    "errors",
    "robots_denied",
    "known_items",
    "feed_ttl",
    "cache_max_age",
    "listing_read",
)


def stat_key(source_id: int, name: str) -> str:
    return f"doclisten/source/{source_id}/{name}"


def total_key(name: str) -> str:
    """A counter of the whole crawl (never reset), e.g. what storage wrote: the progress line shows it."""
    return f"doclisten/total/{name}"


class SourceStatsMiddleware:
    def __init__(self, stats: Any):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> SourceStatsMiddleware:
        return cls(crawler.stats)

    def process_response(self, request: Any, response: Any) -> Any:
        source_id = request.meta.get("source_id")
        if source_id is not None and not request.meta.get("robots_txt"):  # (answered without a request)
            self.stats.inc_value(stat_key(source_id, "requests"))
            if response.status == 304:
                self.stats.inc_value(stat_key(source_id, "not_modified"))
        return response
