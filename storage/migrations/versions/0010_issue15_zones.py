"""issue 15: offices belong to zones, staff phones, and each escalation level claimed once

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 22:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import UTCDateTime  # the custom column type

revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('staff') as batch:
        batch.add_column(sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
    op.create_table(
        'office',
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('zone', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint('code'),
    )
    op.create_index(op.f('ix_office_zone'), 'office', ['zone'], unique=False)
    op.create_table(
        'escalationstep',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('ticket_id', 'level'),
    )
    op.create_index(op.f('ix_escalationstep_ticket_id'), 'escalationstep', ['ticket_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_escalationstep_ticket_id'), table_name='escalationstep')
    op.drop_table('escalationstep')
    op.drop_index(op.f('ix_office_zone'), table_name='office')
    op.drop_table('office')
    with op.batch_alter_table('staff') as batch:
        batch.drop_column('phone')
