"""Items the spiders yield; the pipelines clean, dedup, tag and store them.

``PostItem`` and ``CommentsItem`` carry an ``annotations`` field the spiders leave empty: the processing
pipelines (dedup, keywords, enrich) fill it with a ``pipelines.annotations.ItemAnnotations`` (one entry
for the post body, one per comment in the order of ``comments``: near-duplicate signature, keyword
matches, language, sentiment), and the storage pipeline writes it in the item's own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.extract.model import ExtractedComment


@dataclass
class PostItem:
    source_id: int
    url: str  # canonical URL (the post's key)
    fetched_url: str
    platform: str
    title: str | None
    author: str | None
    published_at: datetime | None
    updated_at: datetime | None
    content_text: str
    guid: str | None = None
    external_id: str | None = None  # WordPress / Blogger post id
    entry_hash: str | None = None  # fingerprint of the feed entry that led here
    comments: list[ExtractedComment] = field(default_factory=list)
    # validators of the page, stored in the same transaction as the post
    etag: str | None = None
    last_modified: str | None = None
    # the page said noarchive (meta robots / X-Robots-Tag): metadata and keyword counts only, no text
    noarchive: bool = False
    # ``comments`` are the whole thread (the page's count matches, no comment pages): a stored comment
    # missing from them was deleted upstream
    comments_complete: bool = False
    # what the processing pipelines found (pipelines.annotations.ItemAnnotations); None until they run
    annotations: Any = field(default=None, repr=False, compare=False)


@dataclass
class PostGoneItem:
    """A post the store must not keep: its page answered 404/410 (``why`` "gone": deleted upstream, purged
    after the grace period) or asked not to be indexed (``why`` "noindex": never stored, removed at once)."""

    source_id: int
    url: str
    why: str
    status: int | None = None


@dataclass
class CommentsItem:
    """Comments of one post from a comment feed, the REST API or a comment page."""

    source_id: int
    post_url: str  # canonical URL of the post
    via: str
    comments: list[ExtractedComment]
    fetched_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    complete: bool = False  # the whole thread (a single-page REST answer): missing comments were deleted
    # what the processing pipelines found (pipelines.annotations.ItemAnnotations); None until they run
    annotations: Any = field(default=None, repr=False, compare=False)


@dataclass
class ValidatorItem:
    """Validators of a feed or listing.

    ``deferred`` validators are written only when the crawl finishes normally: a feed whose
    entries were not all processed must be fetched unconditionally next time.
    """

    source_id: int
    url: str
    etag: str | None
    last_modified: str | None
    deferred: bool = True


@dataclass
class FetchErrorItem:
    source_id: int
    url: str
    error: str
    status: int | None = None
    retry_after: datetime | None = None  # the server asked us not to come back before this
    source_level: bool = False  # the crawl's entry point (feed or listing) failed: ``sources.last_error``


@dataclass
class SourceUpdateItem:
    """Facts learnt about a source while crawling (written when the crawl finishes normally)."""

    source_id: int
    backfilled: bool = False
    comments_feed_polled: bool = False  # the site-wide comment feed was asked (its schedule restarts)
    comments_feed_new: bool = False  # ... and it listed comments we did not have
    # optional endpoints that answered 401/403/404 this crawl: name ("rest", "comments-feed") -> status
    closed_endpoints: dict[str, int] = field(default_factory=dict)
    # what a connector learnt for the next crawls (sources.connector_facts), e.g. {"disqus_forum": "x"}
    facts: dict[str, str] = field(default_factory=dict)


@dataclass
class RobotsItem:
    """A robots.txt fetched this crawl (2xx or 4xx): the store keeps it until ``expires_at``."""

    host: str  # netloc, as the robots.txt middleware keys it
    status: int
    body: bytes
    fetched_at: datetime
    expires_at: datetime


@dataclass
class SourceDoneItem:
    """Every request of one source's crawl has been answered (or failed).

    The storage pipeline writes that source's deferred items and summary; the schedule
    pipeline decides when the source is due next and completes its claim.
    """

    source_id: int
    started_at: datetime
    claim: Any = None  # scheduler.queue.Claim when a worker claimed the source
