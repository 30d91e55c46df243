"""Pieces every CLI module shares: the context object and one-line error handling."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click

from crawler.exceptions import DoclistenError
from doclisten.config import Config

logger = logging.getLogger(__name__)


class Context:
    def __init__(self, database_url: str | None, allow_private: bool | None):
        base = Config.from_env()
        self.config = Config(
            database_url=database_url or base.database_url,
            redis_url=base.redis_url,
            allow_private_networks=base.allow_private_networks if allow_private is None else allow_private,
        )


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
