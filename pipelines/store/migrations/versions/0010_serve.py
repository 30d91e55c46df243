"""the mentions view: one row per keyword match, with its day, source, language and mood (doclisten serve's facets)

Revision ID: 0010_serve
Revises: 0007

Plain SQL that runs on SQLite and PostgreSQL; only the date truncation differs (as in 0004).
"""

from alembic import op

revision = "0010_serve"
down_revision = "0009"
branch_labels = None
depends_on = None

# When a match happened, as in 0004: the comment's time for a comment, else the post's; first seen when undated.
WHEN = "coalesce(c.published_at, c.first_seen_at, p.published_at, p.first_seen_at)"


def day(expr: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"date({expr})"
    return f"to_char(({expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


def mentions(dialect: str) -> str:
    # VADER's usual thresholds: compound >= 0.05 positive, <= -0.05 negative
    return f"""
SELECT k.id AS id, {day(WHEN, dialect)} AS day, k.keyword_group AS keyword_group, k.keyword AS keyword,
       p.source_id AS source_id, s.title AS source_title,
       CASE WHEN k.comment_id IS NULL THEN 'post' ELSE 'comment' END AS found_in,
       k.post_id AS post_id, k.comment_id AS comment_id,
       CASE WHEN k.comment_id IS NULL THEN p.author ELSE c.author END AS author,
       CASE WHEN k.comment_id IS NULL THEN p.language ELSE c.language END AS language,
       k.sentiment AS sentiment,
       CASE WHEN k.sentiment IS NULL THEN NULL WHEN k.sentiment >= 0.05 THEN 'positive'
            WHEN k.sentiment <= -0.05 THEN 'negative' ELSE 'neutral' END AS mood,
       k.count AS mentions, k.snippet AS snippet, p.url AS url
FROM keyword_matches k JOIN posts p ON p.id = k.post_id LEFT JOIN comments c ON c.id = k.comment_id
JOIN sources s ON s.id = p.source_id"""


def upgrade() -> None:
    op.execute(f"CREATE VIEW mentions AS {mentions(op.get_bind().dialect.name)}")


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS mentions")
