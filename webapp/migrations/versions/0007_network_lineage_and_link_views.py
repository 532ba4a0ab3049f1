"""Network links under the capability model, and new links shown once after a redirect.

- ``network.join_issued_via``: the lead link the members' link was made through (``n:<tag>``);
  NULL for the one made with the network.
- ``network_member.joined_via`` / ``workspace_via``: the members' link and the town's
  workspace link the town joined through (``j:<tag>``, ``w:<tag>``); existing members are
  stamped with today's links, so nobody leaves on the upgrade.
- ``link_view``: the one-time pad of a new link waiting to be shown after a redirect.

Revision ID: 0007_network_lineage
Revises: 0006_report_queue
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_network_lineage'
down_revision = '0006_report_queue'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.add_column(sa.Column('join_issued_via', sa.String(length=20), nullable=True))
    with op.batch_alter_table('network_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joined_via', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('workspace_via', sa.String(length=20), nullable=True))
    op.execute("UPDATE network_member SET "
               "joined_via = (SELECT 'j:' || substr(network.join_token_hash, 1, 16) FROM network "
               "WHERE network.id = network_member.network_id), "
               "workspace_via = (SELECT 'w:' || substr(workspace.token_hash, 1, 16) FROM workspace "
               "WHERE workspace.id = network_member.workspace_id)")
    op.create_table(
        'link_view',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('pad', sa.String(length=256), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_link_view_created_at'), 'link_view', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_link_view_created_at'), table_name='link_view')
    op.drop_table('link_view')
    with op.batch_alter_table('network_member', schema=None) as batch_op:
        batch_op.drop_column('workspace_via')
        batch_op.drop_column('joined_via')
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_column('join_issued_via')
