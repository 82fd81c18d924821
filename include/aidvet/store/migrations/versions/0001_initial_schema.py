"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('run_id', sa.String(length=250), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('hash'),
    sa.UniqueConstraint('prev_hash')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_run_id'), ['run_id'], unique=False)

    op.create_table('list_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('retrieved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.String(length=40), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source', 'sha256')
    )
    op.create_table('parties',
    sa.Column('party_key', sa.String(length=250), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=80), nullable=True),
    sa.Column('date_of_birth', sa.String(length=40), nullable=True),
    sa.Column('id_number', sa.String(length=120), nullable=True),
    sa.Column('id_type', sa.String(length=80), nullable=True),
    sa.Column('nationality', sa.String(length=80), nullable=True),
    sa.Column('parent_key', sa.String(length=250), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('party_key')
    )
    op.create_table('runs',
    sa.Column('run_id', sa.String(length=250), nullable=False),
    sa.Column('dag_run_id', sa.String(length=250), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('policy_hash', sa.String(length=64), nullable=True),
    sa.Column('code_version', sa.String(length=80), nullable=True),
    sa.Column('list_version_ids', sa.JSON(), nullable=False),
    sa.Column('screening_unavailable', sa.Text(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('manifest_uri', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('run_id')
    )
    op.create_table('source_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=40), nullable=False),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('record_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    op.create_table('awards',
    sa.Column('award_id', sa.String(length=250), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('prime_party_key', sa.String(length=250), nullable=True),
    sa.Column('country', sa.String(length=80), nullable=True),
    sa.Column('source_file_id', sa.Integer(), nullable=True),
    sa.Column('source_record', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['source_file_id'], ['source_files.id'], ),
    sa.PrimaryKeyConstraint('award_id')
    )
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.String(length=250), nullable=False),
    sa.Column('disbursement_id', sa.String(length=250), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('policy_hash', sa.String(length=64), nullable=True),
    sa.Column('list_version_ids', sa.JSON(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['runs.run_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_run_item', ['run_id', 'disbursement_id'], unique=False)

    op.create_table('disbursements',
    sa.Column('disbursement_id', sa.String(length=250), nullable=False),
    sa.Column('award_id', sa.String(length=250), nullable=True),
    sa.Column('payee_key', sa.String(length=250), nullable=True),
    sa.Column('payee_name', sa.Text(), nullable=True),
    sa.Column('amount', sa.String(length=80), nullable=True),
    sa.Column('currency', sa.String(length=20), nullable=True),
    sa.Column('date', sa.String(length=40), nullable=True),
    sa.Column('value_date', sa.String(length=40), nullable=True),
    sa.Column('country', sa.String(length=80), nullable=True),
    sa.Column('source_file_id', sa.Integer(), nullable=False),
    sa.Column('source_record', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['source_file_id'], ['source_files.id'], ),
    sa.PrimaryKeyConstraint('disbursement_id')
    )
    op.create_table('list_deltas',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('previous_version_id', sa.Integer(), nullable=True),
    sa.Column('added', sa.JSON(), nullable=False),
    sa.Column('removed', sa.JSON(), nullable=False),
    sa.Column('changed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['previous_version_id'], ['list_versions.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['list_versions.id'], ),
    sa.PrimaryKeyConstraint('version_id')
    )
    op.create_table('list_entities',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('terrorist', sa.Boolean(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['list_versions.id'], ),
    sa.PrimaryKeyConstraint('version_id', 'entity_id')
    )
    op.create_table('screening_hits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.String(length=250), nullable=False),
    sa.Column('disbursement_id', sa.String(length=250), nullable=False),
    sa.Column('party_key', sa.String(length=250), nullable=False),
    sa.Column('list_version_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=120), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('matched_name', sa.Text(), nullable=False),
    sa.Column('matched_alias', sa.String(length=40), nullable=True),
    sa.Column('programs', sa.JSON(), nullable=False),
    sa.Column('terrorist', sa.Boolean(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['list_version_id'], ['list_versions.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['runs.run_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('screening_hits', schema=None) as batch_op:
        batch_op.create_index('ix_screening_hits_run_item', ['run_id', 'disbursement_id'], unique=False)

    op.create_table('run_items',
    sa.Column('run_id', sa.String(length=250), nullable=False),
    sa.Column('disbursement_id', sa.String(length=250), nullable=False),
    sa.Column('quality_failures', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('best_score', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['disbursement_id'], ['disbursements.disbursement_id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['runs.run_id'], ),
    sa.PrimaryKeyConstraint('run_id', 'disbursement_id')
    )
    protect_audit_events()


def downgrade() -> None:
    unprotect_audit_events()
    op.drop_table('run_items')
    with op.batch_alter_table('screening_hits', schema=None) as batch_op:
        batch_op.drop_index('ix_screening_hits_run_item')

    op.drop_table('screening_hits')
    op.drop_table('list_entities')
    op.drop_table('list_deltas')
    op.drop_table('disbursements')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_run_item')

    op.drop_table('decisions')
    op.drop_table('awards')
    op.drop_table('source_files')
    op.drop_table('runs')
    op.drop_table('parties')
    op.drop_table('list_versions')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_run_id'))

    op.drop_table('audit_events')


# The audit trail is append-only in the database itself, not only in the code that writes it.
def protect_audit_events() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION aidvet_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION aidvet_audit_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{action.lower()} BEFORE {action} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )


def unprotect_audit_events() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS aidvet_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
