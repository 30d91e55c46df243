"""Repository functions for ``crawls``, ``source_crawls`` and ``fetch_errors``: what each crawl did
(take a Session, never commit)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.items import FetchErrorItem
from pipelines.store.models import Crawl, FetchError, Source, SourceCrawl

# the per-source counters (crawler.stats.SOURCE_STATS) a crawl's summary row keeps
SUMMARY_COLUMNS = (
    "requests",
    "not_modified",
    "new_posts",
    "updated_posts",
    "new_comments",
    "duplicates",
    "errors",
)


def start_crawl(session: Session, started_at: datetime) -> int:
    """A new ``crawls`` row, running. Returns its id."""
    crawl = Crawl(started_at=started_at, status="running")
    session.add(crawl)
    session.flush()
    return crawl.id


def finish_crawl(session: Session, crawl_id: int, finished_at: datetime, *, interrupted: bool) -> None:
    crawl = session.get(Crawl, crawl_id)
    if crawl is not None:
        crawl.finished_at = finished_at
        crawl.status = "interrupted" if interrupted else "finished"


def add_finished_crawl(session: Session, started_at: datetime, finished_at: datetime) -> int:
    """A ``crawls`` row for a crawl already done (a worker's round of one source). Returns its id."""
    crawl = Crawl(started_at=started_at, finished_at=finished_at, status="finished")
    session.add(crawl)
    session.flush()
    return crawl.id


def write_summary(session: Session, crawl_id: int, source_id: int, counts: Mapping[str, int]) -> None:
    """Upsert the source's summary row of the crawl (``SUMMARY_COLUMNS``: ``counts``, 0 when missing);
    nothing when the source was removed while it was being crawled."""
    if session.get(Source, source_id) is None:
        return
    values = {name: int(counts.get(name, 0)) for name in SUMMARY_COLUMNS}
    existing = session.execute(
        select(SourceCrawl).where(SourceCrawl.crawl_id == crawl_id, SourceCrawl.source_id == source_id)
    ).scalar()
    if existing is None:
        session.add(SourceCrawl(crawl_id=crawl_id, source_id=source_id, **values))
    else:
        for key, value in values.items():
            setattr(existing, key, value)


def add_fetch_error(session: Session, crawl_id: int | None, item: FetchErrorItem, now: datetime) -> None:
    """Keep a failed fetch for diagnosis (the error text is cut at 2000 characters)."""
    session.add(
        FetchError(
            crawl_id=crawl_id,
            source_id=item.source_id,
            url=item.url,
            status=item.status,
            error=item.error[:2000],
            occurred_at=now,
        )
    )
