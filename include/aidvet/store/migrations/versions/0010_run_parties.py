"""run parties: the screening work list of a run, per partition, and the indexes that find the
disbursements reaching a party (issue 11: screening at a million disbursements)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

NAME_PREFIX = 'substr(payee_name, 1, 100)'  # aidvet.store.models.name_prefix


def upgrade() -> None:
    op.create_table('run_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.String(length=250), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('party_key', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=80), nullable=True),
    sa.Column('date_of_birth', sa.String(length=40), nullable=True),
    sa.Column('id_number', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['runs.run_id'], ),
    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_run_parties_partition', 'run_parties', ['run_id', 'partition'], unique=False)
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('screening_partitions', sa.Integer(), nullable=True))
    op.create_index('ix_screening_hits_run_party', 'screening_hits', ['run_id', 'party_key'], unique=False)
    op.create_index('ix_disbursements_payee_key', 'disbursements', ['payee_key'], unique=False)
    op.create_index('ix_disbursements_award_id', 'disbursements', ['award_id'], unique=False)
    op.create_index('ix_disbursements_payee_name', 'disbursements', [sa.text(NAME_PREFIX)], unique=False,
                    postgresql_where=sa.text('payee_key IS NULL'), sqlite_where=sa.text('payee_key IS NULL'))
    op.create_index('ix_awards_prime_party_key', 'awards', ['prime_party_key'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_awards_prime_party_key', table_name='awards')
    op.drop_index('ix_disbursements_payee_name', table_name='disbursements')
    op.drop_index('ix_disbursements_award_id', table_name='disbursements')
    op.drop_index('ix_disbursements_payee_key', table_name='disbursements')
    op.drop_index('ix_screening_hits_run_party', table_name='screening_hits')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('screening_partitions')
    op.drop_index('ix_run_parties_partition', table_name='run_parties')
    op.drop_table('run_parties')
