"""decision letters (approval and rejection notices) and case-file exports

Revision ID: b7e2c4d9f012
Revises: a6f1fa5701e1
Create Date: 2026-12-03 00:31:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'b7e2c4d9f012'
down_revision: Union[str, Sequence[str], None] = 'a6f1fa5701e1'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


OLD_KINDS = "kind IN ('authorization', 'check_report')"
NEW_KINDS = "kind IN ('authorization', 'check_report', 'decision_notice', 'case_file')"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('decision_letters',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('decision_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('approval', 'rejection', 'revocation')", name=op.f('ck_decision_letters_kind')),
    sa.CheckConstraint("status IN ('pending', 'issued')", name=op.f('ck_decision_letters_status')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_decision_letters_application_id_applications')),
    sa.ForeignKeyConstraint(['decision_id'], ['review_decisions.id'], name=op.f('fk_decision_letters_decision_id_review_decisions')),
    sa.ForeignKeyConstraint(['document_id'], ['sealed_documents.id'], name=op.f('fk_decision_letters_document_id_sealed_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_letters')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_decision_letters_decision_id'))
    )
    with op.batch_alter_table('decision_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_letters_application_id'), ['application_id'], unique=False)

    # Sealed documents of two new kinds: the decision notice and the archived case file.
    with op.batch_alter_table('sealed_documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sealed_documents_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_sealed_documents_kind'), NEW_KINDS)


def downgrade() -> None:
    """Downgrade schema (fails while documents of the new kinds exist: they are not thrown away)."""
    with op.batch_alter_table('decision_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_letters_application_id'))

    op.drop_table('decision_letters')
    with op.batch_alter_table('sealed_documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sealed_documents_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_sealed_documents_kind'), OLD_KINDS)
