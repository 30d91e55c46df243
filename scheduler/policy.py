"""Interval policy: when to crawl a source next, from what its last crawl saw.

Learned from Media Cloud, Miniflux and NewsBlur (ARCHITECTURE.md): adaptive per source within
[min, max]; poll less when a poll brings mostly known items, more when mostly new; never sooner
than Retry-After / Cache-Control / feed TTL; exponential error backoff up to 7 days; jitter;
disable after repeated failures; an occasional unconditional fetch against stale ETags.
Pure functions: no clock, no randomness of their own (both are passed in).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

MINUTE, HOUR, DAY = 60, 3600, 86400


@dataclass(frozen=True)
class PolicyConfig:
    min_interval: int = 15 * MINUTE
    max_interval: int = DAY
    first_interval: int = HOUR
    error_base: int = 15 * MINUTE
    error_max: int = 7 * DAY
    jitter: float = 0.1  # +-10 %
    disable_after: int = 10  # consecutive failed crawls
    unconditional_every: int = 10  # every Nth crawl ignores the feed's validators


@dataclass(frozen=True)
class SourceState:
    interval_seconds: int | None = None
    min_interval_seconds: int | None = None  # per-source overrides
    max_interval_seconds: int | None = None
    consecutive_failures: int = 0


@dataclass(frozen=True)
class CrawlOutcome:
    new_items: int = 0  # new posts + new comments
    known_items: int = 0  # feed entries / links already stored
    failed: bool = False  # the source's feed (or listing, without a feed) could not be read
    error: str | None = None
    retry_after: datetime | None = None
    cache_max_age: int | None = None  # seconds, from the feed's Cache-Control
    feed_ttl: int | None = None  # seconds, from RSS <ttl> or sy:updatePeriod


@dataclass(frozen=True)
class Decision:
    next_due: datetime
    interval_seconds: int
    consecutive_failures: int
    disable: bool = False
    disable_reason: str | None = None


def bounds(state: SourceState, cfg: PolicyConfig) -> tuple[int, int]:
    low = state.min_interval_seconds or cfg.min_interval
    high = max(low, state.max_interval_seconds or cfg.max_interval)
    return low, high


def adapt(interval: int, outcome: CrawlOutcome) -> float:
    """More often when a poll brings mostly new items, less often when it brings nothing new."""
    total = outcome.new_items + outcome.known_items
    if outcome.new_items == 0:
        return interval * 1.5
    if total and outcome.new_items / total >= 0.5:
        return interval / 2
    return interval


def next_schedule(
    state: SourceState, outcome: CrawlOutcome, now: datetime, cfg: PolicyConfig, rng: random.Random
) -> Decision:
    low, high = bounds(state, cfg)
    current = state.interval_seconds or min(max(cfg.first_interval, low), high)
    if outcome.failed:
        failures = state.consecutive_failures + 1
        delay = min(cfg.error_max, cfg.error_base * 2 ** (failures - 1))
        due = now + timedelta(seconds=delay * (1 + rng.uniform(-cfg.jitter, cfg.jitter)))
        if outcome.retry_after and outcome.retry_after > due:
            due = outcome.retry_after
        if failures >= cfg.disable_after:
            reason = f"{failures} failed crawls in a row; last: {outcome.error or 'unreachable'}"
            return Decision(due, current, failures, disable=True, disable_reason=reason)
        return Decision(due, current, failures)
    interval = int(min(high, max(low, adapt(current, outcome))))
    floor = max(outcome.cache_max_age or 0, outcome.feed_ttl or 0)
    wait = max(interval, min(floor, high * 7))  # a server's floor wins, within reason
    due = now + timedelta(seconds=wait * (1 + rng.uniform(-cfg.jitter, cfg.jitter)))
    if outcome.retry_after and outcome.retry_after > due:
        due = outcome.retry_after
    return Decision(due, interval, 0)


def unconditional(crawl_count: int, cfg: PolicyConfig) -> bool:
    """Whether this crawl should ignore the feed's ETag/Last-Modified (stale validators)."""
    return cfg.unconditional_every > 0 and crawl_count > 0 and crawl_count % cfg.unconditional_every == 0
