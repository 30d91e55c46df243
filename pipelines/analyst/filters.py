"""Filters shared by exports and reports: a time window, sources, keywords and groups."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func

from crawler.exceptions import DoclistenError
from crawler.extract.dates import to_utc
from pipelines.store.models import TS, Comment, KeywordMatch, Post
from pipelines.store.sources import resolve_sources


class AnalystError(DoclistenError):
    """A filter, query or output option the analyst commands cannot use."""


_DURATION = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$")
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(value: object, where: str) -> timedelta:
    """``30m``, ``6h``, ``1d``, ``7d``, ``2w`` as a timedelta; ``where`` names it in the error."""
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None or int(match.group(1)) == 0:
        raise AnalystError(f"{where}: {value!r} is not a duration such as 30m, 6h, 1d or 7d")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def parse_when(value: str | None, *, end: bool = False) -> datetime | None:
    """``2024-01-31`` or ``2024-01-31T12:00[:00]`` as UTC; a bare date as ``--until`` means the end of that day."""
    if value is None or value == "":
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise AnalystError(f"{value!r} is not a date: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    when = to_utc(when)
    if end and len(value) == 10:
        when += timedelta(days=1)
    return when


@dataclass
class Filters:
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    sources: list[str] = field(default_factory=list)  # as typed: ids, URLs, hosts or titles
    keywords: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    source_ids: list[int] | None = None  # what ``sources`` means, once resolved

    def resolved(self, conn: Connection) -> Filters:
        """These filters with ``sources`` resolved to ids (pipelines.store.sources.source_ids has the rule)."""
        if not self.sources or self.source_ids is not None:
            return self
        return replace(self, source_ids=resolve_sources(conn, self.sources))

    @classmethod
    def from_options(
        cls, since: str | None, until: str | None, sources=(), keywords=(), groups=()
    ) -> Filters:
        return cls(
            parse_when(since), parse_when(until, end=True), list(sources), list(keywords), list(groups)
        )

    def window(self, column: Any) -> list[ColumnElement[bool]]:
        out = []
        if self.since is not None:
            out.append(column >= self.since)
        if self.until is not None:
            out.append(column < self.until)
        return out

    def source_clause(self, column: Any) -> list[ColumnElement[bool]]:
        if not self.sources:
            return []
        if self.source_ids is None:
            raise ValueError("Filters.resolved(conn) first: source references need the database")
        return [column.in_(self.source_ids)]

    def match_clause(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.keywords:
            out.append(func.lower(KeywordMatch.keyword).in_([k.lower() for k in self.keywords]))
        if self.groups:
            out.append(KeywordMatch.keyword_group.in_(self.groups))
        return out

    @property
    def has_match_filter(self) -> bool:
        return bool(self.keywords or self.groups)


def match_time() -> ColumnElement[Any]:
    """When a match happened (as in the views): its comment's time, else its post's."""
    return func.coalesce(
        Comment.published_at, Comment.first_seen_at, Post.published_at, Post.first_seen_at, type_=TS
    )


def all_of(clauses: list[ColumnElement[bool]]) -> ColumnElement[bool] | None:
    return and_(*clauses) if clauses else None
