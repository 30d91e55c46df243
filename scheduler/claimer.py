"""The worker side of recurring crawls: claim due sources, turn them into crawl jobs, give back.

Its methods block (Redis and SQL round trips, client retries while the queue is unreachable): the
spider calls them in a thread, never on the reactor, so an outage does not freeze downloads.

A ``Claimer`` is handed to a long-running ``BlogSpider`` (``crawler.spiders.base``), which asks
it for jobs inside ``start()`` while it has capacity, extends the leases of long crawls, and
releases unfinished claims on shutdown. Completion happens in ``scheduler.pipeline`` once the
source's items are stored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from crawler.jobs import SourceJob
from pipelines.store.jobs import load_jobs
from pipelines.store.models import Source
from scheduler.backends import open_queue
from scheduler.exceptions import QueueUnavailable
from scheduler.policy import PolicyConfig, unconditional
from scheduler.queue import Claim, DueQueue
from scheduler.settings import policy_config

logger = logging.getLogger(__name__)


def open_claimer(settings: Any, engine: Any, sessions: Any) -> Claimer:
    """A claimer on the queue the settings name (``DOCLISTEN_REDIS_URL``: Redis, else the SQL table)."""
    queue = open_queue(settings.get("DOCLISTEN_REDIS_URL"), engine, settings.get("DOCLISTEN_REDIS_PREFIX"))
    return Claimer(queue, sessions, settings.getfloat("DOCLISTEN_LEASE_SECONDS"), policy_config(settings))


class Claimer:
    def __init__(self, queue: DueQueue, sessions: Any, lease_seconds: float, cfg: PolicyConfig):
        self.queue = queue
        self.sessions = sessions
        self.lease_seconds = lease_seconds
        self.cfg = cfg
        self.unavailable = False

    def claim(self, limit: int) -> list[SourceJob]:
        """Up to ``limit`` due sources as crawl jobs (none while the queue is unreachable)."""
        try:
            claims = self.queue.claim(limit, self.lease_seconds)
        except QueueUnavailable as exc:
            self._down(exc)
            return []
        self._up()
        if not claims:
            return []
        by_id = {c.source_id: c for c in claims}
        with self.sessions.begin() as s:
            sources = {
                src.id: src for src in s.execute(select(Source).where(Source.id.in_(list(by_id)))).scalars()
            }
            usable = [src for sid, src in sources.items() if not src.disabled]
            jobs = load_jobs(s, usable)
            counts = {src.id: src.crawl_count for src in usable}
        for sid in set(by_id) - {src.id for src in usable}:  # removed or disabled since scheduled
            self._forget(sid)
        for job in jobs:
            job.claim = by_id[job.source_id]
            job.unconditional = unconditional(counts[job.source_id] + 1, self.cfg)
        logger.info("claimed %d sources", len(jobs))
        return jobs

    def extend(self, claims: Sequence[Claim]) -> list[Claim]:
        """Heartbeat: push every lease in ``claims`` to now+lease. Returns the claims whose lease was lost."""
        lost = []
        for claim in claims:
            try:
                if self.queue.extend(claim, self.lease_seconds) is None:
                    lost.append(claim)
            except QueueUnavailable as exc:
                self._down(exc)
                break
        return lost

    def release(self, claims: Sequence[Claim]) -> None:
        for claim in claims:
            try:
                self.queue.release(claim)
            except QueueUnavailable as exc:  # the lease expires by itself: at-least-once
                self._down(exc)
                return

    def _forget(self, source_id: int) -> None:
        try:
            self.queue.remove(source_id)
        except QueueUnavailable as exc:
            self._down(exc)

    def _down(self, exc: Exception) -> None:
        if not self.unavailable:
            logger.warning("due queue unavailable, retrying: %s", exc)
        self.unavailable = True

    def _up(self) -> None:
        if self.unavailable:
            logger.warning("due queue reachable again")
        self.unavailable = False
