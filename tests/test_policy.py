"""Interval policy: adaptive intervals, floors, backoff, disabling, re-check schedules."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from crawler.http import max_age
from crawler.plan import comments_due
from scheduler.policy import (
    CrawlOutcome,
    PolicyConfig,
    SourceState,
    next_schedule,
    unconditional,
)

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
CFG = PolicyConfig(jitter=0.0)
RNG = random.Random(7)


def plan(state: SourceState, outcome: CrawlOutcome, cfg: PolicyConfig = CFG):  # type: ignore[no-untyped-def]
    return next_schedule(state, outcome, NOW, cfg, RNG)


def test_first_interval_then_adapts_to_new_and_known_items() -> None:
    first = plan(SourceState(), CrawlOutcome(new_items=3, known_items=3))
    assert first.interval_seconds == 1800  # 1 h halved: half the items were new
    quiet = plan(SourceState(interval_seconds=3600), CrawlOutcome(new_items=0, known_items=10))
    assert quiet.interval_seconds == 5400 and quiet.next_due == NOW + timedelta(seconds=5400)
    mixed = plan(SourceState(interval_seconds=3600), CrawlOutcome(new_items=1, known_items=9))
    assert mixed.interval_seconds == 3600


def test_interval_stays_within_global_and_per_source_bounds() -> None:
    assert plan(SourceState(interval_seconds=900), CrawlOutcome(new_items=9)).interval_seconds == 900
    assert plan(SourceState(interval_seconds=86400), CrawlOutcome()).interval_seconds == 86400
    own = SourceState(interval_seconds=600, min_interval_seconds=120, max_interval_seconds=700)
    assert plan(own, CrawlOutcome(new_items=5)).interval_seconds == 300
    assert plan(own, CrawlOutcome()).interval_seconds == 700


def test_never_sooner_than_retry_after_cache_control_or_ttl() -> None:
    later = NOW + timedelta(hours=5)
    assert plan(SourceState(interval_seconds=900), CrawlOutcome(retry_after=later)).next_due == later
    assert plan(
        SourceState(interval_seconds=900), CrawlOutcome(cache_max_age=7200)
    ).next_due == NOW + timedelta(hours=2)
    assert plan(
        SourceState(interval_seconds=900), CrawlOutcome(feed_ttl=3 * 3600)
    ).next_due == NOW + timedelta(hours=3)


def test_error_backoff_is_exponential_capped_and_disables() -> None:
    waits = []
    state = SourceState(interval_seconds=3600)
    for _ in range(9):
        decision = plan(state, CrawlOutcome(failed=True, error="HTTP 500"))
        waits.append((decision.next_due - NOW).total_seconds())
        assert not decision.disable
        state = SourceState(interval_seconds=3600, consecutive_failures=decision.consecutive_failures)
    assert waits[:4] == [900, 1800, 3600, 7200]
    patient = PolicyConfig(jitter=0.0, disable_after=99)
    capped = plan(SourceState(consecutive_failures=40), CrawlOutcome(failed=True), patient)
    assert capped.next_due == NOW + timedelta(days=7) and not capped.disable
    last = plan(state, CrawlOutcome(failed=True, error="HTTP 500"))
    assert last.disable and "10 failed crawls" in last.disable_reason and "HTTP 500" in last.disable_reason
    assert plan(state, CrawlOutcome(new_items=1)).consecutive_failures == 0


def test_jitter_spreads_due_times() -> None:
    cfg = PolicyConfig(jitter=0.1)
    dues = {
        next_schedule(
            SourceState(interval_seconds=3600),
            CrawlOutcome(new_items=1, known_items=9),
            NOW,
            cfg,
            random.Random(i),
        ).next_due
        for i in range(20)
    }
    assert len(dues) > 10
    assert all(abs((d - NOW).total_seconds() - 3600) <= 360 for d in dues)


def test_unconditional_fetch_every_nth_crawl() -> None:
    assert [n for n in range(1, 31) if unconditional(n, CFG)] == [10, 20, 30]
    assert not unconditional(0, CFG)


def test_comment_rechecks_decay() -> None:
    published = NOW - timedelta(hours=2)
    assert comments_due(published, None, NOW)
    assert comments_due(published, published + timedelta(minutes=30), NOW)  # 1 h checkpoint passed since
    assert not comments_due(published, published + timedelta(hours=1, minutes=5), NOW)  # next one at 6 h
    assert comments_due(NOW - timedelta(days=3, hours=1), NOW - timedelta(days=1), NOW)
    assert not comments_due(NOW - timedelta(days=30), None, NOW)  # old posts: the feed handles them
    assert not comments_due(None, None, NOW)


def test_cache_control_max_age() -> None:
    assert max_age("public, max-age=600") == 600
    assert max_age("s-maxage=1200, max-age=60") == 1200
    assert max_age("no-cache") is None and max_age(None) is None
