"""Discourse forums from their public JSON (issue 14, item 4: the extraction half; the crawl wires it
through a connector).

Shapes, as Discourse serves them to any client (its API documentation, docs.discourse.org, and public
clients such as discourse-js and dsc-rs — searched):

- a listing, ``/latest.json`` or ``/c/<slug>/<id>/l/latest.json``: ``{"topic_list": {"per_page",
  "more_topics_url": "/latest?page=1", "topics": [{"id", "slug", "title", "posts_count",
  "highest_post_number", "created_at", "last_posted_at", "bumped_at", "pinned", "closed", "archetype",
  "category_id"}]}}``;
- a topic, ``/t/<id>.json``: ``{"id", "title", "slug", "posts_count", "post_stream": {"posts": [the first
  ~20], "stream": [every post id]}}``; the rest by ``/t/<id>/posts.json?post_ids[]=…`` (``{"post_stream":
  {"posts": […]}}``);
- a post: ``{"id", "post_number", "post_type" (1 regular, 2 moderator action, 3 small action, 4 whisper),
  "username", "name", "created_at", "cooked" (HTML), "reply_to_post_number", "hidden", "deleted_at",
  "user_deleted"}``.

The first post is the topic (the ``posts`` row); every other post is a comment whose id is its
``post_number`` — the number Discourse's no-JavaScript HTML view puts in ``#post_N`` (crawler/extract/
forums.py), so a topic read either way keeps one id per reply — and whose parent is
``reply_to_post_number`` (none for a reply to the first post). Quotes of other posts (``aside.quote``)
and link previews (``aside.onebox``) are not the reply's own text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from crawler.extract.dates import parse_iso
from crawler.extract.jsondata import error_of, load_object, shaped
from crawler.extract.model import ExtractedComment
from crawler.extract.text import fragment_text

VIA = "discourse"
REGULAR = 1  # post_type of a message (the others are moderator notes, "closed the topic" lines, whispers)
POSTS_PER_REQUEST = 20  # what Discourse's own client asks /t/<id>/posts.json for at once
NOT_OWN_TEXT = "aside.quote, aside.onebox, .lightbox-wrapper .meta, .cooked-date, .poll-info"


@dataclass
class ListedTopic:
    id: int
    title: str
    url: str  # the topic's page: <base>/t/<slug>/<id>
    json_url: str  # <base>/t/<id>.json
    posts_count: int | None = None
    highest_post_number: int | None = None
    created_at: datetime | None = None
    last_posted_at: datetime | None = None  # the newest reply: what a recrawl compares
    pinned: bool = False
    closed: bool = False
    category_id: int | None = None


@dataclass
class Listing:
    topics: list[ListedTopic] = field(default_factory=list)
    next_url: str | None = None  # the next page of the listing, as JSON


@dataclass
class Topic:
    id: int
    title: str
    url: str
    author: str | None = None
    author_url: str | None = None
    published_at: datetime | None = None
    text: str = ""  # the first post's text
    comments: list[ExtractedComment] = field(default_factory=list)
    missing_post_ids: list[int] = field(default_factory=list)  # in the stream, not in this answer
    posts_count: int | None = None


def as_json_url(path_or_url: str, base: str) -> str:
    """A listing's HTML address (``more_topics_url``: ``/latest?page=1``) as its JSON one."""
    parts = urlsplit(urljoin(base, path_or_url))
    path = parts.path if parts.path.endswith(".json") else parts.path.rstrip("/") + ".json"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def parse_listing(body: bytes | str, base: str) -> Listing:
    """Topics of one listing page. Raises ``ValueError`` (one line) when it is not a listing."""
    data = load_object(body, "Discourse listing")
    topic_list = data.get("topic_list")
    if not isinstance(topic_list, dict):
        raise ValueError(f"Discourse listing without a topic_list{error_of(data)}")
    topics = []
    for item in shaped(topic_list.get("topics"), list):
        if not isinstance(item, dict) or not isinstance(item.get("id"), int):
            continue
        if item.get("archetype", "regular") != "regular" or item.get("visible") is False:
            continue  # private messages and banners are not the forum's conversation
        topic_id, slug = item["id"], str(item.get("slug") or "topic")
        topics.append(
            ListedTopic(
                id=topic_id,
                title=str(item.get("title") or item.get("fancy_title") or "").strip(),
                url=urljoin(base, f"/t/{slug}/{topic_id}"),
                json_url=urljoin(base, f"/t/{topic_id}.json"),
                posts_count=item.get("posts_count"),
                highest_post_number=item.get("highest_post_number"),
                created_at=parse_iso(item.get("created_at")),
                last_posted_at=parse_iso(item.get("last_posted_at") or item.get("bumped_at")),
                pinned=bool(item.get("pinned")),
                closed=bool(item.get("closed")),
                category_id=item.get("category_id"),
            )
        )
    more = topic_list.get("more_topics_url")
    return Listing(topics, as_json_url(more, base) if isinstance(more, str) and more else None)


def parse_topic(body: bytes | str, base: str) -> Topic:
    """A topic's first post and the replies in this answer; ``missing_post_ids`` are the stream's others
    (:func:`posts_url`). Raises ``ValueError`` (one line) when it is not a topic."""
    data = load_object(body, "Discourse topic")
    stream = shaped(data.get("post_stream"), dict)
    if not isinstance(data.get("id"), int) or not stream:
        raise ValueError(f"Discourse topic without an id or a post_stream{error_of(data)}")
    posts = [p for p in shaped(stream.get("posts"), list) if isinstance(p, dict)]
    topic = Topic(
        id=data["id"],
        title=str(data.get("title") or data.get("fancy_title") or "").strip(),
        url=urljoin(base, f"/t/{data.get('slug') or 'topic'}/{data['id']}"),
        posts_count=data.get("posts_count"),
    )
    first = next((p for p in posts if p.get("post_number") == 1), None)
    if first is not None:
        topic.author, topic.author_url = _author(first, base)
        topic.published_at = parse_iso(first.get("created_at"))
        topic.text = cooked_text(first.get("cooked"))
    topic.comments = replies(posts, base)
    loaded = {p.get("id") for p in posts}
    topic.missing_post_ids = [
        i for i in shaped(stream.get("stream"), list) if isinstance(i, int) and i not in loaded
    ]
    return topic


def parse_posts(body: bytes | str, base: str) -> list[ExtractedComment]:
    """The replies of a ``/t/<id>/posts.json?post_ids[]=…`` answer."""
    data = load_object(body, "Discourse posts")
    posts = [
        p for p in shaped(shaped(data.get("post_stream"), dict).get("posts"), list) if isinstance(p, dict)
    ]
    return replies(posts, base)


def posts_url(base: str, topic_id: int, post_ids: list[int]) -> str:
    return urljoin(base, f"/t/{topic_id}/posts.json") + "?" + urlencode([("post_ids[]", i) for i in post_ids])


def replies(posts: list[dict[str, Any]], base: str) -> list[ExtractedComment]:
    """Every regular, visible post after the first, as a comment (id: its post number)."""
    out = []
    for post in posts:
        number = post.get("post_number")
        if not isinstance(number, int) or number < 2 or post.get("post_type", REGULAR) != REGULAR:
            continue
        if post.get("hidden") or post.get("deleted_at") or post.get("user_deleted"):
            continue
        text = cooked_text(post.get("cooked"))
        if not text:
            continue
        parent = post.get("reply_to_post_number")
        author, author_url = _author(post, base)
        out.append(
            ExtractedComment(
                text=text,
                author=author,
                author_url=author_url,
                published_at=parse_iso(post.get("created_at")),
                external_id=str(number),
                parent_external_id=str(parent) if isinstance(parent, int) and parent > 1 else None,
                via=VIA,
            )
        )
    return out


def _author(post: dict[str, Any], base: str) -> tuple[str | None, str | None]:
    username = str(post.get("username") or "").strip()
    name = str(post.get("name") or "").strip() or username or None
    return name, urljoin(base, f"/u/{username}") if username else None


def cooked_text(cooked: Any) -> str:
    """A post's own text: its cooked HTML without the quotes of other posts and link previews."""
    return fragment_text(cooked, without=NOT_OWN_TEXT) if isinstance(cooked, str) else ""
