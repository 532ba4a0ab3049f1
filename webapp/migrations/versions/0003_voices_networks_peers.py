"""Issue 15: per-person invitations (label, role), the owner's role and name display,
agreed answers, networks of towns and their members, the anonymous peer pool.

Revision ID: 0003_voices
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_voices'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_role', sa.String(length=32), server_default='government', nullable=False))
        batch_op.add_column(sa.Column('show_names', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('role', sa.String(length=32), server_default='', nullable=False))

    op.create_table('agreed_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('views', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'question_id', name='uq_agreed_question')
    )
    op.create_index('ix_agreed_answer_assessment_id', 'agreed_answer', ['assessment_id'])

    op.create_table('network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('join_token_hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_network_public_id', 'network', ['public_id'], unique=True)
    op.create_index('ix_network_token_hash', 'network', ['token_hash'], unique=True)
    op.create_index('ix_network_join_token_hash', 'network', ['join_token_hash'], unique=True)

    op.create_table('network_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('share_details', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('network_id', 'workspace_id', name='uq_network_member')
    )
    op.create_index('ix_network_member_network_id', 'network_member', ['network_id'])
    op.create_index('ix_network_member_workspace_id', 'network_member', ['workspace_id'])

    op.create_table('peer_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('population_band', sa.String(length=32), nullable=False),
    sa.Column('country', sa.String(length=80), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_peer_entry_assessment_id', 'peer_entry', ['assessment_id'], unique=True)
    op.create_index('ix_peer_entry_workspace_id', 'peer_entry', ['workspace_id'])


def downgrade() -> None:
    op.drop_table('peer_entry')
    op.drop_table('network_member')
    op.drop_table('network')
    op.drop_table('agreed_answer')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('role')
        batch_op.drop_column('label')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('show_names')
        batch_op.drop_column('owner_role')
