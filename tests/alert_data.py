"""Posts injected into a database as a crawl would have stored them (tagged by the real keyword matcher,
indexed for search), and the local receivers alerts are delivered to: a webhook (tests/local_server.py)
and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipelines.keywords.matcher import Matcher
from pipelines.keywords.rules import bundled_rules
from pipelines.store.db import open_database
from pipelines.store.matches import insert_matches, match_rows
from pipelines.store.models import Post, Source
from pipelines.store.search_index import index_post
from tests.local_server import LocalHandler, serving

# a burst about a (made-up) Omnipod pod recall: many authors, several blogs, one new phrase
BURST_TEMPLATES = [
    "My Omnipod pods failed twice tonight. The occlusion alarm recall letter says to check the lot number.",
    "Anyone else get the occlusion alarm recall notice for their Omnipod? Three pods screamed at 2am.",
    "Called Insulet about the occlusion alarm recall: they are replacing my Omnipod pods this week.",
    "Omnipod users, check your boxes: the occlusion alarm recall covers two lots. Stay safe, everyone.",
    "Third occlusion alarm this month. Now there is an occlusion alarm recall and my Omnipod supply is short.",
    "School nurse called about the Omnipod beeping; turns out our lot is in the occlusion alarm recall.",
]


def burst_posts(end: datetime, n: int = 12, hours: int = 20) -> list[dict[str, Any]]:
    """``n`` posts in the ``hours`` before ``end``, by n different authors."""
    return [
        {
            "when": end - timedelta(hours=hours * (i + 1) / (n + 1)),
            "author": f"podder{i}",
            "title": f"Pods again ({i})",
            "text": BURST_TEMPLATES[i % len(BURST_TEMPLATES)],
            "sentiment": -0.6,
        }
        for i in range(n)
    ]


def inject(url: str, posts: list[dict[str, Any]], source_ids: list[int] | None = None) -> list[int]:
    """Store ``posts`` (when, author, title, text, sentiment) round-robin over ``source_ids`` (default: every
    source) as the pipelines would: keyword matches from the bundled rules, the search index."""
    matcher = Matcher(bundled_rules())
    engine = open_database(url)
    ids = []
    try:
        with Session(engine) as s, s.begin():
            sources = source_ids or list(s.execute(select(Source.id).order_by(Source.id)).scalars())
            if not sources:
                s.add(Source(home_url="http://blog.test/", title="Test blog", added_at=posts[0]["when"]))
                s.flush()
                sources = list(s.execute(select(Source.id)).scalars())
            start = (s.execute(select(func.max(Post.id))).scalar() or 0) + 1
            for i, p in enumerate(posts):
                sid = sources[i % len(sources)]
                post = Post(
                    id=start + i, source_id=sid, url=f"http://injected.test/{sid}/{start + i}",
                    title=p["title"], author=p["author"], published_at=p["when"], content_text=p["text"],
                    content_hash=f"injected{start + i}", language=p.get("language", "en"),
                    sentiment=p.get("sentiment"), first_seen_at=p["when"], last_seen_at=p["when"],
                    last_changed_at=p["when"],
                )  # fmt: skip
                s.add(post)
                s.flush()
                rows = match_rows(post.id, None, matcher.tag(f"{p['title']}\n\n{p['text']}"))
                for row in rows:
                    row["sentiment"] = p.get("sentiment")
                insert_matches(s, rows)
                index_post(s, post.id, p["title"], p["text"])
                ids.append(post.id)
    finally:
        engine.dispose()
    return ids


@dataclass
class Received:
    posts: list[dict[str, Any]] = field(default_factory=list)
    mails: list[Message] = field(default_factory=list)
    failures_left: int = 0  # the webhook answers 500 this many times first
    got: threading.Event = field(default_factory=threading.Event)


@contextmanager
def webhook(received: Received) -> Iterator[str]:
    class Hook(LocalHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if received.failures_left > 0:
                received.failures_left -= 1
                self.reply(500, "text/plain", b"try later")
                return
            received.posts.append(json.loads(body))
            self.reply(200, "text/plain", b"ok")
            received.got.set()

    with serving(Hook) as base:
        yield base + "/services/T000/B000/secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(received: Received) -> Iterator[int]:
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.mails.append(
                message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            )
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()
