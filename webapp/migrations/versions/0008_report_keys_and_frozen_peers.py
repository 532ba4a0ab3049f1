"""Stored report keys and the peer section frozen at submission.

- ``report_key``: for each report variant of an assessment, the cache key of its document
  and the basis it was computed on (webapp/report/service.py ``basis``), so that a download
  of a ready report looks its key up instead of scoring the answers.
- ``assessment.frozen_peers``: the peer section as it was at submission, by language, so that
  the report of a submitted assessment does not change (nor re-render) when the pool does.

Revision ID: 0008_report_keys
Revises: 0007_network_lineage
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_report_keys'
down_revision = '0007_network_lineage'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=40), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('edition', sa.String(length=16), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('bilingual', sa.Boolean(), nullable=False),
        sa.Column('format', sa.String(length=8), nullable=False),
        sa.Column('basis', sa.String(length=64), nullable=False),
        sa.Column('cache_key', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('subject', 'edition', 'language', 'bilingual', 'format', name='uq_report_key_variant'),
    )
    with op.batch_alter_table('report_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_key_assessment_id'), ['assessment_id'], unique=False)
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frozen_peers', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('frozen_peers')
    with op.batch_alter_table('report_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_key_assessment_id'))
    op.drop_table('report_key')
