"""full-text search index: SQLite FTS5 tables or PostgreSQL tsvector columns with GIN indexes

Revision ID: 0005
Revises: 0004

The index holds folded text (see pipelines/store/search_index.py); it is filled here once and kept
in sync by the storage pipeline.
"""

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


def upgrade() -> None:
    from pipelines.store.search_index import reindex_all

    bind = op.get_bind()
    for statement in SQLITE if bind.dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)
    reindex_all(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS search_comments_gone")
        op.execute("DROP TRIGGER IF EXISTS search_posts_gone")
    op.execute("DROP TABLE IF EXISTS search_comments")
    op.execute("DROP TABLE IF EXISTS search_posts")
