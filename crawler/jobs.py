"""What a spider is asked to crawl: one job per source, with what is already known of it.

The store loads them (``pipelines.store.jobs.load_jobs``); spiders only read them, so a spider
never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class KnownPost:
    post_id: int
    updated_at: datetime | None
    comment_count: int
    last_comment_at: datetime | None
    external_id: str | None
    entry_hash: str | None = None


@dataclass
class CachedRobots:
    """A robots.txt answer kept by the store (table ``robots_txt``) until it expires."""

    status: int  # 2xx: rules; 4xx: no rules (allow all). 5xx answers are never kept.
    body: bytes
    expires_at: datetime


@dataclass
class SourceJob:
    """What a spider needs to crawl one source incrementally (no DB access in spiders)."""

    source_id: int
    home_url: str
    feed_url: str | None
    comments_feed_url: str | None
    rest_root: str | None
    platform: str
    needs_backfill: bool
    validators: dict[str, tuple[str | None, str | None]]
    known_posts: dict[str, KnownPost]
    recheck_posts: list[str] = field(default_factory=list)  # young posts whose comments are due
    unconditional: bool = False  # ignore the feed's validators this time (stale ETags)
    claim: Any = None  # scheduler.queue.Claim in worker mode
    robots: dict[str, CachedRobots] = field(default_factory=dict)  # host (netloc) -> unexpired robots.txt
    # the site-wide comment feed's own schedule (crawler.plan.site_comments_due)
    comments_feed_checked_at: datetime | None = None  # last poll
    comments_feed_activity_at: datetime | None = None  # newest post, newest comment, last poll with new ones
    comments_feed_polls: int = 0  # polls so far (every Nth is unconditional)
    # optional endpoints that answered 401/403/404: name ("rest", "comments-feed") -> when
    closed_endpoints: dict[str, datetime] = field(default_factory=dict)
    # what a connector learnt about the source on earlier crawls (sources.connector_facts)
    facts: dict[str, str] = field(default_factory=dict)
