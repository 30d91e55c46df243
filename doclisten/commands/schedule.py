"""What the recurring-crawl commands do (run, worker, scheduler, trigger, status, migrate, sources
enable/disable), as plain functions: store and scheduler calls, no SQL of their own."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import OperationalError

from crawler.exceptions import DoclistenError, one_line
from doclisten import processes
from doclisten.config import Config
from doclisten.processes import StopLine
from doclisten.runner import OnStop, Session, build_settings, counting, run
from pipelines.exceptions import DatabaseError
from pipelines.store.db import (
    create_db_engine,
    current_revision,
    head_revision,
    mask_url,
    migrate,
    open_database,
    session_factory,
    utcnow,
)
from pipelines.store.models import Source
from pipelines.store.sources import find_source, update_source
from pipelines.store.status import disabled_sources, failing_sources, recent_crawls, source_counts
from scheduler.backends import open_queue
from scheduler.service import run_scheduler


def apply_migrations(config: Config) -> tuple[str | None, str | None]:
    engine = create_db_engine(config.database_url)
    try:
        before = current_revision(engine)
        migrate(engine)
        return before, head_revision()
    except OperationalError as exc:
        raise DatabaseError(
            f"cannot migrate database {mask_url(config.database_url)}: {one_line(exc)}"
        ) from None
    finally:
        engine.dispose()


def work(
    config: Config,
    overrides: dict[str, Any],
    reconcile: bool,
    on_stop: OnStop | None = None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """`doclisten worker` (reconcile=False) and `doclisten run` (scheduler and worker in one process).

    ``on_stop`` hears of Ctrl-C / SIGTERM (see ``doclisten.runner.run``); ``on_ready`` is called once
    they are handled (before it, a SIGTERM may still kill the process with Python's default)."""
    every = float(
        overrides.get("DOCLISTEN_RECONCILE_SECONDS")
        or build_settings(config).getfloat("DOCLISTEN_RECONCILE_SECONDS")
    )

    async def steps(session: Session) -> None:
        if on_ready is not None:  # the signal handlers are in before the first step
            on_ready()
        await session.work(reconcile_every=every if reconcile else None)

    run(config, steps, overrides, on_stop)


def run_workers(
    config: Config,
    overrides: dict[str, Any],
    processes_wanted: int,
    on_stop: StopLine,
    on_ready: Callable[[], None] | None = None,
) -> int:
    """`doclisten run`: ``processes_wanted`` workers on one queue (only the first reconciles), each
    in a process of its own, or this process alone; returns the exit status (the worst child's)."""
    if processes_wanted <= 1:
        work(config, overrides, True, counting(on_stop), on_ready)
        return 0
    open_database(config.database_url).dispose()  # migrated once, and a bad database fails here
    specs = [
        processes.child_spec("work", config, overrides, reconcile=index == 0)
        for index in range(processes_wanted)
    ]
    supervisor = processes.Supervisor(specs, on_stop, on_ready=on_ready)
    codes = supervisor.run()
    if supervisor.aborted:
        raise KeyboardInterrupt
    if supervisor.errors:  # the workers' error, said once
        raise DoclistenError(supervisor.errors[0])
    return processes.worst(codes)


def schedule_loop(
    config: Config, overrides: dict[str, Any], on_ready: Callable[[], None] | None = None
) -> int:
    """`doclisten scheduler`: re-seed the due queue from the sources table until SIGINT/SIGTERM.

    The signal handlers are installed first; ``on_ready`` is called once the queue is open."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    engine = None
    try:
        settings = build_settings(config, overrides)
        engine = open_database(config.database_url)
        every = settings.getfloat("DOCLISTEN_RECONCILE_SECONDS")
        return run_scheduler(settings, engine, stop, every, on_ready)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if engine is not None:
            engine.dispose()


def _with_queue(config: Config, refs: Sequence[str], change: dict[str, Any], due_now: bool) -> list[Source]:
    engine = open_database(config.database_url)
    queue = open_queue(config.redis_url, engine)
    try:
        now = utcnow()
        with session_factory(engine).begin() as s:
            sources = [find_source(s, ref) for ref in refs]
            for src in sources:
                values = dict(change)
                if due_now:
                    values.update(next_due_at=now, not_before=None)
                update_source(s, src.id, **values)
        for src in sources:
            if due_now:
                queue.schedule(src.id, now)
            else:
                queue.remove(src.id)
        return sources
    finally:
        queue.close()
        engine.dispose()


def trigger(config: Config, refs: Sequence[str]) -> list[Source]:
    """Make sources due now (workers pick them up at their next poll)."""
    return _with_queue(config, refs, {}, due_now=True)


def enable(config: Config, refs: Sequence[str]) -> list[Source]:
    return _with_queue(
        config, refs, {"disabled": False, "disabled_reason": None, "consecutive_failures": 0}, due_now=True
    )


def disable(config: Config, refs: Sequence[str], reason: str) -> list[Source]:
    return _with_queue(config, refs, {"disabled": True, "disabled_reason": reason}, due_now=False)


@dataclass
class Status:
    total: int = 0
    enabled: int = 0
    due: int = 0
    overdue: int = 0
    crawling: int = 0
    stale: int = 0  # leased by a process that is gone (embedded queue): the next run takes them back
    failing: list[Source] = field(default_factory=list)
    disabled: list[Source] = field(default_factory=list)
    queue_backend: str = "sql"
    queue_depth: int = 0
    queue_due: int = 0
    recent: list[tuple[Any, ...]] = field(default_factory=list)


def status(config: Config, overdue_after: timedelta = timedelta(minutes=15)) -> Status:
    engine = open_database(config.database_url)
    queue = open_queue(config.redis_url, engine, one_shot=True)  # a Redis outage answers in seconds
    try:
        now = utcnow()
        st = Status(queue_backend="redis" if config.redis_url else "sql")
        with session_factory(engine).begin() as s:
            counts = source_counts(s, now, overdue_after)
            st.total, st.enabled, st.due, st.overdue = (
                counts.total,
                counts.enabled,
                counts.due,
                counts.overdue,
            )
            st.crawling = counts.crawling
            st.failing, st.disabled, st.recent = failing_sources(s), disabled_sources(s), recent_crawls(s)
        st.queue_depth, st.queue_due = queue.depth(), queue.due_count()
        stale_leases = getattr(queue, "stale_leases", None)  # the SQL queue knows its holders
        if stale_leases is not None:
            st.stale = stale_leases(now)
            st.crawling = max(0, st.crawling - st.stale)
        return st
    finally:
        queue.close()
        engine.dispose()
