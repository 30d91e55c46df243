"""``doclisten alerts``: check the alert rules now, list the alerts recorded (the work is in pipelines/alerts/)."""

from __future__ import annotations

from pathlib import Path

import click

from doclisten.cli.common import Context, database_option, guarded

RULES_OPTION = click.option(
    "--rules",
    "rules_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The alert rules, alerts.toml (default: $DOCLISTEN_ALERTS_FILE).",
)


@click.group()
def alerts() -> None:
    """Spike alerts on keywords, groups and searches: check now, list what fired."""


@alerts.command("check")
@RULES_OPTION
@click.option(
    "--at",
    metavar="TIME",
    help="Judge the windows ending at this time (UTC, YYYY-MM-DD[THH:MM]; default: now).",
)
@database_option
@click.pass_obj
def alerts_check(obj: Context, rules_file: Path | None, at: str | None) -> None:
    """Judge every rule's latest window against its baseline; alert and deliver new spikes (one alert per
    spike), and retry deliveries that failed before."""
    from doclisten.commands.alerts import check_now, rules_of
    from doclisten.output.alerts import print_check
    from pipelines.analyst.filters import parse_when

    rules = guarded(rules_of, obj.config, rules_file)
    when = guarded(parse_when, at)
    print_check(guarded(check_now, obj.config, rules, when))


@alerts.command("list")
@click.option("--rule", help="Only the alerts of this rule (its name).")
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="The newest this many."
)
@database_option
@click.pass_obj
def alerts_list(obj: Context, rule: str | None, limit: int) -> None:
    """The alerts recorded, newest first, with the state of their deliveries."""
    from doclisten.commands.alerts import recorded
    from doclisten.output.alerts import print_recorded

    print_recorded(guarded(recorded, obj.config, rule, limit))
