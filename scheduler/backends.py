"""Which due queue a process uses: Redis when ``DOCLISTEN_REDIS_URL`` is set, else the SQL table."""

from __future__ import annotations

from sqlalchemy import Engine

from scheduler.queue import DueQueue
from scheduler.redis_queue import ONE_SHOT_TIMEOUT, RedisDueQueue, connect_redis
from scheduler.sql_queue import SqlDueQueue


def open_queue(
    redis_url: str | None, engine: Engine, prefix: str | None = "doclisten", *, one_shot: bool = False
) -> DueQueue:
    """The Redis queue when ``redis_url`` is given (``DOCLISTEN_REDIS_URL``), else the SQL queue.

    The Redis client is created here and closed by ``queue.close()``; the engine stays the caller's.
    ``prefix`` namespaces the Redis keys (None: the default ``doclisten``). Raises
    ``scheduler.exceptions.QueueUnavailable`` when Redis cannot be reached. ``one_shot`` (a single
    read such as ``doclisten status``): short timeouts and no retries, so an outage answers in seconds.
    """
    if redis_url:
        if one_shot:
            client = connect_redis(redis_url, retries=0, socket_timeout=ONE_SHOT_TIMEOUT)
        else:
            client = connect_redis(redis_url)
        return RedisDueQueue(client, prefix or "doclisten")
    return SqlDueQueue(engine)
