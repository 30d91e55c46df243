"""Recurring-crawl commands: run, worker, scheduler, trigger, status, migrate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from doclisten.cli.common import (
    RUN_PROCESSES_OPTION,
    SPEED_OPTIONS,
    Context,
    database_option,
    guarded,
    options,
    private_networks_option,
    processes_or_default,
    speed_overrides,
    stop_line,
)
from doclisten.output.summary import print_status

WORKER_OPTIONS = [
    click.option(
        "--sources-per-worker", type=int, help="Sources crawled at once by this worker (default 8)."
    ),
    click.option("--lease", type=float, help="Seconds a claimed source stays leased (default 1800)."),
    click.option(
        "--poll", type=float, help="Seconds between two looks at the due queue when idle (default 5)."
    ),
    click.option("--min-interval", type=int, help="Shortest polling interval in seconds (default 900)."),
    click.option("--max-interval", type=int, help="Longest polling interval in seconds (default 86400)."),
    *SPEED_OPTIONS,
]
worker_options = options(WORKER_OPTIONS)

SETTING_OF = {
    "sources_per_worker": "DOCLISTEN_WORKER_SOURCES",
    "lease": "DOCLISTEN_LEASE_SECONDS",
    "poll": "DOCLISTEN_POLL_SECONDS",
    "min_interval": "DOCLISTEN_MIN_INTERVAL",
    "max_interval": "DOCLISTEN_MAX_INTERVAL",
    "every": "DOCLISTEN_RECONCILE_SECONDS",
}


def stopping(redis: bool) -> Callable[[int, int, bool], None]:
    """What `run` and `worker` say on the first Ctrl-C (or SIGTERM) and on the second."""
    if redis:
        return stop_line("{n} unfinished sources are crawled again when their lease ends")
    return stop_line("the next run takes back the {n} unfinished sources")


def ready(role: str, redis: bool) -> Callable[[], None]:
    """The line `run`, `worker` and `scheduler` print once Ctrl-C and SIGTERM stop them gracefully."""
    queue = "Redis" if redis else "embedded SQL"
    return lambda: click.echo(f"{role}: {queue} queue; Ctrl-C to stop", err=True)


def worker_overrides(
    verbose: bool = False, delay: float | None = None, concurrency: int | None = None, **opts: Any
) -> dict[str, Any]:
    out = speed_overrides(verbose, delay, concurrency)
    for name, value in opts.items():
        if value is not None:
            out[SETTING_OF[name]] = value
    return out


@click.command("run")
@worker_options
@RUN_PROCESSES_OPTION
@click.option("--every", type=float, help="Seconds between reconciliations of the Redis queue (default 60).")
@database_option
@private_networks_option
@click.pass_obj
def run_cmd(obj: Context, processes: int | None, **opts: Any) -> None:
    """Crawl due sources on their schedule until stopped (scheduler and worker in one process).

    Uses Redis when DOCLISTEN_REDIS_URL is set, else the embedded SQL queue. Ctrl-C or SIGTERM
    stops it (downloads in flight finish, the other sources are released); a second Ctrl-C
    aborts. On the embedded queue, the next run takes back at once what an aborted or killed run
    still held.
    """
    from doclisten.commands import schedule as schedule_commands

    redis = bool(obj.config.redis_url)
    on_ready = ready("running", redis)
    code = guarded(
        schedule_commands.run_workers,
        obj.config,
        worker_overrides(**opts),
        processes_or_default(processes),
        stopping(redis),
        on_ready,
    )
    if code:
        raise SystemExit(code)


@click.command("worker")
@worker_options
@database_option
@private_networks_option
@click.pass_obj
def worker_cmd(obj: Context, **opts: Any) -> None:
    """A long-running crawler worker: claims due sources from the queue while it has capacity."""
    from doclisten.commands import schedule as schedule_commands

    redis = bool(obj.config.redis_url)
    from doclisten.runner import counting

    on_ready = ready("worker running", redis)
    on_stop = counting(stopping(redis))
    guarded(schedule_commands.work, obj.config, worker_overrides(**opts), False, on_stop, on_ready)


@click.command("scheduler")
@click.option("--every", type=float, help="Seconds between reconciliations (default 60).")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Log the reconciliations that change the queue (sources added or removed) and the rounds "
    "skipped because another scheduler holds the lock.",
)
@database_option
@click.pass_obj
def scheduler_cmd(obj: Context, every: float | None, verbose: bool) -> None:
    """Keep the Redis due queue in step with the sources table (reconciler), until stopped.

    Workers apply the interval policy when they finish a source; the scheduler adds new
    sources, drops removed or disabled ones, and re-seeds the queue after a Redis loss.
    """
    import logging

    from doclisten.commands import schedule as schedule_commands

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(asctime)s %(levelname)s %(message)s"
    )
    if not obj.config.redis_url:
        click.echo(
            "no DOCLISTEN_REDIS_URL: the embedded SQL queue needs no scheduler; waiting anyway", err=True
        )
    on_ready = ready("scheduler running", bool(obj.config.redis_url))
    rounds = guarded(schedule_commands.schedule_loop, obj.config, worker_overrides(every=every), on_ready)
    click.echo(f"scheduler stopped after {rounds} rounds", err=True)


@click.command("trigger")
@click.argument("refs", nargs=-1, required=True)
@database_option
@click.pass_obj
def trigger_cmd(obj: Context, refs: Sequence[str]) -> None:
    """Make sources (by id or URL) due now; running workers crawl them at their next poll."""
    from doclisten.commands import schedule as schedule_commands

    for src in guarded(schedule_commands.trigger, obj.config, list(refs)):
        click.echo(f"source {src.id} ({src.home_url}) is due now")


@click.command("migrate")
@database_option
@click.pass_obj
def migrate_cmd(obj: Context) -> None:
    """Create or upgrade the database schema (commands that write also do it; reads never do)."""
    from doclisten.commands import schedule as schedule_commands

    before, after = guarded(schedule_commands.apply_migrations, obj.config)
    click.echo(f"database at revision {after}" + ("" if before == after else f" (was {before or 'empty'})"))


@click.command("status")
@database_option
@click.pass_obj
def status_cmd(obj: Context) -> None:
    """Due, overdue, failing and disabled sources, queue depth and the last crawls."""
    from doclisten.commands import schedule as schedule_commands

    print_status(guarded(schedule_commands.status, obj.config))
