"""Crawl jobs (:class:`crawler.jobs.SourceJob`) loaded from ``sources``, ``posts`` and ``url_validators``
(take a Session, never commit), and for `scrapy crawl blogs` (the doclisten CLI loads them itself)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.extract.dates import to_utc
from crawler.jobs import KnownPost, SourceJob
from crawler.plan import comments_due
from pipelines.store import robots
from pipelines.store.db import open_database, session_factory
from pipelines.store.models import Post, Source, UrlValidator
from pipelines.store.sources import find_sources


def load_jobs(session: Session, sources: Sequence[Source], now: datetime | None = None) -> list[SourceJob]:
    now = now or datetime.now(UTC)
    jobs = []
    for src in sources:
        validators = {
            v.url: (v.etag, v.last_modified)
            for v in session.execute(select(UrlValidator).where(UrlValidator.source_id == src.id)).scalars()
        }
        rows = session.execute(
            select(
                Post.id,
                Post.url,
                Post.updated_at,
                Post.comment_count,
                Post.last_comment_at,
                Post.external_id,
                Post.entry_hash,
                Post.published_at,
                Post.comments_checked_at,
            ).where(Post.source_id == src.id)
        ).all()
        known = {
            r.url: KnownPost(
                r.id,
                to_utc(r.updated_at),
                r.comment_count,
                to_utc(r.last_comment_at),
                r.external_id,
                r.entry_hash,
            )
            for r in rows
        }
        activity = [
            src.comments_feed_new_at,
            *(r.published_at for r in rows),
            *(r.last_comment_at for r in rows),
        ]
        jobs.append(
            SourceJob(
                source_id=src.id,
                home_url=src.home_url,
                feed_url=src.feed_url,
                comments_feed_url=src.comments_feed_url,
                rest_root=src.rest_root,
                platform=src.platform,
                needs_backfill=src.backfilled_at is None,
                validators=validators,
                known_posts=known,
                recheck_posts=[
                    r.url
                    for r in rows
                    if comments_due(to_utc(r.published_at), to_utc(r.comments_checked_at), now)
                ],
                robots=robots.kept_robots(session, robots.source_hosts(src), now),
                comments_feed_checked_at=to_utc(src.comments_feed_checked_at),
                comments_feed_activity_at=max((to_utc(a) for a in activity if a is not None), default=None),
                comments_feed_polls=src.comments_feed_polls or 0,
                closed_endpoints=robots.closed_endpoints(src),
                facts=dict(src.connector_facts or {}),
            )
        )
    return jobs


def load_jobs_for_crawler(settings: Any, sources: str | None = None) -> list[SourceJob]:
    """``sources``: comma-separated ids or URLs (``-a sources=1,2``); all enabled sources when empty."""
    engine = open_database(settings["DOCLISTEN_DATABASE_URL"])
    try:
        refs = [s for s in (sources or "").split(",") if s.strip()]
        with session_factory(engine).begin() as session:
            return load_jobs(session, find_sources(session, refs))
    finally:
        engine.dispose()
