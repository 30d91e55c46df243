"""The due queue on the ``sources`` table, for the embedded (Redis-less) mode.

Same semantics as the Redis queue: ``next_due_at`` is the score (NULL = not scheduled), a claim
pushes it to now+lease and stores a token in ``lease_token``/``lease_until``, so an expired lease
makes the source due again, and a later claim's token makes the old holder's ``complete`` fail.

A claim is one ``UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING id`` statement; on PostgreSQL
the subquery locks with ``FOR UPDATE SKIP LOCKED`` so concurrent claimers never wait on or take the
same rows; SQLite serialises writers (busy_timeout). Each method is its own short transaction and
touches only the scheduling columns.

A claiming process is a lease *holder* (``scheduler.holders``): its tokens name it, and it holds a
lock that dies with it. ``release_orphans`` gives back at once the leases of holders that are
provably gone (a `doclisten run` killed with kill -9 or a double Ctrl-C), so a restarted run does
not wait out their 30-minute leases; a live process's leases are never touched. Each round of the
reconciler (``scheduler.reconciler``) calls it too.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update

from crawler.extract.dates import to_utc
from pipelines.store.db import utcnow
from pipelines.store.models import Source
from scheduler.holders import Holders, holder_of, holders_for, new_token
from scheduler.queue import Claim

logger = logging.getLogger(__name__)

SCHEDULED = (Source.disabled.is_(False), Source.next_due_at.is_not(None))


class SqlDueQueue:
    """``DueQueue`` on the ``sources`` table (SQLite ≥ 3.35 or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._skip_locked = engine.dialect.name == "postgresql"
        self._holders: Holders | None = None
        self._holder: str | None = None
        self._registered = False

    def _write(self, stmt: Any) -> int:
        """Run one UPDATE in its own transaction; the number of rows it changed."""
        with self._engine.begin() as conn:
            return int(conn.execute(stmt).rowcount)

    def schedule(self, source_id: int, due_at: datetime) -> None:
        if not self._write(update(Source).where(Source.id == source_id).values(next_due_at=to_utc(due_at))):
            logger.debug("schedule: no source %d", source_id)

    def claim(self, limit: int, lease_seconds: float, now: datetime | None = None) -> list[Claim]:
        if limit <= 0:
            return []
        now = to_utc(now or utcnow())
        until = now + timedelta(seconds=lease_seconds)
        token = new_token(self._register())
        due = (
            select(Source.id)
            .where(Source.disabled.is_(False), Source.next_due_at <= now)
            .order_by(Source.next_due_at)
            .limit(limit)
        )
        if self._skip_locked:
            due = due.with_for_update(skip_locked=True)
        stmt = (
            update(Source)
            .where(Source.id.in_(due.scalar_subquery()))
            .values(lease_token=token, lease_until=until, next_due_at=until)
            .returning(Source.id)
        )
        with self._engine.begin() as conn:
            ids = sorted(int(i) for i in conn.execute(stmt).scalars())
        return [Claim(i, token, until) for i in ids]

    def _finish(self, claim: Claim, next_due: datetime) -> bool:
        stmt = (
            update(Source)
            .where(Source.id == claim.source_id, Source.lease_token == claim.token)
            .values(next_due_at=to_utc(next_due), lease_token=None, lease_until=None)
        )
        return self._write(stmt) == 1

    def complete(self, claim: Claim, next_due: datetime) -> bool:
        return self._finish(claim, next_due)

    def release(self, claim: Claim, due_at: datetime | None = None) -> bool:
        return self._finish(claim, due_at or utcnow())

    def extend(self, claim: Claim, lease_seconds: float) -> Claim | None:
        until = utcnow() + timedelta(seconds=lease_seconds)
        stmt = (
            update(Source)
            .where(Source.id == claim.source_id, Source.lease_token == claim.token)
            .values(lease_until=until, next_due_at=until)
        )
        return Claim(claim.source_id, claim.token, until) if self._write(stmt) == 1 else None

    def remove(self, source_id: int) -> None:
        self._write(
            update(Source)
            .where(Source.id == source_id)
            .values(next_due_at=None, lease_token=None, lease_until=None)
        )

    def _count(self, *conditions: Any) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Source).where(*conditions)).scalar_one())

    def depth(self) -> int:
        return self._count(*SCHEDULED)

    def due_count(self, now: datetime | None = None) -> int:
        return self._count(*SCHEDULED, Source.next_due_at <= to_utc(now or utcnow()))

    # ------------------------------------------------------------------ holders

    def _locks(self) -> Holders | None:
        if self._holders is None:
            self._holders = holders_for(self._engine)
        return self._holders

    def _register(self) -> str | None:
        """Become a holder before the first claim (and take back what gone holders left)."""
        if not self._registered:
            locks = self._locks()
            self._holder = locks.acquire() if locks else None
            self._registered = True
            self.release_orphans()
        return self._holder

    def _gone_holders(self, locks: Holders) -> set[str]:
        """Holders named by current leases whose process provably ended."""
        with self._engine.connect() as conn:
            tokens = conn.execute(
                select(Source.lease_token).distinct().where(Source.lease_token.is_not(None))
            )
            holders = {holder_of(t) for t in tokens.scalars()}
        return {h for h in holders if h is not None and h != self._holder and locks.is_gone(h)}

    def release_orphans(self) -> int:
        """Make the sources leased by gone holders due now; how many there were."""
        locks, released = self._locks(), 0
        if locks is None:
            return 0
        for holder in sorted(self._gone_holders(locks)):
            released += self._write(
                update(Source)
                .where(Source.lease_token.startswith(f"{holder}.", autoescape=True))
                .values(next_due_at=utcnow(), lease_token=None, lease_until=None)
            )
            locks.forget(holder)
        if released:
            logger.warning("took back %d sources claimed by a process that is gone", released)
        return released

    def stale_leases(self, now: datetime | None = None) -> int:
        """Unexpired leases whose holder is gone (``status``: claimed, but nobody is crawling them)."""
        locks = self._locks()
        gone = self._gone_holders(locks) if locks else set()
        if not gone:
            return 0
        with self._engine.connect() as conn:
            tokens = conn.execute(
                select(Source.lease_token).where(Source.lease_until > to_utc(now or utcnow()))
            )
            return sum(1 for t in tokens.scalars() if holder_of(t) in gone)

    def close(self) -> None:
        """Stop being a holder; connections are borrowed from the caller's engine, which stays open."""
        if self._holders is not None:
            self._holders.close()
