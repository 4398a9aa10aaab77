"""review fast paths: assist-first grants, dishonesty records, new workflow pairs

Revision ID: a6f1fa5701e1
Revises: 26d8a04db80d
Create Date: 2026-12-03 00:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'a6f1fa5701e1'
down_revision: Union[str, Sequence[str], None] = '26d8a04db80d'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('assist_first_grants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('file_due_on', sa.Date(), nullable=False),
    sa.Column('granted_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_assist_first_grants_application_id_applications')),
    sa.ForeignKeyConstraint(['granted_by'], ['accounts.id'], name=op.f('fk_assist_first_grants_granted_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assist_first_grants')),
    sa.UniqueConstraint('application_id', name=op.f('uq_assist_first_grants_application_id'))
    )
    with op.batch_alter_table('assist_first_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assist_first_grants_file_due_on'), ['file_due_on'], unique=False)

    op.create_table('dishonesty_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id_number_index', sa.String(length=64), nullable=False),
    sa.Column('check_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('revoked_benefit', sa.Boolean(), nullable=False),
    sa.Column('recorded_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_dishonesty_records_application_id_applications')),
    sa.ForeignKeyConstraint(['check_id'], ['checks.id'], name=op.f('fk_dishonesty_records_check_id_checks')),
    sa.ForeignKeyConstraint(['recorded_by'], ['accounts.id'], name=op.f('fk_dishonesty_records_recorded_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dishonesty_records'))
    )
    with op.batch_alter_table('dishonesty_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dishonesty_records_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dishonesty_records_id_number_index'), ['id_number_index'], unique=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_path', sa.String(length=20), server_default='standard', nullable=False))
        batch_op.create_check_constraint(
            'review_path', "review_path IN ('standard', 'small_temporary', 'commitment')")
        batch_op.drop_constraint(batch_op.f('ck_applications_status'), type_='check')
        batch_op.create_check_constraint('status', f"status IN ({', '.join(repr(s) for s in STATUSES)})")
        batch_op.drop_index('uq_applications_open_per_type')
        batch_op.create_index('uq_applications_open_per_type', ['household_id', 'assistance_type'], unique=True,
                              sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))

    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_review_decisions_outcome'), type_='check')
        batch_op.create_check_constraint('outcome', "outcome IN ('approve', 'reject', 'return', 'revoke')")

    transitions = sa.table("workflow_transitions", sa.column("from_status", sa.String), sa.column("to_status", sa.String))
    op.bulk_insert(transitions, [{"from_status": a, "to_status": b} for a, b in NEW_PAIRS])


STATUSES = ('draft', 'submitted', 'authorizing', 'checking', 'village_review', 'township_confirmation',
            'district_filing', 'approved', 'rejected', 'returned', 'resubmitted', 'withdrawn', 'revoked')
OPEN = "status NOT IN ('approved', 'rejected', 'revoked', 'withdrawn')"
OLD_OPEN = "status NOT IN ('approved', 'rejected', 'withdrawn')"
NEW_PAIRS = [("checking", "township_confirmation"), ("township_confirmation", "approved"), ("approved", "revoked")]


def downgrade() -> None:
    """Downgrade schema."""
    pairs = " OR ".join(f"(from_status = '{a}' AND to_status = '{b}')" for a, b in NEW_PAIRS)
    op.execute(f"DELETE FROM workflow_transitions WHERE {pairs}")
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_review_decisions_outcome'), type_='check')
        batch_op.create_check_constraint('outcome', "outcome IN ('approve', 'reject', 'return')")
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('uq_applications_open_per_type')
        batch_op.create_index('uq_applications_open_per_type', ['household_id', 'assistance_type'], unique=True,
                              sqlite_where=sa.text(OLD_OPEN), postgresql_where=sa.text(OLD_OPEN))
        batch_op.drop_constraint(batch_op.f('ck_applications_status'), type_='check')
        batch_op.create_check_constraint('status', f"status IN ({', '.join(repr(s) for s in STATUSES[:-1])})")
        batch_op.drop_constraint(batch_op.f('ck_applications_review_path'), type_='check')
        batch_op.drop_column('review_path')
    with op.batch_alter_table('dishonesty_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dishonesty_records_id_number_index'))
        batch_op.drop_index(batch_op.f('ix_dishonesty_records_application_id'))
    op.drop_table('dishonesty_records')
    with op.batch_alter_table('assist_first_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assist_first_grants_file_due_on'))
    op.drop_table('assist_first_grants')
