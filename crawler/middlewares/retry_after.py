"""Honour Retry-After on 429 and 503 answers.

A short wait (up to ``DOCLISTEN_RETRY_AFTER_MAX_WAIT`` seconds) is waited out without
blocking the reactor, then the request is retried (at most ``RETRY_TIMES``). A longer wait
is not waited: the response goes to the spider's errback, which records the error and the
time before which the source must not be polled again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from crawler.extract.dates import to_utc
from crawler.stats import RETRY_AFTER_WAITS

logger = logging.getLogger(__name__)

CODES = (429, 503)


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), else None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (to_utc(when) - now).total_seconds())


def retry_until(response: Any) -> datetime | None:
    seconds = parse_retry_after(response.headers.get(b"Retry-After"))
    if seconds is None:
        return None
    return datetime.now(UTC) + timedelta(seconds=seconds)


class RetryAfterMiddleware:
    def __init__(self, max_wait: float, max_retries: int, stats: Any):
        self.max_wait = max_wait
        self.max_retries = max_retries
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        s = crawler.settings
        return cls(s.getfloat("DOCLISTEN_RETRY_AFTER_MAX_WAIT"), s.getint("RETRY_TIMES"), crawler.stats)

    async def process_response(self, request: Any, response: Any) -> Any:
        if response.status not in CODES or request.meta.get("dont_retry"):
            return response
        retries = request.meta.get("retry_after_times", 0)
        wait = parse_retry_after(response.headers.get(b"Retry-After"))
        if wait is None:
            wait = 0.0 if response.status == 503 else 1.0
        if retries >= self.max_retries or wait > self.max_wait:
            return response  # the spider's errback records it (with the Retry-After time)
        logger.info("%s answered %s: retrying in %.1fs", request.url, response.status, wait)
        self.stats.inc_value(RETRY_AFTER_WAITS)
        await asyncio.sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = retries + 1
        return retry
