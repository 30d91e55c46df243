"""privacy: erasure audit, suppression list, upstream deletions, consent signals; views without deleted items

Revision ID: 0011_privacy
Revises: 0010_serve

``erasures`` records each erasure and purge (what kind of selector, a hash of its value, why, how many rows)
— never the content. ``suppressions`` holds the keyed hashes (post URL, comment key, author name or URL,
source home) that later crawls must not bring back, and the post URLs a site asked not to index
(``noindex``, which do not block a later page without it). ``posts.deleted_at`` / ``comments.deleted_at``:
gone upstream (410/404, or missing from a complete fetch of the thread), purged after a grace period;
``comments.erased_at``: a tombstone (text and identity removed, the row keeps its place in the thread);
``posts.text_withheld``: the page said ``noarchive`` (metadata and keyword counts only).

The analyst views of 0004, 0009 (unique authors, replies received) and 0010 (``mentions``) are redefined to
leave deleted posts and comments (and tombstones) out.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_privacy"
down_revision = "0010_serve"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

WHEN = "coalesce(c.published_at, c.first_seen_at, p.published_at, p.first_seen_at)"
OLD_MATCHES = (
    "keyword_matches k JOIN posts p ON p.id = k.post_id LEFT JOIN comments c ON c.id = k.comment_id"
)
# a match counts while its post (and its comment, when it is one) is not deleted
MATCHES = (
    "keyword_matches k JOIN posts p ON p.id = k.post_id AND p.deleted_at IS NULL "
    "LEFT JOIN comments c ON c.id = k.comment_id"
)
LIVE = "WHERE (k.comment_id IS NULL OR (c.deleted_at IS NULL AND c.erased_at IS NULL))"


def day(expr: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"date({expr})"
    return f"to_char(({expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


def week(expr: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"date({expr}, 'weekday 0', '-6 days')"
    return f"to_char(date_trunc('week', ({expr}) AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"


def views(dialect: str, live: bool) -> dict[str, str]:
    """The 0004 views; ``live``: without deleted posts, deleted comments and tombstones."""
    matches = MATCHES if live else OLD_MATCHES
    where = LIVE if live else ""
    comment_join = (
        "LEFT JOIN comments c ON c.post_id = p.id AND c.deleted_at IS NULL AND c.erased_at IS NULL"
        if live
        else "LEFT JOIN comments c ON c.post_id = p.id"
    )
    posts_where = "WHERE p.deleted_at IS NULL" if live else ""

    def mentions(period: str, bucket: str) -> str:
        return f"""
SELECT {bucket} AS {period}, k.keyword_group AS keyword_group, k.keyword AS keyword,
       sum(k.count) AS mentions, count(*) AS matches,
       count(DISTINCT k.post_id) AS posts, count(k.comment_id) AS comments
FROM {matches} {where}
GROUP BY {bucket}, k.keyword_group, k.keyword"""

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
FROM {matches} JOIN sources s ON s.id = p.source_id {where}
GROUP BY s.id, s.title, s.home_url, k.keyword_group, k.keyword""",
        "mentions_by_author": f"""
SELECT CASE WHEN k.comment_id IS NULL THEN p.author ELSE c.author END AS author,
       k.keyword_group AS keyword_group, k.keyword AS keyword,
       sum(k.count) AS mentions, count(*) AS matches,
       sum(CASE WHEN k.comment_id IS NULL THEN 1 ELSE 0 END) AS in_posts,
       count(k.comment_id) AS in_comments
FROM {matches} {where}
GROUP BY CASE WHEN k.comment_id IS NULL THEN p.author ELSE c.author END, k.keyword_group, k.keyword""",
        "sentiment_per_week": f"""
SELECT {week(WHEN, dialect)} AS week, k.keyword_group AS keyword_group, k.keyword AS keyword,
       count(k.sentiment) AS matches, avg(k.sentiment) AS mean_sentiment,
       min(k.sentiment) AS min_sentiment, max(k.sentiment) AS max_sentiment
FROM {matches} {where}
GROUP BY {week(WHEN, dialect)}, k.keyword_group, k.keyword""",
        "comment_activity": f"""
SELECT p.id AS post_id, p.source_id AS source_id, p.title AS title, p.url AS url,
       p.published_at AS published_at, count(c.id) AS comments, count(c.parent_id) AS replies,
       count(DISTINCT c.author) AS commenters, min(c.published_at) AS first_comment_at,
       max(c.published_at) AS last_comment_at
FROM posts p {comment_join} {posts_where}
GROUP BY p.id, p.source_id, p.title, p.url, p.published_at""",
    }


def later_views(dialect: str, live: bool) -> dict[str, str]:
    """The views of 0009 and 0010; ``live``: without deleted posts, deleted comments and tombstones."""
    matches = MATCHES if live else OLD_MATCHES
    where = LIVE if live else ""
    author = "CASE WHEN k.comment_id IS NULL THEN p.author ELSE c.author END"
    post_alive = " AND deleted_at IS NULL" if live else ""
    comment_alive = " AND deleted_at IS NULL AND erased_at IS NULL" if live else ""
    replies_join = "JOIN posts p ON p.id = c.post_id" + (" AND p.deleted_at IS NULL" if live else "")
    parent_join = "LEFT JOIN comments pc ON pc.id = c.parent_id" + (
        " AND pc.deleted_at IS NULL AND pc.erased_at IS NULL" if live else ""
    )
    replies_where = " AND c.deleted_at IS NULL AND c.erased_at IS NULL" if live else ""

    def unique_authors(period: str, bucket: str) -> str:
        return f"""
SELECT {bucket} AS {period}, k.keyword_group AS keyword_group, k.keyword AS keyword,
       sum(k.count) AS mentions, count(*) AS matches, count(DISTINCT {author}) AS unique_authors
FROM {matches} {where}
GROUP BY {bucket}, k.keyword_group, k.keyword"""

    return {
        "unique_authors_per_day": unique_authors("day", day(WHEN, dialect)),
        "unique_authors_per_week": unique_authors("week", week(WHEN, dialect)),
        "author_replies": f"""
SELECT w.author AS author, sum(w.posts) AS posts, sum(w.comments) AS comments,
       coalesce(max(r.replies_received), 0) AS replies_received, coalesce(max(r.repliers), 0) AS repliers
FROM (SELECT author, 1 AS posts, 0 AS comments FROM posts WHERE author IS NOT NULL{post_alive}
      UNION ALL
      SELECT author, 0, 1 FROM comments WHERE author IS NOT NULL{comment_alive}) w
LEFT JOIN (
    SELECT t.answered AS author, count(*) AS replies_received, count(DISTINCT t.replier) AS repliers
    FROM (SELECT CASE WHEN c.parent_id IS NULL THEN p.author ELSE pc.author END AS answered,
                 c.author AS replier
          FROM comments c {replies_join}
          {parent_join}
          WHERE 1 = 1{replies_where}) t
    WHERE t.answered IS NOT NULL AND (t.replier IS NULL OR t.replier <> t.answered)
    GROUP BY t.answered) r ON r.author = w.author
GROUP BY w.author""",
        "mentions": f"""
SELECT k.id AS id, {day(WHEN, dialect)} AS day, k.keyword_group AS keyword_group, k.keyword AS keyword,
       p.source_id AS source_id, s.title AS source_title,
       CASE WHEN k.comment_id IS NULL THEN 'post' ELSE 'comment' END AS found_in,
       k.post_id AS post_id, k.comment_id AS comment_id,
       {author} AS author,
       CASE WHEN k.comment_id IS NULL THEN p.language ELSE c.language END AS language,
       k.sentiment AS sentiment,
       CASE WHEN k.sentiment IS NULL THEN NULL WHEN k.sentiment >= 0.05 THEN 'positive'
            WHEN k.sentiment <= -0.05 THEN 'negative' ELSE 'neutral' END AS mood,
       k.count AS mentions, k.snippet AS snippet, p.url AS url
FROM {matches}
JOIN sources s ON s.id = p.source_id {where}""",
    }


def _replace_views(live: bool) -> None:
    dialect = op.get_bind().dialect.name
    defined = {**views(dialect, live), **later_views(dialect, live)}
    for name in reversed(list(defined)):  # share_of_voice_weekly reads mentions_per_week
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for name, sql in defined.items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("erased_at", TS, nullable=False),
        sa.Column("selector", sa.String(length=32), nullable=False),
        sa.Column("selector_hash", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("posts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("comments", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("matches", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("sources", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("spooled", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "suppressions",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("erasure_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["erasure_id"], ["erasures.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_suppressions_source_kind", "suppressions", ["source_id", "kind"])
    # plain ADD COLUMN (no table rebuild: the posts and comments tables keep their views and FTS triggers)
    op.add_column("posts", sa.Column("deleted_at", TS, nullable=True))
    op.add_column("posts", sa.Column("text_withheld", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_posts_deleted_at", "posts", ["deleted_at"])
    op.add_column("comments", sa.Column("deleted_at", TS, nullable=True))
    op.add_column("comments", sa.Column("erased_at", TS, nullable=True))
    op.create_index("ix_comments_deleted_at", "comments", ["deleted_at"])
    _replace_views(live=True)


def downgrade() -> None:
    _replace_views(live=False)
    op.drop_index("ix_comments_deleted_at", table_name="comments")
    op.drop_index("ix_posts_deleted_at", table_name="posts")
    for table, column in (
        ("comments", "erased_at"),
        ("comments", "deleted_at"),
        ("posts", "text_withheld"),
        ("posts", "deleted_at"),
    ):  # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): no rebuild, the views are redefined around it
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_index("ix_suppressions_source_kind", table_name="suppressions")
    op.drop_table("suppressions")
    op.drop_table("erasures")
