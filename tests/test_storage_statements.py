"""Storing a post costs a constant number of SQL statements, whatever its number of comments.

A SQLAlchemy ``before_cursor_execute`` listener counts what the storage pipeline sends while it stores
one post (through the processing pipelines, as a crawl does) with 0, 10 and 50 comments: stored first,
stored again unchanged, and stored again with one comment edited. An unchanged post re-stored writes
nothing but its last-seen times (and its comment-check time, for the re-check schedule).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import event, func, select

from crawler.discovery import Discovery
from crawler.extract.model import ExtractedComment
from crawler.items import CommentsItem, PostItem
from pipelines.dedup import DedupPipeline
from pipelines.enrich import EnrichPipeline
from pipelines.keywords.pipeline import KeywordsPipeline
from pipelines.normalize import NormalizePipeline
from pipelines.storage import StoragePipeline
from pipelines.store.db import open_database, session_factory
from pipelines.store.models import Comment, KeywordMatch, Post
from pipelines.store.sources import add_source
from tests.conftest import migrated

T0 = datetime(2025, 3, 1, tzinfo=UTC)
CONTENT = ("posts", "comments", "keyword_matches", "search_posts", "search_comments", "neardup")
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b(?:\s+OR\s+\w+)?\s+(?:INTO\s+)?(\w+)", re.I)
BODY = (
    "Night alarms from the Dexcom G7 woke us three times. We switched to an Omnipod last year and the "
    "pump has been kind to us, but the sensor keeps losing signal whenever she sleeps on that arm. "
)


@dataclass
class Counter:
    statements: list[str] = field(default_factory=list)

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    def writes(self) -> list[str]:
        """Content-table writes other than the last-seen / comment-check bumps."""
        found = []
        for sql in self.statements:
            m = WRITE.match(sql)
            if not m or not m.group(2).lower().startswith(CONTENT):
                continue
            if m.group(1).upper() == "UPDATE" and _only_bumps(sql):
                continue
            found.append(sql)
        return found


def _only_bumps(sql: str) -> bool:
    """An UPDATE that sets only times seen/checked, the comment count and the last comment's time."""
    assignments = re.search(r"\bSET\b(.*?)(\bWHERE\b|$)", sql, re.S | re.I)
    assert assignments is not None
    columns = set(re.findall(r"(\w+)\s*=", re.sub(r"\(.*?\)", "", assignments.group(1), flags=re.S)))
    allowed = {"last_seen_at", "comments_checked_at", "comment_count", "last_comment_at"}
    allowed |= {"deleted_at"}  # seen again: not deleted upstream (docs/privacy.md)
    allowed |= {"guid", "external_id", "entry_hash", "author", "published_at", "updated_at"}  # unchanged
    return columns <= allowed


class Store:
    """The processing pipelines and storage, as a crawl runs them, with a statement counter."""

    def __init__(self, db_url: str):
        crawler = get_crawler(settings_dict={"DOCLISTEN_DATABASE_URL": db_url})
        kinds = (NormalizePipeline, DedupPipeline, KeywordsPipeline, EnrichPipeline)
        self.pipes = [kind.from_crawler(crawler) for kind in kinds]
        self.storage = StoragePipeline.from_crawler(crawler)
        for pipe in (*self.pipes, self.storage):
            if hasattr(pipe, "open_spider"):
                pipe.open_spider()

    def count(self, item: Any) -> Counter:
        """Store ``item`` as the next crawl would (the dedup pipeline forgets what this "crawl" saw)."""
        for pipe in self.pipes:
            if isinstance(pipe, DedupPipeline):
                pipe.posts.clear()
                pipe.entries.clear()
            item = pipe.process_item(item)
        counter = Counter()
        event.listen(self.storage.engine, "before_cursor_execute", counter)
        try:
            self.storage.store_now(item)
        finally:
            event.remove(self.storage.engine, "before_cursor_execute", counter)
        return counter

    def close(self) -> None:
        for pipe in self.pipes:
            if hasattr(pipe, "close_spider"):
                pipe.close_spider()
        self.storage.close_now()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    engine = open_database(migrated(db_url))
    with session_factory(engine).begin() as s:
        add_source(s, Discovery("https://blog.example/"), T0)
    engine.dispose()
    st = Store(db_url)
    yield st
    st.close()


def comments(n: int, edited: int | None = None) -> list[ExtractedComment]:
    return [
        ExtractedComment(
            f"Comment {c}: the Dexcom readings were {'much ' if c == edited else ''}better today, thanks!",
            f"Reader {c}",
            None,
            T0 + timedelta(hours=c),
            str(100 + c),
            str(100 + c - 1) if c % 3 else None,
            "html",
        )
        for c in range(n)
    ]


def post(n: int, edited: int | None = None) -> PostItem:
    url = f"https://blog.example/{n}/"
    return PostItem(
        1, url, url, "wordpress", f"Post {n}", "Kim", T0, None, BODY * 3, comments=comments(n, edited)
    )


def test_statements_per_post_do_not_grow_with_its_comments(store: Store, db_url: str) -> None:
    first, again, edited = {}, {}, {}
    for n in (0, 10, 50):
        first[n] = store.count(post(n))
        again[n] = store.count(post(n))
        edited[n] = store.count(post(n, edited=n // 2 if n else None))
    sizes = {
        n: (len(first[n].statements), len(again[n].statements), len(edited[n].statements)) for n in first
    }
    assert len(first[50].statements) == len(first[10].statements) <= len(first[0].statements) + 8, sizes
    assert len(again[50].statements) == len(again[10].statements) <= len(again[0].statements) + 2, sizes
    assert len(again[50].statements) <= 7, sizes  # (one is the suppression list check, docs/privacy.md)
    assert len(edited[50].statements) == len(edited[10].statements), sizes
    for n in first:
        assert again[n].writes() == [], again[n].writes()
    engine = store.storage.engine
    with session_factory(engine).begin() as s:
        assert s.execute(select(func.count(Comment.id))).scalar() == 60
        linked = select(func.count(Comment.id)).where(Comment.parent_external_id.is_not(None))
        assert s.execute(linked.where(Comment.parent_id.is_(None))).scalar() == 0
        assert set(s.execute(select(Post.comment_count)).scalars()) == {0, 10, 50}
        edited_text = s.execute(select(Comment.content_text).where(Comment.external_id == "125")).scalar()
        assert edited_text is not None and "much better" in edited_text


def test_an_unchanged_comment_feed_writes_nothing(store: Store) -> None:
    store.count(post(10))
    feed = CommentsItem(1, post(10).url, "feed", comments(10))
    store.count(feed)
    again = store.count(CommentsItem(1, post(10).url, "feed", comments(10)))
    assert again.writes() == [] and len(again.statements) <= 6, again.statements  # (+ suppression check)


def test_matches_of_unchanged_text_are_left_alone_and_edits_replace_them(store: Store) -> None:
    store.count(post(10))
    engine = store.storage.engine
    ids = select(KeywordMatch.id).order_by(KeywordMatch.id)
    with session_factory(engine).begin() as s:
        before = list(s.execute(ids).scalars())
    assert before  # "Dexcom" in the post and in every comment
    store.count(post(10))
    with session_factory(engine).begin() as s:
        assert list(s.execute(ids).scalars()) == before  # nothing deleted and written again
    store.count(post(10, edited=4))
    with session_factory(engine).begin() as s:
        after = list(s.execute(ids).scalars())
        assert len(after) == len(before) and after != before  # the edited comment's match is new
