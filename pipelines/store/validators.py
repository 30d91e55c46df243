"""Repository functions for ``url_validators``: ETag / Last-Modified per URL, for conditional GET
(take a Session, never commit)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from pipelines.store.db import insert_for
from pipelines.store.models import UrlValidator


def save_validator(
    session: Session,
    url: str,
    source_id: int | None,
    etag: str | None,
    last_modified: str | None,
    now: datetime,
) -> None:
    """Upsert the validators of ``url``; none at all removes them (the next fetch is unconditional)."""
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
