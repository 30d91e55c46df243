"""Terminal output of the CLI (rich tables)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

# Wide tables when piped (a terminal gets its own width).
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def print_added(results: Sequence[tuple]) -> int:
    """Print the outcome of `sources add`; returns how many failed."""
    failed = 0
    for item, source_id, created in results:
        if item.discovery is None:
            failed += 1
            err_console.print(f"[red]error[/red]: {item.error}", highlight=False)
            continue
        d = item.discovery
        verb = "added" if created else "updated"
        feed = d.feed_url or "no feed found (archive pages will be crawled)"
        extras = ", ".join(
            x for x in (d.comments_feed_url and "comment feed", d.rest_root and "REST API") if x
        )
        console.print(
            f"{verb} source {source_id}: {d.title or d.home_url} [{d.platform}] feed: {feed}"
            + (f" ({extras})" if extras else ""),
            highlight=False,
        )
    return failed


def print_sources(rows: Sequence[Any]) -> None:
    if not rows:
        console.print("no sources yet: add blogs with `doclisten sources add URL`")
        return
    table = Table(title="sources")
    for col in ("id", "title", "platform", "home", "feed", "posts", "comments", "last crawl", "last error"):
        table.add_column(col, overflow="fold")
    for row in rows:
        s = row.source
        table.add_row(
            str(s.id),
            s.title or "",
            s.platform,
            s.home_url,
            s.feed_url or "-",
            str(row.posts),
            str(row.comments),
            s.last_crawled_at.strftime("%Y-%m-%d %H:%M") if s.last_crawled_at else "never",
            ("[disabled] " if s.disabled else "") + (s.last_error or ""),
        )
    console.print(table)


def print_summary(crawl_id: int, rows: Sequence[tuple], shown: int = 3) -> None:
    """The crawl's table; then, per source, why the crawl failed (``last_error``) and its page errors."""
    table = Table(title=f"crawl {crawl_id}")
    cols = ("source", "new posts", "updated", "new comments", "duplicates", "requests", "304", "errors")
    for col in cols:
        if col == "source":
            table.add_column(col, max_width=40, overflow="ellipsis", no_wrap=True)
        else:
            table.add_column(col, justify="right", no_wrap=True)
    totals = [0] * 7
    for source, sc, _errors in rows:
        values = [
            sc.new_posts,
            sc.updated_posts,
            sc.new_comments,
            sc.duplicates,
            sc.requests,
            sc.not_modified,
            sc.errors,
        ]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        table.add_row(source.title or source.home_url, *(str(v) for v in values))
    table.add_row("[b]total[/b]", *(f"[b]{v}[/b]" for v in totals))
    console.print(table)
    for source, _sc, errors in rows:
        name = escape(source.title or source.home_url)
        if source.last_error:  # the feed or listing could not be read: the crawl of this source failed
            err_console.print(f"[red]{name}[/red]: failed: {escape(source.last_error)}", highlight=False)
        pages = [e for e in errors if e != source.last_error]
        for error in pages[:shown]:
            err_console.print(f"[yellow]{name}[/yellow]: {escape(error)}", highlight=False)
        if len(pages) > shown:
            more = len(pages) - shown
            err_console.print(f"[yellow]{name}[/yellow]: … and {more} more (fetch_errors)", highlight=False)
