"""One alert check: each rule's window judged against its baseline; a rule entering a spike gets one alert
(a rule stays in its spike, without new alerts, until a check finds its count back in the expected range,
and a window that overlaps the last alert's window never alerts again);
then every delivery not sent yet is tried (new ones, and those that failed at earlier checks).

``doclisten alerts check`` runs one; ``doclisten run`` and ``doclisten scheduler`` run one after a reconcile
round at most every ``DOCLISTEN_ALERTS_CHECK_SECONDS`` (:class:`AlertChecker`), never letting an error out.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from crawler.exceptions import one_line
from crawler.extract.dates import to_utc
from pipelines.alerts.delivery import DeliverySettings, attempt, sender
from pipelines.alerts.reasons import build_reasons
from pipelines.alerts.rules import AlertRule, load_alert_rules
from pipelines.alerts.spikes import Verdict, judge
from pipelines.analyst.mentions import Mention, keyword_mentions, query_mentions
from pipelines.store import alerts as store
from pipelines.store.db import session_factory, utcnow

logger = logging.getLogger(__name__)


@dataclass
class RuleResult:
    rule: AlertRule
    verdict: Verdict
    alert_id: int | None = None  # a new alert
    ongoing: bool = False  # a spike already alerted


@dataclass
class Sent:
    alert_id: int
    rule: str
    channel: str
    target: str
    error: str | None


@dataclass
class CheckResult:
    at: datetime
    rules: list[RuleResult] = field(default_factory=list)
    deliveries: list[Sent] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)  # the reasons of the new alerts


def rule_mentions(conn: Connection, rule: AlertRule, start: datetime, end: datetime) -> list[Mention]:
    if rule.kind == "query":
        return query_mentions(conn, rule.target, start, end)
    if rule.kind == "keyword":
        return keyword_mentions(conn, [rule.target], [], start, end)
    return keyword_mentions(conn, [], [rule.target], start, end)


def split(
    rule: AlertRule, mentions: list[Mention], at: datetime
) -> tuple[list[Mention], list[int], list[Mention]]:
    """The window's mentions, the baseline's count per window (oldest first) and the baseline's mentions."""
    window_start = at - rule.window
    current = [m for m in mentions if m.when >= window_start]
    before = [m for m in mentions if m.when < window_start]
    counts = [0] * rule.baseline_windows
    for m in before:
        index = int((window_start - m.when) / rule.window)
        if index < rule.baseline_windows:
            counts[rule.baseline_windows - 1 - index] += 1
    return current, counts, before


def judge_rule(
    conn: Connection, rule: AlertRule, at: datetime
) -> tuple[Verdict, list[Mention], list[Mention]]:
    start = at - rule.window * (rule.baseline_windows + 1)
    current, counts, before = split(rule, rule_mentions(conn, rule, start, at), at)
    return judge(len(current), counts, rule.alpha, rule.min_count), current, before


def check(
    engine: Engine, rules: list[AlertRule], delivery: DeliverySettings, at: datetime | None = None
) -> CheckResult:
    at = at or utcnow()
    result = CheckResult(at)
    sessions = session_factory(engine)
    for rule in rules:
        with sessions.begin() as s:
            in_spike = store.rule_state(s, rule.name).in_spike
            last = store.alerts_of(s, rule.name, 1)
            # a window that overlaps the last alert's is the same spike, even if a check in between dipped
            overlaps = bool(last) and to_utc(last[0].window_end) > at - rule.window
        reasons = None
        with engine.connect() as conn:  # reads only, then the writes in a transaction of their own
            verdict, current, before = judge_rule(conn, rule, at)
            if verdict.spike and not in_spike and not overlaps:
                reasons = build_reasons(conn, rule, verdict, current, before, at - rule.window, at)
        # a spike lasts while the count stays above the expected range (not only while it is significant)
        elevated = verdict.spike or (in_spike and verdict.count > verdict.upper)
        outcome = RuleResult(rule, verdict, ongoing=elevated and reasons is None)
        with sessions.begin() as s:
            if reasons is not None:
                values = dict(
                    rule=rule.name, fired_at=utcnow(), window_start=at - rule.window, window_end=at,
                    count=verdict.count, expected=verdict.expected, upper=verdict.upper,
                    p_value=verdict.p_value, reasons=reasons,
                )  # fmt: skip
                outcome.alert_id = store.record_alert(s, values, delivery.channels()).id
                result.alerts.append(reasons)
                logger.info(
                    "alert %r: %d mentions, expected up to %d", rule.name, verdict.count, verdict.upper
                )
            store.note_check(s, rule.name, at, verdict.count, elevated)
        result.rules.append(outcome)
    result.deliveries = deliver_pending(engine, delivery)
    return result


def deliver_pending(engine: Engine, settings: DeliverySettings) -> list[Sent]:
    sessions = session_factory(engine)
    with sessions.begin() as s:
        pending = [
            (d.id, d.attempts, d.channel, d.target, a.id, a.rule, a.reasons)
            for d, a in store.pending_deliveries(s, settings.max_attempts)
        ]
    out = []
    for delivery_id, before, channel, target, alert_id, rule, reasons in pending:
        budget = min(settings.retries, settings.max_attempts - before)
        tries, error = attempt(sender(settings, channel), reasons, settings, budget)
        with sessions.begin() as s:
            store.note_delivery(s, delivery_id, utcnow(), tries, error, settings.max_attempts)
        out.append(Sent(alert_id, rule, channel, target, error))
    return out


class AlertChecker:
    """Alert checks beside the reconciler (``doclisten run``, ``doclisten scheduler``): at most one every
    ``every`` seconds; an error is logged, never raised (a broken alerts file must not stop the crawls)."""

    def __init__(self, engine: Engine, rules_file: str, delivery: DeliverySettings, every: float):
        self.engine, self.rules_file, self.delivery, self.every = engine, rules_file, delivery, every
        self._last: float | None = None

    @classmethod
    def from_settings(cls, settings: Any, engine: Engine) -> AlertChecker | None:
        rules_file = settings.get("DOCLISTEN_ALERTS_FILE")
        if not rules_file:
            return None
        every = settings.getfloat("DOCLISTEN_ALERTS_CHECK_SECONDS")
        return cls(engine, rules_file, DeliverySettings.from_settings(settings), every)

    def due(self) -> bool:
        return self._last is None or time.monotonic() - self._last >= self.every

    def round(self) -> CheckResult | None:
        """A check if one is due (the rules file read again: edits apply without a restart)."""
        if not self.due():
            return None
        self._last = time.monotonic()
        try:
            return check(self.engine, load_alert_rules(self.rules_file), self.delivery)
        except Exception as exc:  # logged, never raised: see the class docstring
            logger.error("alert check failed: %s", one_line(exc, named=True))
            return None
