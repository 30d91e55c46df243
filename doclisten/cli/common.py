"""Pieces every CLI module shares: the context object, the database and private-network options,
one-line error handling."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import replace
from typing import Any

import click

from crawler.exceptions import DoclistenError
from doclisten.config import ENV_ALLOW_PRIVATE, ENV_DATABASE_URL, Config
from pipelines.store.db import is_in_memory, mask_url

logger = logging.getLogger(__name__)


class Context:
    """``ctx.obj`` of every command: the configuration, from the environment and the options."""

    def __init__(self) -> None:
        self.config = Config.from_env()


def _set_database_url(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    obj = ctx.ensure_object(Context)
    if value:
        obj.config = replace(obj.config, database_url=value)
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


def guarded(func: Any, *args: Any) -> Any:
    """Run a command body; doclisten errors become one-line messages, not tracebacks."""
    if os.environ.get("DOCLISTEN_DEBUG"):
        return func(*args)
    try:
        return func(*args)
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
            f"unexpected error: {type(exc).__name__}: {exc} (please report it; DOCLISTEN_DEBUG=1 shows the traceback)"
        ) from None
