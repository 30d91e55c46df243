"""``doclisten erase`` and ``doclisten purge``: people's data removed on request, on deletion upstream and
after the retention period (docs/privacy.md)."""

from __future__ import annotations

import click

from doclisten.cli.common import Context, database_option, guarded
from doclisten.output import privacy as output

SELECTOR_OPTIONS = {
    "author": "an author's name (posts and comments), as shown on the site",
    "author_url": "a commenter's URL (website or profile link)",
    "pseudonym": "an author's pseudonym (anon-…) as stored with DOCLISTEN_PSEUDONYMIZE_AUTHORS=1",
    "post_url": "a post's URL: the post, its comments and its matches",
    "source": "a source (id or URL): the blog and everything crawled from it",
}


@click.command("erase")
@click.option("--author", help=SELECTOR_OPTIONS["author"] + ".")
@click.option("--author-url", help=SELECTOR_OPTIONS["author_url"] + ".")
@click.option("--pseudonym", help=SELECTOR_OPTIONS["pseudonym"] + ".")
@click.option("--post-url", help=SELECTOR_OPTIONS["post_url"] + ".")
@click.option("--source", help=SELECTOR_OPTIONS["source"] + ".")
@click.option("--reason", help="Why (kept in the erasures audit table, e.g. a request's reference).")
@click.option("--dry-run", is_flag=True, help="Show what would be erased; change nothing.")
@database_option
@click.pass_obj
def erase_cmd(obj: Context, reason: str | None, dry_run: bool, **selectors: str | None) -> None:
    """Erase one person's (or one post's, or one source's) text and identity everywhere, for good.

    Exactly one of --author, --author-url, --pseudonym, --post-url, --source. Posts go with their
    comments; a comment becomes a tombstone (its replies keep their place); the name is masked where others
    wrote it; matches, the search and near-duplicate indexes and the spool follow; later crawls do not
    bring any of it back (the suppression list). One transaction; SQLite's file is rewritten without it.
    """
    from doclisten.commands import privacy as commands

    given = [(name, value) for name, value in selectors.items() if value is not None]
    if len(given) != 1:
        raise click.UsageError(
            "give exactly one of --author, --author-url, --pseudonym, --post-url, --source"
        )
    selector, value = given[0]
    result = guarded(commands.erase, obj.config, selector, value, reason, dry_run)
    output.print_erased(result)


@click.command("purge")
@database_option
@click.pass_obj
def purge_cmd(obj: Context) -> None:
    """Purge now what is due: items deleted upstream past DOCLISTEN_DELETION_GRACE_HOURS (default 24) and
    content older than DOCLISTEN_RETENTION_DAYS (unset: kept). `doclisten run` does this on its own."""
    from doclisten.commands import privacy as commands

    output.print_purged(guarded(commands.purge, obj.config))
