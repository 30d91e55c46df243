"""Pieces every CLI module shares: the context object, the shared options (database, private networks,
crawl speed) and the one error guard.

Only :func:`guard` turns an error into what the user reads: command modules raise (or let through) a
``DoclistenError`` and run their bodies under the guard.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import click

from crawler.exceptions import DoclistenError, one_line
from doclisten.config import ENV_ALLOW_PRIVATE, ENV_DATABASE_URL, ENV_DEBUG, Config

logger = logging.getLogger(__name__)


class Context:
    """``ctx.obj`` of every command: the configuration, from the environment and the options."""

    def __init__(self) -> None:
        self.config = Config.from_env()


def _set_database_url(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    obj = ctx.ensure_object(Context)
    if value:
        obj.config = replace(obj.config, database_url=value)
    from pipelines.store.db import is_in_memory, mask_url  # SQLAlchemy and alembic: when a command runs

    if not isinstance(ctx.command, click.Group) and is_in_memory(obj.config.database_url):
        raise click.ClickException(
            f"{mask_url(obj.config.database_url)} is an in-memory database: nothing would be kept after "
            "this command; use a file, e.g. sqlite:///doclisten.db"
        )


def _set_allow_private(ctx: click.Context, _param: click.Parameter, value: bool | None) -> None:
    obj = ctx.ensure_object(Context)
    if value is not None:
        obj.config = replace(obj.config, allow_private_networks=value)


def database_option(func: Any = None, **extra: Any) -> Any:
    """``--database-url`` on a command that uses the database (also taken before the command name,
    by the ``doclisten`` group; the one nearer the end wins). ``extra``: e.g. the group's ``envvar``."""
    option = click.option(
        "--database-url",
        metavar="URL",
        expose_value=False,
        callback=_set_database_url,
        help=f"SQLAlchemy URL of the database (default: ${ENV_DATABASE_URL}, else sqlite:///doclisten.db).",
        **extra,
    )
    return option if func is None else option(func)


def private_networks_option(func: Any = None, **extra: Any) -> Any:
    """``--allow-private-networks/--no-allow-private-networks`` on a command that fetches."""
    option = click.option(
        "--allow-private-networks/--no-allow-private-networks",
        default=None,
        expose_value=False,
        callback=_set_allow_private,
        help=f"Allow fetching loopback/private addresses (default: ${ENV_ALLOW_PRIVATE}, else off: SSRF guard).",
        **extra,
    )
    return option if func is None else option(func)


# How fast a crawl goes, on top of crawler/settings.py: `crawl`, `sources add/import`, `run`, `worker`.
DELAY_OPTION = click.option(
    "--delay", type=float, help="Seconds between requests to one host (default 1.0, AutoThrottle on)."
)
CONCURRENCY_OPTION = click.option("--concurrency", type=int, help="Concurrent requests per host (default 2).")
VERBOSE_OPTION = click.option(
    "-v", "--verbose", is_flag=True, help="Show Scrapy's log (INFO) instead of warnings only."
)
BACKFILL_OPTION = click.option(
    "--max-backfill-pages", type=int, help="Archive pages followed for a new source (default 20)."
)


def processes_option(default_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--processes",
        type=click.IntRange(min=1),
        help=f"Crawl processes sharing the work (default: {default_help}; 1: this process only).",
    )


CRAWL_PROCESSES_OPTION = processes_option("one per core, but no more than one per 10 sites")
RUN_PROCESSES_OPTION = processes_option("the number of cores")
SPEED_OPTIONS = [DELAY_OPTION, CONCURRENCY_OPTION, VERBOSE_OPTION]
CRAWL_OPTIONS = [DELAY_OPTION, CONCURRENCY_OPTION, BACKFILL_OPTION, VERBOSE_OPTION]


def processes_or_default(processes: int | None) -> int:
    from doclisten.processes import default_processes

    return processes if processes is not None else default_processes()


def stop_line(aborted: str) -> Callable[[int, int, bool], None]:
    """What a command says on the first Ctrl-C (or SIGTERM): ``n`` sources are finished; on the second:
    ``aborted`` (with ``{n}``)."""

    def say(n: int, signum: int, forced: bool) -> None:
        if not forced:
            doing = f": finishing {n} sources" if n else ""
            again = " (Ctrl-C again to abort)" if signum == signal.SIGINT else ""
            click.echo(f"stopping{doing}{again}", err=True)
        else:
            click.echo(f"aborted: {aborted.format(n=n)}", err=True)

    return say


def options(decorators: list[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    """A list of click options as one decorator (shown in ``--help`` in the list's order)."""

    def apply(func: Any) -> Any:
        for option in reversed(decorators):
            func = option(func)
        return func

    return apply


crawl_options = options(CRAWL_OPTIONS)


def speed_overrides(
    verbose: bool = False, delay: float | None = None, concurrency: int | None = None
) -> dict[str, Any]:
    """The Scrapy settings of ``SPEED_OPTIONS``."""
    out: dict[str, Any] = {"LOG_LEVEL": "INFO" if verbose else "WARNING"}
    if delay is not None:
        out.update(DOWNLOAD_DELAY=delay, AUTOTHROTTLE_START_DELAY=max(delay, 0.01))
        if delay == 0:
            out["AUTOTHROTTLE_ENABLED"] = False
    if concurrency is not None:
        out["CONCURRENT_REQUESTS_PER_DOMAIN"] = concurrency
    return out


def crawl_overrides(
    delay: float | None, concurrency: int | None, max_backfill_pages: int | None, verbose: bool
) -> dict[str, Any]:
    """The Scrapy settings of ``CRAWL_OPTIONS`` (a foreground crawl shows its progress)."""
    out = {**speed_overrides(verbose, delay, concurrency), "DOCLISTEN_PROGRESS": True}
    if max_backfill_pages is not None:
        out["DOCLISTEN_BACKFILL_MAX_PAGES"] = max_backfill_pages
    return out


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(Context) if ctx is not None else None
    return (obj.config if obj is not None else Config.from_env()).debug


@contextmanager
def guard() -> Iterator[None]:
    """The one error guard: doclisten errors become one-line messages, not tracebacks; so do bugs,
    unless ``DOCLISTEN_DEBUG`` is set. Exit status 1 (an interrupt: click's ``Aborted!``)."""
    if _debug():
        yield
        return
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except DoclistenError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        raise click.Abort() from None
    except BrokenPipeError:  # `doclisten export ... | head`: the reader has all it wants
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(0) from None
    except Exception as exc:  # a bug: one line for the user, the traceback in the log
        logger.debug("unexpected error", exc_info=True)
        raise click.ClickException(
            f"unexpected error: {one_line(exc, named=True)} "
            f"(please report it; {ENV_DEBUG}=1 shows the traceback)"
        ) from None


def guarded(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` under :func:`guard`."""
    with guard():
        return func(*args, **kwargs)
