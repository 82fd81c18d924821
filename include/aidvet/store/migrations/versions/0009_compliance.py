"""compliance: ownership relations, vetting results, blocking / rejected report drafts (issue 14)

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ownership_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_file_id', sa.Integer(), nullable=False),
    sa.Column('source_record', sa.String(length=250), nullable=False),
    sa.Column('owned_key', sa.String(length=250), nullable=True),
    sa.Column('owner_key', sa.String(length=250), nullable=True),
    sa.Column('owner_name', sa.Text(), nullable=True),
    sa.Column('owner_kind', sa.String(length=20), nullable=True),
    sa.Column('share_percent', sa.String(length=40), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['source_file_id'], ['source_files.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_file_id', 'source_record'))
    op.create_index('ix_ownership_owned', 'ownership_relations', ['owned_key'], unique=False)
    op.create_table('vetting_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_key', sa.String(length=250), nullable=False),
    sa.Column('award_id', sa.String(length=250), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('vetted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.String(length=250), nullable=False),
    sa.Column('key_individuals_hash', sa.String(length=64), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('list_version_ids', sa.JSON(), nullable=False),
    sa.Column('revet_reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('party_key', 'award_id'))
    op.create_table('compliance_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('review_decision_id', sa.Integer(), nullable=False),
    sa.Column('review_item_id', sa.Integer(), nullable=False),
    sa.Column('disbursement_id', sa.String(length=250), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('event_date', sa.String(length=10), nullable=False),
    sa.Column('due_date', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('filed_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['review_decision_id'], ['review_decisions.id'], ),
    sa.ForeignKeyConstraint(['review_item_id'], ['review_items.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('review_decision_id'))


def downgrade() -> None:
    op.drop_table('compliance_reports')
    op.drop_table('vetting_results')
    op.drop_index('ix_ownership_owned', table_name='ownership_relations')
    op.drop_table('ownership_relations')
