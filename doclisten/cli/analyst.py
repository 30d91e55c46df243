"""Analyst commands: ``doclisten export``, ``sql``, ``search`` and ``report`` (thin; the work is in pipelines/analyst/)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from doclisten.cli.common import Context, database_option, guard, guarded
from doclisten.exceptions import CommandError

FILTERS = [
    click.option("--since", metavar="DATE", help="From this day or time (UTC, YYYY-MM-DD[THH:MM])."),
    click.option("--until", metavar="DATE", help="Up to this day (inclusive) or time (exclusive), UTC."),
    click.option(
        "--source",
        "sources",
        multiple=True,
        metavar="SOURCE",
        help="Only this blog: id, URL, host or title (repeatable).",
    ),
    click.option("--keyword", "keywords", multiple=True, help="Only this keyword, e.g. Dexcom (repeatable)."),
    click.option(
        "--group", "groups", multiple=True, help="Only this keyword group, e.g. brand (repeatable)."
    ),
]


def filter_options(func: Any) -> Any:
    for option in reversed(FILTERS):
        func = option(func)
    return func


@contextmanager
def connection(obj: Context) -> Iterator[Any]:
    from pipelines.store.db import open_existing

    engine = guarded(open_existing, obj.config.database_url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


@contextmanager
def output_file(path: Path | None, binary: bool = False) -> Iterator[IO[Any] | None]:
    """``path`` opened for writing (None: standard output, or None for a binary format); a file that
    cannot be created is a ``CommandError`` naming it."""
    if path is None:
        yield None if binary else sys.stdout
        return
    try:
        out = open(path, "wb") if binary else open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    with out:
        yield out


KINDS = ("posts", "comments", "mentions")


@click.command()
@click.argument("what", metavar="posts|comments|mentions|FILE.db")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "parquet", "sqlite"]),
    default="csv",
    show_default=True,
    envvar="DOCLISTEN_EXPORT_FORMAT",
    show_envvar=True,
    help="Output format (parquet needs -o); sqlite: a snapshot of the whole database into FILE.db.",
)
@filter_options
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
@database_option
@click.pass_obj
def export(obj: Context, what: str, fmt: str, output: Path | None, **filters: Any) -> None:
    """Export every post, comment or keyword mention (streamed, no row limit), or with --format sqlite
    a snapshot of the whole database (SQLite or PostgreSQL) into a SQLite file for `doclisten serve`."""
    if fmt == "sqlite":
        return export_sqlite(obj, output or Path(what), filters)
    if what not in KINDS:
        raise click.BadParameter(f"{what!r} is not one of {', '.join(KINDS)}", param_hint="KIND")
    from pipelines.analyst.export import export as run_export
    from pipelines.analyst.filters import Filters

    with guard():
        f = Filters.from_options(**filters)
        with connection(obj) as conn, output_file(output, binary=fmt == "parquet") as out:
            if fmt == "parquet":
                n = run_export(conn, what, fmt, f, None, out)
            else:
                n = run_export(conn, what, fmt, f, out, None)
    click.echo(f"exported {n} {what}" + (f" to {output}" if output else ""), err=True)
    return None


def export_sqlite(obj: Context, target: Path, filters: dict[str, Any]) -> None:
    from pipelines.store.snapshot import is_same_file, snapshot

    if any(filters.values()):
        raise click.UsageError("--format sqlite copies the whole database: it takes no filters")
    with guard():
        if is_same_file(obj.config.database_url, target):
            raise CommandError(f"{target} is the database being exported: choose another file")
        with connection(obj) as conn:
            counts = snapshot(conn, target)
    rows = ", ".join(f"{counts[t]} {t}" for t in ("posts", "comments", "keyword_matches"))
    click.echo(f"exported the database to {target} ({rows}): doclisten serve {target}", err=True)


TABLE_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="A text table or CSV.",
)


@click.command()
@click.argument("query")
@TABLE_FORMAT
@database_option
@click.pass_obj
def sql(obj: Context, query: str, fmt: str) -> None:
    """Run one SQL query on a read-only connection ("-" reads it from standard input); writes are refused."""
    from doclisten.output.tables import format_table, terminal_width
    from pipelines.analyst.export import write_csv
    from pipelines.analyst.sql import run_sql

    if query == "-":
        query = sys.stdin.read()
    names, rows = guarded(run_sql, obj.config.database_url, query)
    if fmt == "csv":
        guarded(write_csv, sys.stdout, names, rows)
    else:
        click.echo(guarded(format_table, names, rows, terminal_width()))


@click.command()
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "jsonl"]),
    default="table",
    show_default=True,
    help="A text table, CSV or JSON Lines.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    envvar="DOCLISTEN_SEARCH_LIMIT",
    show_envvar=True,
    help="At most this many results (0: all).",
)
@database_option
@click.pass_obj
def search(obj: Context, query: str, fmt: str, limit: int) -> None:
    """Search every post and comment: AND, OR, NOT, "phrases", NEAR/n, prefix*, (…),
    source:, author:, in:posts, in:comments, lang:.

    \b
    Examples:
      doclisten search '"social media" AND roche'
      doclisten search 'glucagon NEAR/5 pen* in:comments'
      doclisten search 'dexcom NOT (g6 OR g7) author:"Kerri Sparling" lang:en'
    """
    from doclisten.output.tables import format_table, terminal_width
    from pipelines.analyst.export import write_csv, write_jsonl
    from pipelines.analyst.search import COLUMNS
    from pipelines.analyst.search import search as run_search
    from pipelines.analyst.search_query import parse_search

    parsed = guarded(parse_search, query)
    with connection(obj) as conn:
        hits = (h.row() for h in guarded(run_search, conn, parsed, limit or None))
        if fmt == "csv":
            n = guarded(write_csv, sys.stdout, COLUMNS, hits)
        elif fmt == "jsonl":
            n = guarded(write_jsonl, sys.stdout, COLUMNS, guarded(list, hits))
        else:
            rows = guarded(list, hits)
            n = len(rows)
            if rows:
                click.echo(format_table(COLUMNS, rows, terminal_width()))
    click.echo(f"{n} results" + (f" (--limit {limit})" if limit and n >= limit else ""), err=True)


@click.command()
@click.option("--group", "groups", multiple=True, help="Only this keyword group, e.g. brand (repeatable).")
@click.option("--keyword", "keywords", multiple=True, help="Only this keyword, e.g. Dexcom (repeatable).")
@click.option("--since", metavar="DATE", help="From this day or time (UTC, YYYY-MM-DD[THH:MM]).")
@click.option("--until", metavar="DATE", help="Up to this day (inclusive) or time (exclusive), UTC.")
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="SOURCE",
    help="Only this blog: id, URL, host or title (repeatable).",
)
@click.option(
    "--by",
    type=click.Choice(["day", "week", "month"]),
    default="week",
    show_default=True,
    envvar="DOCLISTEN_REPORT_BY",
    show_envvar=True,
    help="Period of the volume table and chart.",
)
@click.option(
    "--top", type=click.IntRange(1, 50), default=10, show_default=True, help="Keywords and authors shown."
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the volume as a chart: FILE.png, FILE.svg or FILE.pdf.",
)
@click.option(
    "--chart",
    type=click.Choice(["auto", "lines", "multiples", "heatmap"]),
    default="auto",
    show_default=True,
    help="With --plot: one line per keyword, small multiples (a panel per keyword) or a keyword × period "
    "heatmap (auto: lines for up to 3 keywords, else small multiples).",
)
@click.option(
    "--emerging",
    is_flag=True,
    help="Instead: the words and phrases whose use rose most in the window against the baseline, per language.",
)
@click.option(
    "--window",
    default="7d",
    show_default=True,
    metavar="DURATION",
    help="With --emerging: the window, ending at --until (default: the newest post or comment).",
)
@click.option(
    "--baseline",
    default="90d",
    show_default=True,
    metavar="DURATION",
    help="With --emerging: the time before the window it is compared with.",
)
@database_option
@click.pass_obj
@click.pass_context
def report(
    ctx: click.Context,
    obj: Context,
    by: str,
    top: int,
    plot: Path | None,
    chart: str,
    emerging: bool,
    window: str,
    baseline: str,
    **filters: Any,
) -> None:
    """Mention volume over time, share of voice, unique authors, top authors (by mentions and by replies
    received) and mean sentiment of keywords; or, with --emerging, the terms on the rise."""
    from doclisten.output.report import print_emerging, print_report
    from pipelines.analyst.filters import Filters, parse_duration
    from pipelines.analyst.report import build_report, plot_format
    from pipelines.analyst.report import plot as draw

    f = guarded(Filters.from_options, **filters)
    if emerging:
        from pipelines.analyst.emerging import emerging_terms

        spans = guarded(parse_duration, window, "--window"), guarded(parse_duration, baseline, "--baseline")
        with connection(obj) as conn:
            print_emerging(guarded(emerging_terms, conn, f, *spans, top))
        return
    explicit_by = ctx.get_parameter_source("by") not in (
        click.core.ParameterSource.DEFAULT,
        click.core.ParameterSource.DEFAULT_MAP,
    )
    if plot is not None:
        guarded(plot_format, str(plot))
    with connection(obj) as conn:
        result = guarded(build_report, conn, f, by, top)
    print_report(result)
    if plot is not None:
        guarded(draw, result, str(plot), f, by if explicit_by else None, chart)
        click.echo(f"chart written to {plot}", err=True)


@click.command()
@click.argument("post", metavar="POST_URL_OR_ID")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A comment tree, or JSON (the post with nested replies) for scripts.",
)
@click.option("--full", is_flag=True, help="Comments in full (the tree shortens them to a line).")
@database_option
@click.pass_obj
def thread(obj: Context, post: str, fmt: str, full: bool) -> None:
    """A post with its comment tree: by its id or its URL."""
    import json

    from doclisten.output.thread import print_thread, thread_json
    from pipelines.store.status import thread_of

    def load(conn: Any) -> Any:
        from sqlalchemy.orm import Session

        with Session(bind=conn) as s:
            found = thread_of(s, post)
            if found is None:
                raise CommandError(f"no post {post!r} in the database (give a post id or its URL)")
            s.expunge_all()
            return found

    with connection(obj) as conn:
        found_post, source, comments = guarded(load, conn)
    if fmt == "json":
        click.echo(json.dumps(thread_json(found_post, source, comments), ensure_ascii=False, indent=2))
        return
    click.echo(f"{source or ''} · {found_post.author or 'anonymous'} · {found_post.url}")
    print_thread((found_post, comments), width=None if full else 70)
