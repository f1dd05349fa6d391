"""reliability (issue 19): inbox retry backoff

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 09:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('inboxevent') as batch:
        batch.add_column(sa.Column('next_attempt_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inboxevent') as batch:
        batch.drop_column('next_attempt_at')
