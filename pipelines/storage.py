"""Storage pipeline: every item in its own transaction, upserts only.

Validators of a post page or comment feed are written in the same transaction as what the
page produced. Feed validators and "backfill done" marks are written only when the crawl
finishes normally, so a crawl killed at any moment is simply redone by the next run.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import InterfaceError, OperationalError

from crawler.exceptions import one_line
from crawler.items import (
    CommentsItem,
    FetchErrorItem,
    PostItem,
    RobotsItem,
    SourceDoneItem,
    SourceUpdateItem,
    ValidatorItem,
)
from crawler.stats import SPOOLED, stat_key, total_key
from pipelines import pseudonym
from pipelines.store import analysis, comments, crawls, posts, robots, search_index
from pipelines.store.db import open_database, session_factory, utcnow
from pipelines.store.sources import mark_backfilled, mask_title, record_source_error
from pipelines.store.spool import Spool
from pipelines.store.validators import save_validator

logger = logging.getLogger(__name__)


class StoragePipeline:
    def __init__(self, database_url: str, crawl_id: int | None, crawler: Any):
        self.database_url = database_url
        self.crawl_id = crawl_id
        self.crawler = crawler
        self.engine: Any = None
        self.sessions: Any = None
        self.deferred: list[Any] = []
        self.sources: set[int] = set()
        self.done: set[int] = set()
        self.worker = False
        self.finish_crawl = True  # False: one process of a split crawl (the parent finishes the row)
        self.retry_seconds = 60.0
        self.spool = Spool("doclisten-spool")
        self.close_reason = "finished"
        self.pseudonymizer: pseudonym.Pseudonymizer | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        s = crawler.settings
        crawl_id = s.get("DOCLISTEN_CRAWL_ID")
        pipe = cls(s["DOCLISTEN_DATABASE_URL"], int(crawl_id) if crawl_id else None, crawler)
        pipe.worker = s.getbool("DOCLISTEN_WORKER")
        pipe.finish_crawl = s.getbool("DOCLISTEN_FINISH_CRAWL", True)
        pipe.retry_seconds = s.getfloat("DOCLISTEN_DB_RETRY_SECONDS", 60.0)
        pipe.spool = Spool(s.get("DOCLISTEN_SPOOL_DIR") or "doclisten-spool")
        pipe.pseudonymizer = pseudonym.from_settings(crawler.settings)
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    def open_spider(self) -> None:
        self.engine = open_database(self.database_url)
        self.sessions = session_factory(self.engine)
        replayed = self.spool.replay(self.write)
        if replayed:
            logger.warning("stored %d items spooled while the database was unavailable", replayed)
        if self.crawl_id is None and not self.worker:  # a worker writes one crawls row per source round
            with self.sessions.begin() as s:
                self.crawl_id = crawls.start_crawl(s, utcnow())
        spider = self.crawler.spider
        self.sources = set(getattr(spider, "jobs", {}) or {})

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.close_reason = reason

    def close_spider(self) -> None:
        """Sources still unfinished keep their deferred writes unwritten: the next crawl redoes them."""
        now = utcnow()
        if self.crawl_id is None:
            self.engine.dispose()
            return
        try:
            with self.sessions.begin() as s:
                for source_id in sorted(self.sources - self.done):
                    self._write_summary(s, self.crawl_id, source_id)
                if self.finish_crawl:
                    crawls.finish_crawl(s, self.crawl_id, now, interrupted=self.close_reason != "finished")
        except (OperationalError, InterfaceError) as exc:  # only the crawl's bookkeeping is lost
            logger.warning("could not record the end of crawl %s: %s", self.crawl_id, one_line(exc))
        finally:
            self.engine.dispose()

    # ------------------------------------------------------------------ items

    def process_item(self, item: Any) -> Any:
        if isinstance(item, (ValidatorItem, SourceUpdateItem)) and getattr(item, "deferred", True):
            self.deferred.append(item)
            return item
        try:
            self.write(item)
        except (OperationalError, InterfaceError) as exc:  # server gone, restarting, or a conflict
            return deferred_from_coro(self._retry(item, exc))
        return item

    async def _retry(self, item: Any, exc: Exception) -> Any:
        """Retry with backoff (without blocking the crawl), then spool: the item is never lost."""
        delay, waited = 0.5, 0.0
        while waited < self.retry_seconds:
            logger.warning("database unavailable (%s); retrying in %.1fs", one_line(exc), delay)
            await asyncio.sleep(delay)
            waited += delay
            delay = min(delay * 2, 10.0)
            try:
                self.write(item)
                return item
            except (OperationalError, InterfaceError) as again:
                exc = again
        self.spool.put(item, exc)
        self.crawler.stats.inc_value(SPOOLED)
        return item

    def write(self, item: Any) -> None:
        """Store one item in its own transaction."""
        now = utcnow()
        with self.sessions.begin() as s:
            if isinstance(item, SourceDoneItem):
                self._finish_source(s, item, now)
            elif isinstance(item, PostItem):
                self._store_post(s, item, now)
            elif isinstance(item, CommentsItem):
                self._store_comments(s, item, now)
            elif isinstance(item, ValidatorItem):
                save_validator(s, item.url, item.source_id, item.etag, item.last_modified, now)
            elif isinstance(item, FetchErrorItem):
                crawls.add_fetch_error(s, self.crawl_id, item, now)
                record_source_error(s, item, now)
            elif isinstance(item, RobotsItem):
                robots.save_robots(s, item.host, item.status, item.body, item.fetched_at, item.expires_at)
        if isinstance(item, SourceDoneItem):  # committed: a failed attempt leaves all of it to the retry
            self.deferred = [d for d in self.deferred if d.source_id != item.source_id]
            self.done.add(item.source_id)
            self.sources.add(item.source_id)

    def _inc(self, source_id: int, name: str, value: int = 1) -> None:
        if value:
            self.crawler.stats.inc_value(stat_key(source_id, name), value)
            self.crawler.stats.inc_value(total_key(name), value)

    def _store_post(self, s: Any, item: PostItem, now: Any) -> None:
        post_id, status = posts.upsert_post(s, item, now)
        self._inc(
            item.source_id, {"new": "new_posts", "updated": "updated_posts"}.get(status, "unchanged_posts")
        )
        new = comments.upsert_comments(s, post_id, item.comments, now)
        self._inc(item.source_id, "new_comments", new)
        search_index.index_post(s, post_id, item.title, item.content_text)
        search_index.index_comments(s, post_id)
        analysis.store_post_annotations(s, post_id, item.annotations)
        analysis.store_comment_annotations(s, post_id, item.comments, item.annotations)
        save_validator(s, item.fetched_url, item.source_id, item.etag, item.last_modified, now)
        self._mask_source_title(s, item.source_id, [item.author, *(c.author for c in item.comments)])

    def _store_comments(self, s: Any, item: CommentsItem, now: Any) -> None:
        post_id = posts.post_id_for_url(s, item.post_url)
        if post_id is None:
            logger.info("comments for unknown post %s skipped", item.post_url)
            return
        new = comments.upsert_comments(s, post_id, item.comments, now)
        self._inc(item.source_id, "new_comments", new)
        search_index.index_comments(s, post_id)
        analysis.store_comment_annotations(s, post_id, item.comments, item.annotations)
        if item.fetched_url:
            save_validator(s, item.fetched_url, item.source_id, item.etag, item.last_modified, now)
        self._mask_source_title(s, item.source_id, [c.author for c in item.comments])

    def _mask_source_title(self, s: Any, source_id: int, authors: list[str | None]) -> None:
        """Pseudonymized: the names of the authors stored for a source are masked in its title."""
        masker = self.pseudonymizer
        pseudonyms = {a for a in authors if a and a.startswith(pseudonym.NAME_PREFIX)}
        if masker is not None and pseudonyms:
            mask_title(s, source_id, lambda title: masker.mask(title, pseudonyms))

    # ------------------------------------------------------------------ end of a source

    def _finish_source(self, s: Any, item: SourceDoneItem, now: Any) -> None:
        """Every request of the source was answered: its feed validators and marks can be written."""
        for deferred in [d for d in self.deferred if d.source_id == item.source_id]:
            self._write_deferred(s, deferred, now)
        crawl_id = self.crawl_id
        if item.claim is not None:  # a worker: one crawls row per source round
            crawl_id = crawls.add_finished_crawl(s, item.started_at, now)
        self._write_summary(s, crawl_id, item.source_id)

    def _write_deferred(self, s: Any, item: Any, now: Any) -> None:
        if isinstance(item, ValidatorItem):
            save_validator(s, item.url, item.source_id, item.etag, item.last_modified, now)
        elif isinstance(item, SourceUpdateItem):
            if item.backfilled:
                mark_backfilled(s, item.source_id, now)
            robots.record_source_facts(s, item, now)

    def _write_summary(self, s: Any, crawl_id: int | None, source_id: int) -> None:
        if crawl_id is None:
            return
        stats = self.crawler.stats
        counts = {name: stats.get_value(stat_key(source_id, name), 0) for name in crawls.SUMMARY_COLUMNS}
        crawls.write_summary(s, crawl_id, source_id, counts)
