"""End to end: a blog whose comments are in Disqus. The post page embeds Disqus (the WordPress plugin's
embedVars); the crawl asks Disqus's key-less embed page for the thread (a local server stands in for
disqus.com through DOCLISTEN_HOST_OVERRIDES) and stores its comments with their parents."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import create_engine, select

from pipelines.store.models import Comment
from tests.conftest import FAST, run_cli
from tests.local_server import LocalHandler, serving

pytestmark = pytest.mark.slow
THREAD = (Path(__file__).parent / "pages" / "disqus" / "embed_thread.html").read_bytes()
POST = (Path(__file__).parent / "pages" / "disqus" / "wordpress_plugin_post.html").read_text()


class Blog(LocalHandler):
    """A WordPress blog with the Disqus plugin: a feed of one post, the post page embedding Disqus."""

    def do_GET(self) -> None:
        base = self.base
        if self.path == "/robots.txt":
            return self.reply(200, "text/plain", b"User-agent: *\nAllow: /\n")
        if self.path == "/feed/":
            item = (
                f"<item><title>Pump vacation, week two</title><link>{base}/2026/11/pump-vacation/</link>"
                "<pubDate>Wed, 19 Nov 2026 10:00:00 +0000</pubDate><guid>p412</guid></item>"
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Sugar Free Living</title><link>{base}/</link>{item}</channel></rss>'
            return self.reply(200, "application/rss+xml", body.encode())
        if self.path == "/2026/11/pump-vacation/":
            page = POST.replace("https://sugarfree.example", base).replace(
                "https:\\/\\/sugarfree.example", base.replace("/", "\\/")
            )
            return self.reply(200, "text/html; charset=utf-8", page.encode())
        return self.reply(404, "text/plain", b"no")


class Disqus(Blog):
    """disqus.com's embed page for the thread (and its robots.txt); records what it was asked."""

    asked: list[str] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        if self.path == "/robots.txt":
            return self.reply(200, "text/plain", b"User-agent: *\nDisallow: /admin/\n")
        if urlsplit(self.path).path == "/embed/comments/":
            return self.reply(200, "text/html; charset=utf-8", THREAD)
        if self.path == "/pump_vacation_week_two/latest.rss":  # the thread's own feed: nothing more in it
            empty = '<?xml version="1.0"?><rss version="2.0"><channel><title>Pump vacation</title></channel></rss>'
            return self.reply(200, "application/rss+xml", empty.encode())
        return self.reply(404, "text/plain", b"no")


def test_a_disqus_thread_is_read_without_javascript(sqlite_url) -> None:  # type: ignore[no-untyped-def]
    Disqus.asked = []
    with serving(Blog) as blog, serving(Disqus) as disqus:
        run_cli("sources", "add", f"{blog}/feed/", *FAST, db=sqlite_url)
        overrides = json.dumps(
            {"disqus.com": disqus, "*.disqus.com": disqus}
        )  # the thread's feed on its forum's host
        result = run_cli("crawl", *FAST, "--set", f"DOCLISTEN_HOST_OVERRIDES={overrides}", db=sqlite_url)
    assert "Traceback" not in result.stderr
    embeds = [p for p in Disqus.asked if p.startswith("/embed/comments/")]
    assert len(embeds) == 1 and "/robots.txt" in Disqus.asked  # robots.txt of the Disqus host too
    query = parse_qs(urlsplit(embeds[0]).query)
    assert query["f"] == ["sugarfreeliving"] and query["t_i"] == [f"412 {blog}/?p=412"]  # the plugin's own
    assert query["t_u"] == [f"{blog}/2026/11/pump-vacation/"]
    engine = create_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            rows = {c.external_id: c for c in conn.execute(select(Comment))}
    finally:
        engine.dispose()
    assert set(rows) == {"disqus:6100000001", "disqus:6100000002", "disqus:6100000004"}
    first, reply, orphan = rows["disqus:6100000001"], rows["disqus:6100000002"], rows["disqus:6100000004"]
    assert {r.via for r in rows.values()} == {"disqus"}
    assert (first.author, first.parent_id) == ("Marta K", None)
    assert reply.parent_id == first.id  # threaded
    assert (
        orphan.parent_external_id == "disqus:6100000003" and orphan.parent_id is None
    )  # its parent was deleted


LONG_THREAD = (Path(__file__).parent / "pages" / "disqus" / "embed_long_thread.html").read_text()
LATEST = (Path(__file__).parent / "pages" / "disqus" / "latest.rss").read_text()
THREAD_FEED = (Path(__file__).parent / "pages" / "disqus" / "thread_latest.rss").read_text()
OLD_POST = "/posts/ballpark-carbs"


class OldBlog(LocalHandler):
    """A blog with Disqus's universal code (shortname t1d-ballgames) and one post from March 2025; its feed
    and pages answer 304 to their own ETag."""

    published = "Mon, 10 Mar 2025 12:00:00 +0000"
    etags = True

    def do_GET(self) -> None:
        base = self.base
        if self.path == "/robots.txt":
            return self.reply(200, "text/plain", b"User-agent: *\nAllow: /\n")
        if self.path == "/feed/":
            item = (
                f"<item><title>Carb counting at the ballpark</title><link>{base}{OLD_POST}</link>"
                f"<pubDate>{self.published}</pubDate><guid>ballpark-carbs</guid></item>"
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T1D at the Ballgame</title><link>{base}/</link>{item}</channel></rss>'
            return self.etagged("application/rss+xml", body.encode())
        if self.path == OLD_POST:
            page = (Path(__file__).parent / "pages" / "disqus" / "universal_code_post.html").read_text()
            page = page.replace("https://t1dballgames.example", base).replace(
                "<main>", '<main><time datetime="2025-03-10T12:00:00Z">March 10, 2025</time>'
            )
            return self.etagged("text/html; charset=utf-8", page.encode())
        return self.reply(404, "text/plain", b"no")

    def etagged(self, ctype: str, body: bytes) -> None:
        etag = f'"{len(body)}"'
        if not self.etags:
            return self.reply(200, ctype, body)
        if self.headers.get("If-None-Match") == etag:
            return self.reply(304, ctype, b"", {"ETag": etag})
        return self.reply(200, ctype, body, {"ETag": etag})


class LongDisqus(OldBlog):
    """disqus.com (the embed page of a thread longer than one page) and t1d-ballgames.disqus.com (the forum's
    latest.rss, with an ETag) on one server; records what it was asked."""

    asked: list[str] = []
    blog = ""
    feed_items: int | None = None  # serve only the last N items of latest.rss (None: all)

    def do_GET(self) -> None:
        self.asked.append(self.path)
        if self.path == "/robots.txt":
            return self.reply(200, "text/plain", b"User-agent: *\nDisallow: /admin/\n")
        if urlsplit(self.path).path == "/embed/comments/":
            body = LONG_THREAD.replace("https://t1dballgames.example", self.blog)
            return self.reply(200, "text/html; charset=utf-8", body.encode())
        if self.path == "/carb_counting_at_the_ballpark/latest.rss":  # the thread's own feed
            return self.etagged("application/rss+xml", THREAD_FEED.replace("BLOG", self.blog).encode())
        if self.path == "/latest.rss":
            feed = LATEST.replace("BLOG", self.blog)
            if self.feed_items is not None:  # the older items only: comments the thread's first page has
                head, *items = feed.split("<item>")
                feed = "<item>".join([head, *items[len(items) - self.feed_items :]])
                feed = feed if feed.rstrip().endswith("</rss>") else feed + "</channel></rss>"
            return self.etagged("application/rss+xml", feed.encode())
        return self.reply(404, "text/plain", b"no")


def test_a_long_thread_and_new_comments_on_an_old_post_from_the_forum_feed(db_url) -> None:  # type: ignore[no-untyped-def]
    """The embed carries the thread's first page (3 of 5 comments) and says the thread goes on: its own feed
    brings the other two (no parents) and repeats one the embed gave (stored once, keeping its parent). The
    forum's latest.rss, polled on the next crawl without asking the old post or its thread again, brings a new
    comment on that post; a third crawl of the unchanged feed (304) writes nothing."""
    from tests.recrawl import assert_nothing_written, snapshot

    LongDisqus.asked = []
    with serving(OldBlog) as blog, serving(LongDisqus) as disqus:
        LongDisqus.blog = blog
        overrides = json.dumps({"disqus.com": disqus, "*.disqus.com": disqus})
        crawl = ("crawl", *FAST, "--set", f"DOCLISTEN_HOST_OVERRIDES={overrides}")
        run_cli("sources", "add", f"{blog}/feed/", *FAST, db=db_url)
        first = run_cli(*crawl, db=db_url)
        assert "Traceback" not in first.stderr
        assert "/latest.rss" not in LongDisqus.asked  # the forum is known from this crawl's pages on
        assert "/carb_counting_at_the_ballpark/latest.rss" in LongDisqus.asked  # the thread's rest
        rows = {c.external_id: c for c in _comments(db_url)}
        assert set(rows) == {f"disqus:620000000{n}" for n in range(1, 6)}  # each once
        later, repeated = rows["disqus:6200000005"], rows["disqus:6200000003"]
        assert (later.author, later.via, later.parent_id, later.parent_external_id) == (
            "Theo",
            "disqus",
            None,
            None,
        )
        assert (
            later.content_text == "Update from opening day: 25 for the bun held up, nachos still a mystery."
        )
        assert _utc(rows["disqus:6200000004"].published_at) == datetime(2025, 3, 13, 21, 40)
        assert repeated.parent_id == rows["disqus:6200000002"].id  # the embed's parent kept

        LongDisqus.asked = []
        second = run_cli(*crawl, db=db_url)
        assert "Traceback" not in second.stderr
        assert LongDisqus.asked.count("/latest.rss") == 1
        assert not [
            p for p in LongDisqus.asked if p.startswith(("/embed/", "/carb_"))
        ]  # the old post: not asked
        rows = {c.external_id: c for c in _comments(db_url)}
        assert set(rows) == {f"disqus:620000000{n}" for n in range(1, 7)}  # elsewhere.example's one not
        new = rows["disqus:6200000006"]
        assert (new.author, new.parent_id, new.content_text) == (
            "Mina",
            None,
            "Week two: the pretzel estimate of 90 was right on, for once.",
        )
        assert rows["disqus:6200000003"].parent_id == rows["disqus:6200000002"].id  # still

        before = snapshot(db_url)
        LongDisqus.asked = []
        third = run_cli(*crawl, db=db_url)
        assert "Traceback" not in third.stderr
        assert LongDisqus.asked.count("/latest.rss") == 1
    assert_nothing_written(before, snapshot(db_url))


def _comments(db: str) -> list[Comment]:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(Comment)))
    finally:
        engine.dispose()


class YoungBlog(OldBlog):
    """The blog with its post a few hours old and no validators: each re-check reads the page again."""

    etags = False


class QuietDisqus(LongDisqus):
    etags = False
    feed_items = 2  # 6200000003 (on the thread's first page) and another site's comment


def test_a_second_crawl_of_an_unchanged_disqus_blog_writes_nothing(sqlite_url) -> None:  # type: ignore[no-untyped-def]
    """The young post's page and its Disqus thread asked again, the forum's feed polled with nothing new: the
    same rows."""
    from tests.recrawl import assert_nothing_written, comments_due, rfc822_hours_ago, snapshot

    YoungBlog.published, QuietDisqus.asked = rfc822_hours_ago(3), []
    with serving(YoungBlog) as blog, serving(QuietDisqus) as disqus:
        QuietDisqus.blog = blog
        overrides = json.dumps({"disqus.com": disqus, "*.disqus.com": disqus})
        crawl = ("crawl", *FAST, "--set", f"DOCLISTEN_HOST_OVERRIDES={overrides}")
        run_cli("sources", "add", f"{blog}/feed/", *FAST, db=sqlite_url)
        run_cli(*crawl, db=sqlite_url)
        comments_due(sqlite_url)
        before = snapshot(sqlite_url)
        assert before["counts"] == {"posts": 1, "comments": 5}  # the embed's 3, the thread feed's 2 more
        QuietDisqus.asked = []
        second = run_cli(*crawl, db=sqlite_url)
        assert "Traceback" not in second.stderr
        assert "/latest.rss" in QuietDisqus.asked and any(p.startswith("/embed/") for p in QuietDisqus.asked)
    assert_nothing_written(before, snapshot(sqlite_url))


def _utc(when: datetime) -> datetime:
    """A stored time as naive UTC (SQLite gives it naive, PostgreSQL aware)."""
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
