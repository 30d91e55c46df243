"""The ``doclisten`` command: a thin click layer over runner and repository functions."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from crawler.opml import OpmlError, parse_opml
from doclisten.cli.common import Context, database_option, guarded, private_networks_option
from doclisten.config import ENV_ALLOW_PRIVATE, ENV_DATABASE_URL
from doclisten.output import summary as output

# Options shared by crawling commands, applied on top of crawler/settings.py.
CRAWL_OPTIONS = [
    click.option(
        "--delay", type=float, help="Seconds between requests to one host (default 1.0, AutoThrottle on)."
    ),
    click.option("--concurrency", type=int, help="Concurrent requests per host (default 2)."),
    click.option(
        "--max-backfill-pages", type=int, help="Archive pages followed for a new source (default 20)."
    ),
    click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log (INFO) instead of warnings only."),
]


def crawl_options(func: Any) -> Any:
    for option in reversed(CRAWL_OPTIONS):
        func = option(func)
    return func


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


def overrides(
    delay: float | None, concurrency: int | None, max_backfill_pages: int | None, verbose: bool
) -> dict:
    out: dict[str, Any] = {"LOG_LEVEL": "INFO" if verbose else "WARNING", "DOCLISTEN_PROGRESS": True}
    if delay is not None:
        out.update(DOWNLOAD_DELAY=delay, AUTOTHROTTLE_START_DELAY=max(delay, 0.01))
        if delay == 0:
            out["AUTOTHROTTLE_ENABLED"] = False
    if concurrency is not None:
        out["CONCURRENT_REQUESTS_PER_DOMAIN"] = concurrency
    if max_backfill_pages is not None:
        out["DOCLISTEN_BACKFILL_MAX_PAGES"] = max_backfill_pages
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@database_option(envvar=ENV_DATABASE_URL, show_envvar=True)
@private_networks_option(envvar=ENV_ALLOW_PRIVATE, show_envvar=True)
@click.version_option(package_name="doclisten")
@click.pass_context
def main(ctx: click.Context) -> None:
    """doclisten: collect posts and comments of diabetes blogs into a database analysts query with SQL.

    --database-url and --allow-private-networks are also taken after the command name, by the
    commands that use them.
    """
    ctx.ensure_object(Context)


@main.group()
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

    results = guarded(commands.add_sources, obj.config, list(urls), overrides(**opts))
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

    try:
        outlines = parse_opml(opml_file.read_bytes())
    except OpmlError as exc:
        raise click.ClickException(f"{opml_file}: {exc}") from None
    urls = [o.xml_url or o.html_url for o in outlines if o.xml_url or o.html_url]
    if not urls:
        raise click.ClickException(f"{opml_file}: no feeds in this OPML file")
    results = guarded(commands.add_sources, obj.config, urls, overrides(**opts))
    if output.print_added(results) == len(results):
        sys.exit(1)  # nothing added: the reasons are above


@main.command()
@click.argument("refs", nargs=-1)
@crawl_options
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
def crawl(obj: Context, refs: Sequence[str], settings: dict[str, str], **opts: Any) -> None:
    """Crawl all (or the named) sources once, now; a second run is incremental."""
    from doclisten.commands import sources as commands

    crawl_id, summary = guarded(commands.crawl, obj.config, list(refs), {**overrides(**opts), **settings})
    output.print_summary(crawl_id, summary)


@main.command()
@click.option("--fresh/--keep", default=True, help="Start from an empty demo database (default).")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
@database_option
@click.pass_obj
def demo(obj: Context, fresh: bool, verbose: bool) -> None:
    """Serve the bundled sample DOC site on 127.0.0.1, crawl it into the database, show what was found."""
    from doclisten import demo as demo_mod

    guarded(demo_mod.run_demo, obj.config, fresh, verbose)


def _register_commands() -> None:
    from doclisten.cli.schedule import register

    register(main, sources)


_register_commands()

from doclisten.cli.keywords import keywords  # noqa: E402

main.add_command(keywords)

from doclisten.cli.extract import extract  # noqa: E402

main.add_command(extract)

from doclisten.cli.analyst import export, report, search, sql  # noqa: E402

main.add_command(export)
main.add_command(sql)
main.add_command(search)
main.add_command(report)

if __name__ == "__main__":  # pragma: no cover
    main()
