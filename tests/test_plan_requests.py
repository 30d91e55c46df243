"""The crawl-plan decisions that keep a recrawl to about one request per source (issue #12, item 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler import plan
from crawler.http import robots_lifetime

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_site_comments_never_polled_is_due() -> None:
    assert plan.site_comments_due(None, None, NOW)
    assert plan.site_comments_due(NOW - 400 * 24 * H, None, NOW)


def test_site_comments_quiet_blog_once_a_day() -> None:
    old = NOW - 400 * 24 * H
    # due once 80 % of the day has passed: a crawl 10 % early (the scheduler's jitter) still polls
    assert not plan.site_comments_due(old, NOW - 19 * H, NOW)
    assert plan.site_comments_due(old, NOW - 20 * H, NOW)
    assert plan.site_comments_due(old, NOW - 21.6 * H, NOW)
    assert not plan.site_comments_due(None, NOW - 19 * H, NOW)  # no activity known: as quiet
    assert plan.site_comments_due(None, NOW - 25 * H, NOW)


def test_site_comments_decays_after_activity() -> None:
    # 1 h after a new post or comment: every 15 minutes; a day after: every 6 h
    assert plan.site_comments_due(NOW - H, NOW - 12 * timedelta(minutes=1), NOW)
    assert not plan.site_comments_due(NOW - H, NOW - 11 * timedelta(minutes=1), NOW)
    assert plan.site_comments_due(NOW - 24 * H, NOW - 4.8 * H, NOW)
    assert not plan.site_comments_due(NOW - 24 * H, NOW - 4.5 * H, NOW)
    # just now: every crawl
    assert plan.site_comments_due(NOW, NOW - timedelta(seconds=1), NOW)


def test_site_comments_clock_trouble() -> None:
    assert plan.site_comments_due(None, NOW + H, NOW)  # checked "in the future": ask
    assert not plan.site_comments_due(NOW + H, NOW - 19 * H, NOW)  # activity in the future: as quiet


def test_site_comments_unconditional_every_nth_poll() -> None:
    flags = [plan.site_comments_unconditional(polls, 10) for polls in range(30)]
    assert [i for i, f in enumerate(flags) if f] == [9, 19, 29]  # the 10th, 20th, 30th poll
    assert not any(plan.site_comments_unconditional(p, 0) for p in range(30))


def test_endpoint_closed_for_a_week() -> None:
    assert plan.endpoint_open(None, NOW)
    assert not plan.endpoint_open(NOW - 6 * 24 * H, NOW)
    assert plan.endpoint_open(NOW - 7 * 24 * H, NOW)
    assert plan.endpoint_open(NOW + H, NOW)  # a time in the future: ask
    assert {401, 403, 404} <= set(plan.ENDPOINT_CLOSED_STATUSES)


@pytest.mark.parametrize(
    ("status", "cache_control", "seconds"),
    [
        (200, None, 24 * 3600),
        (200, "max-age=3600", 3600),
        (200, "public, max-age=604800", 24 * 3600),  # capped at 24 h (RFC 9309 2.4)
        (200, "no-store", 0),
        (200, "no-cache", 0),
        (200, "max-age=0", 0),
        (404, None, 24 * 3600),  # no robots.txt: allow all, kept like a 200
        (403, "max-age=60", 60),
        (500, None, 0),  # unreachable: not kept
        (503, "max-age=3600", 0),
    ],
)
def test_robots_lifetime(status: int, cache_control: str | None, seconds: int) -> None:
    assert robots_lifetime(status, cache_control) == seconds


def test_page_comments_complete() -> None:
    assert plan.page_comments_complete(3, 3, paginated=False)
    assert plan.page_comments_complete(0, 0, paginated=False)  # "No comments:"
    assert not plan.page_comments_complete(3, 3, paginated=True)  # more on /comment-page-2/
    assert not plan.page_comments_complete(5, 3, paginated=False)  # some not on the page (or not read)
    assert not plan.page_comments_complete(None, 3, paginated=False)  # the page states no count
    # WordPress's "4 thoughts on" counts the pingback the list shows (and doclisten leaves out)
    assert plan.page_comments_complete(4, 3, paginated=False, pings=1)
    assert not plan.page_comments_complete(5, 3, paginated=False, pings=1)


@pytest.mark.parametrize(
    ("heading", "count"),
    [
        ('<h2 class="comments-title">3 thoughts on &ldquo;Pump day&rdquo;</h2>', 3),
        ('<h2 class="comments-title">One thought on &ldquo;Pump day&rdquo;</h2>', 1),
        ('<h3 class="wp-block-comments-title">12 responses to “Pump day”</h3>', 12),
        ('<h3 id="comments-title">One Response to <em>Pump day</em></h3>', 1),
        ("<h4>5 comments:</h4>", 5),
        ("<h4>No comments:</h4>", 0),
        ("<h4>1,204 Comments</h4>", 1204),
        ("<h2>3 comments about insulin prices we should read</h2>", None),  # a title, not a count
        ("<h2>Leave a comment</h2>", None),
        ("<p>3 comments:</p>", None),  # not a heading
    ],
)
def test_shown_comment_count(heading: str, count: int | None) -> None:
    from crawler.extract.comment_count import shown_comment_count
    from crawler.extract.tree import Doc

    assert shown_comment_count(Doc(f"<html><body><article>{heading}</article></body></html>")) == count
