"""runs: failed_stage and inputs (every input file's status); review_decisions: content_hash

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

A release is bound to the content it approved: existing effective releases are bound to the
disbursement content the store holds now (the best evidence of what was approved).
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_stage', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('inputs', sa.JSON(), nullable=True))
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
    _bind_existing_releases()


def _bind_existing_releases() -> None:
    from aidvet.review.content import disbursement_content_hash

    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT rd.id, d.payee_key, d.payee_name, d.amount, d.currency, d.award_id, d.date "
        "FROM review_decisions rd JOIN review_items ri ON ri.id = rd.item_id "
        "JOIN disbursements d ON d.disbursement_id = ri.disbursement_id "
        "WHERE rd.decision = 'release' AND rd.state IN ('awaiting_approval', 'effective')")).mappings().all()
    for row in rows:
        connection.execute(sa.text("UPDATE review_decisions SET content_hash = :h WHERE id = :id"),
                           {"h": disbursement_content_hash(row), "id": row["id"]})


def downgrade() -> None:
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.drop_column('content_hash')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('inputs')
        batch_op.drop_column('failed_stage')
