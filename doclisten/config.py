"""Configuration read from the environment (the documented contract, see docs/configuration.md).

Configuration flows one way: environment -> :class:`Config` -> Scrapy settings / CLI options.
Nothing here is read at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from crawler.exceptions import DoclistenError

DEFAULT_DATABASE_URL = "sqlite:///doclisten.db"

ENV_DATABASE_URL = "DOCLISTEN_DATABASE_URL"
ENV_REDIS_URL = "DOCLISTEN_REDIS_URL"
ENV_ALLOW_PRIVATE = "DOCLISTEN_ALLOW_PRIVATE_NETWORKS"
ENV_KEYWORDS_FILE = "DOCLISTEN_KEYWORDS_FILE"
ENV_PSEUDONYMIZE = "DOCLISTEN_PSEUDONYMIZE_AUTHORS"
ENV_PSEUDONYM_KEY = "DOCLISTEN_PSEUDONYM_KEY"  # a secret: only ever from the environment
ENV_DEBUG = "DOCLISTEN_DEBUG"
# alerts (docs/alerts.md): every one of these is passed on as the Scrapy setting of the same name
ALERT_ENV = (
    "DOCLISTEN_ALERTS_FILE",
    "DOCLISTEN_ALERTS_CHECK_SECONDS",
    "DOCLISTEN_ALERTS_WEBHOOK_URL",
    "DOCLISTEN_SMTP_HOST",
    "DOCLISTEN_SMTP_PORT",
    "DOCLISTEN_SMTP_USER",
    "DOCLISTEN_SMTP_PASSWORD",  # a secret: only ever from the environment
    "DOCLISTEN_SMTP_STARTTLS",
    "DOCLISTEN_ALERTS_EMAIL_FROM",
    "DOCLISTEN_ALERTS_EMAIL_TO",
    "DOCLISTEN_ALERTS_RETRIES",
    "DOCLISTEN_ALERTS_RETRY_SECONDS",
    "DOCLISTEN_ALERTS_MAX_ATTEMPTS",
)
ENV_RETENTION_DAYS = "DOCLISTEN_RETENTION_DAYS"  # unset: keep everything
ENV_DELETION_GRACE_HOURS = "DOCLISTEN_DELETION_GRACE_HOURS"
DEFAULT_DELETION_GRACE_HOURS = 24.0

_TRUE = {"1", "true", "yes", "on"}


def env_flag(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE


@dataclass(frozen=True)
class Config:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    allow_private_networks: bool = False
    keywords_file: str | None = None  # None: the bundled taxonomy
    # as given: pipelines.pseudonym.from_settings validates them (one-line errors for bad values)
    pseudonymize_authors: str | None = None
    pseudonym_key: str | None = field(default=None, repr=False)
    alerts: dict[str, str] = field(default_factory=dict, repr=False)  # the ALERT_ENV variables that are set
    debug: bool = (
        False  # set (to anything): unexpected errors show their traceback (doclisten.cli.common.guard)
    )
    retention_days: str | None = None  # as given: :meth:`retention` validates it
    deletion_grace_hours: str | None = None  # as given: :meth:`deletion_grace` validates it

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get(ENV_DATABASE_URL) or DEFAULT_DATABASE_URL,
            redis_url=env.get(ENV_REDIS_URL) or None,
            allow_private_networks=env_flag(env.get(ENV_ALLOW_PRIVATE)),
            keywords_file=env.get(ENV_KEYWORDS_FILE) or None,
            pseudonymize_authors=env.get(ENV_PSEUDONYMIZE),
            pseudonym_key=env.get(ENV_PSEUDONYM_KEY),
            alerts={name: env[name] for name in ALERT_ENV if env.get(name)},
            debug=bool(env.get(ENV_DEBUG)),
            retention_days=env.get(ENV_RETENTION_DAYS) or None,
            deletion_grace_hours=env.get(ENV_DELETION_GRACE_HOURS) or None,
        )

    def retention(self) -> timedelta | None:
        """``DOCLISTEN_RETENTION_DAYS`` as a period (None: keep everything)."""
        if self.retention_days is None:
            return None
        return timedelta(days=_positive(ENV_RETENTION_DAYS, self.retention_days, "a number of days"))

    def deletion_grace(self) -> timedelta:
        """``DOCLISTEN_DELETION_GRACE_HOURS``: how long an item deleted upstream is kept (marked) first."""
        if self.deletion_grace_hours is None:
            return timedelta(hours=DEFAULT_DELETION_GRACE_HOURS)
        return timedelta(
            hours=_positive(
                ENV_DELETION_GRACE_HOURS, self.deletion_grace_hours, "a number of hours", zero=True
            )
        )

    def settings(self) -> dict[str, Any]:
        """The Scrapy settings this configuration sets (on top of ``crawler/settings.py``)."""
        return {
            "DOCLISTEN_DATABASE_URL": self.database_url,
            "DOCLISTEN_REDIS_URL": self.redis_url,
            "DOCLISTEN_ALLOW_PRIVATE_NETWORKS": self.allow_private_networks,
            "DOCLISTEN_KEYWORDS_FILE": self.keywords_file,
            ENV_PSEUDONYMIZE: self.pseudonymize_authors,
            ENV_PSEUDONYM_KEY: self.pseudonym_key,
            **self.alerts,
            ENV_RETENTION_DAYS: self.retention_days,
        }


class ConfigError(DoclistenError):
    """A setting of the environment has a value doclisten cannot use."""


def _positive(name: str, raw: str, what: str, zero: bool = False) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0 or (value == 0 and not zero) or value != value:
        raise ConfigError(f"{name}={raw!r}: expected {what} (greater than 0)")
    return value
