"""End to end, XenForo and phpBB: a forum added by its homepage (recognised by its markup), a young thread over
two pages found through the forum's feed, every message stored once with its author and parent and none of the
engine's chrome (tests/forum_pages.py); then a second crawl of the unchanged forum, the thread's pages asked
again for their re-check, writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from pipelines.store.models import Comment, Post, Source
from tests.conftest import FAST, run_cli
from tests.forum_pages import CHROME, Message, phpbb_page, xenforo_page
from tests.local_server import ALLOW_ALL, LocalHandler, serving
from tests.recrawl import assert_nothing_written, comments_due, iso_hours_ago, rfc822_hours_ago, snapshot

pytestmark = pytest.mark.slow
TITLE = "G7 signal loss"


def messages() -> list[Message]:
    return [
        Message(101, "ana", iso_hours_ago(5), "My G7 keeps losing signal overnight. Phone or sensor?"),
        Message(
            102,
            "bo",
            iso_hours_ago(4.5),
            "Probably Bluetooth: keep the phone on the same side as the sensor.",
        ),
        Message(
            103,
            "cy",
            iso_hours_ago(4),
            "Or a battery saver that closes the app at night.",
            code="battery: off",
        ),
        Message(
            104,
            "ana",
            iso_hours_ago(3),
            "That fixed it, thanks! The phone is on my left side now.",
            quotes=(102, "bo", "Probably Bluetooth: keep the phone on the same side as the sensor."),
        ),
        Message(105, "di", iso_hours_ago(2), "The G7 app needs background refresh switched on as well."),
    ]


class Forum(LocalHandler):
    """``engine`` and the thread's messages are set per test; ``asked`` records the paths."""

    engine = "xenforo"
    thread: list[Message] = []
    published = ""
    asked: list[str] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        base, m = self.base, self.thread
        if self.path == "/robots.txt":
            return self.reply(200, "text/plain", ALLOW_ALL)
        if self.engine == "xenforo":
            thread = "/threads/g7-signal-loss.7/"
            pages = {
                "/": '<html id="XF" data-app="public" data-template="forum_list"><head><title>T1D Forum</title>'
                '<link rel="alternate" type="application/rss+xml" title="RSS" href="/forums/-/index.rss"></head>'
                "<body></body></html>",
                thread: xenforo_page(TITLE, thread, m[:3], 1, f"{thread}page-2"),
                f"{thread}page-2": xenforo_page(TITLE, thread, m[3:], 4, None),
            }
            # XenForo's RSS (forums/-/index.rss): RSS 2.0, one item per thread, its link the thread's URL
            feed = (
                f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T1D Forum</title>'
                f"<link>{base}/</link><item><title>{TITLE}</title><link>{base}{thread}</link>"
                f"<pubDate>{self.published}</pubDate><guid isPermaLink='false'>7</guid></item></channel></rss>"
            )
            feeds = {"/forums/-/index.rss": ("application/rss+xml", feed)}
        else:
            topic = "/viewtopic.php?t=9"
            pages = {
                "/": '<html><head><title>T1D Board</title><link rel="alternate" type="application/atom+xml" '
                'title="Feed - T1D Board" href="./app.php/feed/topics"></head><body id="phpbb" class="nojs">'
                "</body></html>",
                topic: phpbb_page(TITLE, m[:3], "./viewtopic.php?t=9&amp;start=3"),
                f"{topic}&start=3": phpbb_page(TITLE, m[3:], None, first_page=False),
            }
            # phpBB's Atom feed of new topics (app.php/feed/topics): one <entry> per topic
            feed = (
                '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-gb">'
                f'<link rel="self" type="application/atom+xml" href="{base}/app.php/feed/topics"/><title>T1D Board'
                f'</title><link href="{base}/index.php"/><updated>{m[0].when}</updated><id>{base}/app.php/feed/'
                f"topics</id><entry><author><name><![CDATA[ana]]></name></author><updated>{m[0].when}</updated>"
                f'<published>{m[0].when}</published><id>{base}{topic}</id><link href="{base}{topic}"/>'
                f'<title type="html"><![CDATA[Pumps • {TITLE}]]></title><content type="html" xml:base="{base}'
                f'{topic}"><![CDATA[{m[0].text}]]></content></entry></feed>'
            )
            feeds = {"/app.php/feed/topics": ("application/atom+xml", feed)}
        if self.path in feeds:
            ctype, body = feeds[self.path]
            return self.reply(200, ctype, body.encode())
        page = pages.get(self.path)
        if page is not None:
            return self.reply(200, "text/html; charset=utf-8", page.encode())
        return self.reply(404, "text/plain", b"no")


def stored(db: str) -> tuple[Source, Post, dict[str, Comment]]:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            source = conn.execute(select(Source)).one()
            post = conn.execute(select(Post)).one()
            return source, post, {c.external_id: c for c in conn.execute(select(Comment))}
    finally:
        engine.dispose()


@pytest.mark.parametrize("engine", ["xenforo", "phpbb"])
def test_a_forum_thread_stored_once_without_chrome_and_recrawled_without_writes(
    engine: str, sqlite_url
) -> None:  # type: ignore[no-untyped-def]
    Forum.engine, Forum.thread, Forum.published, Forum.asked = engine, messages(), rfc822_hours_ago(5), []
    first_page = "/threads/g7-signal-loss.7/" if engine == "xenforo" else "/viewtopic.php?t=9"
    with serving(Forum) as base:
        run_cli("sources", "add", f"{base}/", *FAST, db=sqlite_url)
        first = run_cli("crawl", *FAST, db=sqlite_url)
        assert "Traceback" not in first.stderr
        source, post, rows = stored(sqlite_url)
        assert source.platform == engine
        assert post.content_text == Forum.thread[0].text and post.author == "ana"
        assert set(rows) == {"102", "103", "104", "105"}  # page 2's first message too, each once
        assert rows["104"].content_text == Forum.thread[3].text and rows["104"].parent_id == rows["102"].id
        assert rows["103"].content_text.split() == (Forum.thread[2].text + " battery: off").split()
        assert {r.external_id: r.author for r in rows.values()} == {
            "102": "bo",
            "103": "cy",
            "104": "ana",
            "105": "di",
        }
        for text in [post.content_text, post.title or "", *(r.content_text for r in rows.values())]:
            assert not [piece for piece in CHROME if piece in text], text

        comments_due(sqlite_url)  # the young thread's re-check: its pages are asked again
        before = snapshot(sqlite_url)
        Forum.asked = []
        second = run_cli("crawl", *FAST, db=sqlite_url)
        assert "Traceback" not in second.stderr
        assert first_page in Forum.asked  # re-read, not skipped
    assert_nothing_written(before, snapshot(sqlite_url))
