"""``doclisten sources``: add, list, remove, import, enable and disable the blogs to crawl."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from doclisten.cli.common import (
    Context,
    crawl_options,
    crawl_overrides,
    database_option,
    guarded,
    private_networks_option,
)
from doclisten.output import summary as output


@click.group()
def sources() -> None:
    """Add, list, remove and import the blogs to crawl."""


@sources.command("add")
@click.argument("urls", nargs=-1, required=True)
@crawl_options
@database_option
@private_networks_option
@click.pass_obj
def sources_add(obj: Context, urls: Sequence[str], **opts: Any) -> None:
    """Add blogs by homepage or feed URL: discovers feeds, comment feeds, REST API and platform."""
    from doclisten.commands import sources as commands

    results = guarded(commands.add_sources, obj.config, list(urls), crawl_overrides(**opts))
    if output.print_added(results) == len(results):
        sys.exit(1)  # nothing added: the reasons are above


@sources.command("list")
@database_option
@click.pass_obj
def sources_list(obj: Context) -> None:
    """List sources with their platform, counts, last crawl and last error."""
    from doclisten.commands import sources as commands

    output.print_sources(guarded(commands.list_sources, obj.config))


@sources.command("remove")
@click.argument("refs", nargs=-1, required=True)
@database_option
@click.pass_obj
def sources_remove(obj: Context, refs: Sequence[str]) -> None:
    """Remove sources (by id or URL) and everything crawled from them."""
    from doclisten.commands import sources as commands

    for ref in refs:
        removed = guarded(commands.remove_source, obj.config, ref)
        click.echo(f"removed source {removed}")


@sources.command("import")
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@crawl_options
@database_option
@private_networks_option
@click.pass_obj
def sources_import(obj: Context, opml_file: Path, **opts: Any) -> None:
    """Add every feed of an OPML file (as exported by feed readers)."""
    from doclisten.commands import sources as commands

    urls = guarded(commands.opml_urls, opml_file)
    results = guarded(commands.add_sources, obj.config, urls, crawl_overrides(**opts))
    if output.print_added(results) == len(results):
        sys.exit(1)  # nothing added: the reasons are above


@sources.command("enable")
@click.argument("refs", nargs=-1, required=True)
@database_option
@click.pass_obj
def sources_enable(obj: Context, refs: Sequence[str]) -> None:
    """Re-enable sources disabled after repeated failures (they are due at once)."""
    from doclisten.commands import schedule as commands

    for src in guarded(commands.enable, obj.config, list(refs)):
        click.echo(f"source {src.id} ({src.home_url}) enabled")


@sources.command("disable")
@click.argument("refs", nargs=-1, required=True)
@click.option(
    "--reason", default="disabled by hand", show_default=True, help="Recorded in sources.disabled_reason."
)
@database_option
@click.pass_obj
def sources_disable(obj: Context, refs: Sequence[str], reason: str) -> None:
    """Stop crawling sources without deleting what was collected."""
    from doclisten.commands import schedule as commands

    for src in guarded(commands.disable, obj.config, list(refs), reason):
        click.echo(f"source {src.id} ({src.home_url}) disabled")
