"""The full-text index behind ``doclisten search``: SQLite FTS5 or PostgreSQL tsvector + GIN.

Posts (title and body) and comments are indexed as their *folded* text (:mod:`pipelines.keywords.fold`:
lower case, no accents, words separated by spaces), the same form the keyword matcher reads, so the index
finds a superset of what a query matches and the matcher decides exactly. The storage pipeline keeps it in
sync in each item's transaction (``index_post``, ``index_comments``: only what is new or edited); migration
0005 fills it once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from pipelines.keywords.fold import HASH, fold

BATCH = 500
TABLES = ("search_posts", "search_comments")


def is_index_table(name: str | None) -> bool:
    """The index's tables (and SQLite FTS5's shadow tables): created by migration 0005, not by the models."""
    return bool(name) and any(name == t or name.startswith(t + "_") for t in TABLES)  # type: ignore[union-attr]


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: leave the search index out of model comparisons."""
    return not (type_ == "table" and is_index_table(name))


def folded_words(value: str | None) -> str:
    if not value:
        return ""
    return " ".join(fold(value).text.replace(HASH, " ").split())


def post_text(title: str | None, body: str | None) -> str:
    """What a post is searched (and tagged) as: title, blank line, body."""
    return f"{title or ''}\n\n{body or ''}".strip()


def _dialect(db: Any) -> str:
    bind = db.get_bind() if hasattr(db, "get_bind") else db
    return str(bind.dialect.name)


def _upsert_posts(db: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if _dialect(db) == "sqlite":
        sql = "INSERT OR REPLACE INTO search_posts (rowid, post_id, body) VALUES (:id, :id, :body)"
    else:
        sql = (
            "INSERT INTO search_posts (post_id, body) VALUES (:id, to_tsvector('simple', :body)) "
            "ON CONFLICT (post_id) DO UPDATE SET body = EXCLUDED.body"
        )
    db.execute(text(sql), rows)


def _upsert_comments(db: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if _dialect(db) == "sqlite":
        sql = (
            "INSERT OR REPLACE INTO search_comments (rowid, comment_id, post_id, body) "
            "VALUES (:id, :id, :post_id, :body)"
        )
    else:
        sql = (
            "INSERT INTO search_comments (comment_id, post_id, body) "
            "VALUES (:id, :post_id, to_tsvector('simple', :body)) "
            "ON CONFLICT (comment_id) DO UPDATE SET body = EXCLUDED.body"
        )
    db.execute(text(sql), rows)


def index_post(db: Any, post_id: int, title: str | None, body: str | None) -> None:
    """(Re)index one post; ``db`` is a Session or Connection (the caller owns the transaction)."""
    _upsert_posts(db, [{"id": post_id, "body": folded_words(post_text(title, body))}])


def index_comments(db: Any, post_id: int, texts: dict[int, str]) -> None:
    """(Re)index these comments of a post (comment id -> text: the ones new or edited), in one statement."""
    _upsert_comments(
        db, [{"id": cid, "post_id": post_id, "body": folded_words(t)} for cid, t in texts.items()]
    )


def reindex_all(db: Any) -> None:
    """Index everything stored (used by the migration that creates the index)."""
    last = 0
    while posts := db.execute(
        text("SELECT id, title, content_text FROM posts WHERE id > :last ORDER BY id LIMIT :n"),
        {"last": last, "n": BATCH},
    ).all():
        _upsert_posts(db, [{"id": i, "body": folded_words(post_text(t, b))} for i, t, b in posts])
        last = posts[-1][0]
    last = 0
    while comments := db.execute(
        text("SELECT id, post_id, content_text FROM comments WHERE id > :last ORDER BY id LIMIT :n"),
        {"last": last, "n": BATCH},
    ).all():
        _upsert_comments(db, [{"id": i, "post_id": p, "body": folded_words(b)} for i, p, b in comments])
        last = comments[-1][0]
