"""contact.profile_asked_at: when the LINE display name was last asked for (refreshed after 30 days)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 22:15:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime  # the custom column type

revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('contact') as batch:
        batch.add_column(sa.Column('profile_asked_at', UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('contact') as batch:
        batch.drop_column('profile_asked_at')
