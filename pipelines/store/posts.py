"""Repository functions for the ``posts`` table (take a Session, never commit).

Posts are upserted on their canonical URL, so storing a post again is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Row, Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from crawler.extract.dates import to_utc
from crawler.items import PostItem
from pipelines.store.db import insert_for
from pipelines.store.keys import text_hash
from pipelines.store.models import KeywordMatch, Post

# filled in on a known post only when the item has a value (a page without them keeps the stored ones)
POSTS: Table = Post.__table__  # type: ignore[assignment]
_FIND = select(Post.id, Post.content_hash, Post.published_at, Post.updated_at, Post.text_withheld).where(
    Post.url == bindparam("url")
)
_KEEP_WHEN_MISSING = ("guid", "external_id", "entry_hash", "author", "published_at", "updated_at")
_DATES = ("published_at", "updated_at")


@dataclass
class SavedPost:
    """A post row after :func:`save_post`: ``changes`` are still to be written (:func:`update_post`),
    so that the caller can add its own columns (comment stats, language) to the post's one UPDATE."""

    id: int
    status: str  # "new" | "updated" | "unchanged"
    changes: dict[str, Any]


def save_post(session: Session, item: PostItem, now: datetime, withhold: bool = False) -> SavedPost:
    """Find the post by canonical URL, or insert it (a new post is written complete). ``withhold``: the
    page said noarchive, so its text is not kept (its hash is, to tell edits)."""
    digest = text_hash(item.title, item.content_text)
    body = "" if withhold else item.content_text
    values = {
        "source_id": item.source_id,
        "url": item.url,
        "guid": item.guid,
        "external_id": item.external_id,
        "entry_hash": item.entry_hash,
        "title": item.title,
        "author": item.author,
        "published_at": item.published_at,
        "updated_at": item.updated_at,
        "content_text": body,
        "content_hash": digest,
        "text_withheld": withhold,
        "comment_count": 0,
        "first_seen_at": now,
        "last_seen_at": now,
        "last_changed_at": now,
    }
    row = session.execute(_FIND, {"url": item.url}).one_or_none()
    if row is None:
        stmt = insert_for(session, Post).values(**values).on_conflict_do_nothing(index_elements=["url"])
        new_id = session.execute(stmt.returning(Post.id)).scalar()
        if new_id is not None:
            return SavedPost(new_id, "new", {})
        row = session.execute(_FIND, {"url": item.url}).one()  # another writer inserted it meanwhile
    changes: dict[str, Any] = {"last_seen_at": now, "deleted_at": None}  # its page answered: not deleted
    for column in _KEEP_WHEN_MISSING:
        if values[column] is not None:
            changes[column] = values[column]
    for column in _DATES:
        if column in changes and coarser(changes[column], getattr(row, column)):
            del changes[column]
    status = "unchanged"
    if row.content_hash != digest or bool(row.text_withheld) != withhold:
        changes.update(
            title=item.title,
            content_text=body,
            content_hash=digest,
            text_withheld=withhold,
            last_changed_at=now,
        )
        status = "updated"
    return SavedPost(row.id, status, changes)


def coarser(new: datetime, stored: datetime | None) -> bool:
    """Whether ``new`` is only a date-precision reading of the ``stored`` timestamp: a page that shows
    "February 17, 2026" (parsed as midnight) must not replace the feed's 16:45 of that day. Within a day
    either way, as the page's date is in the blog's time zone."""
    if stored is None:
        return False
    new, stored = to_utc(new), to_utc(stored)
    if new.time() != time(0) or stored.time() == time(0):
        return False
    return abs(new - stored) < timedelta(days=1)


def update_post(session: Session, post_id: int, changes: dict[str, Any]) -> None:
    """One UPDATE of the post's row (Core: no ORM session synchronisation on the hot path)."""
    if changes:
        session.execute(update(POSTS).where(POSTS.c.id == post_id).values(**changes))


def upsert_post(session: Session, item: PostItem, now: datetime) -> tuple[int, str]:
    """Insert or update a post by canonical URL. Returns (post id, "new" | "updated" | "unchanged").

    The item's comments are not stored here (:func:`pipelines.store.comments.upsert_comments`).
    """
    saved = save_post(session, item, now)
    update_post(session, saved.id, saved.changes)
    return saved.id, saved.status


def post_id_for_url(session: Session, url: str) -> int | None:
    return session.execute(select(Post.id).where(Post.url == url)).scalar()


def post_state_for_url(session: Session, url: str) -> tuple[int | None, bool]:
    """(id, text withheld?) of the post at ``url``; (None, False) when unknown."""
    row = session.execute(select(Post.id, Post.text_withheld).where(Post.url == url)).one_or_none()
    return (row.id, bool(row.text_withheld)) if row is not None else (None, False)


def set_text_facts(session: Session, facts: Sequence[dict[str, Any]]) -> None:
    """Language and sentiment of several posts: ``{"id", "language", "sentiment"}`` each."""
    if facts:  # ORM bulk UPDATE by primary key
        session.execute(update(Post), list(facts))


def count_matches(session: Session, post_ids: Sequence[int]) -> int:
    """Keyword matches of these posts and their comments."""
    if not post_ids:
        return 0
    return session.execute(
        select(func.count(KeywordMatch.id)).where(KeywordMatch.post_id.in_(list(post_ids)))
    ).scalar_one()


def count_posts(session: Session) -> int:
    return session.execute(select(func.count(Post.id))).scalar_one()


def posts_after(session: Session, after_id: int, limit: int) -> Sequence[Row[int, str | None, str, bool]]:
    """Up to ``limit`` posts with id > ``after_id``, by id: ``(id, title, content_text, text_withheld)`` rows."""
    return session.execute(
        select(Post.id, Post.title, Post.content_text, Post.text_withheld)
        .where(Post.id > after_id)
        .order_by(Post.id)
        .limit(limit)
    ).all()
