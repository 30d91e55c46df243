"""Repository functions for ``robots_txt`` (a host's robots.txt until it expires) and the per-source
facts the crawl reports about its optional endpoints (take a Session, never commit)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.extract.dates import iso_utc, to_utc
from crawler.jobs import CachedRobots
from pipelines.store.db import insert_for
from pipelines.store.models import RobotsTxt, Source

MAX_BODY = 512 * 1024  # RFC 9309 2.5: parsers must read at least 500 KiB


def save_robots(
    session: Session, host: str, status: int, body: bytes, fetched_at: datetime, expires_at: datetime
) -> None:
    values = {
        "status": status,
        "body": body[:MAX_BODY],
        "fetched_at": fetched_at,
        "expires_at": expires_at,
    }
    stmt = insert_for(session, RobotsTxt).values(host=host, **values)
    session.execute(stmt.on_conflict_do_update(index_elements=["host"], set_=values))


def source_hosts(src: Source) -> set[str]:
    urls = (src.home_url, src.feed_url, src.comments_feed_url, src.rest_root)
    return {urlsplit(u).netloc for u in urls if u}


def kept_robots(session: Session, hosts: Iterable[str], now: datetime) -> dict[str, CachedRobots]:
    """The unexpired robots.txt answers of these hosts."""
    rows = session.execute(select(RobotsTxt).where(RobotsTxt.host.in_(sorted(set(hosts))))).scalars()
    kept = {}
    for row in rows:
        expires = to_utc(row.expires_at)
        if expires is not None and expires > now:
            kept[row.host] = CachedRobots(row.status, bytes(row.body), expires)
    return kept


def closed_endpoints(src: Source) -> dict[str, datetime]:
    """When each optional endpoint of a source answered 401/403/404 (``sources.closed_endpoints``)."""
    out = {}
    for name, value in (src.closed_endpoints or {}).items():
        if isinstance(value, dict) and value.get("at"):
            out[name] = to_utc(datetime.fromisoformat(value["at"]))
    return out


def record_source_facts(session: Session, item: Any, now: datetime) -> None:
    """Store what a crawl learnt about a source (a ``SourceUpdateItem``); nothing when it was removed."""
    src = session.get(Source, item.source_id)
    if src is not None:
        note_source_facts(src, item, now)


def note_source_facts(src: Source, item: Any, now: datetime) -> None:
    """What a crawl learnt about a source's site-wide comment feed and optional endpoints."""
    if item.comments_feed_polled:
        src.comments_feed_checked_at = now
        src.comments_feed_polls = (src.comments_feed_polls or 0) + 1
        if item.comments_feed_new:
            src.comments_feed_new_at = now
    if item.closed_endpoints:
        closed = dict(src.closed_endpoints or {})
        for name, status in item.closed_endpoints.items():
            closed[name] = {"status": status, "at": iso_utc(now)}
        src.closed_endpoints = closed  # a new dict: the JSON column sees the change
    facts = getattr(item, "facts", None)
    if facts and any((src.connector_facts or {}).get(k) != v for k, v in facts.items()):
        src.connector_facts = {**(src.connector_facts or {}), **facts}  # a new dict, as above
