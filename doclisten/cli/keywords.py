"""``doclisten keywords``: list the rules, test them on a text, re-apply them to the stored history."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from doclisten.cli.common import Context, database_option, guarded
from pipelines.keywords.rules import ENV_KEYWORDS_FILE, RuleSet, load_rules

FILE_OPTION = click.option(
    "--file",
    "rules_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=ENV_KEYWORDS_FILE,
    show_envvar=True,
    help="TOML keyword rules (default: the bundled DOC taxonomy).",
)


def _rules(rules_file: Path | None) -> RuleSet:
    return guarded(load_rules, rules_file)


@click.group()
def keywords() -> None:
    """Keyword rules (brands, companies, products, topics…): list, test, retag."""


@keywords.command("list")
@FILE_OPTION
@click.option("--group", "groups", multiple=True, help="Only this group (repeatable), e.g. brand.")
def keywords_list(rules_file: Path | None, groups: tuple[str, ...]) -> None:
    """List the rules: group, canonical name, variants or query."""
    ruleset = _rules(rules_file)
    unknown = set(groups) - set(ruleset.groups())
    if unknown:
        known = ", ".join(ruleset.groups())
        raise click.ClickException(f"no group {sorted(unknown)[0]!r} (groups: {known})")
    shown = [r for r in ruleset.rules if not groups or r.group in groups]
    for rule in sorted(shown, key=lambda r: (r.group, r.name.casefold())):
        what = ", ".join(rule.variants)
        if rule.query:
            what = f"{what}  where {rule.query}" if what else rule.query
        click.echo(f"{rule.group:<10} {rule.name:<28} {what}")
    click.echo(f"{len(shown)} rules from {ruleset.origin}")


@keywords.command("test")
@click.argument("text")
@FILE_OPTION
@click.option(
    "--all", "show_all", is_flag=True, help="Also show rules whose terms occur but that do not match."
)
def keywords_test(text: str, rules_file: Path | None, show_all: bool) -> None:
    """Show which rules match TEXT ("-" reads standard input), and why."""
    from pipelines.keywords.matcher import Matcher

    if text == "-":
        text = sys.stdin.read()
    matcher = Matcher(_rules(rules_file))
    explanations = matcher.explain(text)
    matched = [e for e in explanations if e.matched]
    for e in explanations:
        if not e.matched and not show_all:
            continue
        mark = f"×{e.count}" if e.matched else "no match"
        click.echo(f"{e.rule.name} ({e.rule.group}) {mark}")
        click.echo(f"  found: {', '.join(f'{t} ×{n}' for t, n in e.found.items())}")
        if e.rule.query:
            click.echo(f"  rule:  {e.reasoning}")
        if e.snippet:
            click.echo(f"  in:    {e.snippet}")
    click.echo(f"{len(matched)} of {len(matcher.rules)} rules match")


@keywords.command("retag")
@FILE_OPTION
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10000),
    default=200,
    show_default=True,
    help="Posts per transaction.",
)
@click.option(
    "--enrich", is_flag=True, help="Also recompute the language and sentiment of every post and comment."
)
@database_option
@click.pass_obj
def keywords_retag(obj: Context, rules_file: Path | None, batch_size: int, enrich: bool) -> None:
    """Re-apply the current rules to every stored post and comment, replacing old matches."""
    from doclisten.commands.keywords import retag_all
    from pipelines.keywords.retag import RetagProgress

    ruleset = _rules(rules_file)

    def report(p: RetagProgress) -> None:
        click.echo(
            f"\rretagging… {p.posts}/{p.total_posts} posts · {p.comments} comments · {p.matches} matches",
            nl=False,
            err=True,
        )

    done = guarded(retag_all, obj.config, ruleset, enrich, batch_size, report)
    if done.posts:
        click.echo("", err=True)
    click.echo(
        f"retagged {done.posts} posts and {done.comments} comments: {done.matches} keyword matches "
        f"({len(ruleset.rules)} rules from {ruleset.origin})"
    )
