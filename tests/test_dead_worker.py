"""A dead worker costs minutes (issue 12, item 4): short leases kept alive by a heartbeat whose Redis and
SQL calls, like the claimer's, run in a thread, so a blocked queue never freezes a worker's reactor."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis as redis_lib
from sqlalchemy import create_engine, select

from crawler.settings import DOCLISTEN_LEASE_SECONDS
from pipelines.store.models import Source
from tests.conftest import FAST, run_cli, run_python
from tests.test_recurring import Procs, wait_for


@pytest.fixture
def procs(tmp_path) -> Iterator[Procs]:  # type: ignore[no-untyped-def]
    yield from Procs.running(tmp_path)


@pytest.mark.parametrize("call", ["claim", "heartbeat"])
def test_the_reactor_keeps_serving_while_a_queue_call_blocks(call: str) -> None:
    probe = run_python("-m", "tests.reactor_probe", call)
    assert probe.stdout.strip().startswith("served"), probe.stdout + probe.stderr


def test_a_source_claimed_while_the_crawl_closes_is_given_back() -> None:
    """SIGTERM during a claim call: the closing spider waits for the call and releases what it claimed (it
    would otherwise stay leased by a process that is gone)."""
    probe = run_python("-m", "tests.reactor_probe", "closing")
    assert probe.stdout.strip() == "released lease-7", probe.stdout + probe.stderr


def test_the_heartbeat_extends_leases_while_the_reactor_is_busy() -> None:
    probe = run_python("-m", "tests.reactor_probe", "busy")
    beats = probe.stdout.strip()
    assert beats.startswith("beats") and int(beats.split()[1]) >= 2, probe.stdout + probe.stderr


def test_default_lease_is_short_enough_for_two_minutes() -> None:
    assert DOCLISTEN_LEASE_SECONDS <= 90  # heartbeat every lease/3 keeps long crawls leased


@pytest.mark.slow
def test_a_killed_workers_sources_are_crawled_by_the_survivor_within_two_minutes(  # type: ignore[no-untyped-def]
    demo_site, pg_url, procs, private_redis
) -> None:
    run_cli("sources", "add", *[b.homepage for b in demo_site.blogs.values()], *FAST, db=pg_url)
    procs.env.update(DOCLISTEN_DATABASE_URL=pg_url, DOCLISTEN_REDIS_URL=private_redis.url)
    client = redis_lib.Redis.from_url(private_redis.url, decode_responses=True)
    engine = create_engine(pg_url)
    try:
        procs.start("scheduler", "scheduler", "--every", "1")
        # the default lease; a slow worker, so it is still crawling what it claimed when it is killed
        procs.start("worker-a", "worker", "--poll", "0.3", "--delay", "2", "--sources-per-worker", "2")
        wait_for(lambda: bool(client.hgetall("doclisten:lease")), 90, "worker-a to claim sources")
        procs.stop("worker-a", signal.SIGKILL)
        killed_at = datetime.now(UTC)
        held = {int(sid) for sid in client.hgetall("doclisten:lease")}  # its unfinished claims
        assert held, "worker-a finished its sources before it was killed"
        procs.start("worker-b", "worker", "--poll", "0.3", *FAST)

        def crawled_again() -> bool:
            with engine.connect() as conn:
                rows = conn.execute(
                    select(Source.id, Source.last_crawled_at).where(Source.id.in_(held))
                ).all()
            return all(at is not None and at.replace(tzinfo=at.tzinfo or UTC) > killed_at for _, at in rows)

        deadline = 120 - (datetime.now(UTC) - killed_at).total_seconds()
        started = time.monotonic()
        wait_for(
            crawled_again,
            deadline,
            f"worker-b to crawl sources {sorted(held)} of the killed worker",
            strict=True,
        )
        print(f"recovered in {time.monotonic() - started:.0f}s after worker-b started")
        assert "Traceback" not in procs.log("worker-b"), procs.log("worker-b")
    finally:
        client.close()
        engine.dispose()
