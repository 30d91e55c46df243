"""The stats contract: the counters doclisten keeps in Scrapy's stats collector, and their keys.

Spiders, the downloader middleware, the item pipelines and the scheduler talk through these counters;
this module is the one place that names them, and says what each one counts and who counts it.

- :data:`SOURCE_STATS`: per source, for one crawl of that source (``stat_key(source_id, name)``; the
  schedule pipeline resets them when the source is done). The storage pipeline writes those named in
  ``pipelines.store.crawls.SUMMARY_COLUMNS`` into the crawl's ``source_crawls`` row; the schedule
  pipeline turns them into the interval policy's input (``scheduler.policy.CrawlOutcome``).
- :data:`TOTAL_STATS`: for the whole crawl (``total_key(name)``, never reset), shown by the progress line.
- :data:`OTHER_STATS`: the other doclisten counters, by key.
"""

from __future__ import annotations

SOURCE_STATS: dict[str, str] = {
    "requests": "responses received for the source's requests (SourceStatsMiddleware)",
    "not_modified": "of those, 304 Not Modified answers (SourceStatsMiddleware)",
    "new_posts": "posts stored for the first time (storage pipeline)",
    "updated_posts": "stored posts whose title or body changed (storage pipeline)",
    "unchanged_posts": "stored posts seen again, unchanged (storage pipeline)",
    "new_comments": "comments stored for the first time (storage pipeline)",
    "duplicates": "posts dropped as duplicates within the crawl (spider: canonical URL; dedup pipeline)",
    "errors": "recorded errors: failed fetches, unreadable feeds, callbacks that failed (spider)",
    "robots_denied": "requests robots.txt refused (spider)",
    "budget_left": "requests a forum's per-crawl budget left for the next crawls (DOCLISTEN_FORUM_MAX_REQUESTS)",
    "known_items": "feed entries of posts already stored (spider; the policy polls less when most are known)",
    "feed_ttl": "the feed's <ttl>, in seconds, the largest seen (spider)",
    "cache_max_age": "the feed's Cache-Control max-age, in seconds, the largest seen (spider)",
    "listing_read": "1 once the crawl's entry point (posts feed, or a feedless blog's homepage) was read "
    "(spider); a crawl without it failed, whatever its single pages did",
    "suppressed": "posts not stored: erased (the suppression list) or older than DOCLISTEN_RETENTION_DAYS "
    "(storage pipeline)",
    "noindex_skipped": "post pages not stored because they asked not to be indexed (storage pipeline)",
    "noarchive_textless": "post pages stored without text because they said noarchive (storage pipeline)",
    "deleted_upstream": "known posts marked deleted: their page answered 404/410 (storage pipeline)",
}

TOTAL_STATS: dict[str, str] = {
    "new_posts": "posts stored for the first time in this crawl, all sources (storage pipeline)",
    "new_comments": "comments stored for the first time in this crawl, all sources (storage pipeline)",
}

SPOOLED = "doclisten/spooled"
RETRY_AFTER_WAITS = "doclisten/retry_after/waits"
RETRY_AFTER_HELD = "doclisten/retry_after/held"
OTHER_STATS: dict[str, str] = {
    SPOOLED: "items spooled because the database stayed unavailable (storage pipeline)",
    RETRY_AFTER_WAITS: "answers whose Retry-After was waited for before retrying (RetryAfterMiddleware)",
    RETRY_AFTER_HELD: "requests held back while their host rested after a Retry-After (RetryAfterMiddleware)",
}


def stat_key(source_id: int, name: str) -> str:
    """The key of a per-source counter (``name`` from :data:`SOURCE_STATS`)."""
    return f"doclisten/source/{source_id}/{name}"


def total_key(name: str) -> str:
    """The key of a whole-crawl counter (``name`` from :data:`TOTAL_STATS`)."""
    return f"doclisten/total/{name}"
