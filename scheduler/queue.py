"""The due queue: which sources are due for a crawl, and who is crawling them (leases).

One interface, two backends (see ARCHITECTURE.md):

- ``scheduler.redis_queue.RedisDueQueue``: a sorted set ``<prefix>:due`` scored by the next-due
  time in ms; claims are atomic (Lua) and push the score to now+lease; completion sets the next
  due time only if the lease still matches; an expired lease makes the source due again.
- ``scheduler.sql_queue.SqlDueQueue``: the same semantics on the ``sources`` table
  (``next_due_at``, ``lease_token``, ``lease_until``) for the embedded, Redis-less mode.

Delivery is at-least-once; storage is idempotent, so a source crawled twice after a lost lease
duplicates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class Claim:
    """A leased source: only the holder of ``token`` may complete or release it."""

    source_id: int
    token: str
    lease_until: datetime


@dataclass
class ReconcileReport:
    added: int = 0
    removed: int = 0
    kept: int = 0
    skipped: bool = False  # another reconciler held the lock


class DueQueue(Protocol):
    def schedule(self, source_id: int, due_at: datetime) -> None:
        """Make ``source_id`` due at ``due_at`` (adds it when absent; moves it otherwise)."""

    def claim(self, limit: int, lease_seconds: float, now: datetime | None = None) -> list[Claim]:
        """Atomically take up to ``limit`` due sources, leasing each for ``lease_seconds``."""

    def complete(self, claim: Claim, next_due: datetime) -> bool:
        """End a crawl: the source is next due at ``next_due``. False when the lease was lost."""

    def release(self, claim: Claim, due_at: datetime | None = None) -> bool:
        """Give a claim back unfinished (shutdown): due again at ``due_at`` (default: now)."""

    def extend(self, claim: Claim, lease_seconds: float) -> Claim | None:
        """Heartbeat for a long crawl: a new claim with a later lease, or None when lost."""

    def remove(self, source_id: int) -> None:
        """Forget a source (removed or disabled)."""

    def depth(self) -> int:
        """Sources scheduled (due or not)."""

    def due_count(self, now: datetime | None = None) -> int:
        """Sources due now (including those whose lease expired)."""

    def close(self) -> None:
        """Release connections."""


def open_queue(redis_url: str | None, engine: Engine, prefix: str | None = "doclisten") -> DueQueue:
    """The Redis queue when ``redis_url`` is given (``DOCLISTEN_REDIS_URL``), else the SQL queue.

    The Redis client is created here and closed by ``queue.close()``; the engine stays the caller's.
    ``prefix`` namespaces the Redis keys (None: the default ``doclisten``). Raises
    ``scheduler.exceptions.QueueUnavailable`` when Redis cannot be reached.
    """
    if redis_url:
        try:
            from scheduler.redis_queue import RedisDueQueue, connect_redis
        except ImportError as exc:
            if exc.name != "redis":
                raise
            from scheduler.exceptions import SchedulerError

            raise SchedulerError(
                "DOCLISTEN_REDIS_URL is set but redis-py is missing: pip install redis"
            ) from exc
        return RedisDueQueue(connect_redis(redis_url), prefix or "doclisten")
    from scheduler.sql_queue import SqlDueQueue

    return SqlDueQueue(engine)
