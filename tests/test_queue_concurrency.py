"""Concurrent claimers never get the same source twice; a restarted Redis is reconnected and re-seeded."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import traceback
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
import redis
from sqlalchemy import select

from pipelines.store.db import open_database, session_factory, utcnow
from pipelines.store.models import Source
from scheduler.exceptions import QueueUnavailable
from scheduler.queue import DueQueue
from scheduler.reconciler import reconcile
from scheduler.redis_queue import RedisDueQueue, connect_redis, to_ms
from scheduler.sql_queue import SqlDueQueue
from tests import forked_cli
from tests.conftest import ROOT, migrated
from tests.redis_server import PrivateRedis
from tests.test_queue_redis import REDIS_URL, scoped_prefix, shared_redis
from tests.test_queue_sql import MIN, insert_sources

SOURCES = 10_000
CLAIMERS = 4
BATCH = 50
LEASE = 600.0  # long enough never to expire during the test


def _open(backend: str, url: str, prefix: str) -> tuple[DueQueue, Any]:
    if backend == "redis":
        return RedisDueQueue(connect_redis(url), prefix), None
    engine = open_database(url, auto_migrate=False)
    return SqlDueQueue(engine), engine


def claimer(backend: str, url: str, prefix: str, index: int, barrier: Any, results: Any) -> None:
    """Child process: claim batches until nothing is due; report every (source_id, token)."""
    try:
        queue, engine = _open(backend, url, prefix)
        taken: list[tuple[int, str]] = []
        barrier.wait(timeout=120)
        claims = queue.claim(BATCH, LEASE)
        taken.extend((c.source_id, c.token) for c in claims)
        # every claimer holds a batch before any goes on: they overlap however the machine schedules them
        # (a loaded machine once let one process take every batch before the others were running)
        barrier.wait(timeout=120)
        while claims := queue.claim(BATCH, LEASE):
            taken.extend((c.source_id, c.token) for c in claims)
        queue.close()
        if engine is not None:
            engine.dispose()
        results.put((index, taken, None))
    except BaseException:
        results.put((index, [], traceback.format_exc()))
        raise


def run_claimers(backend: str, url: str, prefix: str = "") -> list[list[tuple[int, str]]]:
    ctx = forked_cli.context()  # children of the pre-imported fork server: no interpreter start each
    barrier, results = ctx.Barrier(CLAIMERS), ctx.Queue()
    procs = [
        ctx.Process(target=claimer, args=(backend, url, prefix, i, barrier, results)) for i in range(CLAIMERS)
    ]
    for proc in procs:
        proc.start()
    try:
        reports = [results.get(timeout=300) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=30)
        results.close()
        results.join_thread()
    errors = [err for _, _, err in reports if err]
    assert not errors, errors[0]
    return [taken for _, taken, _ in sorted(reports, key=lambda r: r[0])]


def assert_each_claimed_once(per_process: list[list[tuple[int, str]]], expected: set[int]) -> dict[int, str]:
    claimed = [sid for taken in per_process for sid, _ in taken]
    assert len(claimed) == len(expected), f"{len(claimed) - len(set(claimed))} double dispatches"
    assert set(claimed) == expected
    assert sum(1 for taken in per_process if taken) >= 2, "the claimers did not overlap"
    return {sid: token for taken in per_process for sid, token in taken}


@pytest.mark.redis
def test_four_claimers_on_redis_never_share_a_source() -> None:
    client = shared_redis()
    try:
        with scoped_prefix(client) as prefix:
            queue = RedisDueQueue(client, prefix)
            due = to_ms(utcnow() - MIN)
            client.zadd(queue.due_key, {str(i): due for i in range(1, SOURCES + 1)})
            tokens = assert_each_claimed_once(
                run_claimers("redis", REDIS_URL, prefix), set(range(1, SOURCES + 1))
            )
            held = cast(dict[bytes, bytes], client.hgetall(queue.lease_key))
            leases = {int(k): v.decode() for k, v in held.items()}
            assert leases == tokens  # every lease is held by the one claimer that got it
            assert queue.due_count() == 0 and queue.depth() == SOURCES
    finally:
        client.close()


def test_four_claimers_on_sql_never_share_a_source(db_url: str) -> None:
    engine = open_database(migrated(db_url))
    try:
        ids = insert_sources(engine, SOURCES, due=utcnow() - MIN)
        tokens = assert_each_claimed_once(run_claimers("sql", db_url), set(ids))
        with engine.connect() as conn:
            leases = {sid: token for sid, token in conn.execute(select(Source.id, Source.lease_token))}
        assert leases == tokens
        assert SqlDueQueue(engine).due_count() == 0
    finally:
        engine.dispose()


class ClaimLoop(threading.Thread):
    """A worker stand-in: claim, complete (due again at once), repeat — through the outage."""

    def __init__(self, queue: RedisDueQueue) -> None:
        super().__init__(daemon=True)
        self.queue, self.claimed, self.errors = queue, 0, list[Exception]()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                for claim in self.queue.claim(10, LEASE):
                    self.claimed += 1
                    self.queue.complete(claim, utcnow())
            except QueueUnavailable as exc:
                self.errors.append(exc)
            time.sleep(0.002)

    def wait_for(self, count: int, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while self.claimed < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.claimed >= count, f"claims stalled at {self.claimed}"


@pytest.mark.redis
def test_redis_restart_reconnects_and_reconcile_reseeds(private_redis: PrivateRedis, sqlite_url: str) -> None:
    engine = open_database(sqlite_url)
    sessions = session_factory(engine)
    insert_sources(engine, 100, due=utcnow() - MIN)
    queue = RedisDueQueue(connect_redis(private_redis.url, retries=10, backoff_base=0.05, backoff_cap=1.0))
    impatient = RedisDueQueue(connect_redis(private_redis.url, retries=1, backoff_base=0.01))
    loop = ClaimLoop(queue)
    try:
        assert reconcile(queue, sessions).added == 100
        loop.start()
        loop.wait_for(300)
        private_redis.kill()
        time.sleep(0.5)  # the loop is now inside the client's retry backoff
        with pytest.raises(QueueUnavailable, match=r"^Redis unavailable at redis://127\.0\.0\.1:\d+/0: "):
            impatient.depth()  # retries exhausted: a one-line error, not a traceback
        private_redis.start()  # same port, empty (no persistence)
        assert queue.depth() == 0  # same client object, reconnected; the due set was lost
        before = loop.claimed
        report = reconcile(queue, sessions)  # SQL is the source of truth
        assert (report.added, report.removed, report.skipped) == (100, 0, False)
        loop.wait_for(before + 300)
        assert loop.errors == []  # the outage was absorbed by the retries
        assert queue.depth() == 100
    finally:
        loop.stopping.set()
        if loop.is_alive():
            loop.join(timeout=30)
        queue.close()
        impatient.close()
        engine.dispose()


@pytest.mark.redis
def test_claims_resume_after_backoff_without_a_new_client(private_redis: PrivateRedis) -> None:
    client: redis.Redis = connect_redis(private_redis.url, retries=10, backoff_base=0.05, backoff_cap=1.0)
    queue = RedisDueQueue(client, "restart")
    try:
        queue.schedule(1, utcnow() - MIN)
        private_redis.kill()
        restart = threading.Timer(1.0, private_redis.start)
        restart.start()
        started = time.monotonic()
        queue.schedule(2, utcnow() - timedelta(seconds=1))  # blocks through the backoff, then succeeds
        waited = time.monotonic() - started
        restart.join()
        assert waited >= 0.9
        assert [c.source_id for c in queue.claim(10, LEASE)] == [2]  # scripts re-registered transparently
    finally:
        queue.close()


@pytest.mark.parametrize("server", ["missing", "broken"])
def test_private_redis_fails_in_ci_when_redis_server_cannot_run(server: str, tmp_path: Path) -> None:
    """Under CI=true the fixture must not skip: no redis-server, or one that cannot start, is a failure."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if server == "broken":
        fake = bin_dir / "redis-server"
        fake.write_text("#!/bin/sh\necho 'Fatal error, cannot bind port' >&2\nexit 1\n")
        fake.chmod(0o755)
    env = dict(os.environ, CI="true", PATH=str(bin_dir))
    target = "tests/test_queue_concurrency.py::test_claims_resume_after_backoff_without_a_new_client"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", target, "-q", "-p", "no:cacheprovider", "-n", "0"],  # one process
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr  # 1: tests failed (not 0: all skipped)
    assert "CI=true" in result.stdout and "skipped" not in result.stdout, result.stdout
