"""visits: the representative a visit was made by for someone's quota, and the late-report approval

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:20:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import UTCDateTime  # the custom column type

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('visit') as batch:
        batch.add_column(sa.Column('on_behalf_of_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('late_approval', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('late_decided_by', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('late_decided_at', UTCDateTime(timezone=True), nullable=True))
        batch.create_foreign_key('fk_visit_on_behalf_of', 'staff', ['on_behalf_of_id'], ['id'])
        batch.create_foreign_key('fk_visit_late_decided_by', 'staff', ['late_decided_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('visit') as batch:
        batch.drop_constraint('fk_visit_late_decided_by', type_='foreignkey')
        batch.drop_constraint('fk_visit_on_behalf_of', type_='foreignkey')
        batch.drop_column('late_decided_at')
        batch.drop_column('late_decided_by')
        batch.drop_column('late_approval')
        batch.drop_column('on_behalf_of_id')
