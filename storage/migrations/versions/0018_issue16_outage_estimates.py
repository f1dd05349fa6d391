"""outage tickets carry a cause and an estimated restoration time (issue 16 item 1)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 02:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import UTCDateTime  # the custom column type

revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('ticket') as batch:
        batch.add_column(sa.Column('cause', TEXT(), nullable=False, server_default=''))
        batch.add_column(sa.Column('etr', UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('etr_reminded_for', UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ticket') as batch:
        batch.drop_column('etr_reminded_for')
        batch.drop_column('etr')
        batch.drop_column('cause')
