"""The sample Discourse forum (``doclisten demo`` and the tests), on 127.0.0.1, written by the project: the
JSON a Discourse serves without a key (shapes: tests/pages/discourse/README.md) and a homepage that says it
is Discourse.

    with DiscourseSite() as forum:
        forum.home                      # http://127.0.0.1:PORT/
        forum.add_reply(5001, "ravi", "Same sensor lot here.", reply_to=2)
        forum.paths()                   # what was asked for, in order

Listings hold ``per_page`` topics, newest activity first, with ``more_topics_url`` while there are more;
a topic's JSON holds its first ``chunk`` posts and the ids of all of them (the rest from posts.json).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from .serving import LocalServer

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@dataclass
class FPost:
    id: int
    number: int
    username: str
    text: str
    created: datetime
    reply_to: int | None = None
    quote_of: int | None = None  # post number quoted at the start of the cooked HTML
    post_type: int = 1


@dataclass
class FTopic:
    id: int
    slug: str
    title: str
    posts: list[FPost] = field(default_factory=list)

    @property
    def last_posted(self) -> datetime:
        return max(p.created for p in self.posts)


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class DiscourseSite:
    def __init__(self, per_page: int = 2, chunk: int = 3):
        self.per_page, self.chunk = per_page, chunk
        self.topics: dict[int, FTopic] = {}
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._next_post = 9000
        self._clock = START
        self._seed()
        self._server: LocalServer | None = None
        self.home = ""

    # ------------------------------------------------------------------ content
    def _seed(self) -> None:
        g7 = self.add_topic(
            5001,
            "dexcom-g7-warm-up",
            "Dexcom G7 warm-up failing after the update?",
            "nina_t1d",
            "Since the app update two sensors failed warm-up at 27 minutes. Anyone else?",
        )
        self.add_reply(g7.id, "coach_sam", "Same here. Support sent a replacement within a week.")
        self.add_reply(
            g7.id, "ravi", "Did they ask for the lot number? Mine wanted a photo.", reply_to=2, quote=2
        )
        self.add_reply(g7.id, "system", "", post_type=3)  # "closed the topic" line: not a message
        self.add_reply(g7.id, "nina_t1d", "Yes, the lot number and a photo of the applicator.", reply_to=3)
        self.add_reply(g7.id, "leah", "Mine failed too; the second one worked after a restart.")
        school = self.add_topic(
            5002,
            "glucagon-at-school",
            "Glucagon at school: who trains the staff?",
            "marta",
            "Our school nurse retires in June. Who trains the staff on Baqsimi?",
        )
        self.add_reply(school.id, "dev_dad", "Our endo's educator did a session for the teachers.")
        self.add_topic(
            5003,
            "insulin-prices-2026",
            "Insulin prices in 2026",
            "omar",
            "Has anyone seen the $35 cap apply to pens bought at a mail-order pharmacy?",
        )

    def _tick(self) -> datetime:
        self._clock += timedelta(minutes=17)
        return self._clock

    def add_topic(self, topic_id: int, slug: str, title: str, username: str, text: str) -> FTopic:
        with self._lock:
            topic = FTopic(topic_id, slug, title)
            self.topics[topic_id] = topic
            self._next_post += 1
            topic.posts.append(FPost(self._next_post, 1, username, text, self._tick()))
            return topic

    def add_reply(
        self,
        topic_id: int,
        username: str,
        text: str,
        reply_to: int | None = None,
        quote: int | None = None,
        post_type: int = 1,
    ) -> FPost:
        with self._lock:
            topic = self.topics[topic_id]
            self._next_post += 1
            post = FPost(
                self._next_post,
                len(topic.posts) + 1,
                username,
                text,
                self._tick(),
                reply_to,
                quote,
                post_type,
            )
            topic.posts.append(post)
            return post

    def replies(self, topic_id: int) -> list[FPost]:
        """The replies a crawler should store: regular posts after the first."""
        return [p for p in self.topics[topic_id].posts if p.number > 1 and p.post_type == 1]

    def url(self, topic: FTopic) -> str:
        return f"{self.home}t/{topic.slug}/{topic.id}"

    # ------------------------------------------------------------------ JSON
    def _cooked(self, topic: FTopic, post: FPost) -> str:
        html = f"<p>{post.text}</p>" if post.text else ""
        if post.quote_of:
            quoted = topic.posts[post.quote_of - 1]
            html = (
                f'<aside class="quote no-group" data-username="{quoted.username}" data-post="{quoted.number}" '
                f'data-topic="{topic.id}"><div class="title"><div class="quote-controls"></div> {quoted.username}:'
                f"</div><blockquote><p>{quoted.text}</p></blockquote></aside>\n" + html
            )
        return html

    def _post_json(self, topic: FTopic, post: FPost) -> dict:
        return {
            "id": post.id, "name": "", "username": post.username, "created_at": _iso(post.created),
            "cooked": self._cooked(topic, post), "post_number": post.number, "post_type": post.post_type,
            "reply_to_post_number": post.reply_to, "hidden": False, "deleted_at": None, "user_deleted": False,
            "topic_id": topic.id,
        }  # fmt: skip

    def latest(self, page: int) -> dict:
        ordered = sorted(self.topics.values(), key=lambda t: t.last_posted, reverse=True)
        shown = ordered[page * self.per_page : (page + 1) * self.per_page]
        topics = [
            {
                "id": t.id,
                "title": t.title,
                "fancy_title": t.title,
                "slug": t.slug,
                "posts_count": len(t.posts),
                "highest_post_number": len(t.posts),
                "created_at": _iso(t.posts[0].created),
                "last_posted_at": _iso(t.last_posted),
                "bumped_at": _iso(t.last_posted),
                "archetype": "regular",
                "pinned": False,
                "visible": True,
                "closed": False,
                "category_id": 7,
            }  # fmt: skip
            for t in shown
        ]
        listing: dict = {"per_page": self.per_page, "topics": topics}
        if (page + 1) * self.per_page < len(ordered):
            listing["more_topics_url"] = f"/latest?no_definitions=true&page={page + 1}"
        return {"users": [], "topic_list": listing}

    def topic(self, topic_id: int) -> dict:
        topic = self.topics[topic_id]
        return {
            "id": topic.id, "title": topic.title, "fancy_title": topic.title, "slug": topic.slug,
            "posts_count": len(topic.posts), "archetype": "regular",
            "post_stream": {
                "posts": [self._post_json(topic, p) for p in topic.posts[: self.chunk]],
                "stream": [p.id for p in topic.posts],
            },
        }  # fmt: skip

    def posts(self, topic_id: int, ids: list[int]) -> dict:
        topic = self.topics[topic_id]
        return {
            "id": topic_id,
            "post_stream": {"posts": [self._post_json(topic, p) for p in topic.posts if p.id in ids]},
        }

    def homepage(self) -> str:
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T1D Forum</title>'
            '<meta name="generator" content="Discourse 3.2.1 - https://github.com/discourse/discourse version 1a2b3c">'
            '<link rel="alternate" type="application/rss+xml" title="Latest posts" href="/posts.rss">'
            '<link rel="alternate" type="application/rss+xml" title="Latest topics" href="/latest.rss">'
            '<meta property="og:site_name" content="T1D Forum"></head><body><noscript data-path="/">'
            '<div id="main-outlet"><h1>Latest topics</h1></div></noscript></body></html>'
        )

    # ------------------------------------------------------------------ serving
    def answer(self, target: str) -> tuple[int, str, bytes]:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        with self._lock:
            self.requests.append(target)
            if path == "/robots.txt":
                return 200, "text/plain", b"User-agent: *\nDisallow: /admin/\n"
            if path == "/":
                return 200, "text/html; charset=utf-8", self.homepage().encode()
            if path == "/latest.json":
                return self._json(self.latest(int(query.get("page", ["0"])[0])))
            if path.startswith("/t/") and path.endswith("/posts.json"):
                topic_id = int(path.split("/")[2])
                return self._json(self.posts(topic_id, [int(i) for i in query.get("post_ids[]", [])]))
            if path.startswith("/t/") and path.endswith(".json"):
                topic_id = int(path[3:-5])
                if topic_id in self.topics:
                    return self._json(self.topic(topic_id))
            return (
                404,
                "application/json",
                b'{"errors": ["The requested URL or resource could not be found."]}',
            )

    @staticmethod
    def _json(data: dict) -> tuple[int, str, bytes]:
        return 200, "application/json; charset=utf-8", json.dumps(data).encode()

    def paths(self) -> list[str]:
        with self._lock:
            return list(self.requests)

    def start(self) -> DiscourseSite:
        self._server = LocalServer(self.answer)
        self.home = self._server.origin + "/"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> DiscourseSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
