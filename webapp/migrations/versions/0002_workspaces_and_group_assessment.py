"""Issue 5: town workspaces (own capability link), contributor invitations and contributions.

Assessments gain a nullable workspace and the owner's choice to share contributions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 08:29:54.660282
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workspace',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('town', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workspace_public_id'), ['public_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_workspace_token_hash'), ['token_hash'], unique=True)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_public_id'), ['public_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_invitation_token_hash'), ['token_hash'], unique=True)

    op.create_table('contribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contribution_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contribution_public_id'), ['public_id'], unique=True)

    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workspace_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('share_contributions', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_assessment_workspace_id'), ['workspace_id'], unique=False)
        batch_op.create_foreign_key('fk_assessment_workspace_id', 'workspace', ['workspace_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_assessment_workspace_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_assessment_workspace_id'))
        batch_op.drop_column('share_contributions')
        batch_op.drop_column('workspace_id')

    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_public_id'))
        batch_op.drop_index(batch_op.f('ix_contribution_invitation_id'))
        batch_op.drop_index(batch_op.f('ix_contribution_assessment_id'))

    op.drop_table('contribution')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_token_hash'))
        batch_op.drop_index(batch_op.f('ix_invitation_public_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_assessment_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workspace_token_hash'))
        batch_op.drop_index(batch_op.f('ix_workspace_public_id'))

    op.drop_table('workspace')
