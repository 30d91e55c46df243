"""End to end: recurring crawls, `doclisten run` on SQLite, and scheduler + 2 workers on Redis + PostgreSQL.

The distributed test runs its own redis-server (so it can kill and restart it) and a throwaway
PostgreSQL database; workers are killed with SIGKILL mid-crawl and the database must still
end up with every post and comment exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from pipelines.store.models import Post, Source
from tests import forked_cli
from tests.conftest import FAST, launch, run_cli
from tests.expect import AssertionErrorsOnly, check_comments, check_posts

pytestmark = pytest.mark.slow

# what `run`, `worker` and `scheduler` print once Ctrl-C and SIGTERM stop them gracefully
READY = "Ctrl-C to stop"
SCHEDULE = [
    "--poll",
    "0.3",
    "--min-interval",
    "2",
    "--max-interval",
    "3",
    "--lease",
    "6",
    "--delay",
    "0",
    "--concurrency",
    "8",
]


# A wait's timeout is a safety net, not an assertion: it returns as soon as the check holds. On a loaded machine
# (a newcomer's laptop running other work, CI beside other jobs) everything takes several times longer, so the
# net is SAFETY times the figure a test gives. A test whose deadline *is* the requirement passes strict=True.
SAFETY = 5


def wait_for(check: Callable[[], bool], timeout: float, what: str, *, strict: bool = False) -> None:
    if not strict:
        timeout *= SAFETY
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


class complete:  # a check function with a memory
    """True once the database holds exactly the sample site (every post and comment); ``missing`` says
    what the last check found wrong."""

    def __init__(self, engine, site) -> None:  # type: ignore[no-untyped-def]
        self.engine, self.site, self.missing = engine, site, ""

    def __call__(self) -> bool:
        try:
            check_posts(self.engine, self.site)
            check_comments(self.engine, self.site)
        except AssertionErrorsOnly as exc:
            self.missing = f"{type(exc).__name__}: {str(exc)[:2000]}"
            return False
        return True


class Procs:
    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs, self.procs = env, logs, {}

    @classmethod
    def running(cls, logs: Path) -> Iterator[Procs]:
        """A fixture's body: commands that may crawl 127.0.0.x and use no Redis unless told; killed after."""
        env = dict(os.environ, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1")
        env.pop("DOCLISTEN_REDIS_URL", None)
        p = cls(env, logs)
        yield p
        p.stop_all()

    def start(self, name: str, *args: str) -> forked_cli.Started | subprocess.Popen[bytes]:
        proc = launch(*args, env=self.env, out=self.logs / f"{name}.log")
        self.procs[name] = proc
        return proc

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 120) -> int:
        """Send ``sig`` and wait for the exit. SIGINT/SIGTERM wait for the process to say it is
        ready (its handlers are in): before that, Python's default handler would kill it (-15)."""
        proc = self.procs[name]
        if sig != signal.SIGKILL:
            wait_for(
                lambda: READY in self.log(name) or proc.poll() is not None, timeout, f"{name} to be ready"
            )
        self.procs.pop(name)
        if proc.poll() is None:
            proc.send_signal(sig)
        try:
            code = proc.wait(timeout * SAFETY)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        return code

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name, signal.SIGKILL)


@pytest.fixture
def procs(tmp_path) -> Iterator[Procs]:  # type: ignore[no-untyped-def]
    yield from Procs.running(tmp_path)


def test_run_on_sqlite_keeps_the_site_current(demo_site, sqlite_url, procs) -> None:  # type: ignore[no-untyped-def]
    run_cli("sources", "add", *[b.homepage for b in demo_site.blogs.values()], *FAST, db=sqlite_url)
    procs.env["DOCLISTEN_DATABASE_URL"] = sqlite_url
    procs.start("run", "run", *SCHEDULE)
    engine = create_engine(sqlite_url)
    try:
        wait_for(complete(engine, demo_site), 90, "the first round")
        fresh = demo_site.add_post(
            "wp-block", "CGM overpatches, ranked", ["Three overpatches for a Dexcom G7."] * 3
        )
        reply = demo_site.add_comment(
            "wpcom", demo_site.blogs["wpcom"].content.posts[0].slug, "Ivy", "Loop user here."
        )
        done = complete(engine, demo_site)

        def a_day_later() -> bool:
            # A new comment on an old post shows only in the site comment feed, which a quiet blog polls on
            # its own decaying schedule (at most a day apart, crawler/plan.py site_comments_due): make it due,
            # again on every check, in case a round in flight records a poll meanwhile.
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE sources SET comments_feed_checked_at = :t"), {"t": "2000-01-01 00:00:00"}
                )
            return done()

        try:
            wait_for(a_day_later, 120, f"the new post {fresh.title!r} and comment {reply.id}")
        except AssertionError as exc:  # say what the run was doing
            raise AssertionError(
                f"{exc}\n--- the last check: {done.missing}\n--- run's log (end):\n{procs.log('run')[-4000:]}"
            ) from None
        assert procs.stop("run") == 0
        with engine.connect() as conn:
            leased = conn.execute(
                select(func.count(Source.id)).where(Source.lease_token.is_not(None))
            ).scalar()
            crawls = conn.execute(text("SELECT count(*) FROM source_crawls")).scalar()
        assert leased == 0  # SIGTERM released what was unfinished
        assert crawls > len(demo_site.blogs)  # sources were crawled again on their schedule
        status = run_cli("status", db=sqlite_url).stdout
        assert "sources: 5 (5 enabled)" in status and "last crawls" in status
    finally:
        engine.dispose()


def test_scheduler_and_two_workers_on_redis_and_postgres(demo_site, pg_url, procs, private_redis) -> None:  # type: ignore[no-untyped-def]
    redis = private_redis  # our own redis-server: killed and restarted below
    engine = create_engine(pg_url)
    try:
        run_cli("sources", "add", *[b.homepage for b in demo_site.blogs.values()], *FAST, db=pg_url)
        procs.env.update(DOCLISTEN_DATABASE_URL=pg_url, DOCLISTEN_REDIS_URL=redis.url)
        procs.start("scheduler", "scheduler", "--every", "1")
        procs.start("worker-a", "worker", *SCHEDULE, "--sources-per-worker", "2")
        procs.start("worker-b", "worker", *SCHEDULE, "--sources-per-worker", "2")

        def some_posts() -> bool:
            with engine.connect() as conn:
                return (conn.execute(select(func.count(Post.id))).scalar() or 0) >= 5

        wait_for(some_posts, 60, "the workers to start storing posts")
        procs.stop("worker-a", signal.SIGKILL)  # dies mid-crawl: its sources come back after the lease
        wait_for(complete(engine, demo_site), 120, "worker-b to finish everything")

        redis.kill()  # Redis lost (no persistence): the reconciler re-seeds it from PostgreSQL
        time.sleep(2)
        redis.start()
        procs.start("worker-c", "worker", *SCHEDULE)
        added = demo_site.add_post(
            "blogger", "Sick day rules, revisited", ["Ketones, fluids, and calling early."] * 3
        )
        wait_for(complete(engine, demo_site), 60, f"the post {added.title!r} added after the Redis restart")

        for name in ("worker-b", "worker-c", "scheduler"):
            assert procs.stop(name) == 0, procs.log(name)
        assert "Traceback" not in procs.log("worker-b") + procs.log("scheduler")
    finally:
        engine.dispose()
