"""Sending alerts: a webhook (Slack-compatible JSON, POST) and e-mail (SMTP, stdlib ``smtplib``), each tried
``retries`` times with exponential backoff; the caller records what happened."""

from __future__ import annotations

import json
import logging
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from crawler.exceptions import one_line
from pipelines.alerts import message
from pipelines.alerts.errors import DeliveryError

logger = logging.getLogger(__name__)
WEBHOOK, EMAIL = "webhook", "email"


@dataclass(frozen=True)
class DeliverySettings:
    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False
    email_from: str = "doclisten@localhost"
    email_to: tuple[str, ...] = ()
    retries: int = 3  # attempts per check
    retry_seconds: float = 2.0  # the first wait; doubled after each failure
    max_attempts: int = 12  # in all, over later checks; then the delivery is abandoned
    timeout: float = 15.0

    @classmethod
    def from_settings(cls, settings: Any) -> DeliverySettings:
        to = settings.get("DOCLISTEN_ALERTS_EMAIL_TO") or ""
        return cls(
            webhook_url=settings.get("DOCLISTEN_ALERTS_WEBHOOK_URL") or None,
            smtp_host=settings.get("DOCLISTEN_SMTP_HOST") or None,
            smtp_port=settings.getint("DOCLISTEN_SMTP_PORT"),
            smtp_user=settings.get("DOCLISTEN_SMTP_USER") or None,
            smtp_password=settings.get("DOCLISTEN_SMTP_PASSWORD") or None,
            smtp_starttls=settings.getbool("DOCLISTEN_SMTP_STARTTLS"),
            email_from=settings.get("DOCLISTEN_ALERTS_EMAIL_FROM"),
            email_to=tuple(a.strip() for a in str(to).split(",") if a.strip()),
            retries=max(1, settings.getint("DOCLISTEN_ALERTS_RETRIES")),
            retry_seconds=settings.getfloat("DOCLISTEN_ALERTS_RETRY_SECONDS"),
            max_attempts=max(1, settings.getint("DOCLISTEN_ALERTS_MAX_ATTEMPTS")),
        )

    def channels(self) -> list[tuple[str, str]]:
        """(channel, target as recorded) of every configured channel; a webhook's path (its secret) is not kept."""
        out = []
        if self.webhook_url:
            parts = urlsplit(self.webhook_url)
            out.append(
                (WEBHOOK, f"{parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}/…")
            )
        if self.smtp_host and self.email_to:
            out.append((EMAIL, ", ".join(self.email_to)))
        return out


def post_webhook(url: str, reasons: dict[str, Any], timeout: float) -> None:
    body = json.dumps(message.slack_payload(reasons)).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", "User-Agent": "doclisten"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise DeliveryError(f"webhook unreachable: {one_line(reason)}") from None


def send_email(settings: DeliverySettings, reasons: dict[str, Any]) -> None:
    mail = EmailMessage()
    mail["Subject"] = message.subject(reasons)
    mail["From"] = settings.email_from
    mail["To"] = ", ".join(settings.email_to)
    mail.set_content(message.text(reasons))
    try:
        with smtplib.SMTP(settings.smtp_host or "", settings.smtp_port, timeout=settings.timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(mail)
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"e-mail not sent: {one_line(exc)}") from None


def sender(settings: DeliverySettings, channel: str) -> Callable[[dict[str, Any]], None]:
    if channel == WEBHOOK and settings.webhook_url:
        url = settings.webhook_url
        return lambda reasons: post_webhook(url, reasons, settings.timeout)
    if channel == EMAIL and settings.smtp_host and settings.email_to:
        return lambda reasons: send_email(settings, reasons)

    def unconfigured(_: dict[str, Any]) -> None:
        raise DeliveryError(f"{channel} is no longer configured")

    return unconfigured


def attempt(
    send: Callable[[dict[str, Any]], None], reasons: dict[str, Any], settings: DeliverySettings, budget: int
) -> tuple[int, str | None]:
    """Up to ``budget`` tries, waiting retry_seconds, then twice as long...; (tries, last error)."""
    error: str | None = None
    for tries in range(1, budget + 1):
        try:
            send(reasons)
            return tries, None
        except DeliveryError as exc:
            error = str(exc)
            logger.warning("alert %r: %s (try %d of %d)", reasons.get("rule"), error, tries, budget)
        if tries < budget:
            time.sleep(settings.retry_seconds * 2 ** (tries - 1))
    return budget, error
