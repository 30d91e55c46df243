"""The due queue on Redis: a sorted set of sources scored by next-due time, leases in a hash.

Keys (``prefix`` defaults to ``doclisten``):

- ``<prefix>:due`` — ZSET, member = source id, score = due time in ms since the epoch (UTC).
  A claimed source is re-scored to now+lease, so when its lease expires it is due again by itself.
- ``<prefix>:lease`` — HASH, source id -> token of the current holder. A later claim overwrites
  the token, so the old holder's ``complete``/``release``/``extend`` fail (return False/None).
- ``<prefix>:reconcile:lock`` — STRING, token of the reconciler that holds the lock (``SET NX PX``;
  see ``scheduler.reconciler``, which re-seeds the due set from the ``sources`` table).

Claim, complete/release and extend are Lua scripts, so each is atomic. Times come from the
caller's clock (``now``), like every due time the scheduler computes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from crawler.exceptions import one_line
from crawler.extract.dates import to_utc
from pipelines.store.db import mask_url, utcnow
from scheduler.exceptions import QueueUnavailable
from scheduler.queue import Claim

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


ONE_SHOT_TIMEOUT = (
    2.0  # connect/socket timeout of a one-shot read (``doclisten status``), which never retries
)


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


class RedisDueQueue:
    """``DueQueue`` on Redis (see the module docstring for the key layout)."""

    def __init__(self, redis: redis.Redis, prefix: str = "doclisten") -> None:
        self.client = redis
        self.prefix = prefix
        self.due_key = f"{prefix}:due"
        self.lease_key = f"{prefix}:lease"
        self.lock_key = f"{prefix}:reconcile:lock"
        self._where = _describe(redis)
        self._claim = redis.register_script(CLAIM)
        self._finish = redis.register_script(FINISH)
        self._extend = redis.register_script(EXTEND)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Errors that outlasted the client's retries become ``QueueUnavailable``."""
        try:
            yield
        except UNAVAILABLE as exc:
            raise QueueUnavailable(f"Redis unavailable at {self._where}: {one_line(exc)}") from exc

    def schedule(self, source_id: int, due_at: datetime) -> None:
        with self.guard():
            self.client.zadd(self.due_key, {str(source_id): to_ms(due_at)})

    def claim(self, limit: int, lease_seconds: float, now: datetime | None = None) -> list[Claim]:
        if limit <= 0:
            return []
        now = now or utcnow()
        until = now + timedelta(seconds=lease_seconds)
        token = uuid.uuid4().hex
        with self.guard():
            ids = self._claim(
                keys=[self.due_key, self.lease_key], args=[to_ms(now), to_ms(until), limit, token]
            )
        lease_until = from_ms(to_ms(until))
        return [Claim(int(i), token, lease_until) for i in ids]

    def complete(self, claim: Claim, next_due: datetime) -> bool:
        args: list[int | str] = [claim.source_id, claim.token, to_ms(next_due)]
        with self.guard():
            return bool(self._finish(keys=[self.due_key, self.lease_key], args=args))

    def release(self, claim: Claim, due_at: datetime | None = None) -> bool:
        return self.complete(claim, due_at or utcnow())

    def extend(self, claim: Claim, lease_seconds: float) -> Claim | None:
        until = from_ms(to_ms(utcnow() + timedelta(seconds=lease_seconds)))
        args: list[int | str] = [claim.source_id, claim.token, to_ms(until)]
        with self.guard():
            ok = self._extend(keys=[self.due_key, self.lease_key], args=args)
        return Claim(claim.source_id, claim.token, until) if ok else None

    def remove(self, source_id: int) -> None:
        with self.guard():
            pipe = self.client.pipeline(transaction=True)
            pipe.zrem(self.due_key, str(source_id))
            pipe.hdel(self.lease_key, str(source_id))
            pipe.execute()

    def depth(self) -> int:
        with self.guard():
            return int(self.client.zcard(self.due_key))

    def due_count(self, now: datetime | None = None) -> int:
        with self.guard():
            return int(self.client.zcount(self.due_key, "-inf", to_ms(now or utcnow())))

    def close(self) -> None:
        self.client.close()
