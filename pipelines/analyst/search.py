"""``doclisten search``: the full-text index narrows the candidates, the keyword matcher decides exactly.

Results are newest first, each with a snippet around the first hit.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, text

from crawler.extract.dates import to_utc
from pipelines.analyst.search_query import SearchQuery, fts5_query, parse_search, tsquery
from pipelines.keywords.matcher import Matcher, snippet
from pipelines.keywords.rules import Rule, RuleSet
from pipelines.store.models import TS
from pipelines.store.search_index import post_text
from pipelines.store.sources import resolve_sources

COLUMNS = ["kind", "post_id", "comment_id", "published_at", "source", "author", "title", "url", "snippet"]
BATCH = 500


@dataclass
class Hit:
    kind: str
    post_id: int
    comment_id: int | None
    published_at: datetime | None
    source: str | None
    author: str | None
    title: str | None
    url: str
    snippet: str

    def row(self) -> tuple:
        return tuple(getattr(self, c) for c in COLUMNS)


POSTS_SQL = """
SELECT 'post' AS kind, p.id AS post_id, NULL AS comment_id, p.published_at, s.title AS source, p.author,
       p.title, p.url, p.content_text
FROM posts p JOIN sources s ON s.id = p.source_id {index}
WHERE p.deleted_at IS NULL {where}
ORDER BY p.published_at DESC, p.id DESC"""
COMMENTS_SQL = """
SELECT 'comment' AS kind, p.id AS post_id, c.id AS comment_id, c.published_at, s.title AS source, c.author,
       p.title, p.url, c.content_text
FROM comments c JOIN posts p ON p.id = c.post_id JOIN sources s ON s.id = p.source_id {index}
WHERE p.deleted_at IS NULL AND c.deleted_at IS NULL AND c.erased_at IS NULL {where}
ORDER BY c.published_at DESC, c.id DESC"""


def _index_clause(dialect: str, kind: str, expression: Any) -> tuple[str, str, dict[str, Any]]:
    """JOIN and WHERE parts restricting rows to the index's candidates (nothing when it cannot help)."""
    table, key = ("search_posts", "p.id") if kind == "posts" else ("search_comments", "c.id")
    if dialect == "sqlite":
        query = fts5_query(expression)
        if query is None:
            return "", "", {}
        return f"JOIN {table} f ON f.rowid = {key}", f"AND {table} MATCH :fts", {"fts": query}
    query = tsquery(expression)
    if query is None:
        return "", "", {}
    column = "f.post_id" if kind == "posts" else "f.comment_id"
    return f"JOIN {table} f ON {column} = {key}", "AND f.body @@ to_tsquery('simple', :fts)", {"fts": query}


def _field_clauses(sq: SearchQuery, kind: str, source_ids: list[int]) -> tuple[str, dict[str, Any]]:
    parts: list[str] = []
    params: dict[str, Any] = {}
    row = "p" if kind == "posts" else "c"
    if sq.sources:
        params["sources"] = source_ids
        parts.append("AND s.id IN :sources")
    if sq.authors:
        params["authors"] = [a.lower() for a in sq.authors]
        parts.append(f"AND lower({row}.author) IN :authors")
    if sq.languages:
        params["langs"] = [lang.lower() for lang in sq.languages]
        parts.append(f"AND lower({row}.language) IN :langs")
    return " ".join(parts), params


def _candidates(conn: Connection, sq: SearchQuery, kind: str, source_ids: list[int]) -> Any:
    join, index_where, params = _index_clause(conn.dialect.name, kind, sq.expression)
    fields, field_params = _field_clauses(sq, kind, source_ids)
    sql = (POSTS_SQL if kind == "posts" else COMMENTS_SQL).format(index=join, where=f"{index_where} {fields}")
    statement = text(sql).columns(published_at=TS)  # a datetime on SQLite too, not its stored text
    for name in ("sources", "authors", "langs"):
        if name in field_params:
            statement = statement.bindparams(bindparam(name, expanding=True))
    return conn.execution_options(yield_per=BATCH).execute(statement, {**params, **field_params})


def search(conn: Connection, query: str | SearchQuery, limit: int | None = None) -> Iterator[Hit]:
    """Posts and comments matching ``query`` (posts first, then comments; each newest first)."""
    sq = parse_search(query) if isinstance(query, str) else query
    matcher = Matcher(RuleSet([Rule("query", "search", query=sq.boolean)], "search")) if sq.boolean else None
    source_ids = resolve_sources(conn, sq.sources)  # several source: fields: any of them
    found = 0
    for kind in ("posts", "comments"):
        if kind not in sq.kinds:
            continue
        with _candidates(conn, sq, kind, source_ids) as result:
            found = yield from _hits(result, kind, matcher, found, limit)
        if limit is not None and found >= limit:
            return


def _hits(
    result: Any, kind: str, matcher: Matcher | None, found: int, limit: int | None
) -> Generator[Hit, None, int]:
    """Hits among the candidate rows; returns the running count."""
    for row in result:
        body = post_text(row.title, row.content_text) if kind == "posts" else row.content_text
        if matcher is None:
            cut = snippet(body, 0, 0) if body else ""
        else:
            matches = matcher.tag(body)
            if not matches:
                continue
            cut = matches[0].snippet
        when = to_utc(row.published_at) if isinstance(row.published_at, datetime) else row.published_at
        yield Hit(
            row.kind, row.post_id, row.comment_id, when, row.source, row.author, row.title,
            row.url, cut,
        )  # fmt: skip
        found += 1
        if limit is not None and found >= limit:
            break
    return found
