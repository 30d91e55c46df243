"""Scheduling settings (defaults live in crawler/settings.py; documented in docs/configuration.md)."""

from __future__ import annotations

from typing import Any

from scheduler.policy import PolicyConfig


def policy_config(settings: Any) -> PolicyConfig:
    return PolicyConfig(
        min_interval=settings.getint("DOCLISTEN_MIN_INTERVAL"),
        max_interval=settings.getint("DOCLISTEN_MAX_INTERVAL"),
        first_interval=max(
            settings.getint("DOCLISTEN_MIN_INTERVAL"), min(3600, settings.getint("DOCLISTEN_MAX_INTERVAL"))
        ),
        error_base=max(60, settings.getint("DOCLISTEN_MIN_INTERVAL")),
        disable_after=settings.getint("DOCLISTEN_DISABLE_AFTER"),
        unconditional_every=settings.getint("DOCLISTEN_UNCONDITIONAL_EVERY"),
        jitter=settings.getfloat("DOCLISTEN_JITTER"),
    )
