"""Configuration read from the environment (the documented contract, see docs/configuration.md).

Configuration flows one way: environment -> :class:`Config` -> Scrapy settings / CLI options.
Nothing here is read at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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
        }
