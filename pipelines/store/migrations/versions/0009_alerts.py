"""alerts: alert state, alerts and their deliveries; unique authors and replies received (views)

Revision ID: 0009
Revises: 0007

``alert_state`` keeps, per alert rule (its name in alerts.toml), whether the rule is in a spike, so that a
spike gives one alert however many checks see it. ``alerts`` keeps each alert with its reasons (JSON), and
``alert_deliveries`` each channel's delivery: sent, or failed with its attempts and last error (retried by
later checks).

Views (plain SQL on SQLite and PostgreSQL, as in 0004):
- ``unique_authors_per_day`` / ``unique_authors_per_week``: per period and keyword, the mentions and the
  number of distinct authors who made them.
- ``author_replies``: per author, the posts and comments written and the replies received (comments whose
  parent comment is theirs, and top-level comments on their posts; their own replies excluded), with the
  number of distinct repliers.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

WHEN = "coalesce(c.published_at, c.first_seen_at, p.published_at, p.first_seen_at)"
MATCHES = (
    "keyword_matches k JOIN posts p ON p.id = k.post_id LEFT JOIN comments c ON c.id = k.comment_id"
)
AUTHOR = "CASE WHEN k.comment_id IS NULL THEN p.author ELSE c.author END"


def day(expr: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"date({expr})"
    return f"to_char(({expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


def week(expr: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"date({expr}, 'weekday 0', '-6 days')"
    return f"to_char(date_trunc('week', ({expr}) AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"


def unique_authors(period: str, bucket: str) -> str:
    return f"""
SELECT {bucket} AS {period}, k.keyword_group AS keyword_group, k.keyword AS keyword,
       sum(k.count) AS mentions, count(*) AS matches, count(DISTINCT {AUTHOR}) AS unique_authors
FROM {MATCHES}
GROUP BY {bucket}, k.keyword_group, k.keyword"""


# what each author wrote, and each reply with the author it answers (a comment's parent comment's author,
# or the post's author for a top-level comment)
AUTHOR_REPLIES = """
SELECT w.author AS author, sum(w.posts) AS posts, sum(w.comments) AS comments,
       coalesce(max(r.replies_received), 0) AS replies_received, coalesce(max(r.repliers), 0) AS repliers
FROM (SELECT author, 1 AS posts, 0 AS comments FROM posts WHERE author IS NOT NULL
      UNION ALL
      SELECT author, 0, 1 FROM comments WHERE author IS NOT NULL) w
LEFT JOIN (
    SELECT t.answered AS author, count(*) AS replies_received, count(DISTINCT t.replier) AS repliers
    FROM (SELECT CASE WHEN c.parent_id IS NULL THEN p.author ELSE pc.author END AS answered,
                 c.author AS replier
          FROM comments c JOIN posts p ON p.id = c.post_id
          LEFT JOIN comments pc ON pc.id = c.parent_id) t
    WHERE t.answered IS NOT NULL AND (t.replier IS NULL OR t.replier <> t.answered)
    GROUP BY t.answered) r ON r.author = w.author
GROUP BY w.author"""


def views(dialect: str) -> dict[str, str]:
    return {
        "unique_authors_per_day": unique_authors("day", day(WHEN, dialect)),
        "unique_authors_per_week": unique_authors("week", week(WHEN, dialect)),
        "author_replies": AUTHOR_REPLIES,
    }


def upgrade() -> None:
    op.create_table(
        "alert_state",
        sa.Column("rule", sa.String(length=256), nullable=False),
        sa.Column("in_spike", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("spike_alert_id", BigId, nullable=True),
        sa.Column("checked_at", TS, nullable=True),
        sa.Column("last_count", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("rule"),
    )
    op.create_table(
        "alerts",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("rule", sa.String(length=256), nullable=False),
        sa.Column("fired_at", TS, nullable=False),
        sa.Column("window_start", TS, nullable=False),
        sa.Column("window_end", TS, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("upper", sa.Integer(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alerts_rule_fired", "alerts", ["rule", "fired_at"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("alert_id", BigId, sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=2048), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_attempt_at", TS, nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_id", "channel", "target", name="uq_alert_deliveries"),
    )
    op.create_index("ix_alert_deliveries_status", "alert_deliveries", ["status"])
    dialect = op.get_bind().dialect.name
    for name, sql in views(dialect).items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in reversed(list(views(dialect))):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.drop_index("ix_alert_deliveries_status", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_index("ix_alerts_rule_fired", table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("alert_state")
