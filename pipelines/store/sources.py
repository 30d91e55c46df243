"""Repository functions for the ``sources`` table (take a Session, never commit)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from crawler.urls import canonical_url, short_url
from pipelines.exceptions import SourceError
from pipelines.store.models import Source
from pipelines.store.repository import insert_for


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


def source_ids(db: Session | Connection, ref: str) -> list[int]:
    """The ids of the sources a user's reference means, in id order (README, "Which blog a reference means").

    A number is a source id. A reference with ``://`` is a home or feed URL (a trailing slash does not
    matter). Anything else is a host — the home URL's host (or ``host:port``) equal to it, or a subdomain
    of it (``example.com`` means ``www.example.com``; not ``com``, not for IP addresses) — or a title,
    equal to it ignoring case.
    """
    ref = ref.strip()
    if ref.isdigit():
        return list(db.execute(select(Source.id).where(Source.id == int(ref))).scalars())
    if "://" in ref:
        variants = {ref, ref.rstrip("/"), ref.rstrip("/") + "/"}
        with suppress(ValueError):
            variants.add(canonical_url(ref))
        by_url = Source.home_url.in_(variants) | Source.feed_url.in_(variants)
        return list(db.execute(select(Source.id).where(by_url).order_by(Source.id)).scalars())
    value = ref.casefold()
    rows = db.execute(select(Source.id, Source.home_url, Source.title).order_by(Source.id))
    return [
        row.id
        for row in rows
        if value and (_host_means(row.home_url, value) or (row.title or "").strip().casefold() == value)
    ]


def _host_means(url: str, value: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").casefold()
    try:
        port = parts.port
    except ValueError:
        port = None
    if not host:
        return False
    if value == host or (port is not None and value == f"{host}:{port}"):
        return True
    try:
        ip_address(host.strip("[]"))
    except ValueError:
        return "." in value and host.endswith("." + value)  # a domain, not a bare top-level one
    return False


def resolve_sources(db: Session | Connection, refs: Sequence[str]) -> list[int]:
    """The ids every reference in ``refs`` means together (first-mentioned first); one that means none is an error."""
    found: dict[int, None] = {}
    for ref in refs:
        ids = source_ids(db, ref)
        if not ids:
            raise SourceError(
                f"no source {short_url(ref.strip())!r}: name one by id, home or feed URL, host or title "
                "(see `doclisten sources list`)"
            )
        found.update(dict.fromkeys(ids))
    return list(found)


def find_source(session: Session, ref: str) -> Source:
    """The one source a reference means (see :func:`source_ids`); none or several is an error."""
    ids = resolve_sources(session, [ref])
    if len(ids) > 1:
        shown = ", ".join(map(str, ids[:10])) + (", …" if len(ids) > 10 else "")
        raise SourceError(
            f"{short_url(ref.strip())!r} means {len(ids)} sources (ids {shown}): name one by id or URL"
        )
    return session.get_one(Source, ids[0])


def find_sources(session: Session, refs: Sequence[str]) -> list[Source]:
    """The sources ``refs`` mean (see :func:`source_ids`); every enabled source when ``refs`` is empty."""
    if not refs:
        return list(
            session.execute(select(Source).where(Source.disabled.is_(False)).order_by(Source.id)).scalars()
        )
    return [session.get_one(Source, i) for i in resolve_sources(session, refs)]


def remove_source(session: Session, ref: str) -> Source:
    """Delete a source and everything crawled from it."""
    source = find_source(session, ref)
    session.delete(source)
    return source


def update_source(session: Session, source_id: int, **values: Any) -> None:
    """Set columns of one source (``disabled``, ``next_due_at``, …)."""
    session.execute(update(Source).where(Source.id == source_id).values(**values))
