"""outbox_message.priority: routine pushes wait while LINE's monthly message allowance runs short

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 02:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('outboxmessage') as batch:
        batch.add_column(sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                   server_default='urgent'))


def downgrade() -> None:
    with op.batch_alter_table('outboxmessage') as batch:
        batch.drop_column('priority')
