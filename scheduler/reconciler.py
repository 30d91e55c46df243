"""The reconciler: the ``sources`` table is the source of truth, and each round brings the due queue
back in step with it.

- Redis: under a lock (``<prefix>:reconcile:lock``, ``SET NX PX``, refreshed after every batch, so
  only one reconciler writes at a time), add the enabled sources that are missing from the due set
  (at ``next_due_at``, or now when NULL) without moving those already scheduled, and drop members
  that are no longer enabled sources. Leases are left alone. A reconciler whose lock expired stops
  early: another one may hold it by now. After a Redis loss this re-seeds the queue.
- SQL: the table is the queue, so there is nothing to re-seed; a round takes back the leases of
  holders that are provably gone (``SqlDueQueue.release_orphans``).

``doclisten scheduler`` and ``doclisten run`` run rounds in a loop (``scheduler.service``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipelines.store.db import utcnow
from pipelines.store.models import Source
from scheduler.exceptions import QueueUnavailable
from scheduler.queue import DueQueue
from scheduler.redis_queue import RedisDueQueue, to_ms
from scheduler.sql_queue import SqlDueQueue

logger = logging.getLogger(__name__)

# KEYS: lock · ARGV: token, ttl_ms (0 = release) · only the holder may refresh or release
LOCK = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('DEL', KEYS[1])
"""


@dataclass
class ReconcileReport:
    added: int = 0
    removed: int = 0
    kept: int = 0
    skipped: bool = False  # another reconciler held the lock


def reconcile(
    queue: DueQueue,
    sessions: sessionmaker[Session],
    *,
    batch_size: int = 5000,
    lock_seconds: float = 60.0,
    now: datetime | None = None,
) -> ReconcileReport:
    """One round: bring ``queue`` in step with the ``sources`` table (see the module docstring)."""
    if isinstance(queue, RedisDueQueue):
        return RedisReconciler(queue, sessions, batch_size, lock_seconds).run(now or utcnow())
    if isinstance(queue, SqlDueQueue):
        queue.release_orphans()
        return ReconcileReport(kept=queue.depth())
    raise TypeError(f"no reconciler for {type(queue).__name__}")


def reconcile_round(queue: DueQueue, sessions: sessionmaker[Session]) -> ReconcileReport | None:
    """A round of a long-running reconciler: logs what changed; an unreachable queue skips the round."""
    try:
        report = reconcile(queue, sessions)
    except QueueUnavailable as exc:
        logger.warning("reconcile skipped: %s", exc)
        return None
    if not report.skipped and (report.added or report.removed):
        logger.info("reconciled: %d added, %d removed, %d kept", report.added, report.removed, report.kept)
    return report


class _LockLost(Exception):
    """The reconcile lock expired under a slow reconciler."""


class RedisReconciler:
    """One reconciliation of a ``RedisDueQueue``, holding the queue's reconcile lock throughout."""

    def __init__(
        self, queue: RedisDueQueue, sessions: sessionmaker[Session], batch_size: int, lock_seconds: float
    ) -> None:
        self.queue, self.sessions, self.batch = queue, sessions, batch_size
        self.token, self.lock_ms = uuid.uuid4().hex, max(1, int(lock_seconds * 1000))
        self._lock = queue.client.register_script(LOCK)

    def run(self, now: datetime) -> ReconcileReport:
        queue, report = self.queue, ReconcileReport()
        with queue.guard():
            if not queue.client.set(queue.lock_key, self.token, nx=True, px=self.lock_ms):
                logger.info("reconcile skipped: another reconciler holds %s", queue.lock_key)
                return ReconcileReport(skipped=True)
            try:
                self._seed(report, to_ms(now))
                self._prune(report)
            except _LockLost:
                logger.warning(
                    "reconcile stopped early: lock %s expired (raise lock_seconds)", queue.lock_key
                )
            finally:
                self._lock(keys=[queue.lock_key], args=[self.token, 0])
        logger.debug(
            "reconciled %s: %d added, %d removed, %d kept",
            queue.due_key,
            report.added,
            report.removed,
            report.kept,
        )
        return report

    def _keep_lock(self) -> None:
        if not self._lock(keys=[self.queue.lock_key], args=[self.token, self.lock_ms]):
            raise _LockLost()

    def _seed(self, report: ReconcileReport, now_ms: int) -> None:
        for rows in enabled_sources(self.sessions, self.batch):
            mapping = {str(sid): (to_ms(due) if due else now_ms) for sid, due in rows}
            added = cast(int, self.queue.client.zadd(self.queue.due_key, mapping, nx=True))
            report.added += added
            report.kept += len(mapping) - added
            self._keep_lock()

    def _prune(self, report: ReconcileReport) -> None:
        client, due_key, cursor = self.queue.client, self.queue.due_key, 0
        while True:
            cursor, members = client.zscan(due_key, cursor, count=self.batch)
            stale = stale_members([m for m, _score in members], self.sessions)
            if stale:
                pipe = client.pipeline(transaction=True)
                pipe.zrem(due_key, *stale)
                pipe.hdel(self.queue.lease_key, *stale)
                removed, _ = pipe.execute()
                report.removed += int(removed)
            self._keep_lock()
            if cursor == 0:
                return


def enabled_sources(
    sessions: sessionmaker[Session], batch: int
) -> Iterator[list[tuple[int, datetime | None]]]:
    """Enabled sources as (id, next_due_at), ``batch`` rows per short read (keyset pagination)."""
    last = -1
    while True:
        stmt = (
            select(Source.id, Source.next_due_at)
            .where(Source.disabled.is_(False), Source.id > last)
            .order_by(Source.id)
            .limit(batch)
        )
        with sessions() as session:
            rows = [(int(r[0]), r[1]) for r in session.execute(stmt)]
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def stale_members(members: Sequence[Any], sessions: sessionmaker[Session]) -> list[Any]:
    """The members that are not the id of an enabled source."""
    ids: dict[int, Any] = {}
    stale: list[Any] = []
    for member in members:
        text = member.decode() if isinstance(member, bytes) else member
        if text.isdigit():
            ids[int(text)] = member
        else:
            stale.append(member)
    if ids:
        stmt = select(Source.id).where(Source.disabled.is_(False), Source.id.in_(list(ids)))
        with sessions() as session:
            enabled = {int(i) for i in session.execute(stmt).scalars()}
        stale.extend(m for i, m in ids.items() if i not in enabled)
    return stale
