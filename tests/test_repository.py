"""Repository upserts on SQLite and PostgreSQL: idempotent, merging, threading."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from crawler.discovery import Discovery
from crawler.extract.model import ExtractedComment
from crawler.items import PostItem
from pipelines.exceptions import SourceError
from pipelines.store import search_index
from pipelines.store.comments import upsert_comments
from pipelines.store.db import current_revision, head_revision, migrate, open_database, session_factory
from pipelines.store.jobs import load_jobs
from pipelines.store.models import Base, Comment, Post, UrlValidator
from pipelines.store.posts import upsert_post
from pipelines.store.sources import add_source, find_source, find_sources, remove_source
from pipelines.store.validators import save_validator

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


@pytest.fixture
def sessions(db_url):  # type: ignore[no-untyped-def]
    engine = open_database(db_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def source_id(sessions) -> int:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        source, created = add_source(s, Discovery("https://blog.example/", platform="wordpress"), NOW)
        assert created
        return source.id


def post(source_id: int, text: str = "Body about glucagon.", **kw) -> PostItem:  # type: ignore[no-untyped-def]
    url = kw.pop("url", "https://blog.example/2015/03/04/a/")
    return PostItem(
        source_id,
        url,
        url,
        "wordpress",
        kw.pop("title", "A"),
        "Kim",
        NOW - timedelta(days=3),
        None,
        text,
        **kw,
    )


def test_migrations_create_schema_matching_models(db_url):  # type: ignore[no-untyped-def]
    engine = open_database(db_url)
    try:
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {"sources", "posts", "comments", "keyword_matches", "url_validators", "crawls"} <= tables
        with engine.connect() as conn:
            # the search index (migration 0005: FTS5 / tsvector tables) is not modeled
            context = MigrationContext.configure(conn, opts={"include_name": search_index.include_name})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
        migrate(engine)  # idempotent
    finally:
        engine.dispose()


def test_post_upsert_new_unchanged_updated(sessions, source_id):  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        pid, status = upsert_post(s, post(source_id), NOW)
        assert status == "new"
    with sessions.begin() as s:
        assert upsert_post(s, post(source_id), NOW) == (pid, "unchanged")
    with sessions.begin() as s:
        assert upsert_post(s, post(source_id, "Edited body."), NOW) == (pid, "updated")
    with sessions.begin() as s:
        rows = s.execute(select(Post)).scalars().all()
        assert len(rows) == 1 and rows[0].content_text == "Edited body."


def test_a_date_only_reading_keeps_the_stored_time_of_that_day(sessions, source_id):  # type: ignore[no-untyped-def]
    """The feed gave 16:45; the post's page, fetched again for its comments, shows only the day (parsed as
    midnight): the stored time stays. Another day, or a finer time, replaces it."""

    def stored() -> datetime:
        with sessions.begin() as s:
            return s.execute(select(Post.published_at)).scalar_one().replace(tzinfo=None)

    feed_time = datetime(2026, 2, 17, 16, 45, tzinfo=UTC)
    item = post(source_id)
    with sessions.begin() as s:
        upsert_post(s, replace(item, published_at=feed_time), NOW)
    with sessions.begin() as s:
        upsert_post(s, replace(item, published_at=datetime(2026, 2, 17, tzinfo=UTC)), NOW)
    assert stored() == datetime(2026, 2, 17, 16, 45)
    with sessions.begin() as s:  # a real correction: another day
        upsert_post(s, replace(item, published_at=datetime(2026, 2, 19, tzinfo=UTC)), NOW)
    assert stored() == datetime(2026, 2, 19)
    with sessions.begin() as s:  # a finer reading of a stored date-only value is taken
        upsert_post(s, replace(item, published_at=datetime(2026, 2, 19, 8, 30, tzinfo=UTC)), NOW)
    assert stored() == datetime(2026, 2, 19, 8, 30)


def test_comments_merge_across_sources_and_link_parents(sessions, source_id):  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        pid, _ = upsert_post(s, post(source_id), NOW)
        html = [
            ExtractedComment("Great post!", "Ann", None, NOW, "10", None, "html"),
            ExtractedComment("Thanks Ann", "Kim", None, NOW, "11", "10", "html"),
        ]
        assert upsert_comments(s, pid, html, NOW) == 2
    with sessions.begin() as s:
        feed = [
            ExtractedComment("Great post!", "Ann", "https://ann.example/", NOW, "10", None, "feed"),
            ExtractedComment("A third one", "Lee", None, NOW, "12", "11", "feed"),
        ]
        assert upsert_comments(s, pid, feed, NOW) == 1
    with sessions.begin() as s:
        rows = {c.external_id: c for c in s.execute(select(Comment)).scalars()}
        assert len(rows) == 3
        assert rows["10"].author_url == "https://ann.example/"  # filled in from the feed
        assert rows["11"].parent_id == rows["10"].id
        assert rows["12"].parent_id == rows["11"].id
        assert s.get(Post, pid).comment_count == 3


def test_comment_without_id_adopts_id_later(sessions, source_id):  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        pid, _ = upsert_post(s, post(source_id), NOW)
        upsert_comments(s, pid, [ExtractedComment("No id here", "Ann", via="html")], NOW)
        upsert_comments(s, pid, [ExtractedComment("No id here", "Ann", via="html")], NOW)
        upsert_comments(s, pid, [ExtractedComment("No  id here", "Ann", external_id="7", via="rest")], NOW)
    with sessions.begin() as s:
        rows = s.execute(select(Comment)).scalars().all()
        assert len(rows) == 1 and rows[0].external_id == "7" and rows[0].via == "rest"


def test_validators_upsert_and_clear(sessions, source_id):  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        save_validator(s, "https://blog.example/feed/", source_id, '"a"', None, NOW)
        save_validator(
            s, "https://blog.example/feed/", source_id, '"b"', "Tue, 03 Mar 2015 10:00:00 GMT", NOW
        )
    with sessions.begin() as s:
        v = s.get(UrlValidator, "https://blog.example/feed/")
        assert (v.etag, v.last_modified) == ('"b"', "Tue, 03 Mar 2015 10:00:00 GMT")
        jobs = load_jobs(s, [find_source(s, str(source_id))])
        assert jobs[0].validators["https://blog.example/feed/"][0] == '"b"'
        assert jobs[0].needs_backfill
        save_validator(s, "https://blog.example/feed/", source_id, None, None, NOW)
        assert s.get(UrlValidator, "https://blog.example/feed/") is None


def test_sources_add_is_idempotent_and_remove_cascades(sessions, source_id):  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        again, created = add_source(
            s, Discovery("https://blog.example/", feed_url="https://blog.example/feed/"), NOW
        )
        assert not created and again.id == source_id and again.feed_url == "https://blog.example/feed/"
        pid, _ = upsert_post(s, post(source_id), NOW)
        upsert_comments(s, pid, [ExtractedComment("hi", external_id="1")], NOW)
    with sessions.begin() as s:
        assert find_source(s, "https://blog.example").id == source_id
        remove_source(s, str(source_id))
    with sessions.begin() as s:
        assert s.execute(select(Post)).first() is None
        assert s.execute(select(Comment)).first() is None
        with pytest.raises(SourceError, match="no source"):
            find_source(s, "42")


def test_a_reference_meaning_several_sources_is_refused_where_one_is_needed(sessions, source_id):  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        other, _ = add_source(s, Discovery("https://www.blog.example/", title="Second Blog"), NOW)
        assert find_source(s, "second blog").id == other.id
        assert find_source(s, "https://www.blog.example").id == other.id
        assert [src.id for src in find_sources(s, ["blog.example"])] == [source_id, other.id]
        with pytest.raises(SourceError, match=r"'blog.example' means 2 sources \(ids \d+, \d+\)"):
            find_source(s, "blog.example")
        with pytest.raises(SourceError, match="no source 'example'"):
            find_sources(s, [str(source_id), "example"])
