"""Repository functions for the ``comments`` table (take a Session, never commit).

Comments are upserted on (post, external id or content hash): one comment seen through the page, a
comment feed and the REST API becomes one row, and storing it again is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from crawler.extract.model import ExtractedComment
from pipelines.store.db import insert_for
from pipelines.store.keys import text_hash
from pipelines.store.models import Comment, Post

VIA_PRIORITY = {"rest": 3, "html": 2, "feed": 1}  # whose text a row keeps when channels disagree


def _existing_key(session: Session, post_id: int, comment: ExtractedComment, digest: str) -> str:
    """Dedup key for ``comment``; a comment first seen without an id keeps the row it already has."""
    if comment.external_id:
        return comment.external_id
    same_text = session.execute(
        select(Comment.dedup_key).where(Comment.post_id == post_id, Comment.content_hash == digest).limit(1)
    ).scalar()
    return same_text or f"h:{digest[:40]}"


def upsert_comments(
    session: Session, post_id: int, comments: Iterable[ExtractedComment], now: datetime
) -> int:
    """Merge comments seen through HTML, feeds or REST into one row each. Returns how many are new."""
    new = 0
    for comment in comments:
        if not comment.text.strip():
            continue
        digest = text_hash(comment.text)
        key = _existing_key(session, post_id, comment, digest)
        if comment.external_id:
            # a row stored earlier under its content hash (source without ids) adopts the id
            session.execute(
                update(Comment)
                .where(
                    Comment.post_id == post_id,
                    Comment.content_hash == digest,
                    Comment.dedup_key.like("h:%"),
                )
                .values(dedup_key=key, external_id=comment.external_id)
                .execution_options(synchronize_session=False)
            )
        values = {
            "post_id": post_id,
            "dedup_key": key,
            "external_id": comment.external_id,
            "parent_external_id": comment.parent_external_id,
            "author": comment.author,
            "author_url": comment.author_url,
            "published_at": comment.published_at,
            "content_text": comment.text,
            "content_hash": digest,
            "via": comment.via,
            "first_seen_at": now,
            "last_seen_at": now,
        }
        stmt = insert_for(session, Comment).values(**values)
        stmt = stmt.on_conflict_do_nothing(index_elements=["post_id", "dedup_key"])
        if session.execute(stmt.returning(Comment.id)).scalar() is not None:
            new += 1
            continue
        _merge_comment(session, post_id, key, comment, values)
    _link_parents(session, post_id)
    _refresh_comment_stats(session, post_id, now)
    return new


def _merge_comment(
    session: Session, post_id: int, key: str, comment: ExtractedComment, values: dict[str, Any]
) -> None:
    row = session.execute(
        select(Comment).where(Comment.post_id == post_id, Comment.dedup_key == key)
    ).scalar_one()
    row.last_seen_at = values["last_seen_at"]
    for column in ("author", "author_url", "published_at", "parent_external_id"):
        if getattr(row, column) is None and values[column] is not None:
            setattr(row, column, values[column])
    if comment.via == "rest" and comment.parent_external_id is None:
        row.parent_external_id = None  # REST is authoritative about threading
    if VIA_PRIORITY.get(comment.via, 0) >= VIA_PRIORITY.get(row.via, 0) and row.content_text != comment.text:
        row.content_text = comment.text
        row.content_hash = values["content_hash"]
        row.via = comment.via
    session.flush()


def _link_parents(session: Session, post_id: int) -> None:
    rows = session.execute(
        select(Comment.id, Comment.external_id, Comment.parent_external_id, Comment.parent_id).where(
            Comment.post_id == post_id
        )
    ).all()
    by_external = {r.external_id: r.id for r in rows if r.external_id}
    for r in rows:
        parent = by_external.get(r.parent_external_id) if r.parent_external_id else None
        if parent != r.parent_id and parent != r.id:
            session.execute(update(Comment).where(Comment.id == r.id).values(parent_id=parent))


def _refresh_comment_stats(session: Session, post_id: int, now: datetime) -> None:
    count, last = session.execute(
        select(func.count(Comment.id), func.max(Comment.published_at)).where(Comment.post_id == post_id)
    ).one()
    session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values(comment_count=count, last_comment_at=last, comments_checked_at=now)
    )


def comments_of_posts(session: Session, post_ids: Sequence[int]) -> Sequence[Row[int, int, str]]:
    """Every comment of these posts: ``(id, post_id, content_text)`` rows."""
    return session.execute(
        select(Comment.id, Comment.post_id, Comment.content_text).where(Comment.post_id.in_(list(post_ids)))
    ).all()


def set_text_facts(session: Session, facts: Sequence[dict[str, Any]]) -> None:
    """Language and sentiment of several comments: ``{"id", "language", "sentiment"}`` each."""
    if facts:  # ORM bulk UPDATE by primary key
        session.execute(update(Comment), list(facts))
