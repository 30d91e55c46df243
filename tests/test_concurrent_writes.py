"""Several workers writing the same posts and comments at once stay correct (PostgreSQL and SQLite)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from crawler.discovery import Discovery
from crawler.extract.model import ExtractedComment
from crawler.items import PostItem
from pipelines.store.comments import upsert_comments
from pipelines.store.db import is_transient, open_database, session_factory
from pipelines.store.models import Comment, Post
from pipelines.store.posts import upsert_post
from pipelines.store.sources import add_source
from tests import forked_cli

POSTS, COMMENTS, WORKERS = 40, 12, 4
T0 = datetime(2025, 5, 1, tzinfo=UTC)


def comments_of(p: int) -> list[ExtractedComment]:
    return [
        ExtractedComment(
            f"comment {c} on post {p} about Dexcom",
            f"reader{c}",
            None,
            T0 + timedelta(minutes=c),
            str(p * 100 + c),
            str(p * 100 + c - 1) if c % 3 else None,
            random.choice(["html", "feed", "rest"]),
        )
        for c in range(COMMENTS)
    ]


def writer(url: str, seed: int, source_id: int) -> None:
    rng = random.Random(seed)
    engine = open_database(url)
    sessions = session_factory(engine)
    order = list(range(POSTS))
    rng.shuffle(order)
    for p in order:
        comments = comments_of(p)
        rng.shuffle(comments)
        for attempt in range(5):  # what the storage pipeline does: retry a transaction the server aborted
            try:
                with sessions.begin() as s:
                    post_url = f"https://b.example/{p}/"
                    post_id, _ = upsert_post(
                        s,
                        PostItem(
                            source_id,
                            post_url,
                            post_url,
                            "generic",
                            f"Post {p}",
                            "Kim",
                            T0,
                            None,
                            f"Body {p} " * 20,
                        ),
                        T0,
                    )
                    upsert_comments(s, post_id, comments, T0)
                break
            except Exception as exc:
                if not is_transient(exc) or attempt == 4:
                    raise
    engine.dispose()


def test_workers_writing_the_same_items_at_once(db_url: str) -> None:
    engine = open_database(db_url)
    sessions = session_factory(engine)
    with sessions.begin() as s:
        source_id = add_source(s, Discovery("https://b.example/"), T0)[0].id
    ctx = forked_cli.context()  # children of the pre-imported fork server: no interpreter start each
    procs = [ctx.Process(target=writer, args=(db_url, seed, source_id)) for seed in range(WORKERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [proc.exitcode for proc in procs] == [0] * WORKERS
    with sessions.begin() as s:
        assert s.execute(select(func.count(Post.id))).scalar() == POSTS
        assert s.execute(select(func.count(Comment.id))).scalar() == POSTS * COMMENTS
        orphans = s.execute(
            select(func.count(Comment.id)).where(
                Comment.parent_external_id.is_not(None), Comment.parent_id.is_(None)
            )
        ).scalar()
        assert orphans == 0
        counts = set(s.execute(select(Post.comment_count)).scalars())
        assert counts == {COMMENTS}
    engine.dispose()
