"""near-duplicate buckets read in post_id order: index neardup_bands (hash, post_id) instead of (hash)

Revision ID: 0006
Revises: 0005

Linking reads at most a few posts of each band bucket, the first stored; with post_id in the index
that is a range scan that stops early, however many posts share the key (10,000 copies of one body
put 10,000 rows in each of its 32 buckets). Existing links need no change: every cluster already
points at its earliest post.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("neardup_bands", schema=None) as batch_op:
        batch_op.create_index("ix_neardup_bands_hash_post", ["hash", "post_id"], unique=False)
        batch_op.drop_index("ix_neardup_bands_hash")


def downgrade() -> None:
    with op.batch_alter_table("neardup_bands", schema=None) as batch_op:
        batch_op.create_index("ix_neardup_bands_hash", ["hash"], unique=False)
        batch_op.drop_index("ix_neardup_bands_hash_post")
