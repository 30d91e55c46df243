"""End to end: a Substack publication on its own domain, known by Substack's assets; posts from its feed and
pages, each post's comment tree from the publication's JSON (a local server in Substack's shapes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from crawler.extract.model import SUBSTACK
from pipelines.store.models import Comment, Post, Source
from tests.conftest import FAST, run_cli
from tests.local_server import LocalHandler, serving

pytestmark = pytest.mark.slow
PAGES = Path(__file__).parent / "pages" / "substack"
SLUG = "what-a-year-of-closed-loop-taught-me"
POST_ID = 151234567
# A Substack post page, reduced: Substack's own markup (post-title, available-content, body markup) and assets
PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>What a year of closed loop taught me</title>'
    '<link rel="preconnect" href="https://substackcdn.com"><meta property="og:site_name" content="Loop Notes">'
    '<link rel="alternate" type="application/rss+xml" href="/feed" title="Loop Notes">'
    '<script src="https://substackcdn.com/bundle/static/js/main.js"></script></head><body><div id="entry">'
    '<article class="typography newsletter-post post"><div class="post-header"><h1 class="post-title">'
    'What a year of closed loop taught me</h1><div class="byline-names"><a href="https://substack.com/@tamsinroe">'
    'Tamsin Roe</a></div><time datetime="2026-11-24T13:05:00.000Z">Nov 24, 2026</time></div>'
    '<div class="available-content"><div dir="auto" class="body markup">'
    "<p>Twelve months on a hybrid closed loop, and the biggest change is sleep.</p>"
    "<p>The algorithm handles the 3 a.m. drift I used to chase, and my partner sleeps through the night now.</p>"
    "<p>Meal boluses are still on me, and so is the pre-bolus timing for breakfast.</p></div></div>"
    '<div class="post-footer"><a class="button subscribe-btn">Subscribe</a></div></article>'
    '<div id="discussion"><h4>Discussion about this post</h4><div class="comments-page">'
    "<p>No posts</p></div></div></div></body></html>"
)


class Publication(LocalHandler):
    asked: list[str] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        base = self.base
        if self.path == "/robots.txt":
            return self.reply(200, "text/plain", b"User-agent: *\nDisallow: /action/\n")
        if self.path == "/":
            return self.reply(
                200, "text/html; charset=utf-8", PAGE.replace("<article", "<div hidden").encode()
            )
        if self.path == "/feed":
            item = (
                f"<item><title>What a year of closed loop taught me</title><link>{base}/p/{SLUG}</link>"
                f"<pubDate>Tue, 24 Nov 2026 13:05:00 GMT</pubDate><guid isPermaLink='false'>{base}/p/{SLUG}</guid></item>"
            )
            rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop Notes</title><link>{base}</link><generator>Substack</generator>{item}</channel></rss>'
            return self.reply(200, "application/rss+xml", rss.encode())
        if self.path == f"/p/{SLUG}":
            return self.reply(200, "text/html; charset=utf-8", PAGE.encode())
        if self.path == f"/api/v1/posts/{SLUG}":
            return self.reply(200, "application/json", (PAGES / "post_free.json").read_bytes())
        if self.path.startswith(f"/api/v1/post/{POST_ID}/comments?all_comments=true"):
            return self.reply(200, "application/json", (PAGES / "comments.json").read_bytes())
        return self.reply(404, "application/json", b'{"error": "Not found"}')


def test_a_substack_publication_with_its_comment_tree(sqlite_url) -> None:  # type: ignore[no-untyped-def]
    Publication.asked = []
    with serving(Publication) as base:
        run_cli("sources", "add", f"{base}/", *FAST, db=sqlite_url)
        result = run_cli("crawl", *FAST, db=sqlite_url)
    assert "Traceback" not in result.stderr
    assert f"/api/v1/post/{POST_ID}/comments?all_comments=true&sort=oldest_first" in Publication.asked
    engine = create_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            source = conn.execute(select(Source)).one()
            post = conn.execute(select(Post)).one()
            rows = {c.external_id: c for c in conn.execute(select(Comment))}
    finally:
        engine.dispose()
    assert (source.platform, source.feed_url) == (SUBSTACK, f"{base}/feed")
    assert post.title == "What a year of closed loop taught me"
    assert (
        post.content_text.startswith("Twelve months on a hybrid closed loop")
        and "Subscribe" not in post.content_text
    )
    assert set(rows) == {"80001", "80002", "80004", "80005"}  # the deleted one is not stored
    assert {r.via for r in rows.values()} == {"substack"}
    assert rows["80002"].parent_id == rows["80001"].id and rows["80004"].parent_id == rows["80002"].id
    assert rows["80005"].parent_external_id == "80003" and rows["80005"].parent_id is None
    assert rows["80001"].author == "Omar"


class YoungPublication(Publication):
    """The same publication, its post published a few hours ago (young: its comments are re-checked)."""

    published = ""

    def do_GET(self) -> None:
        if self.path == "/feed":
            self.asked.append(self.path)
            item = (
                f"<item><title>What a year of closed loop taught me</title><link>{self.base}/p/{SLUG}</link>"
                f"<pubDate>{self.published}</pubDate><guid isPermaLink='false'>{self.base}/p/{SLUG}</guid></item>"
            )
            rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop Notes</title><link>{self.base}</link><generator>Substack</generator>{item}</channel></rss>'
            return self.reply(200, "application/rss+xml", rss.encode())
        return super().do_GET()


def test_a_second_crawl_of_an_unchanged_publication_writes_nothing(sqlite_url) -> None:  # type: ignore[no-untyped-def]
    """The post's page and its comment JSON asked again (its comments' re-check) give the same rows."""
    from tests.recrawl import assert_nothing_written, comments_due, rfc822_hours_ago, snapshot

    YoungPublication.asked, YoungPublication.published = [], rfc822_hours_ago(3)
    with serving(YoungPublication) as base:
        run_cli("sources", "add", f"{base}/", *FAST, db=sqlite_url)
        run_cli("crawl", *FAST, db=sqlite_url)
        comments_due(sqlite_url)
        before = snapshot(sqlite_url)
        assert before["counts"] == {"posts": 1, "comments": 4}
        YoungPublication.asked = []
        second = run_cli("crawl", *FAST, db=sqlite_url)
        assert "Traceback" not in second.stderr
        assert (
            f"/api/v1/post/{POST_ID}/comments?all_comments=true&sort=oldest_first" in YoungPublication.asked
        )
    assert_nothing_written(before, snapshot(sqlite_url))
