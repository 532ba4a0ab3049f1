"""Issue 12: a submitted assessment keeps the content it was scored against and its
scored result (content_snapshot table; assessment.content_digest, frozen_result).

Revision ID: 0004_frozen
Revises: 0003_voices
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_frozen'
down_revision = '0003_voices'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('content_snapshot',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest')
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('frozen_result', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('frozen_result')
        batch_op.drop_column('content_digest')
    op.drop_table('content_snapshot')
