"""``doclisten crawl`` (every source once, now, in the foreground) and ``doclisten demo``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import click

from doclisten.cli.common import (
    CRAWL_PROCESSES_OPTION,
    VERBOSE_OPTION,
    Context,
    crawl_options,
    crawl_overrides,
    database_option,
    guarded,
    private_networks_option,
    stop_line,
)
from doclisten.output import summary as output

# Settings with their own environment variable or option: `--set` must not fork them.
NOT_SETTABLE = {
    "DOCLISTEN_DATABASE_URL": "DOCLISTEN_DATABASE_URL / --database-url",
    "DOCLISTEN_REDIS_URL": "DOCLISTEN_REDIS_URL",
    "DOCLISTEN_ALLOW_PRIVATE_NETWORKS": "DOCLISTEN_ALLOW_PRIVATE_NETWORKS / --allow-private-networks",
    "DOCLISTEN_CRAWL_ID": "the crawl command itself",
}
_SETTING_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def parse_settings(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> dict[str, str]:
    """``-s NAME=VALUE`` pairs -> Scrapy settings overrides (values as text, like ``scrapy crawl -s``)."""
    out: dict[str, str] = {}
    for pair in values:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not _SETTING_NAME.fullmatch(name):
            raise click.ClickException(f"--set {pair!r}: expected NAME=VALUE with an UPPER_CASE setting name")
        if name in NOT_SETTABLE:
            raise click.ClickException(f"--set {name}: use {NOT_SETTABLE[name]} instead")
        out[name] = value
    return out


@click.command()
@click.argument("refs", nargs=-1)
@crawl_options
@CRAWL_PROCESSES_OPTION
@click.option(
    "-s",
    "--set",
    "settings",
    metavar="NAME=VALUE",
    multiple=True,
    callback=parse_settings,
    help="Override a Scrapy/doclisten setting, e.g. -s DOWNLOAD_TIMEOUT=10 (repeatable; wins over other options).",
)
@database_option
@private_networks_option
@click.pass_obj
def crawl(
    obj: Context, refs: Sequence[str], settings: dict[str, str], processes: int | None, **opts: Any
) -> None:
    """Crawl all (or the named) sources once, now; a second run is incremental.

    Ctrl-C or SIGTERM stops it (requests in flight finish; the crawl is marked interrupted and the
    next one redoes what was left); a second Ctrl-C aborts."""
    from doclisten.commands import crawl as commands

    crawl_id, summary = guarded(
        commands.crawl,
        obj.config,
        list(refs),
        {**crawl_overrides(**opts), **settings},
        processes,  # None: as many as the crawl's size is worth (doclisten.processes.auto_processes)
        stop_line("the next crawl redoes the {n} unfinished sources"),
    )
    output.print_summary(crawl_id, summary)


@click.command()
@click.option("--fresh/--keep", default=True, help="Start from an empty demo database (default).")
@VERBOSE_OPTION
@database_option
@click.pass_obj
def demo(obj: Context, fresh: bool, verbose: bool) -> None:
    """Serve the bundled sample DOC site on 127.0.0.1, crawl it into the database, show what was found."""
    from doclisten import demo as demo_mod

    guarded(demo_mod.run_demo, obj.config, fresh, verbose)
