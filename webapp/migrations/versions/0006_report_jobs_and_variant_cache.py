"""Report render jobs (the task queue's state, shared by every web server) and a document
cache that keeps each variant (edition, language, bilingual, format) of a subject (an
assessment, a network) with its size, so that the cache can be bounded.

The old cache kept one PDF per assessment without saying which variant it was: it is a
cache, so it is dropped and rebuilt rather than guessed.

Revision ID: 0006_report_queue
Revises: 0005_capabilities
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_report_queue'
down_revision = '0005_capabilities'
branch_labels = None
depends_on = None


def _owner_columns() -> list:
    return [
        sa.Column('subject', sa.String(length=40), nullable=False),
        sa.Column('assessment_id', sa.Integer(), sa.ForeignKey('assessment.id', ondelete='CASCADE'), nullable=True),
        sa.Column('network_id', sa.Integer(), sa.ForeignKey('network.id', ondelete='CASCADE'), nullable=True),
        sa.Column('cache_key', sa.String(length=64), nullable=False),
        sa.Column('edition', sa.String(length=16), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('bilingual', sa.Boolean(), nullable=False),
        sa.Column('format', sa.String(length=8), nullable=False),
    ]


def upgrade() -> None:
    op.drop_table('report_cache')
    op.create_table(
        'report_cache',
        sa.Column('id', sa.Integer(), primary_key=True),
        *_owner_columns(),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('subject', 'edition', 'language', 'bilingual', 'format', name='uq_report_cache_variant'),
    )
    op.create_index('ix_report_cache_cache_key', 'report_cache', ['cache_key'])
    op.create_index('ix_report_cache_created_at', 'report_cache', ['created_at'])
    op.create_index('ix_report_cache_assessment_id', 'report_cache', ['assessment_id'])
    op.create_index('ix_report_cache_network_id', 'report_cache', ['network_id'])

    op.create_table(
        'report_job',
        sa.Column('id', sa.Integer(), primary_key=True),
        *_owner_columns(),
        sa.Column('source', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint('subject', 'cache_key', name='uq_report_job_key'),
    )
    op.create_index('ix_report_job_status', 'report_job', ['status'])
    op.create_index('ix_report_job_assessment_id', 'report_job', ['assessment_id'])
    op.create_index('ix_report_job_network_id', 'report_job', ['network_id'])


def downgrade() -> None:
    op.drop_table('report_job')
    op.drop_table('report_cache')
    op.create_table(
        'report_cache',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('assessment_id', sa.Integer(), sa.ForeignKey('assessment.id', ondelete='CASCADE'), nullable=False),
        sa.Column('cache_key', sa.String(length=64), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index('ix_report_cache_assessment_id', 'report_cache', ['assessment_id'])
    op.create_index('ix_report_cache_cache_key', 'report_cache', ['cache_key'])
