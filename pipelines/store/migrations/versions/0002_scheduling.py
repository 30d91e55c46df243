"""scheduling state: adaptive intervals, embedded-queue leases, comment re-checks

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("interval_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("min_interval_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("max_interval_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("crawl_count", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("lease_token", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("comments_checked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("comments_checked_at")
    with op.batch_alter_table("sources") as batch:
        for column in (
            "lease_until",
            "lease_token",
            "crawl_count",
            "max_interval_seconds",
            "min_interval_seconds",
            "interval_seconds",
        ):
            batch.drop_column(column)
