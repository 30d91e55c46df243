"""Exports of posts, comments and keyword mentions as CSV, JSON Lines or Parquet, streamed.

Rows come from a server-side cursor (``yield_per``) and are written as they arrive, so memory
does not grow with the number of rows. Column names are stable (documented in README.md).
The CSV and JSON Lines writers here are the only ones (``doclisten sql`` and ``search`` use them too),
and :func:`plain` is how every output writes a value: times ISO 8601 in UTC.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Connection, exists, select

from crawler.extract.dates import iso_utc, to_utc
from pipelines.analyst.filters import AnalystError, Filters, match_time
from pipelines.store.models import Comment, KeywordMatch, Post, Source

KINDS = ("posts", "comments", "mentions")
FORMATS = ("csv", "jsonl", "parquet")
BATCH = 1000


def posts_query(f: Filters) -> Any:
    q = (
        select(
            Post.id, Post.source_id, Source.title.label("source_title"), Post.url, Post.title, Post.author,
            Post.published_at, Post.language, Post.sentiment, Post.duplicate_of, Post.comment_count,
            Post.content_text,
        )
        .join(Source, Source.id == Post.source_id)
        .where(*f.window(Post.published_at), *f.source_clause(Post.source_id), Post.deleted_at.is_(None))
        .order_by(Post.id)
    )  # fmt: skip
    if f.has_match_filter:
        q = q.where(
            exists().where(
                KeywordMatch.post_id == Post.id, KeywordMatch.comment_id.is_(None), *f.match_clause()
            )
        )
    return q


def comments_query(f: Filters) -> Any:
    q = (
        select(
            Comment.id, Comment.post_id, Post.url.label("post_url"), Comment.parent_id, Comment.author,
            Comment.author_url, Comment.published_at, Comment.language, Comment.sentiment, Comment.content_text,
        )
        .join(Post, Post.id == Comment.post_id)
        .where(
            *f.window(Comment.published_at), *f.source_clause(Post.source_id), Post.deleted_at.is_(None),
            Comment.deleted_at.is_(None), Comment.erased_at.is_(None),
        )
        .order_by(Comment.id)
    )  # fmt: skip
    if f.has_match_filter:
        q = q.where(exists().where(KeywordMatch.comment_id == Comment.id, *f.match_clause()))
    return q


def mentions_query(f: Filters) -> Any:
    when = match_time()
    return (
        select(
            KeywordMatch.id, KeywordMatch.keyword, KeywordMatch.keyword_group, KeywordMatch.post_id,
            KeywordMatch.comment_id, Post.source_id, when.label("published_at"), Post.url,
            KeywordMatch.count, KeywordMatch.sentiment, KeywordMatch.snippet,
        )
        .join(Post, Post.id == KeywordMatch.post_id)
        .outerjoin(Comment, Comment.id == KeywordMatch.comment_id)
        .where(
            *f.window(when), *f.source_clause(Post.source_id), *f.match_clause(), Post.deleted_at.is_(None),
            Comment.deleted_at.is_(None),
        )
        .order_by(KeywordMatch.id)
    )  # fmt: skip


QUERIES = {"posts": posts_query, "comments": comments_query, "mentions": mentions_query}


def columns(kind: str) -> list[str]:
    return [c.name for c in QUERIES[kind](Filters()).selected_columns]


def stream(conn: Connection, kind: str, f: Filters) -> tuple[list[str], Iterator[tuple]]:
    query = QUERIES[kind](f.resolved(conn))
    result = conn.execution_options(yield_per=BATCH).execute(query)
    return list(result.keys()), (tuple(row) for row in result)


# How SQLAlchemy stores a timestamp in SQLite (UTC, always six fractional digits): what raw SQL hands back.
STORED_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}")


def plain(value: Any) -> Any:
    """A value of a query result as output writes it: times — also SQLite's stored text of one — as ISO UTC."""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, str) and STORED_TIME.fullmatch(value):
        return iso_utc(datetime.fromisoformat(value))
    return value


def write_csv(out: IO[str], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """A header line, then one line per row (NULL: an empty field); returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    n = 0
    for row in rows:
        writer.writerow(["" if v is None else plain(v) for v in row])
        n += 1
    return n


def write_jsonl(out: IO[str], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """One JSON object per row, keys in column order; returns the number of rows."""
    n = 0
    for row in rows:
        out.write(json.dumps(dict(zip(names, map(plain, row), strict=True)), ensure_ascii=False))
        out.write("\n")
        n += 1
    return n


def _arrow_type(name: str) -> Any:
    import pyarrow as pa

    if name.endswith("_at"):
        return pa.timestamp("us", tz="UTC")
    if name == "id" or name.endswith("_id") or name in ("duplicate_of", "comment_count", "count"):
        return pa.int64()
    if name == "sentiment":
        return pa.float64()
    return pa.string()


def write_parquet(path: str | IO[bytes], names: list[str], rows: Iterable[tuple]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(n, _arrow_type(n)) for n in names])
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[tuple] = []
        for row in rows:
            batch.append(tuple(to_utc(v) if isinstance(v, datetime) else v for v in row))
            if len(batch) >= BATCH * 10:
                n += _write_batch(writer, schema, batch)
                batch = []
        n += _write_batch(writer, schema, batch)
    return n


def _write_batch(writer: Any, schema: Any, batch: list[tuple]) -> int:
    import pyarrow as pa

    arrays = [pa.array([row[i] for row in batch], type=field.type) for i, field in enumerate(schema)]
    writer.write_batch(pa.record_batch(arrays, schema=schema))
    return len(batch)


def export(
    conn: Connection, kind: str, fmt: str, f: Filters, out: IO[str] | None, path: str | IO[bytes] | None
) -> int:
    """Write every matching row to ``out`` (csv, jsonl) or ``path`` (parquet: a file name or binary file)."""
    if kind not in KINDS:
        raise AnalystError(f"cannot export {kind!r}: choose one of {', '.join(KINDS)}")
    if fmt == "parquet" and path is None:
        raise AnalystError("--format parquet needs an output file: -o FILE.parquet")
    names, rows = stream(conn, kind, f)
    if fmt == "parquet":
        return write_parquet(path, names, rows)  # type: ignore[arg-type]
    assert out is not None
    return (write_csv if fmt == "csv" else write_jsonl)(out, names, rows)
