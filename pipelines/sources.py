"""Repository functions for the ``sources`` table (take a Session, never commit)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipelines.exceptions import SourceError
from pipelines.models import Source
from pipelines.repository import insert_for


@dataclass
class SourceRecord:
    home_url: str
    feed_url: str | None = None
    feed_kind: str | None = None
    comments_feed_url: str | None = None
    rest_root: str | None = None
    platform: str = "generic"
    title: str | None = None


def add_source(session: Session, rec: SourceRecord, now: datetime) -> tuple[Source, bool]:
    """Insert a source, or refresh what discovery found for an existing one. Returns (source, created)."""
    values = {
        "home_url": rec.home_url,
        "feed_url": rec.feed_url,
        "feed_kind": rec.feed_kind,
        "comments_feed_url": rec.comments_feed_url,
        "rest_root": rec.rest_root,
        "platform": rec.platform,
        "title": rec.title,
        "added_at": now,
        "next_due_at": now,
        "consecutive_failures": 0,
        "disabled": False,
    }
    stmt = insert_for(session, Source).values(**values).on_conflict_do_nothing(index_elements=["home_url"])
    created = session.execute(stmt.returning(Source.id)).scalar() is not None
    source = session.execute(select(Source).where(Source.home_url == rec.home_url)).scalar_one()
    if not created:
        for key in ("feed_url", "feed_kind", "comments_feed_url", "rest_root", "platform", "title"):
            if values[key] is not None:
                setattr(source, key, values[key])
    return source, created


def list_sources(session: Session) -> list[Source]:
    return list(session.execute(select(Source).order_by(Source.id)).scalars())


def find_source(session: Session, ref: str) -> Source:
    """A source by id, home URL or feed URL (as typed by a user)."""
    ref = ref.strip()
    if ref.isdigit():
        found = session.get(Source, int(ref))
    else:
        variants = {ref, ref.rstrip("/"), ref.rstrip("/") + "/"}
        found = session.execute(
            select(Source).where(Source.home_url.in_(variants) | Source.feed_url.in_(variants)).limit(1)
        ).scalar()
    if found is None:
        raise SourceError(f"no source {ref!r} (see `doclisten sources list`)")
    return found


def find_sources(session: Session, refs: Sequence[str]) -> list[Source]:
    if not refs:
        return list(
            session.execute(select(Source).where(Source.disabled.is_(False)).order_by(Source.id)).scalars()
        )
    found: dict[int, Source] = {}
    for ref in refs:
        src = find_source(session, ref)
        found[src.id] = src
    return list(found.values())


def remove_source(session: Session, ref: str) -> Source:
    """Delete a source and everything crawled from it."""
    source = find_source(session, ref)
    session.delete(source)
    return source


def mask_title(session: Session, source_id: int, mask: Callable[[str], str | None]) -> bool:
    """Rewrite a source's title through ``mask`` (pseudonymization). Returns True when it changed."""
    title = session.execute(select(Source.title).where(Source.id == source_id)).scalar()
    masked = mask(title) if title else title
    if masked == title:
        return False
    session.execute(update(Source).where(Source.id == source_id).values(title=masked))
    return True
