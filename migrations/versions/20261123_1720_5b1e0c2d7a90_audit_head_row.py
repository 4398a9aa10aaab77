"""audit head row: created once, so concurrent first writers never race to insert it

Revision ID: 5b1e0c2d7a90
Revises: 9f949c1bed9e
Create Date: 2026-11-23 17:20:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e0c2d7a90"
down_revision: Union[str, Sequence[str], None] = "9f949c1bed9e"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

GENESIS = "0" * 64


def upgrade() -> None:
    head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.BigInteger),
                    sa.column("last_hash", sa.String))
    if op.get_bind().execute(sa.select(sa.func.count()).select_from(head)).scalar() == 0:
        op.bulk_insert(head, [{"id": 1, "seq": 0, "last_hash": GENESIS}])


def downgrade() -> None:
    op.execute("DELETE FROM audit_head WHERE id = 1 AND seq = 0")
