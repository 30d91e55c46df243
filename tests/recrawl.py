"""What a crawl wrote to the content tables, to tell that a second crawl of unchanged sources wrote nothing:
row counts of every content table, each post's content hash and last change, each comment's text hash,
parent and filled-in columns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, func, select

from pipelines.store.models import Comment, Post

CONTENT_TABLES = (Post, Comment)


def snapshot(db: str) -> dict[str, Any]:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            counts = {
                m.__tablename__: conn.execute(select(func.count()).select_from(m)).scalar_one()
                for m in CONTENT_TABLES
            }
            posts = {
                p.id: (p.url, p.content_hash, p.title, p.author, p.last_changed_at, p.comment_count)
                for p in conn.execute(select(Post))
            }
            comments = {
                c.id: (
                    c.post_id,
                    c.dedup_key,
                    c.content_hash,
                    c.parent_id,
                    c.parent_external_id,
                    c.author,
                    c.published_at,
                    c.via,
                )
                for c in conn.execute(select(Comment))
            }
    finally:
        engine.dispose()
    return {"counts": counts, "posts": posts, "comments": comments}


def assert_nothing_written(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert after["counts"] == before["counts"], (before["counts"], after["counts"])
    assert after["posts"] == before["posts"]
    assert after["comments"] == before["comments"]


def comments_due(db: str) -> None:
    """Make every young post's comments due for a re-check (as if the next checkpoint had passed), so that
    the next crawl asks their pages and comments again."""
    from sqlalchemy import update

    engine = create_engine(db)
    try:
        with engine.begin() as conn:
            conn.execute(update(Post).values(comments_checked_at=None))
    finally:
        engine.dispose()


def rfc822_hours_ago(hours: float) -> str:
    """An RSS date some hours before now (a young post: its comments are re-checked)."""
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    return format_datetime(datetime.now(UTC) - timedelta(hours=hours))


def iso_hours_ago(hours: float) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) - timedelta(hours=hours)).replace(microsecond=0).isoformat()
