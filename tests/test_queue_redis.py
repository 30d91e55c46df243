"""The Redis due queue against the real Redis of the test machine (isolated by a unique key prefix)."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import cast

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import Engine, update

from pipelines.store.db import open_database, session_factory
from pipelines.store.models import Source
from scheduler import reconciler
from scheduler.backends import open_queue
from scheduler.exceptions import QueueUnavailable
from scheduler.reconciler import reconcile
from scheduler.redis_queue import RedisDueQueue, connect_redis, to_ms
from tests.conftest import service_unavailable
from tests.redis_server import free_port
from tests.test_queue_sql import MIN, T0, MakeSources, QueueContract, insert_sources

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("DOCLISTEN_TEST_REDIS", "redis://127.0.0.1:6379/0")


def shared_redis() -> redis.Redis:
    """A client for the test machine's Redis; skips (fails in CI) when it is not reachable."""
    try:
        return connect_redis(REDIS_URL, retries=1)
    except QueueUnavailable as exc:
        service_unavailable(f"Redis not reachable: {exc}")
        raise


@contextmanager
def scoped_prefix(client: redis.Redis) -> Iterator[str]:
    """A key prefix of our own on the shared server; its keys are deleted afterwards (never FLUSHDB)."""
    prefix = f"doclisten-test:{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = shared_redis()
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    with scoped_prefix(redis_client) as prefix:
        yield prefix


@pytest.fixture
def rqueue(redis_client: redis.Redis, prefix: str) -> RedisDueQueue:
    return RedisDueQueue(redis_client, prefix)


class TestRedisQueue(QueueContract):
    @pytest.fixture
    def queue(self, rqueue: RedisDueQueue) -> RedisDueQueue:
        return rqueue

    @pytest.fixture
    def make_sources(self) -> MakeSources:
        counter = itertools.count(1)
        return lambda count: [next(counter) for _ in range(count)]


def test_key_layout(rqueue: RedisDueQueue, redis_client: redis.Redis, prefix: str) -> None:
    rqueue.schedule(7, T0)
    rqueue.schedule(8, T0 + MIN)
    (claim,) = rqueue.claim(5, 60, now=T0)
    assert (rqueue.due_key, rqueue.lease_key) == (f"{prefix}:due", f"{prefix}:lease")
    assert redis_client.type(rqueue.due_key) == b"zset"
    assert redis_client.zrange(rqueue.due_key, 0, -1, withscores=True) == [
        (b"7", float(to_ms(T0 + MIN))),
        (b"8", float(to_ms(T0 + MIN))),
    ]
    assert redis_client.hgetall(rqueue.lease_key) == {b"7": claim.token.encode()}
    assert rqueue.complete(claim, T0 + 2 * MIN)
    assert redis_client.hlen(rqueue.lease_key) == 0


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    engine = open_database(sqlite_url)
    yield engine
    engine.dispose()


def test_reconcile_adds_removes_and_keeps(
    rqueue: RedisDueQueue, redis_client: redis.Redis, engine: Engine
) -> None:
    scheduled, unscheduled = insert_sources(engine, 2, due=T0)
    with engine.begin() as conn:
        conn.execute(update(Source).where(Source.id == unscheduled).values(next_due_at=None))
    (disabled,) = insert_sources(engine, 1, due=T0, disabled=True, start=2)
    rqueue.schedule(scheduled, T0 + 60 * MIN)  # already in Redis: its score must not move
    (claim,) = rqueue.claim(1, 600, now=T0 + 60 * MIN)
    for stale in (disabled, 999_999):
        rqueue.schedule(stale, T0)
    redis_client.zadd(rqueue.due_key, {"garbage": 1})

    report = reconcile(rqueue, session_factory(engine), now=T0 + 5 * MIN)

    assert (report.added, report.removed, report.kept, report.skipped) == (1, 3, 1, False)
    entries = cast(list[tuple[bytes, float]], redis_client.zrange(rqueue.due_key, 0, -1, withscores=True))
    scores = {int(m): score for m, score in entries}
    assert scores == {scheduled: to_ms(T0 + 70 * MIN), unscheduled: to_ms(T0 + 5 * MIN)}
    assert rqueue.complete(claim, T0) is True  # leases are left alone
    assert not redis_client.exists(rqueue.lock_key)
    assert reconcile(rqueue, session_factory(engine)) == type(report)(added=0, removed=0, kept=2)


def test_reconcile_streams_in_batches(rqueue: RedisDueQueue, engine: Engine) -> None:
    ids = insert_sources(engine, 25, due=T0)
    for sid in range(1000, 1030):
        rqueue.schedule(sid, T0)
    report = reconcile(rqueue, session_factory(engine), batch_size=4)
    assert (report.added, report.removed, report.kept) == (25, 30, 0)
    assert {c.source_id for c in rqueue.claim(100, 60, now=T0)} == set(ids)


def test_reconcile_respects_the_lock(
    rqueue: RedisDueQueue, redis_client: redis.Redis, engine: Engine
) -> None:
    insert_sources(engine, 3, due=T0)
    redis_client.set(rqueue.lock_key, "someone-else", px=60_000)
    report = reconcile(rqueue, session_factory(engine))
    assert report.skipped and (report.added, report.removed, report.kept) == (0, 0, 0)
    assert rqueue.depth() == 0
    assert redis_client.get(rqueue.lock_key) == b"someone-else"  # not ours to release
    redis_client.delete(rqueue.lock_key)
    assert reconcile(rqueue, session_factory(engine)).added == 3


def test_reconcile_stops_when_its_lock_expires(
    rqueue: RedisDueQueue, redis_client: redis.Redis, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert_sources(engine, 10, due=T0)
    batches = reconciler.enabled_sources

    def lock_expires_after_first_batch(*args, **kwargs):  # type: ignore[no-untyped-def]
        for number, rows in enumerate(batches(*args, **kwargs)):
            if number == 1:
                redis_client.delete(rqueue.lock_key)  # as if the lock had timed out
            yield rows

    monkeypatch.setattr(reconciler, "enabled_sources", lock_expires_after_first_batch)
    report = reconcile(rqueue, session_factory(engine), batch_size=2, lock_seconds=30)
    assert report.added < 10  # the lock vanished after the first batch: no more writes without it
    assert redis_client.get(rqueue.lock_key) is None


def test_unreachable_redis_is_a_one_line_error_without_password() -> None:
    url = f"redis://:s3cret@127.0.0.1:{free_port()}/0"
    with pytest.raises(QueueUnavailable) as err:
        connect_redis(url, retries=1, backoff_base=0.01)
    message = str(err.value)
    assert "s3cret" not in message and "***" in message and "\n" not in message
    assert message.startswith("Redis unavailable at redis://:***@127.0.0.1:")
    with pytest.raises(QueueUnavailable, match="invalid Redis URL"):
        connect_redis("http://:s3cret@example.org/")


def test_queue_errors_hide_the_password() -> None:
    client = redis.Redis.from_url(f"redis://:s3cret@127.0.0.1:{free_port()}/3", retry=Retry(NoBackoff(), 0))
    try:
        with pytest.raises(QueueUnavailable) as err:
            RedisDueQueue(client).depth()
    finally:
        client.close()
    assert str(err.value).startswith("Redis unavailable at redis://:***@127.0.0.1:")
    assert "s3cret" not in str(err.value) and "\n" not in str(err.value)


def test_open_queue_with_url_is_redis(engine: Engine, redis_client: redis.Redis) -> None:
    with scoped_prefix(redis_client) as prefix:
        queue = open_queue(REDIS_URL, engine, prefix=prefix)
        try:
            assert isinstance(queue, RedisDueQueue)
            queue.schedule(1, T0)
            assert queue.due_count(now=T0 + timedelta(seconds=1)) == 1
        finally:
            queue.close()


def test_a_refused_connection_is_a_one_line_error() -> None:
    """Redis answering SELECT with an error (DB index out of range) is no traceback and no "unexpected error"."""
    shared_redis().close()
    base = REDIS_URL.rsplit("/", 1)[0]
    with pytest.raises(QueueUnavailable) as err:
        connect_redis(f"{base}/99", retries=1)
    message = str(err.value)
    assert "DB index is out of range" in message and "/99" in message and "\n" not in message
