"""Terminal rendering of ``doclisten report``."""

from __future__ import annotations

import click

from doclisten.output.tables import format_table
from pipelines.analyst.emerging import EmergingReport
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
    click.echo(f"Unique authors per {report.by}")
    rows = [
        [p, *(report.unique_authors.get(k, {}).get(p, 0) for k in report.keywords)] for p in report.periods
    ]
    rows.append(["all", *(report.unique_total.get(k, 0) for k in report.keywords)])
    click.echo(format_table([report.by, *report.keywords], rows))
    click.echo("")
    click.echo("Top authors by mentions")
    click.echo(format_table(["author", "mentions", "posts+comments"], report.authors))
    click.echo("")
    click.echo("Top authors by replies received (to their mentioning posts and comments)")
    if report.replied:
        click.echo(format_table(["author", "replies", "repliers", "items"], report.replied))
    else:
        click.echo("no replies")
    click.echo("")
    click.echo("Mean sentiment (VADER, -1 .. 1)")
    moods = [(k, n, "" if s is None else f"{s:+.3f}") for k, n, s in report.sentiment]
    click.echo(format_table(["keyword", "matches", "mean"], moods))


def print_emerging(report: EmergingReport) -> None:
    span = f"{report.start:%Y-%m-%d %H:%M} – {report.end:%Y-%m-%d %H:%M} UTC"
    click.echo(
        f"Emerging terms in {span}, against the {(report.start - report.baseline_start).days} days before "
        "(log-odds with an informative Dirichlet prior, Monroe et al. 2008; texts using each term)"
    )
    if not report.texts:
        click.echo("no posts or comments in the window")
        return
    rows = [(t.language, t.term, t.window, t.baseline, f"{t.z:.1f}", t.snippet, t.url) for t in report.terms]
    counts = ", ".join(f"{lang}: {w} texts (baseline {b})" for lang, (w, b) in report.texts.items())
    click.echo(counts)
    if rows:
        click.echo(format_table(["language", "term", "window", "baseline", "z", "example", "url"], rows))
    else:
        click.echo("no term rose (a term needs at least 3 texts of the window)")
