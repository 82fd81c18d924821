"""review queue, decisions and whitelist (issue 6)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disbursement_id', sa.String(length=250), nullable=False),
    sa.Column('evidence_hash', sa.String(length=64), nullable=False),
    sa.Column('run_id', sa.String(length=250), nullable=False),
    sa.Column('last_run_id', sa.String(length=250), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assignee', sa.String(length=120), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('best_score', sa.Float(), nullable=True),
    sa.Column('entity_id', sa.String(length=120), nullable=True),
    sa.Column('party_key', sa.String(length=250), nullable=True),
    sa.Column('list_source', sa.String(length=40), nullable=True),
    sa.Column('programs', sa.Text(), nullable=False),
    sa.Column('terrorist', sa.Boolean(), nullable=False),
    sa.Column('country', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['disbursement_id'], ['disbursements.disbursement_id'], ),
    sa.ForeignKeyConstraint(['last_run_id'], ['runs.run_id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['runs.run_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('disbursement_id', 'evidence_hash')
    )
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.create_index('ix_review_items_status', ['status'], unique=False)

    op.create_table('review_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('whitelist', sa.Boolean(), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('approved_by', sa.String(length=120), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approval_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['review_items.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_review_decisions_item', ['item_id'], unique=False)

    op.create_table('whitelist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_key', sa.String(length=250), nullable=False),
    sa.Column('entity_id', sa.String(length=120), nullable=False),
    sa.Column('party_hash', sa.String(length=64), nullable=False),
    sa.Column('entity_hash', sa.String(length=64), nullable=False),
    sa.Column('party_name', sa.Text(), nullable=True),
    sa.Column('entity_name', sa.Text(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=False),
    sa.Column('approved_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=120), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['review_items.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('whitelist_entries', schema=None) as batch_op:
        batch_op.create_index('ix_whitelist_pair', ['party_key', 'entity_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('whitelist_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_whitelist_pair')

    op.drop_table('whitelist_entries')
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_review_decisions_item')

    op.drop_table('review_decisions')
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.drop_index('ix_review_items_status')

    op.drop_table('review_items')
