"""Repository functions: take a Session, never commit (the caller owns the transaction).

Writes are upserts on stable keys (posts: canonical URL; comments: post + external id or
content hash; validators: URL), so repeating any of them is harmless.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crawler.extract.dates import to_utc
from crawler.jobs import KnownPost, SourceJob
from crawler.plan import comments_due
from pipelines.store.models import Comment, Post, Source, UrlValidator

VIA_PRIORITY = {"rest": 3, "html": 2, "feed": 1}
_WS = re.compile(r"\s+")


def insert_for(session: Session, table: Any) -> Any:
    """The dialect's INSERT (which has on_conflict_do_* methods; typed Any: two dialect classes)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def text_hash(*parts: str | None) -> str:
    normal = " ".join(_WS.sub(" ", p or "").strip().casefold() for p in parts)
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- posts


@dataclass
class PostRecord:
    source_id: int
    url: str
    title: str | None
    author: str | None
    published_at: datetime | None
    updated_at: datetime | None
    content_text: str
    guid: str | None = None
    external_id: str | None = None
    entry_hash: str | None = None


def upsert_post(session: Session, rec: PostRecord, now: datetime) -> tuple[int, str]:
    """Insert or update a post by canonical URL. Returns (post id, "new" | "updated" | "unchanged")."""
    digest = text_hash(rec.title, rec.content_text)
    values = {
        "source_id": rec.source_id,
        "url": rec.url,
        "guid": rec.guid,
        "external_id": rec.external_id,
        "entry_hash": rec.entry_hash,
        "title": rec.title,
        "author": rec.author,
        "published_at": rec.published_at,
        "updated_at": rec.updated_at,
        "content_text": rec.content_text,
        "content_hash": digest,
        "comment_count": 0,
        "first_seen_at": now,
        "last_seen_at": now,
        "last_changed_at": now,
    }
    stmt = insert_for(session, Post).values(**values).on_conflict_do_nothing(index_elements=["url"])
    new_id = session.execute(stmt.returning(Post.id)).scalar()
    if new_id is not None:
        return new_id, "new"
    row = session.execute(select(Post.id, Post.content_hash).where(Post.url == rec.url)).one()
    changes: dict[str, Any] = {"last_seen_at": now}
    for column in ("guid", "external_id", "entry_hash", "author", "published_at", "updated_at"):
        if values[column] is not None:
            changes[column] = values[column]
    status = "unchanged"
    if row.content_hash != digest:
        changes.update(
            title=rec.title, content_text=rec.content_text, content_hash=digest, last_changed_at=now
        )
        status = "updated"
    session.execute(update(Post).where(Post.id == row.id).values(**changes))
    return row.id, status


def post_id_for_url(session: Session, url: str) -> int | None:
    return session.execute(select(Post.id).where(Post.url == url)).scalar()


# --------------------------------------------------------------------------- comments


@dataclass
class CommentRecord:
    content_text: str
    author: str | None = None
    author_url: str | None = None
    published_at: datetime | None = None
    external_id: str | None = None
    parent_external_id: str | None = None
    via: str = "html"


def _existing_key(session: Session, post_id: int, rec: CommentRecord, digest: str) -> str:
    """Dedup key for ``rec``; a comment first seen without an id keeps the row it already has."""
    if rec.external_id:
        return rec.external_id
    same_text = session.execute(
        select(Comment.dedup_key).where(Comment.post_id == post_id, Comment.content_hash == digest).limit(1)
    ).scalar()
    return same_text or f"h:{digest[:40]}"


def upsert_comments(session: Session, post_id: int, comments: Iterable[CommentRecord], now: datetime) -> int:
    """Merge comments seen through HTML, feeds or REST into one row each. Returns how many are new."""
    new = 0
    for rec in comments:
        if not rec.content_text.strip():
            continue
        digest = text_hash(rec.content_text)
        key = _existing_key(session, post_id, rec, digest)
        if rec.external_id:
            # a row stored earlier under its content hash (source without ids) adopts the id
            session.execute(
                update(Comment)
                .where(
                    Comment.post_id == post_id,
                    Comment.content_hash == digest,
                    Comment.dedup_key.like("h:%"),
                )
                .values(dedup_key=key, external_id=rec.external_id)
                .execution_options(synchronize_session=False)
            )
        values = {
            "post_id": post_id,
            "dedup_key": key,
            "external_id": rec.external_id,
            "parent_external_id": rec.parent_external_id,
            "author": rec.author,
            "author_url": rec.author_url,
            "published_at": rec.published_at,
            "content_text": rec.content_text,
            "content_hash": digest,
            "via": rec.via,
            "first_seen_at": now,
            "last_seen_at": now,
        }
        stmt = insert_for(session, Comment).values(**values)
        stmt = stmt.on_conflict_do_nothing(index_elements=["post_id", "dedup_key"])
        if session.execute(stmt.returning(Comment.id)).scalar() is not None:
            new += 1
            continue
        _merge_comment(session, post_id, key, rec, values)
    _link_parents(session, post_id)
    _refresh_comment_stats(session, post_id, now)
    return new


def _merge_comment(
    session: Session, post_id: int, key: str, rec: CommentRecord, values: dict[str, Any]
) -> None:
    row = session.execute(
        select(Comment).where(Comment.post_id == post_id, Comment.dedup_key == key)
    ).scalar_one()
    row.last_seen_at = values["last_seen_at"]
    for column in ("author", "author_url", "published_at", "parent_external_id"):
        if getattr(row, column) is None and values[column] is not None:
            setattr(row, column, values[column])
    if rec.via == "rest" and rec.parent_external_id is None:
        row.parent_external_id = None  # REST is authoritative about threading
    if VIA_PRIORITY.get(rec.via, 0) >= VIA_PRIORITY.get(row.via, 0) and row.content_text != rec.content_text:
        row.content_text = rec.content_text
        row.content_hash = values["content_hash"]
        row.via = rec.via
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


# --------------------------------------------------------------------------- validators


def save_validator(
    session: Session,
    url: str,
    source_id: int | None,
    etag: str | None,
    last_modified: str | None,
    now: datetime,
) -> None:
    if not etag and not last_modified:
        session.execute(delete(UrlValidator).where(UrlValidator.url == url))
        return
    values = {
        "url": url,
        "source_id": source_id,
        "etag": etag,
        "last_modified": last_modified,
        "checked_at": now,
    }
    stmt = insert_for(session, UrlValidator).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["url"],
        set_={"etag": etag, "last_modified": last_modified, "checked_at": now, "source_id": source_id},
    )
    session.execute(stmt)


# --------------------------------------------------------------------------- crawl jobs


def load_jobs(session: Session, sources: Sequence[Source], now: datetime | None = None) -> list[SourceJob]:
    from pipelines.store import robots  # (it imports insert_for from here)

    now = now or datetime.now(UTC)
    jobs = []
    for src in sources:
        validators = {
            v.url: (v.etag, v.last_modified)
            for v in session.execute(select(UrlValidator).where(UrlValidator.source_id == src.id)).scalars()
        }
        rows = session.execute(
            select(
                Post.id,
                Post.url,
                Post.updated_at,
                Post.comment_count,
                Post.last_comment_at,
                Post.external_id,
                Post.entry_hash,
                Post.published_at,
                Post.comments_checked_at,
            ).where(Post.source_id == src.id)
        ).all()
        known = {
            r.url: KnownPost(
                r.id,
                to_utc(r.updated_at),
                r.comment_count,
                to_utc(r.last_comment_at),
                r.external_id,
                r.entry_hash,
            )
            for r in rows
        }
        activity = [
            src.comments_feed_new_at,
            *(r.published_at for r in rows),
            *(r.last_comment_at for r in rows),
        ]
        jobs.append(
            SourceJob(
                source_id=src.id,
                home_url=src.home_url,
                feed_url=src.feed_url,
                comments_feed_url=src.comments_feed_url,
                rest_root=src.rest_root,
                platform=src.platform,
                needs_backfill=src.backfilled_at is None,
                validators=validators,
                known_posts=known,
                recheck_posts=[
                    r.url
                    for r in rows
                    if comments_due(to_utc(r.published_at), to_utc(r.comments_checked_at), now)
                ],
                robots=robots.kept_robots(session, robots.source_hosts(src), now),
                comments_feed_checked_at=to_utc(src.comments_feed_checked_at),
                comments_feed_activity_at=max((to_utc(a) for a in activity if a is not None), default=None),
                comments_feed_polls=src.comments_feed_polls or 0,
                closed_endpoints=robots.closed_endpoints(src),
            )
        )
    return jobs
