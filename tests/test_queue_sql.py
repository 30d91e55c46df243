"""Due-queue semantics (a contract every backend passes) and the SQL backend on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, select

from pipelines.store.db import open_database, session_factory, utcnow
from pipelines.store.models import Source
from scheduler.backends import open_queue
from scheduler.queue import DueQueue
from scheduler.reconciler import reconcile
from scheduler.sql_queue import SqlDueQueue
from tests.conftest import migrated

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
MIN = timedelta(minutes=1)

MakeSources = Callable[[int], list[int]]


def insert_sources(
    engine: Engine, count: int, due: datetime | None = None, disabled: bool = False, start: int = 0
) -> list[int]:
    """Insert ``count`` sources in one statement; their ids in insertion order."""
    rows = [
        {
            "home_url": f"https://blog{start + i}.example/",
            "added_at": T0,
            "next_due_at": due,
            "disabled": disabled,
            "consecutive_failures": 0,
        }
        for i in range(count)
    ]
    with engine.begin() as conn:
        result = conn.execute(insert(Source).returning(Source.id, sort_by_parameter_order=True), rows)
        return [int(i) for i in result.scalars()]


class QueueContract:
    """Semantics shared by every ``DueQueue``: subclasses provide ``queue`` and ``make_sources``."""

    def test_claims_only_due_sources(self, queue: DueQueue, make_sources: MakeSources) -> None:
        early, on_time, later = make_sources(3)
        queue.schedule(early, T0 - MIN)
        queue.schedule(on_time, T0)
        queue.schedule(later, T0 + MIN)
        claims = queue.claim(10, 60, now=T0)
        assert {c.source_id for c in claims} == {early, on_time}
        assert len({c.token for c in claims}) == 1  # one token per claimed batch
        assert all(c.lease_until == T0 + MIN for c in claims)
        assert queue.claim(10, 60, now=T0) == []  # leased: not due again before the lease ends
        assert queue.depth() == 3
        assert queue.due_count(now=T0) == 0

    def test_claims_earliest_first(self, queue: DueQueue, make_sources: MakeSources) -> None:
        ids = make_sources(5)
        for offset, sid in zip([5, 1, 4, 2, 3], ids, strict=True):
            queue.schedule(sid, T0 - offset * MIN)
        first = {c.source_id for c in queue.claim(2, 60, now=T0)}
        second = {c.source_id for c in queue.claim(2, 60, now=T0)}
        assert first == {ids[0], ids[2]}
        assert second == {ids[4], ids[3]}
        assert [c.source_id for c in queue.claim(2, 60, now=T0)] == [ids[1]]
        assert queue.claim(0, 60, now=T0) == []

    def test_expired_lease_makes_source_due_again(self, queue: DueQueue, make_sources: MakeSources) -> None:
        (sid,) = make_sources(1)
        queue.schedule(sid, T0)
        (old,) = queue.claim(1, 30, now=T0)
        assert queue.claim(1, 30, now=T0 + 29 * timedelta(seconds=1)) == []
        assert queue.due_count(now=T0 + 31 * timedelta(seconds=1)) == 1
        (new,) = queue.claim(1, 30, now=T0 + 31 * timedelta(seconds=1))
        assert new.source_id == sid and new.token != old.token
        assert queue.complete(old, T0 + 60 * MIN) is False  # the lease went to someone else
        assert queue.extend(old, 60) is None
        assert queue.release(old) is False
        assert queue.complete(new, T0 + 60 * MIN) is True
        assert queue.claim(1, 30, now=T0 + 59 * MIN) == []
        assert [c.source_id for c in queue.claim(1, 30, now=T0 + 60 * MIN)] == [sid]

    def test_complete_once_per_lease(self, queue: DueQueue, make_sources: MakeSources) -> None:
        a, b = make_sources(2)
        queue.schedule(a, T0)
        queue.schedule(b, T0)
        ca, cb = queue.claim(2, 600, now=T0)
        assert queue.complete(ca, T0 + MIN) is True
        assert queue.complete(ca, T0 + 2 * MIN) is False  # lease ended with the first completion
        assert queue.due_count(now=T0 + MIN) == 1  # the other claim of the batch is untouched
        assert queue.complete(cb, T0 + 3 * MIN) is True
        assert queue.due_count(now=T0 + 2 * MIN) == 1
        assert queue.depth() == 2

    def test_release_gives_the_source_back(self, queue: DueQueue, make_sources: MakeSources) -> None:
        a, b = make_sources(2)
        now = utcnow()
        queue.schedule(a, now)
        queue.schedule(b, now)
        ca, cb = queue.claim(2, 600, now=now)
        assert queue.release(ca) is True  # due again now
        assert queue.release(cb, due_at=now + 5 * MIN) is True
        assert [c.source_id for c in queue.claim(5, 600)] == [ca.source_id]
        assert queue.due_count(now=now + 5 * MIN) == 1
        assert queue.release(cb) is False

    def test_extend_keeps_a_long_crawl_leased(self, queue: DueQueue, make_sources: MakeSources) -> None:
        (sid,) = make_sources(1)
        now = utcnow()
        queue.schedule(sid, now - MIN)
        (claim,) = queue.claim(1, 1, now=now)
        longer = queue.extend(claim, 600)
        assert longer is not None and longer.token == claim.token
        assert longer.lease_until > now + 9 * MIN
        assert queue.claim(1, 1, now=now + 5 * MIN) == []  # the short lease would have expired
        assert queue.complete(longer, now + 60 * MIN) is True

    def test_schedule_adds_and_moves(self, queue: DueQueue, make_sources: MakeSources) -> None:
        (sid,) = make_sources(1)
        queue.schedule(sid, T0 + 60 * MIN)
        assert queue.depth() == 1 and queue.due_count(now=T0) == 0
        queue.schedule(sid, T0 - MIN)
        assert queue.depth() == 1 and queue.due_count(now=T0) == 1

    def test_remove_forgets_the_source_and_its_lease(
        self, queue: DueQueue, make_sources: MakeSources
    ) -> None:
        a, b = make_sources(2)
        queue.schedule(a, T0)
        queue.schedule(b, T0)
        claims = queue.claim(1, 60, now=T0)
        for sid in (a, b):
            queue.remove(sid)
        assert queue.depth() == 0
        assert queue.complete(claims[0], T0) is False
        assert queue.claim(10, 60, now=T0 + 24 * 60 * MIN) == []
        queue.remove(a)  # idempotent


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = open_database(migrated(db_url))
    yield engine
    engine.dispose()


class TestSqlQueue(QueueContract):
    @pytest.fixture
    def queue(self, engine: Engine) -> Iterator[SqlDueQueue]:
        queue = SqlDueQueue(engine)
        yield queue
        queue.close()

    @pytest.fixture
    def make_sources(self, engine: Engine) -> MakeSources:
        return lambda count: insert_sources(engine, count)


def test_disabled_sources_are_not_claimed_or_counted(engine: Engine) -> None:
    queue = SqlDueQueue(engine)
    (on,) = insert_sources(engine, 1, due=T0)
    insert_sources(engine, 2, due=T0, disabled=True, start=1)
    insert_sources(engine, 1, due=None, start=3)  # not scheduled
    assert queue.depth() == 1 and queue.due_count(now=T0) == 1
    assert [c.source_id for c in queue.claim(10, 60, now=T0)] == [on]


def test_claim_touches_only_scheduling_columns(engine: Engine) -> None:
    queue = SqlDueQueue(engine)
    (sid,) = insert_sources(engine, 1, due=T0 - MIN)
    (claim,) = queue.claim(1, 60, now=T0)
    with session_factory(engine)() as session:
        row = session.get_one(Source, sid)
        assert (row.lease_token, row.crawl_count, row.home_url) == (claim.token, 0, "https://blog0.example/")
        assert row.lease_until is not None and row.next_due_at is not None
    assert queue.complete(claim, T0 + 60 * MIN)
    with session_factory(engine)() as session:
        row = session.get_one(Source, sid)
        assert (row.lease_token, row.lease_until) == (None, None)


def test_naive_datetimes_are_utc(engine: Engine) -> None:
    queue = SqlDueQueue(engine)
    (sid,) = insert_sources(engine, 1)
    queue.schedule(sid, T0.replace(tzinfo=None))
    assert queue.due_count(now=T0) == 1
    assert queue.due_count(now=T0 - timedelta(seconds=1)) == 0


def test_open_queue_without_redis_is_sql(engine: Engine) -> None:
    queue = open_queue(None, engine)
    assert isinstance(queue, SqlDueQueue)
    insert_sources(engine, 3, due=T0)
    assert reconcile(queue, session_factory(engine)).kept == 3  # the table is the queue
    queue.close()
    with engine.connect() as conn:  # the engine stays usable: the caller owns it
        assert len(conn.execute(select(Source.id)).all()) == 3
