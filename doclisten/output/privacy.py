"""Terminal output of `doclisten erase` and `doclisten purge` (counts only: never a name or a text)."""

from __future__ import annotations

from typing import Any

import click


def print_erased(result: Any) -> None:
    what = "would erase" if result.dry_run else "erased"
    click.echo(
        f"{what}: {result.posts} posts, {result.comments} comments ({result.tombstones} kept as removed in"
        f" their threads), {result.matches} keyword matches, {result.sources} sources;"
        f" name masked in {result.masked} other texts"
    )
    if result.dry_run:
        click.echo("dry run: nothing was changed")
        return
    click.echo(
        f"spooled items changed: {result.spooled}; suppression keys: {len(result.keys)};"
        f" audit: erasures row {result.erasure_id}"
    )


def print_purged(done: Any) -> None:
    for kind, purged in done.purged.items():
        label = "deleted upstream" if kind == "deleted_upstream" else "past the retention period"
        click.echo(
            f"{label}: {purged.posts} posts, {purged.comments} comments, {purged.matches} keyword matches purged"
        )
    if not done.forgotten:
        click.echo("note: another process holds the SQLite WAL; it is emptied at its next checkpoint")
