"""What `doclisten alerts` does: one alert check now, or the alerts recorded (store and pipelines calls)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from doclisten.config import Config
from doclisten.exceptions import CommandError
from doclisten.runner import build_settings
from pipelines.alerts.check import CheckResult, check
from pipelines.alerts.delivery import DeliverySettings
from pipelines.alerts.rules import AlertRule, load_alert_rules
from pipelines.store.alerts import alerts_of, deliveries_of
from pipelines.store.db import open_database, session_factory
from pipelines.store.models import Alert, AlertDelivery

ENV_ALERTS_FILE = "DOCLISTEN_ALERTS_FILE"


def rules_of(config: Config, rules_file: Path | None) -> list[AlertRule]:
    path = rules_file or config.alerts.get(ENV_ALERTS_FILE)
    if not path:
        raise CommandError(f"no alert rules: give --rules FILE or set {ENV_ALERTS_FILE} (see docs/alerts.md)")
    return load_alert_rules(path)


def check_now(config: Config, rules: list[AlertRule], at: datetime | None) -> CheckResult:
    delivery = DeliverySettings.from_settings(build_settings(config))
    engine = open_database(config.database_url)
    try:
        return check(engine, rules, delivery, at)
    finally:
        engine.dispose()


def recorded(config: Config, rule: str | None, limit: int) -> list[tuple[Alert, list[AlertDelivery]]]:
    engine = open_database(config.database_url)
    try:
        with session_factory(engine).begin() as s:
            return [(a, deliveries_of(s, a.id)) for a in alerts_of(s, rule, limit)]
    finally:
        engine.dispose()
