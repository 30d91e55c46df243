"""Terminal rendering of ``doclisten report``."""

from __future__ import annotations

import click

from doclisten.output.tables import format_table
from pipelines.analyst.report import Report


def print_report(report: Report) -> None:
    if not report.share:
        click.echo("no keyword mentions match these filters")
        return
    click.echo(f"Mention volume per {report.by} (top {len(report.keywords)} keywords)")
    rows = [[p, *(report.volume.get(k, {}).get(p, 0) for k in report.keywords)] for p in report.periods]
    click.echo(format_table([report.by, *report.keywords], rows))
    click.echo("")
    click.echo(f"Share of voice ({report.total} mentions)")
    shares = [(g, k, m, f"{s:.1%}") for g, k, m, s in report.share]
    click.echo(format_table(["group", "keyword", "mentions", "share"], shares))
    click.echo("")
    click.echo("Top authors")
    click.echo(format_table(["author", "mentions", "posts+comments"], report.authors))
    click.echo("")
    click.echo("Mean sentiment (VADER, -1 .. 1)")
    moods = [(k, n, "" if s is None else f"{s:+.3f}") for k, n, s in report.sentiment]
    click.echo(format_table(["keyword", "matches", "mean"], moods))
