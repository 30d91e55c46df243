"""Repository functions for the ``sources`` table (take a Session, never commit).

A source is added from what discovery found (:class:`crawler.discovery.Discovery`); a crawl records its
errors and backfill on it, the schedule pipeline its schedule state and health.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import datetime
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from crawler.discovery import Discovery
from crawler.items import FetchErrorItem
from crawler.urls import canonical_url, short_url
from pipelines.exceptions import SourceError
from pipelines.store.db import insert_for
from pipelines.store.models import Source


def add_source(session: Session, found: Discovery, now: datetime) -> tuple[Source, bool]:
    """Insert a source, or refresh what discovery found for an existing one. Returns (source, created)."""
    home_url = found.home_url or ""
    values = {
        "home_url": home_url,
        "feed_url": found.feed_url,
        "feed_kind": found.feed_kind,
        "comments_feed_url": found.comments_feed_url,
        "rest_root": found.rest_root,
        "platform": found.platform,
        "title": found.title,
        "connector_facts": found.facts or None,
        "added_at": now,
        "next_due_at": now,
        "consecutive_failures": 0,
        "disabled": False,
    }
    stmt = insert_for(session, Source).values(**values).on_conflict_do_nothing(index_elements=["home_url"])
    created = session.execute(stmt.returning(Source.id)).scalar() is not None
    source = session.execute(select(Source).where(Source.home_url == home_url)).scalar_one()
    if not created:
        for key in ("feed_url", "feed_kind", "comments_feed_url", "rest_root", "platform", "title"):
            if values[key] is not None:
                setattr(source, key, values[key])
        if found.facts:
            source.connector_facts = {**(source.connector_facts or {}), **found.facts}  # a new dict
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


def mask_title(session: Session, source_id: int, mask: Callable[[str], str | None]) -> bool:
    """Rewrite a source's title through ``mask`` (pseudonymization). Returns True when it changed."""
    title = session.execute(select(Source.title).where(Source.id == source_id)).scalar()
    masked = mask(title) if title else title
    if masked == title:
        return False
    session.execute(update(Source).where(Source.id == source_id).values(title=masked))
    return True


def get_source(session: Session, source_id: int) -> Source | None:
    """The source with this id; None when it was removed (e.g. while it was being crawled)."""
    return session.get(Source, source_id)


def record_source_error(session: Session, item: FetchErrorItem, now: datetime) -> None:
    """What a failed fetch tells about its source: the entry point's error, and Retry-After's floor.

    A single page's error stays in ``fetch_errors`` (:func:`pipelines.store.crawls.add_fetch_error`).
    """
    values: dict[str, Any] = {}
    if item.source_level:  # the feed or listing failed
        values.update(last_error=f"{item.url}: {item.error}"[:2000], last_error_at=now)
    if item.retry_after is not None:
        values["not_before"] = item.retry_after
    if values:
        session.execute(update(Source).where(Source.id == item.source_id).values(**values))


def mark_backfilled(session: Session, source_id: int, now: datetime) -> None:
    """The source's archive has been crawled once: later crawls read only its feed."""
    session.execute(update(Source).where(Source.id == source_id).values(backfilled_at=now))


def record_schedule(
    session: Session,
    source_id: int,
    now: datetime,
    *,
    next_due: datetime,
    interval_seconds: int,
    consecutive_failures: int,
    succeeded: bool,
    disabled: bool = False,
    disabled_reason: str | None = None,
) -> None:
    """A finished crawl of the source: its next due time, interval and health; the lease is released.

    ``succeeded``: the entry point was read (the errors of single pages are in ``fetch_errors``);
    ``disabled``: the policy gave up on the source (``disabled_reason`` says why).
    """
    values: dict[str, Any] = {
        "next_due_at": next_due,
        "interval_seconds": interval_seconds,
        "consecutive_failures": consecutive_failures,
        "crawl_count": Source.crawl_count + 1,
        "last_crawled_at": now,
        "lease_token": None,
        "lease_until": None,
    }
    if succeeded:
        values.update(last_success_at=now, last_error=None)
    if disabled:
        values.update(disabled=True, disabled_reason=disabled_reason)
    session.execute(update(Source).where(Source.id == source_id).values(**values))


def update_source(session: Session, source_id: int, **values: Any) -> None:
    """Set columns of one source (``disabled``, ``next_due_at``, …)."""
    session.execute(update(Source).where(Source.id == source_id).values(**values))
