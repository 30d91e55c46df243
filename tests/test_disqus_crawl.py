"""End to end: a blog whose comments are in Disqus. The post page embeds Disqus (the WordPress plugin's
embedVars); the crawl asks Disqus's key-less embed page for the thread (a local server stands in for
disqus.com through DOCLISTEN_HOST_OVERRIDES) and stores its comments with their parents."""

from __future__ import annotations

import json
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
        return self.reply(404, "text/plain", b"no")


def test_a_disqus_thread_is_read_without_javascript(sqlite_url) -> None:  # type: ignore[no-untyped-def]
    Disqus.asked = []
    with serving(Blog) as blog, serving(Disqus) as disqus:
        run_cli("sources", "add", f"{blog}/feed/", *FAST, db=sqlite_url)
        overrides = json.dumps({"disqus.com": disqus})
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
