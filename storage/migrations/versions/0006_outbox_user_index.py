"""outbox: index per person, so the sender finds each person's oldest waiting message without a scan

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:10:00

"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_outbox_user_pending', 'outboxmessage', ['to_user', 'status', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_outbox_user_pending', table_name='outboxmessage')
