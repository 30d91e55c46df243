"""End to end on the sample site (SQLite and PostgreSQL): `doclisten crawl` links the syndicated copy
to its original, tags posts and comments with the bundled taxonomy, and stays idempotent across
crawls, forced re-stores and `doclisten keywords retag`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import make_url

from crawler.urls import canonical_url
from doclisten.demo_site.data_generic import SYNDICATED_FROM
from pipelines.store.models import Comment, KeywordMatch, Post, UrlValidator
from tests.conftest import FAST, SampleCrawl, run_cli

pytestmark = pytest.mark.slow

# canonical name -> how a person would spot it in the text
MENTIONS = {
    "Roche": r"\broche\b",
    "Accu-Chek": r"\baccu[- ]?chek\b",
    "glucagon": r"\bglucagon\b",
    "Dexcom": r"\bdexcom\b",
    "Medtronic": r"\bmedtronic\b",
    "Animas": r"\banimas\b",
    "Humalog": r"\bhumalog\b",
}


def snapshot(engine) -> list[tuple]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                KeywordMatch.keyword, KeywordMatch.keyword_group, KeywordMatch.post_id, KeywordMatch.comment_id,
                KeywordMatch.snippet, KeywordMatch.count, KeywordMatch.sentiment,
            )
        ).all()  # fmt: skip
    return sorted((tuple(r) for r in rows), key=repr)


def check_duplicate_link(engine, site) -> None:  # type: ignore[no-untyped-def]
    original_url = canonical_url(site.post_url("wp-classic", SYNDICATED_FROM))
    copy = next(p for p in site.blogs["generic"].content.posts if p.tags and "syndicated" in p.tags)
    copy_url = canonical_url(site.post_url("generic", copy.slug))
    with engine.connect() as conn:
        posts = {r.url: r for r in conn.execute(select(Post.id, Post.url, Post.duplicate_of)).all()}
    assert posts[copy_url].duplicate_of == posts[original_url].id
    assert posts[original_url].duplicate_of is None
    assert [u for u, r in posts.items() if r.duplicate_of is not None] == [copy_url]  # nothing else linked


def check_tags(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        posts = conn.execute(select(Post.id, Post.title, Post.content_text, Post.language)).all()
        comments = conn.execute(select(Comment.id, Comment.post_id, Comment.content_text)).all()
        tags = {(m.keyword, m.post_id, m.comment_id) for m in conn.execute(select(KeywordMatch)).all()}
    texts = [(p.id, None, f"{p.title}\n\n{p.content_text}") for p in posts]
    texts += [(c.post_id, c.id, c.content_text) for c in comments]
    in_comments = set()
    for name, pattern in MENTIONS.items():
        mentioned = [(post, comment) for post, comment, body in texts if re.search(pattern, body, re.I)]
        assert any(comment is None for _, comment in mentioned), name  # the sample site has them all
        for post, comment in mentioned:
            assert (name, post, comment) in tags, (name, post, comment)
            in_comments |= {name} if comment is not None else set()
    assert in_comments, "some of these names are mentioned in comments"
    assert {p.language for p in posts} == {"en"}


def test_crawl_links_copies_and_tags_mentions(sample_crawl: SampleCrawl) -> None:
    engine = create_engine(make_url(sample_crawl.db))  # the session's first crawl of the sample site
    try:
        check_duplicate_link(engine, sample_crawl.site)
        check_tags(engine)
        first = snapshot(engine)
        with engine.connect() as conn:
            post_level = conn.execute(
                text("SELECT count(*) FROM keyword_matches WHERE comment_id IS NULL")
            ).scalar()
        assert 0 < post_level < len(first)
    finally:
        engine.dispose()


def test_crawls_and_retag_are_idempotent(sample_crawl: SampleCrawl, sample_crawl_copy: SampleCrawl) -> None:
    shared = create_engine(make_url(sample_crawl.db))
    try:
        first = snapshot(shared)  # as the first crawl left it
    finally:
        shared.dispose()
    db_url, demo_site = sample_crawl_copy.db, sample_crawl_copy.site  # a copy of it, crawled again here
    engine = create_engine(make_url(db_url))
    try:
        assert snapshot(engine) == first

        run_cli("crawl", *FAST, db=db_url)  # incremental: nothing changed
        assert snapshot(engine) == first

        with engine.begin() as conn:  # make every post look stale: the next crawl stores them all again
            conn.execute(update(Post).values(comment_count=0, updated_at=None, entry_hash=None))
            conn.execute(UrlValidator.__table__.delete())
            before = conn.execute(select(Post.last_seen_at)).scalars().all()
        run_cli("crawl", *FAST, db=db_url)
        with engine.connect() as conn:
            after = conn.execute(select(Post.last_seen_at)).scalars().all()
        assert sum(a != b for a, b in zip(sorted(after), sorted(before), strict=True)) >= len(before) // 2
        assert snapshot(engine) == first
        check_duplicate_link(engine, demo_site)

        result = run_cli("keywords", "retag", "--batch-size", "7", db=db_url)
        assert f"{len(first)} keyword matches" in result.stdout
        assert snapshot(engine) == first
    finally:
        engine.dispose()
