"""Which due queue a process uses: Redis when ``DOCLISTEN_REDIS_URL`` is set, else the SQL table."""

from __future__ import annotations

from sqlalchemy import Engine

from scheduler.queue import DueQueue
from scheduler.redis_queue import RedisDueQueue, connect_redis
from scheduler.sql_queue import SqlDueQueue


def open_queue(redis_url: str | None, engine: Engine, prefix: str | None = "doclisten") -> DueQueue:
    """The Redis queue when ``redis_url`` is given (``DOCLISTEN_REDIS_URL``), else the SQL queue.

    The Redis client is created here and closed by ``queue.close()``; the engine stays the caller's.
    ``prefix`` namespaces the Redis keys (None: the default ``doclisten``). Raises
    ``scheduler.exceptions.QueueUnavailable`` when Redis cannot be reached.
    """
    if redis_url:
        return RedisDueQueue(connect_redis(redis_url), prefix or "doclisten")
    return SqlDueQueue(engine)
