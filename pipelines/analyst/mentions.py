"""Mentioning items (posts and comments) of a keyword, a keyword group or a search query, over a time range:
what alerts count and explain (reads ``keyword_matches``, ``posts``, ``comments``, ``sources``).

An item is counted once however often it names the keyword (a post that says "Omnipod" twenty times is
one item): spikes are judged on items, which one long post cannot fake.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, func, select, tuple_

from crawler.extract.dates import to_utc
from pipelines.analyst.filters import match_time
from pipelines.analyst.search import search
from pipelines.store.models import Comment, KeywordMatch, Post, Source

Key = tuple[int, int | None]  # (post id, comment id or None)


@dataclass
class Mention:
    key: Key
    when: datetime
    sentiment: float | None = None


@dataclass
class Detail:
    key: Key
    when: datetime | None
    kind: str  # post | comment
    source: str | None
    author: str | None
    title: str | None
    url: str
    text: str
    language: str | None


def _utc(value: Any) -> datetime:
    return to_utc(value) if isinstance(value, datetime) else to_utc(datetime.fromisoformat(str(value)))


def _when(value: Any) -> datetime | None:
    return None if value is None else _utc(value)


def keyword_mentions(
    conn: Connection, keywords: Sequence[str], groups: Sequence[str], start: datetime, end: datetime
) -> list[Mention]:
    """Items with a match of one of ``keywords`` (case-insensitive) or of a keyword of ``groups``."""
    when = match_time()
    sentiment = case((KeywordMatch.comment_id.is_(None), Post.sentiment), else_=Comment.sentiment)
    clauses = []
    if keywords:
        clauses.append(func.lower(KeywordMatch.keyword).in_([k.lower() for k in keywords]))
    if groups:
        clauses.append(KeywordMatch.keyword_group.in_(list(groups)))
    query = (
        select(KeywordMatch.post_id, KeywordMatch.comment_id, when.label("at"), sentiment.label("s"))
        .select_from(KeywordMatch)
        .join(Post, Post.id == KeywordMatch.post_id)
        .outerjoin(Comment, Comment.id == KeywordMatch.comment_id)
        .where(when >= start, when < end, *clauses)
    )
    out: dict[Key, Mention] = {}
    for post_id, comment_id, at, s in conn.execute(query):
        out.setdefault((post_id, comment_id), Mention((post_id, comment_id), _utc(at), s))
    return sorted(out.values(), key=lambda m: m.when)


def query_mentions(conn: Connection, query: str, start: datetime, end: datetime) -> list[Mention]:
    """Items that ``doclisten search QUERY`` finds, published in [start, end)."""
    keys = [
        ((h.post_id, h.comment_id), h.published_at)
        for h in search(conn, query)
        if h.published_at is not None and start <= h.published_at < end
    ]
    moods = _sentiments(conn, [k for k, _ in keys])
    return sorted((Mention(k, w, moods.get(k)) for k, w in keys), key=lambda m: m.when)


def _sentiments(conn: Connection, keys: Sequence[Key]) -> dict[Key, float | None]:
    out: dict[Key, float | None] = {}
    posts = [p for p, c in keys if c is None]
    comments = [c for _, c in keys if c is not None]
    for chunk in _chunks(posts):
        for pid, s in conn.execute(select(Post.id, Post.sentiment).where(Post.id.in_(chunk))):
            out[(pid, None)] = s
    for chunk in _chunks(comments):
        rows = conn.execute(
            select(Comment.post_id, Comment.id, Comment.sentiment).where(Comment.id.in_(chunk))
        )
        for pid, cid, s in rows:
            out[(pid, cid)] = s
    return out


def _chunks(values: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def details(conn: Connection, keys: Sequence[Key]) -> list[Detail]:
    """The posts and comments of ``keys``: who, where, the text and a link (in ``keys``' order)."""
    found: dict[Key, Detail] = {}
    posts = [p for p, c in keys if c is None]
    comments = [c for _, c in keys if c is not None]
    for chunk in _chunks(posts):
        query = (
            select(Post.id, Post.published_at, Source.title, Post.author, Post.title, Post.url,
                   Post.content_text, Post.language)
            .join(Source, Source.id == Post.source_id)
            .where(Post.id.in_(chunk))
        )  # fmt: skip
        for pid, when, source, author, title, url, body, language in conn.execute(query):
            found[(pid, None)] = Detail(
                (pid, None), _when(when), "post", source, author, title, url, body, language
            )
    for chunk in _chunks(comments):
        rows = (
            select(Comment.post_id, Comment.id, Comment.external_id, Comment.published_at, Source.title,
                   Comment.author, Post.title, Post.url, Comment.content_text, Comment.language)
            .join(Post, Post.id == Comment.post_id)
            .join(Source, Source.id == Post.source_id)
            .where(Comment.id.in_(chunk))
        )  # fmt: skip
        for pid, cid, external, when, source, author, title, url, body, language in conn.execute(rows):
            link = f"{url}#comment-{external}" if external else url
            found[(pid, cid)] = Detail(
                (pid, cid), _when(when), "comment", source, author, title, link, body, language
            )
    return [found[k] for k in keys if k in found]


def cooccurring_keywords(
    conn: Connection, keys: Sequence[Key], exclude: Sequence[str]
) -> list[tuple[str, int]]:
    """The other keywords matched in the same items, with the number of items, most first."""
    counts: dict[str, int] = {}
    skip = {e.lower() for e in exclude}
    for chunk in _chunks(list(keys)):
        pairs = [(p, c if c is not None else 0) for p, c in chunk]
        query = select(KeywordMatch.keyword).where(
            tuple_(KeywordMatch.post_id, func.coalesce(KeywordMatch.comment_id, 0)).in_(pairs)
        )
        for (keyword,) in conn.execute(query):
            if keyword.lower() not in skip:
                counts[keyword] = counts.get(keyword, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
