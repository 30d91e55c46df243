"""connectors: what a connector learnt about a source

Revision ID: 0008
Revises: 0007

``sources.connector_facts`` keeps, per source, what a connector found out while crawling it and needs on
the next crawl, e.g. ``{"disqus_forum": "<shortname>"}`` (the Disqus forum its pages embed, whose
recent-comments feed is polled for new comments on old posts).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("connector_facts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("connector_facts")
