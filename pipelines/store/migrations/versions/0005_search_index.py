"""full-text search index: SQLite FTS5 tables or PostgreSQL tsvector columns with GIN indexes

Revision ID: 0005
Revises: 0004

The index holds folded text (see pipelines/store/search_index.py); it is filled here once and kept
in sync by the storage pipeline. Like every migration, this one imports no doclisten code: the folding
and the SQL it fills the index with are frozen here as they were at this revision, so later changes
to the live code cannot change what it does.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"

SQLITE = [
    f"CREATE VIRTUAL TABLE search_posts USING fts5(post_id UNINDEXED, body, {TOKENIZE})",
    f"CREATE VIRTUAL TABLE search_comments USING fts5(comment_id UNINDEXED, post_id UNINDEXED, body, {TOKENIZE})",
    "CREATE TRIGGER search_posts_gone AFTER DELETE ON posts BEGIN "
    "DELETE FROM search_posts WHERE rowid = old.id; END",
    "CREATE TRIGGER search_comments_gone AFTER DELETE ON comments BEGIN "
    "DELETE FROM search_comments WHERE rowid = old.id; END",
]
POSTGRESQL = [
    "CREATE TABLE search_posts (post_id BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE, "
    "body TSVECTOR NOT NULL)",
    "CREATE INDEX ix_search_posts_body ON search_posts USING GIN (body)",
    "CREATE TABLE search_comments (comment_id BIGINT PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE, "
    "post_id BIGINT NOT NULL, body TSVECTOR NOT NULL)",
    "CREATE INDEX ix_search_comments_body ON search_comments USING GIN (body)",
]


BATCH = 500
UPSERT_SQLITE = {
    "posts": "INSERT OR REPLACE INTO search_posts (rowid, post_id, body) VALUES (:id, :id, :body)",
    "comments": "INSERT OR REPLACE INTO search_comments (rowid, comment_id, post_id, body) "
    "VALUES (:id, :id, :post_id, :body)",
}
UPSERT_POSTGRESQL = {
    "posts": "INSERT INTO search_posts (post_id, body) VALUES (:id, to_tsvector('simple', :body)) "
    "ON CONFLICT (post_id) DO UPDATE SET body = EXCLUDED.body",
    "comments": "INSERT INTO search_comments (comment_id, post_id, body) "
    "VALUES (:id, :post_id, to_tsvector('simple', :body)) "
    "ON CONFLICT (comment_id) DO UPDATE SET body = EXCLUDED.body",
}


def _fold_char(char: str) -> str:
    """Letters and digits lower-cased without accents; anything else (``#`` too) a separator."""
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return "".join(ch if ch.isalnum() else " " for ch in base)


def folded_words(value: str | None) -> str:
    """The indexed form of a text: folded words separated by single spaces."""
    return " ".join("".join(_fold_char(ch) for ch in value or "").split())


def _fill(bind: sa.Connection) -> None:
    upsert = UPSERT_SQLITE if bind.dialect.name == "sqlite" else UPSERT_POSTGRESQL
    queries = {
        "posts": "SELECT id, title, content_text FROM posts WHERE id > :last ORDER BY id LIMIT :n",
        "comments": "SELECT id, post_id, content_text FROM comments WHERE id > :last ORDER BY id LIMIT :n",
    }
    for table, query in queries.items():
        last = 0
        while rows := bind.execute(sa.text(query), {"last": last, "n": BATCH}).all():
            if table == "posts":  # what a post is searched as: title, blank line, body
                values = [
                    {"id": i, "body": folded_words(f"{t or ''}\n\n{b or ''}".strip())} for i, t, b in rows
                ]
            else:
                values = [{"id": i, "post_id": p, "body": folded_words(b)} for i, p, b in rows]
            bind.execute(sa.text(upsert[table]), values)
            last = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    for statement in SQLITE if bind.dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)
    _fill(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS search_comments_gone")
        op.execute("DROP TRIGGER IF EXISTS search_posts_gone")
    op.execute("DROP TABLE IF EXISTS search_comments")
    op.execute("DROP TABLE IF EXISTS search_posts")
