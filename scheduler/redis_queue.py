"""The due queue on Redis: a sorted set of sources scored by next-due time, leases in a hash.

Keys (``prefix`` defaults to ``doclisten``):

- ``<prefix>:due`` — ZSET, member = source id, score = due time in ms since the epoch (UTC).
  A claimed source is re-scored to now+lease, so when its lease expires it is due again by itself.
- ``<prefix>:lease`` — HASH, source id -> token of the current holder. A later claim overwrites
  the token, so the old holder's ``complete``/``release``/``extend`` fail (return False/None).
- ``<prefix>:reconcile:lock`` — STRING, token of the reconciler that holds the lock (``SET NX PX``).

Claim, complete/release and extend are Lua scripts, so each is atomic. Times come from the
caller's clock (``now``), like every due time the scheduler computes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.exceptions import one_line
from crawler.extract.dates import to_utc
from pipelines.store.db import mask_url, utcnow
from pipelines.store.models import Source
from scheduler.exceptions import QueueUnavailable
from scheduler.queue import Claim, ReconcileReport

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)

# KEYS: due, lease · ARGV: now_ms, until_ms, limit, token · returns the claimed ids, earliest first
CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], ARGV[2], id)
  redis.call('HSET', KEYS[2], id, ARGV[4])
end
return ids
"""
# KEYS: due, lease · ARGV: id, token, next_due_ms · ends the lease when it still matches
FINISH = """
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
"""
# KEYS: due, lease · ARGV: id, token, until_ms · pushes the lease when it still matches
EXTEND = """
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
"""
# KEYS: lock · ARGV: token, ttl_ms (0 = release) · only the holder may refresh or release
LOCK = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('DEL', KEYS[1])
"""


def connect_redis(
    url: str,
    *,
    retries: int = 8,
    backoff_base: float = 0.1,
    backoff_cap: float = 2.0,
    socket_timeout: float = 5.0,
    health_check_interval: int = 15,
) -> redis.Redis:
    """A client that reconnects with exponential backoff (by default 8 retries, ~11 s in all).

    Raises ``QueueUnavailable`` (password masked) when the URL is invalid, Redis stays unreachable or
    refuses the connection (wrong password, ``DB index is out of range``, …).
    """
    retry = Retry(
        ExponentialBackoff(cap=backoff_cap, base=backoff_base),
        retries,
        (RedisConnectionError, RedisTimeoutError),
    )
    try:
        client = redis.Redis.from_url(
            url,
            retry=retry,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            health_check_interval=health_check_interval,
        )
    except ValueError as exc:
        raise QueueUnavailable(f"invalid Redis URL {mask_url(url)}: {exc}") from exc
    try:
        client.ping()
    except UNAVAILABLE as exc:
        client.close()
        raise QueueUnavailable(f"Redis unavailable at {mask_url(url)}: {one_line(exc)}") from exc
    except RedisError as exc:  # the server answered, with an error
        client.close()
        raise QueueUnavailable(f"Redis at {mask_url(url)} refused the connection: {one_line(exc)}") from exc
    return client


def _describe(client: redis.Redis) -> str:
    """Where ``client`` points, for messages; a password shows as ``***``."""
    kw = client.connection_pool.connection_kwargs
    if kw.get("path"):
        return f"unix://{kw['path']}"
    auth = f"{kw.get('username') or ''}:***@" if kw.get("password") else ""
    return f"redis://{auth}{kw.get('host', 'localhost')}:{kw.get('port', 6379)}/{kw.get('db', 0)}"


def to_ms(value: datetime) -> int:
    """Epoch milliseconds of ``value`` (naive values are taken as UTC)."""
    return int(to_utc(value).timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class _LockLost(Exception):
    """The reconcile lock expired under a slow reconciler."""


class RedisDueQueue:
    """``DueQueue`` on Redis (see the module docstring for the key layout)."""

    def __init__(self, redis: redis.Redis, prefix: str = "doclisten") -> None:
        self._redis = redis
        self.prefix = prefix
        self.due_key = f"{prefix}:due"
        self.lease_key = f"{prefix}:lease"
        self.lock_key = f"{prefix}:reconcile:lock"
        self._where = _describe(redis)
        self._claim = redis.register_script(CLAIM)
        self._finish = redis.register_script(FINISH)
        self._extend = redis.register_script(EXTEND)
        self._lock = redis.register_script(LOCK)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Errors that outlasted the client's retries become ``QueueUnavailable``."""
        try:
            yield
        except UNAVAILABLE as exc:
            raise QueueUnavailable(f"Redis unavailable at {self._where}: {one_line(exc)}") from exc

    def schedule(self, source_id: int, due_at: datetime) -> None:
        with self._guard():
            self._redis.zadd(self.due_key, {str(source_id): to_ms(due_at)})

    def claim(self, limit: int, lease_seconds: float, now: datetime | None = None) -> list[Claim]:
        if limit <= 0:
            return []
        now = now or utcnow()
        until = now + timedelta(seconds=lease_seconds)
        token = uuid.uuid4().hex
        with self._guard():
            ids = self._claim(
                keys=[self.due_key, self.lease_key], args=[to_ms(now), to_ms(until), limit, token]
            )
        lease_until = from_ms(to_ms(until))
        return [Claim(int(i), token, lease_until) for i in ids]

    def complete(self, claim: Claim, next_due: datetime) -> bool:
        args: list[int | str] = [claim.source_id, claim.token, to_ms(next_due)]
        with self._guard():
            return bool(self._finish(keys=[self.due_key, self.lease_key], args=args))

    def release(self, claim: Claim, due_at: datetime | None = None) -> bool:
        return self.complete(claim, due_at or utcnow())

    def extend(self, claim: Claim, lease_seconds: float) -> Claim | None:
        until = from_ms(to_ms(utcnow() + timedelta(seconds=lease_seconds)))
        args: list[int | str] = [claim.source_id, claim.token, to_ms(until)]
        with self._guard():
            ok = self._extend(keys=[self.due_key, self.lease_key], args=args)
        return Claim(claim.source_id, claim.token, until) if ok else None

    def remove(self, source_id: int) -> None:
        with self._guard():
            pipe = self._redis.pipeline(transaction=True)
            pipe.zrem(self.due_key, str(source_id))
            pipe.hdel(self.lease_key, str(source_id))
            pipe.execute()

    def depth(self) -> int:
        with self._guard():
            return int(self._redis.zcard(self.due_key))

    def due_count(self, now: datetime | None = None) -> int:
        with self._guard():
            return int(self._redis.zcount(self.due_key, "-inf", to_ms(now or utcnow())))

    def close(self) -> None:
        self._redis.close()

    # -- reconciliation: SQL is the source of truth -------------------------------------------

    def reconcile(
        self,
        sessions: sessionmaker[Session],
        *,
        batch_size: int = 5000,
        lock_seconds: float = 60.0,
        now: datetime | None = None,
    ) -> ReconcileReport:
        """Re-seed the due set from the ``sources`` table, under a lock; leases are left alone.

        Adds enabled sources that are missing (at ``next_due_at``, or now when NULL) without moving
        those already scheduled, and drops members that are no longer enabled sources.
        """
        token, lock_ms = uuid.uuid4().hex, max(1, int(lock_seconds * 1000))
        report = ReconcileReport()
        with self._guard():
            if not self._redis.set(self.lock_key, token, nx=True, px=lock_ms):
                logger.info("reconcile skipped: another reconciler holds %s", self.lock_key)
                return ReconcileReport(skipped=True)
            try:
                self._seed(sessions, report, to_ms(now or utcnow()), batch_size, (token, lock_ms))
                self._prune(sessions, report, batch_size, (token, lock_ms))
            except _LockLost:
                logger.warning("reconcile stopped early: lock %s expired (raise lock_seconds)", self.lock_key)
            finally:
                self._lock(keys=[self.lock_key], args=[token, 0])
        logger.debug(
            "reconciled %s: %d added, %d removed, %d kept",
            self.due_key,
            report.added,
            report.removed,
            report.kept,
        )
        return report

    def _keep_lock(self, lock: tuple[str, int]) -> None:
        if not self._lock(keys=[self.lock_key], args=list(lock)):
            raise _LockLost()

    def _seed(
        self,
        sessions: sessionmaker[Session],
        report: ReconcileReport,
        now_ms: int,
        batch: int,
        lock: tuple[str, int],
    ) -> None:
        for rows in enabled_sources(sessions, batch):
            mapping = {str(sid): (to_ms(due) if due else now_ms) for sid, due in rows}
            added = cast(int, self._redis.zadd(self.due_key, mapping, nx=True))
            report.added += added
            report.kept += len(mapping) - added
            self._keep_lock(lock)

    def _prune(
        self, sessions: sessionmaker[Session], report: ReconcileReport, batch: int, lock: tuple[str, int]
    ) -> None:
        cursor = 0
        while True:
            cursor, members = self._redis.zscan(self.due_key, cursor, count=batch)
            stale = stale_members([m for m, _score in members], sessions)
            if stale:
                pipe = self._redis.pipeline(transaction=True)
                pipe.zrem(self.due_key, *stale)
                pipe.hdel(self.lease_key, *stale)
                removed, _ = pipe.execute()
                report.removed += int(removed)
            self._keep_lock(lock)
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
