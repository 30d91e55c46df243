"""Honour Retry-After on 429 and 503 answers, for the whole host.

A short wait (up to ``DOCLISTEN_RETRY_AFTER_MAX_WAIT`` seconds) is waited out without
blocking the reactor, then the request is retried (at most ``RETRY_TIMES``). A longer wait
is not waited: the response goes to the spider's errback, which records the error and the
time before which the source must not be polled again.

A 429 ("too many requests", RFC 6585: about the client's rate) speaks for its host (the downloader
slot), not for the one URL: until the time its Retry-After gives, every other request to that host
waits too (a short wait) or is not sent at all (a long one: :class:`HostPaused`, recorded by the
spider like the refusal itself). Requests to other hosts go on meanwhile. A 503 (one overloaded or
closed endpoint, often) holds back only its own request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.asyncio import call_later
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from crawler.extract.dates import to_utc
from crawler.stats import RETRY_AFTER_HELD, RETRY_AFTER_WAITS

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


class HostPaused(IgnoreRequest):
    """A request not sent: its host asked (Retry-After) not to be asked again before ``until``."""

    def __init__(self, host: str, until: datetime):
        super().__init__(
            f"{host} asked to wait until {until:%Y-%m-%d %H:%M:%S} UTC (Retry-After): not requested"
        )
        self.until = until


class RetryAfterMiddleware:
    def __init__(self, max_wait: float, max_retries: int, stats: Any, crawler: Any = None):
        self.max_wait = max_wait
        self.max_retries = max_retries
        self.stats = stats
        self.crawler = crawler
        self.paused: dict[str, float] = {}  # slot key -> time.monotonic() until which the host rests

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        s = crawler.settings
        return cls(
            s.getfloat("DOCLISTEN_RETRY_AFTER_MAX_WAIT"), s.getint("RETRY_TIMES"), crawler.stats, crawler
        )

    def _downloader(self) -> Any:
        return getattr(getattr(self.crawler, "engine", None), "downloader", None)

    def slot_key(self, request: Any) -> str:
        """The downloader slot of a request: its host (what Scrapy's per-host concurrency is counted by)."""
        downloader = self._downloader()
        if downloader is not None:
            return str(downloader.get_slot_key(request))
        return str(request.meta.get("download_slot") or urlparse_cached(request).hostname or "")

    async def process_request(self, request: Any) -> None:
        """Hold a request to a resting host until its time (short), or refuse to send it (long)."""
        key = self.slot_key(request)
        left = self.paused.get(key, 0.0) - time.monotonic()
        if left <= 0:
            self.paused.pop(key, None)
            return
        if left > self.max_wait:
            raise HostPaused(key, datetime.now(UTC) + timedelta(seconds=left))
        self.stats.inc_value(RETRY_AFTER_HELD)
        await asyncio.sleep(left)

    def pause(self, request: Any, seconds: float) -> None:
        """Rest the request's host for ``seconds``: what the downloader already queued for it waits (a short
        rest) or fails with :class:`HostPaused` (a long one), and :meth:`process_request` holds or refuses
        what comes later."""
        key = self.slot_key(request)
        until = time.monotonic() + seconds
        if until <= self.paused.get(key, 0.0):
            return
        self.paused[key] = until
        downloader = self._downloader()
        slot = getattr(downloader, "slots", {}).get(key)
        if slot is None:
            return
        if seconds > self.max_wait:
            refused = HostPaused(key, datetime.now(UTC) + timedelta(seconds=seconds))
            while slot.queue:
                _queued, waiting = slot.queue.popleft()
                waiting.errback(Failure(refused))
            return
        # Scrapy's own way to hold a slot's queue (its download delay): the queue moves on when the call fires
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(seconds, downloader._latercall, slot)

    async def process_response(self, request: Any, response: Any) -> Any:
        if response.status not in CODES or request.meta.get("dont_retry"):
            return response
        retries = request.meta.get("retry_after_times", 0)
        wait = parse_retry_after(response.headers.get(b"Retry-After"))
        if wait is not None and response.status == 429:  # "too many requests" (RFC 6585) is about us:
            self.pause(request, wait)  # the whole host rests, whether this request is retried or not
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
