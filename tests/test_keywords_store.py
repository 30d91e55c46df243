"""Keyword matches, language, sentiment and duplicate_of written by the pipelines, on SQLite and
PostgreSQL: replaced (never duplicated) when items are stored again, and `retag` re-applies rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from crawler.discovery import Discovery
from crawler.extract.model import ExtractedComment
from crawler.items import CommentsItem, PostItem
from pipelines.dedup import DedupPipeline
from pipelines.enrich import Enricher, EnrichPipeline
from pipelines.keywords.matcher import Matcher
from pipelines.keywords.pipeline import KeywordsPipeline
from pipelines.keywords.retag import Retagger, RetagProgress, retag
from pipelines.keywords.rules import load_rules
from pipelines.normalize import NormalizePipeline
from pipelines.storage import StoragePipeline
from pipelines.store.db import open_database, session_factory
from pipelines.store.models import Comment, KeywordMatch, Post
from pipelines.store.sources import add_source
from tests.conftest import migrated
from tests.test_neardup import ORIGINAL

BODY = "We switched to an Omnipod last year.\n\nThe Dexcom G7 alarms at night are awful, but I love the data."


class Crawl:
    """The processing pipelines in settings order, as one crawl runs them."""

    def __init__(self, db_url: str, **settings):  # type: ignore[no-untyped-def]
        crawler = get_crawler(settings_dict={"DOCLISTEN_DATABASE_URL": db_url, **settings})
        kinds = (NormalizePipeline, DedupPipeline, KeywordsPipeline, EnrichPipeline, StoragePipeline)
        self.pipes = [kind.from_crawler(crawler) for kind in kinds]

    def __enter__(self) -> Crawl:
        for pipe in self.pipes:
            if hasattr(pipe, "open_spider"):
                pipe.open_spider()
        return self

    def __exit__(self, *exc: object) -> None:
        for pipe in self.pipes:
            if isinstance(pipe, StoragePipeline):
                pipe.close_now()  # no reactor here: the writer thread never started
            elif hasattr(pipe, "close_spider"):
                pipe.close_spider()

    def store(self, *items: object) -> None:
        for item in items:
            for pipe in self.pipes:
                item = pipe.store_now(item) if isinstance(pipe, StoragePipeline) else pipe.process_item(item)


@pytest.fixture
def sessions(db_url):  # type: ignore[no-untyped-def]
    engine = open_database(migrated(db_url))
    with session_factory(engine).begin() as s:
        add_source(s, Discovery("https://blog.example/"), datetime(2026, 1, 1, tzinfo=UTC))
        add_source(s, Discovery("https://other.example/"), datetime(2026, 1, 1, tzinfo=UTC))
    yield session_factory(engine)
    engine.dispose()


def post_item(body: str = BODY, url: str = "https://blog.example/a/", source_id: int = 1, **kw) -> PostItem:  # type: ignore[no-untyped-def]
    comments = kw.pop(
        "comments",
        [
            ExtractedComment("Roche support was great to me.", author="Al", external_id="1"),
            ExtractedComment(
                "No brands here, just a hug.", author="Bo", external_id="2", parent_external_id="1"
            ),
        ],
    )
    return PostItem(
        source_id, url, url, "wordpress", kw.pop("title", "Night alarms"), "Kim",
        kw.pop("published_at", datetime(2025, 1, 2, tzinfo=UTC)), None, body, comments=comments, **kw,
    )  # fmt: skip


def matches(sessions) -> list[tuple]:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        rows = s.execute(
            select(
                KeywordMatch.keyword, KeywordMatch.keyword_group, KeywordMatch.post_id, KeywordMatch.comment_id,
                KeywordMatch.snippet, KeywordMatch.count, KeywordMatch.sentiment,
            )
        ).all()  # fmt: skip
    return sorted((tuple(r) for r in rows), key=repr)


def test_matches_language_sentiment_are_stored(db_url, sessions) -> None:  # type: ignore[no-untyped-def]
    with Crawl(db_url) as crawl:
        crawl.store(post_item())
    found = {(m[0], m[3] is None) for m in matches(sessions)}
    assert {("Omnipod", True), ("Dexcom", True), ("Dexcom G7", True), ("Roche", False)} <= found
    with sessions.begin() as s:
        post = s.execute(select(Post)).scalar_one()
        assert post.language == "en" and post.sentiment is not None
        roche = s.execute(select(Comment).where(Comment.external_id == "1")).scalar_one()
        assert (roche.language, roche.sentiment is not None and roche.sentiment > 0) == ("en", True)
        (row,) = s.execute(select(KeywordMatch).where(KeywordMatch.keyword == "Roche")).scalars()
        assert row.comment_id == roche.id and row.post_id == post.id and row.count == 1
        assert row.snippet == "Roche support was great to me." and row.sentiment > 0


def test_storing_again_replaces_never_duplicates(db_url, sessions) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        with Crawl(db_url) as crawl:  # a recrawl: new pipelines, same items
            crawl.store(post_item(), CommentsItem(1, "https://blog.example/a/", "feed", post_item().comments))
    first = matches(sessions)
    with Crawl(db_url) as crawl:
        crawl.store(post_item())
    assert matches(sessions) == first
    with Crawl(db_url) as crawl:  # the post is edited: its old matches go
        crawl.store(post_item(BODY.replace("Omnipod", "t:slim X2")))
    keywords = {m[0] for m in matches(sessions)}
    assert "t:slim" in keywords and "Omnipod" not in keywords and "Roche" in keywords


def test_comment_matches_follow_the_stored_text(db_url, sessions) -> None:  # type: ignore[no-untyped-def]
    rest = ExtractedComment("I use Accu-Chek strips.", external_id="9", via="rest")
    with Crawl(db_url) as crawl:
        crawl.store(post_item(comments=[rest]))
        # the feed's version of the same comment is worse (REST wins): stored text and matches stay
        feed = ExtractedComment("I use Accu-Chek strips. [truncated Dexcom]", external_id="9", via="feed")
        crawl.store(CommentsItem(1, "https://blog.example/a/", "feed", [feed]))
    comment_keywords = {m[0] for m in matches(sessions) if m[3] is not None}
    assert "Accu-Chek" in comment_keywords and "Dexcom" not in comment_keywords


def test_syndicated_copy_is_linked_through_the_pipelines(db_url, sessions) -> None:  # type: ignore[no-untyped-def]
    copy = post_item(
        "Originally published at Sugar & Stories.\n\n" + ORIGINAL, "https://other.example/copy/", 2,
        published_at=datetime(2015, 3, 7, tzinfo=UTC), comments=[],
    )  # fmt: skip
    original = post_item(
        ORIGINAL, "https://blog.example/humalog/", published_at=datetime(2015, 3, 5, tzinfo=UTC)
    )
    with Crawl(db_url) as crawl:
        crawl.store(copy, original, post_item())
    with sessions.begin() as s:
        rows = {p.url: p for p in s.execute(select(Post)).scalars()}
    assert rows[copy.url].duplicate_of == rows[original.url].id
    assert rows[original.url].duplicate_of is None and rows["https://blog.example/a/"].duplicate_of is None


def test_without_the_keyword_pipelines_matches_are_left_alone(db_url, sessions) -> None:  # type: ignore[no-untyped-def]
    with Crawl(db_url) as crawl:
        crawl.store(post_item())
    before = matches(sessions)
    storage = StoragePipeline.from_crawler(get_crawler(settings_dict={"DOCLISTEN_DATABASE_URL": db_url}))
    storage.open_spider()
    storage.store_now(post_item(BODY + " Edited."))
    storage.close_now()
    assert matches(sessions) == before


def test_retag_replaces_matches_with_the_current_rules(db_url, sessions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Crawl(db_url) as crawl:
        crawl.store(post_item(), post_item(ORIGINAL, "https://blog.example/b/", comments=[]))
    by_pipeline = matches(sessions)
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[brand]]\nname = "Humalog"\n\n[[topic]]\nname = "support"\nquery = "support* OR hug*"\n'
    )
    seen: list[int] = []
    done = retag(
        sessions,
        Retagger(Matcher(load_rules(rules)), Enricher()),
        batch_size=1,
        report=lambda p: seen.append(p.posts),
    )
    assert (done.total_posts, done.posts, done.comments, seen) == (2, 2, 2, [1, 2])
    assert {(m[0], m[3] is None) for m in matches(sessions)} == {("Humalog", True), ("support", False)}
    # back to the bundled taxonomy: exactly what the pipelines had stored
    retag(sessions, Retagger(Matcher(load_rules()), Enricher()), batch_size=50)
    assert matches(sessions) == by_pipeline


def test_retag_can_refresh_language_and_sentiment(db_url, sessions) -> None:  # type: ignore[no-untyped-def]
    storage = StoragePipeline.from_crawler(get_crawler(settings_dict={"DOCLISTEN_DATABASE_URL": db_url}))
    storage.open_spider()
    storage.store_now(post_item())  # stored without the processing pipelines
    storage.close_now()
    progress = retag(sessions, Retagger(Matcher(load_rules()), Enricher(), text_facts=True))
    assert isinstance(progress, RetagProgress) and progress.matches > 0
    with sessions.begin() as s:
        assert s.execute(select(Post.language)).scalar_one() == "en"
        assert all(c.sentiment is not None for c in s.execute(select(Comment)).scalars())
