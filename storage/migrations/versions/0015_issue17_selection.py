"""selectionrecord: the selection record (CRM-KAM-001) per account and year; visit.risk_note: what a visit
to a risk-group account saw about SPP competition or self-generation

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 02:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import UTCDateTime  # the custom column type

revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'selectionrecord',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('tier', TEXT(), nullable=False),
        sa.Column('criterion', TEXT(), nullable=False),
        sa.Column('reason', TEXT(), nullable=False),
        sa.Column('also_met', TEXT(), nullable=False),
        sa.Column('risk_groups', TEXT(), nullable=False),
        sa.Column('decided_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_by', TEXT(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id', 'year'),
    )
    op.create_index('ix_selectionrecord_account_id', 'selectionrecord', ['account_id'], unique=False)
    with op.batch_alter_table('visit') as batch:
        batch.add_column(sa.Column('risk_note', TEXT(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('visit') as batch:
        batch.drop_column('risk_note')
    op.drop_index('ix_selectionrecord_account_id', table_name='selectionrecord')
    op.drop_table('selectionrecord')
