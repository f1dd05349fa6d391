"""service appointments and planned visits have a time of day (ticket.scheduled_at, visit.planned_at; UTC)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 02:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime  # the custom column type

revision: str = '0019'
down_revision: Union[str, Sequence[str], None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('ticket') as batch:
        batch.add_column(sa.Column('scheduled_at', UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('visit') as batch:
        batch.add_column(sa.Column('planned_at', UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('visit') as batch:
        batch.drop_column('planned_at')
    with op.batch_alter_table('ticket') as batch:
        batch.drop_column('scheduled_at')
