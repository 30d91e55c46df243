"""Repository functions for the alert tables (take a Session, never commit): a rule's spike state, its
alerts and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.store.models import Alert, AlertDelivery, AlertState

SENT, FAILED, ABANDONED = "sent", "failed", "abandoned"


def rule_state(session: Session, rule: str) -> AlertState:
    """The rule's state row (created, not in a spike, when the rule is new)."""
    state = session.get(AlertState, rule)
    if state is None:
        state = AlertState(rule=rule, in_spike=False)
        session.add(state)
        session.flush()
    return state


def note_check(session: Session, rule: str, when: datetime, count: int, in_spike: bool) -> None:
    state = rule_state(session, rule)
    state.checked_at, state.last_count, state.in_spike = when, count, in_spike
    if not in_spike:
        state.spike_alert_id = None


def record_alert(session: Session, values: dict[str, Any], channels: list[tuple[str, str]]) -> Alert:
    """A new alert for ``values["rule"]``, which is now in a spike; one delivery row per (channel, target)."""
    alert = Alert(**values)
    session.add(alert)
    session.flush()
    state = rule_state(session, alert.rule)
    state.in_spike, state.spike_alert_id = True, alert.id
    for channel, target in channels:
        session.add(
            AlertDelivery(alert_id=alert.id, channel=channel, target=target, status=FAILED, attempts=0)
        )
    session.flush()
    return alert


def pending_deliveries(session: Session, max_attempts: int) -> list[tuple[AlertDelivery, Alert]]:
    """Deliveries not sent yet (new, or failed earlier) that may be tried again, oldest first."""
    query = (
        select(AlertDelivery, Alert)
        .join(Alert, Alert.id == AlertDelivery.alert_id)
        .where(AlertDelivery.status == FAILED, AlertDelivery.attempts < max_attempts)
        .order_by(AlertDelivery.id)
    )
    return [(d, a) for d, a in session.execute(query)]


def note_delivery(
    session: Session,
    delivery_id: int,
    when: datetime,
    attempts: int,
    error: str | None,
    max_attempts: int,
) -> None:
    delivery = session.get_one(AlertDelivery, delivery_id)
    delivery.attempts += attempts
    delivery.last_attempt_at = when
    if error is None:
        delivery.status, delivery.sent_at, delivery.last_error = SENT, when, None
    else:
        delivery.last_error = error
        delivery.status = ABANDONED if delivery.attempts >= max_attempts else FAILED


def alerts_of(session: Session, rule: str | None = None, limit: int = 50) -> list[Alert]:
    """The newest alerts (of one rule)."""
    query = select(Alert).order_by(Alert.fired_at.desc(), Alert.id.desc()).limit(limit)
    if rule is not None:
        query = query.where(Alert.rule == rule)
    return list(session.execute(query).scalars())


def deliveries_of(session: Session, alert_id: int) -> list[AlertDelivery]:
    query = select(AlertDelivery).where(AlertDelivery.alert_id == alert_id).order_by(AlertDelivery.id)
    return list(session.execute(query).scalars())
