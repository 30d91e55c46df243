"""End to end: a Discourse forum added by its homepage, crawled through its JSON (every topic a post, every
reply a comment with its parent), recrawled without writing anything, and a new reply picked up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, select

from crawler.extract.model import DISCOURSE
from doclisten.demo_site.forum import DiscourseSite
from pipelines.store.models import Comment, Post, Source
from tests.conftest import FAST, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture
def forum() -> Iterator[DiscourseSite]:
    with DiscourseSite(per_page=2, chunk=3) as site:
        yield site


def stored(db: str) -> dict[str, dict]:
    """{topic URL: {"post": row, "comments": {external id: row}}}."""
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            posts = {p.id: p for p in conn.execute(select(Post))}
            out = {p.url: {"post": p, "comments": {}} for p in posts.values()}
            by_id = {c.id: c for c in conn.execute(select(Comment))}
            for c in by_id.values():
                parent = by_id.get(c.parent_id)
                out[posts[c.post_id].url]["comments"][c.external_id] = (
                    c,
                    parent.external_id if parent else None,
                )
            return out
    finally:
        engine.dispose()


def check_forum(db: str, forum: DiscourseSite) -> None:
    got = stored(db)
    assert set(got) == {forum.url(t) for t in forum.topics.values()}
    for topic in forum.topics.values():
        entry = got[forum.url(topic)]
        first = topic.posts[0]
        assert (entry["post"].title, entry["post"].author) == (topic.title, first.username)
        assert entry["post"].content_text == first.text
        expected = {str(p.number): p for p in forum.replies(topic.id)}
        assert set(entry["comments"]) == set(expected)
        for number, post in expected.items():
            row, parent = entry["comments"][number]
            assert (row.author, row.content_text, row.via) == (post.username, post.text, "discourse")
            assert parent == (str(post.reply_to) if post.reply_to and post.reply_to > 1 else None)


def test_a_discourse_forum_from_its_homepage_to_every_reply(forum, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    run_cli("sources", "add", forum.home, *FAST, db=sqlite_url)
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        source = conn.execute(select(Source)).one()
    engine.dispose()
    assert (source.platform, source.feed_url, source.feed_kind) == (
        DISCOURSE,
        f"{forum.home}latest.json",
        "discourse",
    )
    assert source.title == "T1D Forum"

    first = run_cli("crawl", *FAST, db=sqlite_url)
    assert "Traceback" not in first.stderr
    check_forum(sqlite_url, forum)  # the long topic's 6th post came from posts.json
    assert any("/t/5001/posts.json?post_ids" in p for p in forum.paths())

    forum.requests.clear()
    before = stored(sqlite_url)
    run_cli("crawl", *FAST, db=sqlite_url)
    asked = forum.paths()
    assert asked == ["/latest.json"], asked  # nothing changed: no topic asked for, no next page
    after = stored(sqlite_url)
    assert {u: e["post"].last_changed_at for u, e in after.items()} == {
        u: e["post"].last_changed_at for u, e in before.items()
    }

    reply = forum.add_reply(
        5002, "nurse_kay", "I train school staff on nasal glucagon every August.", reply_to=2
    )
    forum.requests.clear()
    run_cli("crawl", *FAST, db=sqlite_url)
    assert "/t/5002.json" in forum.paths() and "/t/5001.json" not in forum.paths()
    check_forum(sqlite_url, forum)
    row, parent = stored(sqlite_url)[forum.url(forum.topics[5002])]["comments"][str(reply.number)]
    assert parent == "2" and row.author == "nurse_kay"
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count(Post.id))).scalar() == len(forum.topics)  # each topic once
    engine.dispose()


def test_a_forum_larger_than_the_budget_is_finished_by_the_next_crawls(forum, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    run_cli("sources", "add", forum.home, *FAST, db=sqlite_url)
    budget = ["--set", "DOCLISTEN_FORUM_MAX_REQUESTS=2"]  # two topic or posts requests a crawl
    run_cli("crawl", *FAST, *budget, db=sqlite_url)
    asked = [p for p in forum.paths() if p.startswith("/t/")]
    assert len(asked) == 2, asked
    assert len(stored(sqlite_url)) < len(forum.topics)
    for _ in range(4):  # what is left comes with the next crawls, older listing pages included
        run_cli("crawl", *FAST, *budget, db=sqlite_url)
    check_forum(sqlite_url, forum)
