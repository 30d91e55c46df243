"""fewer requests: robots.txt kept per host; the site comment feed's schedule; closed optional endpoints

Revision ID: 0007
Revises: 0006

``robots_txt`` keeps a host's robots.txt answer (2xx or 4xx) until it expires (its Cache-Control, at most
24 h, RFC 9309), so a crawl does not ask it again. ``sources`` gains the state of the site-wide comment
feed's own decaying schedule and the optional endpoints (REST API, site comment feed) that answered
401/403/404, which are not asked again for a week.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "robots_txt",
        sa.Column("host", sa.String(length=512), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("host"),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comments_feed_checked_at", TS, nullable=True))
        batch_op.add_column(sa.Column("comments_feed_new_at", TS, nullable=True))
        batch_op.add_column(
            sa.Column("comments_feed_polls", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("closed_endpoints", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("closed_endpoints")
        batch_op.drop_column("comments_feed_polls")
        batch_op.drop_column("comments_feed_new_at")
        batch_op.drop_column("comments_feed_checked_at")
    op.drop_table("robots_txt")
