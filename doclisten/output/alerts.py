"""Terminal rendering of `doclisten alerts check` and `doclisten alerts list`."""

from __future__ import annotations

import click

from doclisten.output.tables import format_table
from pipelines.alerts import message
from pipelines.alerts.check import CheckResult
from pipelines.store.models import Alert, AlertDelivery


def print_check(result: CheckResult) -> None:
    rows = []
    for r in result.rules:
        v = r.verdict
        state = "ALERT" if r.alert_id is not None else "spike (alerted before)" if r.ongoing else "ok"
        rows.append((r.rule.name, r.rule.label, v.count, f"0–{v.upper}", f"{v.p_value:.2g}", state))
    click.echo(f"alert check of the windows ending {result.at.isoformat(timespec='seconds')}")
    click.echo(format_table(["rule", "what", "count", "expected", "p", "state"], rows))
    for reasons in result.alerts:
        click.echo("")
        click.echo(message.text(reasons).rstrip())
    for sent in result.deliveries:
        how = "sent" if sent.error is None else f"not sent: {sent.error}"
        click.echo(f"alert {sent.alert_id} ({sent.rule}) by {sent.channel} to {sent.target}: {how}", err=True)


def print_recorded(rows: list[tuple[Alert, list[AlertDelivery]]]) -> None:
    if not rows:
        click.echo("no alerts recorded")
        return
    table = []
    for alert, deliveries in rows:
        sent = ", ".join(
            f"{d.channel} {d.status}" + (f" ({d.attempts} tries)" if d.status != "sent" else "")
            for d in deliveries
        )
        table.append(
            (alert.id, alert.fired_at, alert.rule, alert.count, f"0–{alert.upper}", sent or "no channel")
        )
    click.echo(format_table(["id", "fired_at", "rule", "count", "expected", "deliveries"], table))
