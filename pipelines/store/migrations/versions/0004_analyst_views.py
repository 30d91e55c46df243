"""analyst views: mentions per day/week, share of voice, top sources/authors, sentiment, comment activity

Revision ID: 0004
Revises: 0003

Every view is plain SQL that runs on SQLite and PostgreSQL; only the date truncation differs.
Days and weeks are text ``YYYY-MM-DD`` (a week is named by its Monday, UTC) on both databases.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# When a match happened: the comment's time for a comment, else the post's; first seen when undated.
WHEN = "coalesce(c.published_at, c.first_seen_at, p.published_at, p.first_seen_at)"
MATCHES = (
    "keyword_matches k JOIN posts p ON p.id = k.post_id LEFT JOIN comments c ON c.id = k.comment_id"
)


def day(expr: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"date({expr})"
    return f"to_char(({expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


def week(expr: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"date({expr}, 'weekday 0', '-6 days')"
    return f"to_char(date_trunc('week', ({expr}) AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"


def mentions(period: str, bucket: str) -> str:
    return f"""
SELECT {bucket} AS {period}, k.keyword_group AS keyword_group, k.keyword AS keyword,
       sum(k.count) AS mentions, count(*) AS matches,
       count(DISTINCT k.post_id) AS posts, count(k.comment_id) AS comments
FROM {MATCHES}
GROUP BY {bucket}, k.keyword_group, k.keyword"""


def views(dialect: str) -> dict[str, str]:
    return {
        "mentions_per_day": mentions("day", day(WHEN, dialect)),
        "mentions_per_week": mentions("week", week(WHEN, dialect)),
        "share_of_voice_weekly": """
SELECT m.week AS week, m.keyword_group AS keyword_group, m.keyword AS keyword, m.mentions AS mentions,
       t.group_mentions AS group_mentions, 1.0 * m.mentions / t.group_mentions AS share
FROM mentions_per_week m
JOIN (SELECT week, keyword_group, sum(mentions) AS group_mentions
      FROM mentions_per_week GROUP BY week, keyword_group) t
  ON t.week = m.week AND t.keyword_group = m.keyword_group""",
        "mentions_by_source": f"""
SELECT s.id AS source_id, s.title AS source_title, s.home_url AS home_url,
       k.keyword_group AS keyword_group, k.keyword AS keyword,
       sum(k.count) AS mentions, count(*) AS matches, count(DISTINCT k.post_id) AS posts
FROM {MATCHES} JOIN sources s ON s.id = p.source_id
GROUP BY s.id, s.title, s.home_url, k.keyword_group, k.keyword""",
        "mentions_by_author": f"""
SELECT CASE WHEN k.comment_id IS NULL THEN p.author ELSE c.author END AS author,
       k.keyword_group AS keyword_group, k.keyword AS keyword,
       sum(k.count) AS mentions, count(*) AS matches,
       sum(CASE WHEN k.comment_id IS NULL THEN 1 ELSE 0 END) AS in_posts,
       count(k.comment_id) AS in_comments
FROM {MATCHES}
GROUP BY CASE WHEN k.comment_id IS NULL THEN p.author ELSE c.author END, k.keyword_group, k.keyword""",
        "sentiment_per_week": f"""
SELECT {week(WHEN, dialect)} AS week, k.keyword_group AS keyword_group, k.keyword AS keyword,
       count(k.sentiment) AS matches, avg(k.sentiment) AS mean_sentiment,
       min(k.sentiment) AS min_sentiment, max(k.sentiment) AS max_sentiment
FROM {MATCHES}
GROUP BY {week(WHEN, dialect)}, k.keyword_group, k.keyword""",
        "comment_activity": """
SELECT p.id AS post_id, p.source_id AS source_id, p.title AS title, p.url AS url,
       p.published_at AS published_at, count(c.id) AS comments, count(c.parent_id) AS replies,
       count(DISTINCT c.author) AS commenters, min(c.published_at) AS first_comment_at,
       max(c.published_at) AS last_comment_at
FROM posts p LEFT JOIN comments c ON c.post_id = p.id
GROUP BY p.id, p.source_id, p.title, p.url, p.published_at""",
    }


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, sql in views(dialect).items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in reversed(list(views(dialect))):
        op.execute(f"DROP VIEW IF EXISTS {name}")
