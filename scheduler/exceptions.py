"""Errors raised by the scheduler package (one-line, user-facing messages)."""

from __future__ import annotations

from crawler.exceptions import DoclistenError


class SchedulerError(DoclistenError):
    """Base class for scheduling errors."""


class QueueUnavailable(SchedulerError):
    """The due queue's backend (Redis) cannot be reached, even after retrying with backoff."""
