"""The due queue: which sources are due for a crawl, and who is crawling them (leases).

One protocol, two backends (see ARCHITECTURE.md), chosen by ``scheduler.backends.open_queue``:

- ``scheduler.redis_queue.RedisDueQueue``: a sorted set ``<prefix>:due`` scored by the next-due
  time in ms; claims are atomic (Lua) and push the score to now+lease; completion sets the next
  due time only if the lease still matches; an expired lease makes the source due again.
- ``scheduler.sql_queue.SqlDueQueue``: the same semantics on the ``sources`` table
  (``next_due_at``, ``lease_token``, ``lease_until``) for the embedded, Redis-less mode.

The ``sources`` table is the source of truth: ``scheduler.reconciler`` re-seeds a queue from it.
Delivery is at-least-once; storage is idempotent, so a source crawled twice after a lost lease
duplicates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Claim:
    """A leased source: only the holder of ``token`` may complete or release it."""

    source_id: int
    token: str
    lease_until: datetime


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
