"""The storage writer: batches in its own thread, acknowledges only what is durable, in order."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from pipelines.store.db import create_db_engine, open_database, session_factory
from pipelines.store.spool import Spool
from pipelines.store.writer import SPOOLED, Writer
from tests.conftest import migrated

DEADLINE = 60.0


class Reactor:
    """Stands in for ``reactor.callFromThread``: the test thread runs what the writer hands back."""

    def __init__(self) -> None:
        self.calls: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]]] = queue.SimpleQueue()

    def __call__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.calls.put((fn, args))

    def run_until(self, done: Callable[[], bool]) -> None:
        while not done():
            fn, args = self.calls.get(timeout=DEADLINE)
            fn(*args)


@pytest.fixture
def sessions(db_url: str) -> Iterator[Any]:
    engine = open_database(migrated(db_url))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE writer_test (n INTEGER PRIMARY KEY)"))
    yield session_factory(engine)
    engine.dispose()


def insert(session: Session, n: int) -> int:
    if n < 0:
        raise ValueError(f"bad item {n}")
    session.execute(text("INSERT INTO writer_test (n) VALUES (:n)"), {"n": n})
    return n


def stored(sessions: Any) -> list[int]:
    with sessions.begin() as s:
        return list(s.execute(text("SELECT n FROM writer_test ORDER BY n")).scalars())


def test_items_are_batched_acknowledged_in_order_after_commit(sessions: Any, tmp_path: Any) -> None:
    reactor, batches = Reactor(), []
    gate = threading.Event()

    def write(session: Session, n: int) -> int:
        gate.wait(DEADLINE)  # hold the first transaction until everything is queued
        batches.append(session)  # kept alive: their ids stay distinct
        return insert(session, n)

    writer = Writer(
        sessions, write, Spool(tmp_path), batch_items=4, batch_seconds=5.0, call_in_reactor=reactor
    )
    fired: list[Any] = []
    for n in range(10):
        writer.submit(n).addCallback(fired.append)
    barrier = writer.barrier()
    barrier.addCallback(lambda _: fired.append("barrier"))
    gate.set()
    reactor.run_until(lambda: "barrier" in fired)
    assert fired == [*range(10), "barrier"]  # in submission order, each after its commit
    assert stored(sessions) == list(range(10))
    sizes = [sum(1 for b in batches if b is s) for s in {id(b): b for b in batches}.values()]
    assert sum(sizes) == 10 and 1 < max(sizes) <= 4, sizes  # several items per transaction
    closed: list[None] = []
    writer.close().addCallback(closed.append)
    reactor.run_until(lambda: bool(closed))


def test_a_bad_item_fails_alone(sessions: Any, tmp_path: Any) -> None:
    writer = Writer(sessions, insert, Spool(tmp_path))
    outcomes = writer.commit([1, 2, -3, 4])
    assert outcomes[:2] == [1, 2] and outcomes[3] == 4
    assert outcomes[2].check(ValueError)
    assert stored(sessions) == [1, 2, 4]


def test_an_unreachable_database_spools_and_acknowledges(tmp_path: Any) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")  # the directory does not exist
    spool = Spool(tmp_path / "spool")
    writer = Writer(session_factory(engine), insert, spool, retry_seconds=1.0)
    assert writer.commit([1, 2]) == [SPOOLED, SPOOLED]
    assert len(spool.pending()) == 2 and writer.down
    assert writer.commit([3]) == [SPOOLED]  # still down: tried once, spooled
    replayed: list[int] = []
    assert spool.replay(replayed.append) == 3 and sorted(replayed) == [1, 2, 3]
