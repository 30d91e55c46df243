"""End to end: a XenForo thread over two pages, found through the forum's RSS: the first message is the post,
every other message on either page a comment (once), a quoted reply a reply to the quoted message."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from pipelines.store.models import Comment, Post
from tests.conftest import FAST, run_cli
from tests.local_server import LocalHandler, serving
from tests.test_extract_forums import xenforo_message, xenforo_quote

pytestmark = pytest.mark.slow
THREAD = "/threads/g7-signal-loss.7/"
MESSAGES = [
    (101, "ana", "My G7 keeps losing signal overnight. Is it the phone or the sensor?"),
    (102, "bo", "Probably Bluetooth: keep the phone on the same side as the sensor."),
    (103, "cy", "Or a phone battery saver that closes the app at night; check that first."),
    (104, "ana", "That fixed it, thanks! Moving the phone to the nightstand on my left side."),
    (105, "di", "Adding to this: the G7 app needs background refresh switched on as well."),
]


def page(messages: list[str], next_url: str | None) -> bytes:
    nav = (
        f'<div class="pageNav"><a href="{next_url}" class="pageNav-jump pageNav-jump--next">Next</a></div>'
        if next_url
        else ""
    )
    return (
        "<html><head><title>G7 signal loss | T1D Forum</title></head><body><div class='p-body'>"
        f"<h1 class='p-title-value'>G7 signal loss</h1>{''.join(messages)}{nav}</div></body></html>"
    ).encode()


class Forum(LocalHandler):
    def do_GET(self) -> None:
        base = self.base
        if self.path == "/robots.txt":
            return self.reply(200, "text/plain", b"User-agent: *\nDisallow: /search/\n")
        if self.path == "/forums/-/index.rss":
            item = (
                f"<item><title>G7 signal loss</title><link>{base}{THREAD}</link>"
                "<pubDate>Wed, 01 May 2024 08:00:00 +0000</pubDate><guid>7</guid></item>"
            )
            rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T1D Forum</title><link>{base}/</link>{item}</channel></rss>'
            return self.reply(200, "application/rss+xml", rss.encode())
        if self.path == THREAD:
            first = [xenforo_message(n, who, text) for n, who, text in MESSAGES[:3]]
            return self.reply(200, "text/html; charset=utf-8", page(first, f"{THREAD}page-2"))
        if self.path == f"{THREAD}page-2":
            n, who, text = MESSAGES[3]
            later = [xenforo_message(n, who, xenforo_quote(102, "bo", MESSAGES[1][2]) + text)]
            later += [xenforo_message(m, w, t) for m, w, t in MESSAGES[4:]]
            return self.reply(200, "text/html; charset=utf-8", page(later, None))
        return self.reply(404, "text/plain", b"no")


def test_a_thread_over_two_pages(sqlite_url) -> None:  # type: ignore[no-untyped-def]
    with serving(Forum) as base:
        run_cli("sources", "add", f"{base}/forums/-/index.rss", *FAST, db=sqlite_url)
        result = run_cli("crawl", *FAST, db=sqlite_url)
    assert "Traceback" not in result.stderr
    engine = create_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            post = conn.execute(select(Post)).one()
            rows = {c.external_id: c for c in conn.execute(select(Comment))}
    finally:
        engine.dispose()
    assert post.content_text == MESSAGES[0][2] and post.url == f"{base}{THREAD}"
    assert set(rows) == {"102", "103", "104", "105"}  # page 2's first message too, each once
    assert rows["104"].content_text == MESSAGES[3][2]  # not the quote
    assert rows["104"].parent_id == rows["102"].id
    assert {r.author for r in rows.values()} == {"bo", "cy", "ana", "di"}
