"""home visit photos

Revision ID: c8f3d5e0a123
Revises: b7e2c4d9f012
Create Date: 2026-12-03 00:32:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'c8f3d5e0a123'
down_revision: Union[str, Sequence[str], None] = 'b7e2c4d9f012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('visit_photos',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('visit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_visit_photos_application_id_applications')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['accounts.id'], name=op.f('fk_visit_photos_uploaded_by_accounts')),
    sa.ForeignKeyConstraint(['visit_id'], ['home_visits.id'], name=op.f('fk_visit_photos_visit_id_home_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_photos')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_visit_photos_storage_key'))
    )
    with op.batch_alter_table('visit_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_photos_visit_id'), ['visit_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('visit_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_photos_visit_id'))

    op.drop_table('visit_photos')
