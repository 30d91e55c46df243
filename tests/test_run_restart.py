"""A stopped or killed `doclisten run` on the embedded queue: its claims come back at once, Ctrl-C says what it does.

Each process that claims from the SQL queue holds a lock the OS or the server drops when the process
dies (``scheduler/holders.py``); its lease tokens name it. A restarted run takes back the leases of
holders that are provably gone, and never those of a live process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from pipelines.store.db import open_database
from pipelines.store.models import Post, Source
from scheduler.sql_queue import SqlDueQueue
from tests.conftest import FAST, ROOT, launch, migrated, run_cli
from tests.faults import FaultSite, hanging_feeds
from tests.test_queue_sql import T0, insert_sources
from tests.test_recurring import SAFETY, wait_for

# the default lease: 30 minutes
RUN = ["--poll", "0.3", "--min-interval", "600", "--delay", "0", "--concurrency", "8"]
STOPPING = "stopping: finishing 2 sources (Ctrl-C again to abort)"
# what `run`, `worker` and `scheduler` print once SIGINT/SIGTERM stop them gracefully: before it, a
# signal may still find Python's default handler (the process dies with -15)
READY = "Ctrl-C to stop"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = open_database(migrated(db_url))
    yield engine
    engine.dispose()


# ---------------------------------------------------------------------------------------------- the queue


def test_a_live_holders_leases_are_kept_a_gone_holders_taken_back(engine: Engine) -> None:
    insert_sources(engine, 3, due=T0)
    crashed, other, restarted = SqlDueQueue(engine), SqlDueQueue(engine), SqlDueQueue(engine)
    lost = crashed.claim(2, 1800)
    (kept,) = other.claim(1, 1800)
    assert restarted.release_orphans() == 0  # both holders are alive
    assert restarted.stale_leases() == 0
    crashed.close()  # its lock is gone, as when the process dies; its leases are left behind
    assert restarted.stale_leases() == 2
    assert restarted.release_orphans() == 2
    assert sorted(c.source_id for c in restarted.claim(10, 1800)) == sorted(c.source_id for c in lost)
    assert crashed.complete(lost[0], T0) is False  # the old holder's token no longer counts
    assert other.complete(kept, T0) is True  # the live holder's lease was never touched
    for queue in (other, restarted):
        queue.close()


CHILD = """
import sys, time
from pipelines.store.db import open_database
from scheduler.sql_queue import SqlDueQueue
queue = SqlDueQueue(open_database(sys.argv[1]))
print(len(queue.claim(10, 1800)), flush=True)
time.sleep(600)
"""


def test_a_killed_processes_leases_are_taken_back(engine: Engine, db_url: str) -> None:
    insert_sources(engine, 2, due=T0)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, db_url], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "2"
        queue = SqlDueQueue(engine)
        assert queue.release_orphans() == 0  # a live process keeps its claims
        assert queue.claim(10, 1800) == []
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    taken: list[int] = []
    wait_for(
        lambda: taken.append(queue.release_orphans()) or sum(taken) == 2,
        30,
        "the leases of the killed process",
    )
    assert len(queue.claim(10, 1800)) == 2
    queue.close()


def test_tokens_of_older_versions_are_left_to_expire(engine: Engine) -> None:
    (sid,) = insert_sources(engine, 1, due=T0)
    with engine.begin() as conn:
        conn.execute(Source.__table__.update().values(lease_token="0" * 32, next_due_at=T0))
    queue = SqlDueQueue(engine)
    assert queue.release_orphans() == 0 and queue.stale_leases() == 0
    queue.close()
    with engine.connect() as conn:
        assert conn.execute(select(Source.lease_token).where(Source.id == sid)).scalar() == "0" * 32


# ---------------------------------------------------------------------------------------------- doclisten run


@pytest.fixture
def site() -> Iterator[tuple[FaultSite, threading.Event]]:
    """Two blogs whose feed hangs while ``hold`` is set (a run then holds their claims)."""
    hold = threading.Event()
    with FaultSite(hanging_feeds(hold)) as fault_site:
        yield fault_site, hold


class Run:
    """`doclisten run` (or another role: ``args``) in a subprocess, its output in a file."""

    def __init__(self, db: str, log: Path, args: tuple[str, ...] = ("run", *RUN)):
        env = dict(os.environ, DOCLISTEN_DATABASE_URL=db, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1")
        env.pop("DOCLISTEN_REDIS_URL", None)
        self.log = log
        self.proc = launch(*args, env=env, out=log)

    def output(self) -> str:
        return self.log.read_text()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout * SAFETY)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def leased(engine: Engine) -> int:
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count(Source.id)).where(Source.lease_token.is_not(None))).scalar() or 0
        )


def posts_per_source(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(select(func.count(Post.id)).group_by(Post.source_id)).scalars())


@pytest.mark.slow
def test_a_killed_run_is_restarted_without_waiting_for_its_leases(site, db_url, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fault_site, hold = site
    run_cli("sources", "add", *(fault_site.home(k) for k in ("ann", "ben")), *FAST, db=db_url)
    hold.set()
    first = Run(db_url, tmp_path / "first.log")
    try:
        wait_for(lambda: leased(engine) == 2, 60, "the run to claim both sources")
    finally:
        assert first.stop(signal.SIGKILL) == -signal.SIGKILL
    hold.clear()
    assert leased(engine) == 2  # left behind by the killed process
    probe = SqlDueQueue(engine)  # PostgreSQL drops the lock once it sees the connection closed
    wait_for(lambda: probe.stale_leases() == 2, 30, "the killed run's lock to go")
    status = run_cli("status", db=db_url).stdout
    assert "crawling: 0" in status and "2 stale" in status, status

    second = Run(db_url, tmp_path / "second.log")
    try:
        wait_for(lambda: posts_per_source(engine) == [2, 2], 90, "the restarted run to crawl both sources")
    finally:
        assert second.stop() == 0, second.output()
    assert "Traceback" not in second.output()


@pytest.mark.slow
def test_first_ctrl_c_says_what_it_finishes_second_aborts(site, sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fault_site, hold = site
    run_cli("sources", "add", *(fault_site.home(k) for k in ("ann", "ben")), *FAST, db=sqlite_url)
    hold.set()
    engine = open_database(sqlite_url)
    run = Run(sqlite_url, tmp_path / "run.log")
    try:
        # both feeds asked for: the crawl holds both sources (a lease alone is written before the crawl
        # takes the source on: a signal in between finds nothing to finish)
        wait_for(
            lambda: all(fault_site.hits(k, "/feed/") for k in ("ann", "ben")),
            60,
            "the run to crawl both sources",
        )
        assert leased(engine) == 2
        run.proc.send_signal(signal.SIGINT)
        wait_for(lambda: STOPPING in run.output(), 20, f"{STOPPING!r} in the output")
        assert run.proc.poll() is None  # the feeds still hang: it is finishing them
        code = run.stop(signal.SIGINT, timeout=20)
    finally:
        if run.proc.poll() is None:
            run.stop(signal.SIGKILL)
        engine.dispose()
    out = run.output()
    assert code != 0 and "aborted" in out, out
    assert "Traceback" not in out


@pytest.mark.slow
@pytest.mark.parametrize(
    "args", [("run", *RUN), ("worker", *RUN), ("scheduler", "--every", "1")], ids=lambda a: a[0]
)
def test_a_sigterm_once_ready_is_a_clean_stop(args: tuple[str, ...], sqlite_url: str, tmp_path: Path) -> None:
    open_database(sqlite_url).dispose()
    role = Run(sqlite_url, tmp_path / "role.log", args)
    deadline = time.monotonic() + 120
    try:
        while READY not in role.output() and role.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        code = role.stop(signal.SIGTERM, timeout=120)  # at once: the handlers are in before the line
    assert READY in role.output(), role.output()
    assert code == 0, role.output()
    assert "Traceback" not in role.output()
