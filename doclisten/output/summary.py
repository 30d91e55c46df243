"""Terminal output of the CLI (rich tables)."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crawler.connectors.registry import connectors_of
from crawler.urls import short_url

# Wide tables when piped (a terminal gets its own width).
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


# More failed URLs than this (`sources import` of a big OPML file) are counted by reason.
FAILURES_LISTED = 10
REASONS_LISTED = 8
EXAMPLES_PER_REASON = 3
_ANY_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://\S+?(?=[:,;.)]?(?:\s|$))")


def print_added(results: Sequence[tuple]) -> int:
    """Print the outcome of `sources add` / `sources import`; returns how many failed."""
    failed = [item for item, _, _ in results if item.discovery is None]
    for item, source_id, created in results:
        if item.discovery is None:
            continue
        d = item.discovery
        verb = "added" if created else "updated"
        feed = d.feed_url or "no feed found (archive pages will be crawled)"
        extras = ", ".join(
            x for x in (d.comments_feed_url and "comment feed", d.rest_root and "REST API") if x
        )
        line = f"{verb} source {source_id}: {d.title or d.home_url} [{connectors(d.platform, d.facts)}] feed: {feed}"
        console.print(escape(line + (f" ({extras})" if extras else "")), highlight=False, emoji=False)
    print_failures(failed, len(results))
    return len(failed)


def _error(text: str) -> None:
    err_console.print(f"[red]error[/red]: {escape(text)}", highlight=False, soft_wrap=True, emoji=False)


def reason_key(url: str, error: str) -> str:
    """The reason a URL failed, with URLs and its host left out: the same reason for every blog."""
    key = _ANY_URL.sub("<URL>", error)
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        host = None
    return key.replace(host, "<host>") if host else key


def print_failures(items: Sequence[Any], total: int) -> None:
    """One line per failed URL, or, for many, the count of each reason with a few examples."""
    if len(items) <= FAILURES_LISTED:
        for item in items:
            _error(f"{short_url(item.url)}: {item.error}")
        return
    by_reason: dict[str, list[str]] = {}
    for item in items:
        by_reason.setdefault(reason_key(item.url, item.error or "failed"), []).append(item.url)
    reasons = sorted(by_reason.items(), key=lambda kv: -len(kv[1]))
    _error(f"{len(items)} of {total} URLs failed, by reason:")
    for reason, urls in reasons[:REASONS_LISTED]:
        examples = ", ".join(short_url(u, 60) for u in urls[:EXAMPLES_PER_REASON])
        more = ", …" if len(urls) > EXAMPLES_PER_REASON else ""
        err_console.print(
            f"  {len(urls)} × {escape(reason)} (e.g. {escape(examples)}{more})",
            highlight=False,
            soft_wrap=True,
            emoji=False,
        )
    rest = reasons[REASONS_LISTED:]
    if rest:
        n = sum(len(urls) for _, urls in rest)
        err_console.print(f"  {n} more with {len(rest)} other reasons", highlight=False)


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
            connectors(s.platform, s.connector_facts),
            s.home_url,
            s.feed_url or "-",
            str(row.posts),
            str(row.comments),
            s.last_crawled_at.strftime("%Y-%m-%d %H:%M") if s.last_crawled_at else "never",
            "\n".join(
                filter(
                    None,
                    [("[disabled] " if s.disabled else "") + (s.last_error or ""), closed(s), consent(row)],
                )
            ),
        )
    console.print(table)


def connectors(platform: str, facts: Any) -> str:
    """The connectors that read a source: ``wordpress``, ``wordpress + disqus``, ``discourse`` …"""
    return " + ".join(connectors_of(platform, facts if isinstance(facts, dict) else None))


def consent(row: Any) -> str:
    """What the source's pages asked (robots meta / X-Robots-Tag): posts not stored, posts kept without text."""
    notes = []
    if getattr(row, "noindex", 0):
        notes.append(f"{row.noindex} posts not stored (noindex)")
    if getattr(row, "noarchive", 0):
        notes.append(f"{row.noarchive} kept without text (noarchive)")
    return "consent: " + ", ".join(notes) if notes else ""


ENDPOINT_NAMES = {"rest": "REST API", "comments-feed": "site comment feed"}


def closed(source: Any) -> str:
    """The source's optional endpoints that answered 401/403/404 (asked again a week later), one line."""
    notes = [
        f"{ENDPOINT_NAMES.get(name, name)}: HTTP {value.get('status')} on {str(value.get('at', ''))[:10]}"
        for name, value in sorted((getattr(source, "closed_endpoints", None) or {}).items())
        if isinstance(value, dict)
    ]
    return "; ".join(notes)


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


def print_status(st: Any) -> None:
    """`doclisten status`: one line of counts, then the failing and disabled sources and the last crawls."""
    stale = f" ({st.stale} stale: their run is gone, the next run takes them back)" if st.stale else ""
    console.print(
        f"sources: {st.total} ({st.enabled} enabled) · due now: {st.due} · overdue: {st.overdue} · "
        f"crawling: {st.crawling}{stale} · queue ({st.queue_backend}): {st.queue_depth} scheduled, "
        f"{st.queue_due} due",
        highlight=False,
    )
    for title, rows in (("failing", st.failing), ("disabled", st.disabled)):
        if rows:
            table = Table(title=f"{title} sources")
            for col in ("id", "source", "failures", "last error"):
                table.add_column(col, overflow="fold")
            for src in rows:
                reason = src.disabled_reason if title == "disabled" else src.last_error
                table.add_row(
                    str(src.id), src.title or src.home_url, str(src.consecutive_failures), reason or ""
                )
            console.print(table)
    if st.recent:
        table = Table(title="last crawls")
        for col in ("finished", "source", "new posts", "new comments", "requests", "304", "errors"):
            table.add_column(col)
        for finished, title, home, *numbers in st.recent:
            table.add_row(f"{finished:%Y-%m-%d %H:%M:%S}", title or home, *(str(n) for n in numbers))
        console.print(table)
