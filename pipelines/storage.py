"""Storage pipeline: items go to the process's writer thread, several per transaction, upserts only.

``process_item`` hands the item to a :class:`pipelines.store.writer.Writer` (one thread, batches of up to
``DOCLISTEN_WRITE_BATCH_ITEMS`` items or ``DOCLISTEN_WRITE_BATCH_SECONDS``) and waits for its commit: the
reactor keeps downloading and parsing meanwhile, Scrapy's back-pressure applies, and an item that left
this pipeline is durable (committed, or spooled to disk while the database is unavailable). Writes are
set-based (:mod:`pipelines.store.comments`); the crawl stats are updated in the reactor thread from the
counts the writer returns.

Validators of a post page or comment feed are written in the same transaction as what the page
produced. Feed validators and "backfill done" marks are written only when the source finishes (its
``SourceDoneItem``, after every item of the source was committed), so a crawl killed at any moment is
simply redone by the next run.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy.exc import InterfaceError, OperationalError
from twisted.internet.defer import Deferred

from crawler.exceptions import one_line
from crawler.items import (
    CommentsItem,
    FetchErrorItem,
    PostGoneItem,
    PostItem,
    RobotsItem,
    SourceDoneItem,
    SourceUpdateItem,
    ValidatorItem,
)
from crawler.stats import SPOOLED, stat_key, total_key
from pipelines import pseudonym
from pipelines.store import analysis, comments, crawls, posts, privacy, robots, search_index
from pipelines.store.db import open_database, session_factory, utcnow
from pipelines.store.keys import text_hash
from pipelines.store.sources import mark_backfilled, mask_title, record_source_error
from pipelines.store.spool import Spool
from pipelines.store.validators import save_validator
from pipelines.store.writer import Spooled, Writer

logger = logging.getLogger(__name__)

Counts = Counter[tuple[int, str]]  # (source id, stat name) -> increment


@dataclass
class SourceDone:
    """A finished source as the writer stores it: its deferred writes and its summary counts, taken in
    the reactor thread once every earlier item was committed (a spooled one keeps all of it)."""

    item: SourceDoneItem
    crawl_id: int | None
    deferred: list[Any] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


class StoragePipeline:
    def __init__(self, database_url: str, crawl_id: int | None, crawler: Any):
        self.database_url = database_url
        self.crawl_id = crawl_id
        self.crawler = crawler
        self.engine: Any = None
        self.sessions: Any = None
        self.writer: Writer | None = None
        self.deferred: list[Any] = []
        self.sources: set[int] = set()
        self.done: set[int] = set()
        self.worker = False
        self.finish_crawl = True  # False: one process of a split crawl (the parent finishes the row)
        self.retry_seconds = 60.0
        self.batch_items = 50
        self.batch_seconds = 0.2
        self.spool = Spool("doclisten-spool")
        self.close_reason = "finished"
        self.pseudonymizer: pseudonym.Pseudonymizer | None = None
        self.retention: timedelta | None = None  # DOCLISTEN_RETENTION_DAYS: older items are not stored

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        s = crawler.settings
        crawl_id = s.get("DOCLISTEN_CRAWL_ID")
        pipe = cls(s["DOCLISTEN_DATABASE_URL"], int(crawl_id) if crawl_id else None, crawler)
        pipe.worker = s.getbool("DOCLISTEN_WORKER")
        pipe.finish_crawl = s.getbool("DOCLISTEN_FINISH_CRAWL", True)
        pipe.retry_seconds = s.getfloat("DOCLISTEN_DB_RETRY_SECONDS", 60.0)
        pipe.batch_items = s.getint("DOCLISTEN_WRITE_BATCH_ITEMS", 50)
        pipe.batch_seconds = s.getfloat("DOCLISTEN_WRITE_BATCH_SECONDS", 0.2)
        pipe.spool = Spool(s.get("DOCLISTEN_SPOOL_DIR") or "doclisten-spool")
        pipe.pseudonymizer = pseudonym.from_settings(crawler.settings)
        days = s.get("DOCLISTEN_RETENTION_DAYS")
        pipe.retention = timedelta(days=float(days)) if days not in (None, "") else None
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    def open_spider(self) -> None:
        """Open the engine, store what was spooled, start the crawl's row (before any item arrives)."""
        self.engine = open_database(self.database_url)
        self.sessions = session_factory(self.engine)
        self.writer = Writer(
            self.sessions,
            self._write_unit,
            self.spool,
            batch_items=self.batch_items,
            batch_seconds=self.batch_seconds,
            retry_seconds=self.retry_seconds,
        )
        replayed = self.spool.replay(self._replay)
        if replayed:
            logger.warning("stored %d items spooled while the database was unavailable", replayed)
        if self.crawl_id is None and not self.worker:  # a worker writes one crawls row per source round
            with self.sessions.begin() as s:
                self.crawl_id = crawls.start_crawl(s, utcnow())
        spider = self.crawler.spider
        self.sources = set(getattr(spider, "jobs", {}) or {})

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.close_reason = reason

    async def close_spider(self) -> None:
        """Wait until the writer has committed everything queued, then record the end of the crawl."""
        if self.writer is not None:
            await self._wait(self.writer.close())
        self.close_now()

    def close_now(self) -> None:
        """The end of the crawl, written in the calling thread (the writer thread has ended).

        Sources still unfinished keep their deferred writes unwritten: the next crawl redoes them."""
        now = utcnow()
        if self.crawl_id is None:
            self.engine.dispose()
            return
        try:
            with self.sessions.begin() as s:
                for source_id in sorted(self.sources - self.done):
                    self._write_summary(s, self.crawl_id, source_id, self._summary_counts(source_id))
                if self.finish_crawl:
                    crawls.finish_crawl(s, self.crawl_id, now, interrupted=self.close_reason != "finished")
        except (OperationalError, InterfaceError) as exc:  # only the crawl's bookkeeping is lost
            logger.warning("could not record the end of crawl %s: %s", self.crawl_id, one_line(exc))
        finally:
            self.engine.dispose()

    # ------------------------------------------------------------------ items

    async def process_item(self, item: Any) -> Any:
        """Hand ``item`` to the writer; return it once it is committed (or spooled)."""
        if self._defer(item):
            return item
        assert self.writer is not None, "open_spider() first"
        work: Any = item
        if isinstance(item, SourceDoneItem):  # its counts are complete once the source's items are in
            await self._wait(self.writer.barrier())
            work = self._source_done(item)
        deferred = self.writer.submit(work)
        deferred.addCallback(self._written, work)
        await self._wait(deferred)
        return item

    def store_now(self, item: Any) -> Any:
        """Store ``item`` at once in the calling thread, in its own transaction (scripts and tests that
        run no reactor; a crawl goes through :meth:`process_item`)."""
        if not self._defer(item):
            self.write(item)
        return item

    @staticmethod
    async def _wait(deferred: Deferred[Any]) -> Any:
        return await maybe_deferred_to_future(deferred)

    def _defer(self, item: Any) -> bool:
        """Feed validators and source facts wait for the source's end (:class:`SourceDone`)."""
        if isinstance(item, (ValidatorItem, SourceUpdateItem)) and getattr(item, "deferred", True):
            self.deferred.append(item)
            return True
        return False

    def _source_done(self, item: SourceDoneItem) -> SourceDone:
        return SourceDone(
            item,
            self.crawl_id,
            [d for d in self.deferred if d.source_id == item.source_id],
            self._summary_counts(item.source_id),
        )

    def _summary_counts(self, source_id: int) -> dict[str, int]:
        stats = self.crawler.stats
        return {name: stats.get_value(stat_key(source_id, name), 0) for name in crawls.SUMMARY_COLUMNS}

    def _written(self, outcome: Any, work: Any) -> Any:
        """In the reactor thread, right after the commit: the crawl stats, the finished source."""
        if isinstance(outcome, Spooled):
            self.crawler.stats.inc_value(SPOOLED)
        else:
            for (source_id, name), value in outcome.items():
                self._inc(source_id, name, value)
        if isinstance(work, SourceDone):  # committed or spooled: its deferred writes went with it
            source_id = work.item.source_id
            self.deferred = [d for d in self.deferred if d.source_id != source_id]
            self.done.add(source_id)
            self.sources.add(source_id)
        return outcome

    def write(self, item: Any) -> None:
        """Store one item (or spooled unit) in its own transaction, in the calling thread."""
        work = self._source_done(item) if isinstance(item, SourceDoneItem) else item
        with self.sessions.begin() as s:
            counts = self._write_unit(s, work)
        self._written(counts, work)

    def _write_unit(self, s: Any, work: Any) -> Counts:
        """Write one unit in the writer's transaction ``s``; returns the crawl stats to add."""
        now, counts = utcnow(), Counts()
        if isinstance(work, SourceDone):
            self._finish_source(s, work, now)
        elif isinstance(work, PostItem):
            self._store_post(s, work, now, counts)
        elif isinstance(work, CommentsItem):
            self._store_comments(s, work, now, counts)
        elif isinstance(work, ValidatorItem):
            save_validator(s, work.url, work.source_id, work.etag, work.last_modified, now)
        elif isinstance(work, FetchErrorItem):
            crawls.add_fetch_error(s, self.crawl_id, work, now)
            record_source_error(s, work, now)
        elif isinstance(work, PostGoneItem):
            self._post_gone(s, work, now, counts)
        elif isinstance(work, RobotsItem):
            robots.save_robots(s, work.host, work.status, work.body, work.fetched_at, work.expires_at)
        return counts

    def _replay(self, work: Any) -> None:
        """A spooled unit, stored at open (its source's end belongs to the crawl that spooled it)."""
        with self.sessions.begin() as s:
            counts = self._write_unit(s, work)
        for (source_id, name), value in counts.items():
            self._inc(source_id, name, value)

    def _inc(self, source_id: int, name: str, value: int = 1) -> None:
        if value:
            self.crawler.stats.inc_value(stat_key(source_id, name), value)
            self.crawler.stats.inc_value(total_key(name), value)

    def _post_gone(self, s: Any, item: PostGoneItem, now: datetime, counts: Counts) -> None:
        """404/410 on a known post: marked deleted (purged after the grace period); noindex: removed now."""
        if item.why == privacy.NOINDEX:
            privacy.record_noindex(s, item.source_id, item.url, now)
            counts[item.source_id, "noindex_skipped"] += 1
        elif privacy.mark_post_deleted(s, item.url, now):
            counts[item.source_id, "deleted_upstream"] += 1

    def _store_post(self, s: Any, item: PostItem, now: datetime, counts: Counts) -> None:
        if privacy.too_old(item.published_at, now, self.retention):
            counts[item.source_id, "suppressed"] += 1  # older than the retention period
            return
        blocked = privacy.blocked(s, item.url, item.author, item.comments, text_hash, with_post=True)
        if blocked.post:  # erased: the suppression list keeps it out
            counts[item.source_id, "suppressed"] += 1
            return
        keep_text = not item.noarchive
        if item.noarchive:
            _withhold_snippets(item.annotations)
            counts[item.source_id, "noarchive_textless"] += 1
        skip = blocked.comments | self._old_comments(item.comments, now)
        saved = posts.save_post(s, item, now, withhold=not keep_text)
        status = {"new": "new_posts", "updated": "updated_posts"}.get(saved.status, "unchanged_posts")
        counts[item.source_id, status] += 1
        stored = comments.merge_comments(
            s,
            saved.id,
            item.comments,
            now,
            new_post=saved.status == "new",
            skip=skip,
            keep_text=keep_text,
            complete=item.comments_complete,
        )
        counts[item.source_id, "new_comments"] += stored.new
        if item.comments_complete and stored.unseen:  # gone from the thread upstream
            privacy.mark_comments_deleted(s, stored.unseen, now)
        changes = {**saved.changes, "comments_checked_at": now, **comments.stats_values()}
        if saved.status != "unchanged":  # an unchanged post keeps its index entry and annotations
            search_index.index_post(s, saved.id, item.title, item.content_text if keep_text else "")
            analysis.store_post_annotations(
                s, saved.id, item.annotations, changes, new_post=saved.status == "new"
            )
        posts.update_post(s, saved.id, changes)
        search_index.index_comments(s, saved.id, stored.written)
        analysis.store_comment_annotations(s, saved.id, stored.annotate, item.annotations)
        save_validator(s, item.fetched_url, item.source_id, item.etag, item.last_modified, now)
        self._mask_source_title(s, item.source_id, [item.author, *(c.author for c in item.comments)])

    def _store_comments(self, s: Any, item: CommentsItem, now: datetime, counts: Counts) -> None:
        post_id, withheld = posts.post_state_for_url(s, item.post_url)
        if post_id is None:
            logger.info("comments for unknown post %s skipped", item.post_url)
            return
        blocked = privacy.blocked(s, item.post_url, None, item.comments, text_hash, with_post=False)
        if withheld:
            _withhold_snippets(item.annotations)
        stored = comments.merge_comments(
            s,
            post_id,
            item.comments,
            now,
            skip=blocked.comments | self._old_comments(item.comments, now),
            keep_text=not withheld,
            complete=item.complete,
        )
        counts[item.source_id, "new_comments"] += stored.new
        if item.complete and stored.unseen:  # gone from the thread upstream
            privacy.mark_comments_deleted(s, stored.unseen, now)
        posts.update_post(s, post_id, {"comments_checked_at": now, **comments.stats_values()})
        search_index.index_comments(s, post_id, stored.written)
        analysis.store_comment_annotations(s, post_id, stored.annotate, item.annotations)
        if item.fetched_url:
            save_validator(s, item.fetched_url, item.source_id, item.etag, item.last_modified, now)
        self._mask_source_title(s, item.source_id, [c.author for c in item.comments])

    def _old_comments(self, found: list[Any], now: datetime) -> set[int]:
        """Indices of comments published before the retention period (not stored)."""
        if self.retention is None:
            return set()
        return {i for i, c in enumerate(found) if privacy.too_old(c.published_at, now, self.retention)}

    def _mask_source_title(self, s: Any, source_id: int, authors: list[str | None]) -> None:
        """Pseudonymized: the names of the authors stored for a source are masked in its title."""
        masker = self.pseudonymizer
        pseudonyms = {a for a in authors if a and a.startswith(pseudonym.NAME_PREFIX)}
        if masker is not None and pseudonyms:
            mask_title(s, source_id, lambda title: masker.mask(title, pseudonyms))

    # ------------------------------------------------------------------ end of a source

    def _finish_source(self, s: Any, done: SourceDone, now: datetime) -> None:
        """Every request of the source was answered: its feed validators and marks can be written."""
        for deferred in done.deferred:
            self._write_deferred(s, deferred, now)
        crawl_id = done.crawl_id
        if done.item.claim is not None:  # a worker: one crawls row per source round
            crawl_id = crawls.add_finished_crawl(s, done.item.started_at, now)
        self._write_summary(s, crawl_id, done.item.source_id, done.counts)

    def _write_deferred(self, s: Any, item: Any, now: datetime) -> None:
        if isinstance(item, ValidatorItem):
            save_validator(s, item.url, item.source_id, item.etag, item.last_modified, now)
        elif isinstance(item, SourceUpdateItem):
            if item.backfilled:
                mark_backfilled(s, item.source_id, now)
            robots.record_source_facts(s, item, now)

    @staticmethod
    def _write_summary(s: Any, crawl_id: int | None, source_id: int, counts: dict[str, int]) -> None:
        if crawl_id is not None:
            crawls.write_summary(s, crawl_id, source_id, counts)


def _withhold_snippets(notes: Any) -> None:
    """noarchive: keyword matches keep their counts, not the text around them."""
    if notes is None:
        return
    for facts in [notes.post, *notes.comments]:
        for match in facts.matches or ():
            match.snippet = ""
