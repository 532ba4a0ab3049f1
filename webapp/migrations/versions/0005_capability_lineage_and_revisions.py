"""Capability lineage (issue 14) and per-assessment answer revisions.

- ``assessment.issued_via``: the link a re-assessment's resume link was made through
  (``w:<tag>`` of its workspace link); NULL for a resume link made at the start.
- ``assessment.workspace_via``: for the assessment a workspace was opened from, the tag of
  the resume link it was opened with (``r:<tag>``); NULL when it joined through the
  workspace link (a re-assessment).
- ``invitation.issued_via``: the link a contributor link was made through (``r:`` or ``w:``).
- ``assessment.answer_revision``: the last revision given to any of its answers, so that an
  answer cleared and given again never gets a revision a stale page still holds.

Revision ID: 0005_capabilities
Revises: 0004_frozen
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_capabilities'
down_revision = '0004_frozen'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issued_via', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('workspace_via', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('answer_revision', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issued_via', sa.String(length=20), nullable=True))
    # Start each counter above every revision in use.
    op.execute("UPDATE assessment SET answer_revision = COALESCE("
               "(SELECT MAX(answer.revision) FROM answer WHERE answer.assessment_id = assessment.id), 0)")


def downgrade() -> None:
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('issued_via')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('answer_revision')
        batch_op.drop_column('workspace_via')
        batch_op.drop_column('issued_via')
