"""near-duplicate index: MinHash signatures and LSH band keys; index on posts.duplicate_of

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('neardup_signatures',
    sa.Column('post_id', BigId, nullable=False),
    sa.Column('words', sa.Integer(), nullable=False),
    sa.Column('minhash', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id')
    )
    op.create_table('neardup_bands',
    sa.Column('post_id', BigId, nullable=False),
    sa.Column('band', sa.SmallInteger(), nullable=False),
    sa.Column('hash', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'band')
    )
    with op.batch_alter_table('neardup_bands', schema=None) as batch_op:
        batch_op.create_index('ix_neardup_bands_hash', ['hash'], unique=False)
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_duplicate_of', ['duplicate_of'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_duplicate_of')
    with op.batch_alter_table('neardup_bands', schema=None) as batch_op:
        batch_op.drop_index('ix_neardup_bands_hash')
    op.drop_table('neardup_bands')
    op.drop_table('neardup_signatures')
