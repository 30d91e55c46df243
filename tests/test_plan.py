"""Crawl decisions: refetch rules, comment feed URLs, Retry-After parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler import plan
from crawler.jobs import KnownPost
from crawler.middlewares.retry_after import parse_retry_after

HOME = "https://sugar.example/"
T0 = datetime(2015, 3, 4, tzinfo=UTC)


def test_post_needs_fetch() -> None:
    known = KnownPost(1, T0, 3, T0, "12")
    assert plan.post_needs_fetch(None, None, None) == (True, True)
    assert plan.post_needs_fetch(known, T0, 3) == (False, False)
    assert plan.post_needs_fetch(known, None, None) == (False, False)
    assert plan.post_needs_fetch(known, T0 + timedelta(hours=1), 3) == (True, False)
    assert plan.post_needs_fetch(known, T0, 4) == (True, True)


def test_comment_feed_for() -> None:
    assert (
        plan.comment_feed_for("wordpress", HOME, HOME + "2015/03/04/a/", None, None)
        == HOME + "2015/03/04/a/feed/"
    )
    assert plan.comment_feed_for("blogger", HOME, HOME + "2015/03/a.html", None, "77").endswith(
        "/feeds/77/comments/default?max-results=500"
    )
    assert plan.comment_feed_for("generic", HOME, HOME + "a/", None, None) is None
    assert plan.comment_feed_for("generic", HOME, HOME + "a/", "https://x/c.xml", None) == "https://x/c.xml"


def test_post_sitemaps_only() -> None:
    assert plan.is_post_sitemap("https://s/wp-sitemap-posts-post-1.xml")
    assert not plan.is_post_sitemap("https://s/wp-sitemap-taxonomies-category-1.xml")
    assert not plan.is_post_sitemap("https://s/wp-sitemap-users-1.xml")
    assert not plan.is_post_sitemap("https://s/wp-sitemap-posts-page-1.xml")


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after(b"120") == 120
    assert parse_retry_after("Thu, 01 Jan 2026 00:02:00 GMT", now) == 120
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
