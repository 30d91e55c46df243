"""Schedule pipeline: when a source's crawl is done, decide its next due time and complete its claim.

Runs after storage (which has written the source's items and summary). The interval policy
(``scheduler.policy``) turns what the crawl saw into the next due time; the due queue is told
(complete the claim, or schedule the source when the crawl was not claimed), and the
``sources`` row — the source of truth — records the schedule state and health.
"""

from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import InterfaceError, OperationalError

from crawler.exceptions import one_line
from crawler.extract.dates import to_utc
from crawler.items import SourceDoneItem
from crawler.stats import SOURCE_STATS, stat_key
from pipelines.store.db import open_database, session_factory, utcnow
from pipelines.store.models import Source
from pipelines.store.sources import get_source, record_schedule
from scheduler.backends import open_queue
from scheduler.exceptions import QueueUnavailable
from scheduler.policy import CrawlOutcome, Decision, SourceState, next_schedule
from scheduler.settings import policy_config

if TYPE_CHECKING:
    from pipelines.store.models import Source

logger = logging.getLogger(__name__)


def outcome_from_stats(stats: Any, source: Source, now: Any) -> CrawlOutcome:
    def get(name: str) -> int:
        return int(stats.get_value(stat_key(source.id, name), 0) or 0)

    retry_after = to_utc(source.not_before)
    return CrawlOutcome(
        new_items=get("new_posts") + get("new_comments"),
        known_items=get("known_items"),
        # the feed (or a feedless blog's listing) could not be read; errors of single pages do not count
        failed=not get("listing_read"),
        error=source.last_error,
        retry_after=retry_after if retry_after and retry_after > now else None,
        cache_max_age=get("cache_max_age") or None,
        feed_ttl=get("feed_ttl") or None,
    )


class SchedulePipeline:
    def __init__(self, settings: Any, stats: Any):
        self.settings = settings
        self.stats = stats
        self.cfg = policy_config(settings)
        self.rng = random.Random()
        self.engine: Any = None
        self.sessions: Any = None
        self.queue: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> SchedulePipeline:
        return cls(crawler.settings, crawler.stats)

    def open_spider(self) -> None:
        self.engine = open_database(self.settings["DOCLISTEN_DATABASE_URL"])
        self.sessions = session_factory(self.engine)
        self.queue = open_queue(
            self.settings.get("DOCLISTEN_REDIS_URL"), self.engine, self.settings.get("DOCLISTEN_REDIS_PREFIX")
        )

    def close_spider(self) -> None:
        self.queue.close()
        self.engine.dispose()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, SourceDoneItem):
            try:
                self.finish(item)
            except (OperationalError, InterfaceError) as exc:  # the lease expires; the source comes back
                logger.warning(
                    "source %s: schedule not recorded, database unavailable: %s",
                    item.source_id,
                    one_line(exc),
                )
            finally:
                for name in SOURCE_STATS:  # the next round of this source starts from zero
                    self.stats.set_value(stat_key(item.source_id, name), 0)
        return item

    def finish(self, item: SourceDoneItem) -> None:
        now = utcnow()
        with self.sessions.begin() as s:
            source = get_source(s, item.source_id)
            if source is None:
                return
            state = SourceState(
                source.interval_seconds,
                source.min_interval_seconds,
                source.max_interval_seconds,
                source.consecutive_failures,
            )
            outcome = outcome_from_stats(self.stats, source, now)
        decision = next_schedule(state, outcome, now, self.cfg, self.rng)
        if not self.tell_queue(item, decision):
            return
        self.record(item.source_id, outcome, decision, now)

    def tell_queue(self, item: SourceDoneItem, decision: Decision) -> bool:
        try:
            if item.claim is not None and not self.queue.complete(item.claim, decision.next_due):
                logger.warning(
                    "source %s: lease lost before completion; another worker has it", item.source_id
                )
                return False
            if decision.disable:
                self.queue.remove(item.source_id)
            elif item.claim is None:
                self.queue.schedule(item.source_id, decision.next_due)
        except QueueUnavailable as exc:  # the reconciler re-seeds the queue from the sources table
            logger.warning("source %s: %s", item.source_id, exc)
        return True

    def record(self, source_id: int, outcome: CrawlOutcome, decision: Decision, now: Any) -> None:
        if decision.disable:
            logger.warning("source %s disabled: %s", source_id, decision.disable_reason)
        with self.sessions.begin() as s:
            record_schedule(
                s,
                source_id,
                now,
                next_due=decision.next_due,
                interval_seconds=decision.interval_seconds,
                consecutive_failures=decision.consecutive_failures,
                succeeded=not outcome.failed,  # the errors of its pages are in fetch_errors and the summary
                disabled=decision.disable,
                disabled_reason=decision.disable_reason,
            )
