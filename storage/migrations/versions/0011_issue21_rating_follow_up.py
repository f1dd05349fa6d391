"""rating follow-up: when and by whom a low score's call-back was recorded (issue 21)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime  # the custom column type

revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followed_up_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('followed_up_by', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_column('followed_up_by')
        batch_op.drop_column('followed_up_at')
