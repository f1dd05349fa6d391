"""urgentreport: urgent reports to the decision maker (CRM-KAM-003) from a ticket, a visit or an account,
with a follow-up date; planactivity: the key account plan (CRM-KAM-002)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 22:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import UTCDateTime  # the custom column type

revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'urgentreport',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('visit_id', sa.Integer(), nullable=True),
        sa.Column('reported_by_id', sa.Integer(), nullable=False),
        sa.Column('decision_maker_id', sa.Integer(), nullable=True),
        sa.Column('issue', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('risk', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('follow_up_date', sa.Date(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('reminded_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('instructed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('instructions', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id']),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id']),
        sa.ForeignKeyConstraint(['visit_id'], ['visit.id']),
        sa.ForeignKeyConstraint(['reported_by_id'], ['staff.id']),
        sa.ForeignKeyConstraint(['decision_maker_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_urgentreport_account_id', 'urgentreport', ['account_id'], unique=False)
    op.create_index('ix_urgentreport_ticket_id', 'urgentreport', ['ticket_id'], unique=False)
    op.create_index('ix_urgentreport_follow_up', 'urgentreport', ['reminded_at', 'follow_up_date'], unique=False)
    op.create_table(
        'planactivity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('quarter', sa.Integer(), nullable=False),
        sa.Column('activity', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('benefit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('target', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id', 'year', 'quarter', 'activity'),
    )
    op.create_index('ix_planactivity_account_id', 'planactivity', ['account_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_planactivity_account_id', table_name='planactivity')
    op.drop_table('planactivity')
    op.drop_index('ix_urgentreport_follow_up', table_name='urgentreport')
    op.drop_index('ix_urgentreport_ticket_id', table_name='urgentreport')
    op.drop_index('ix_urgentreport_account_id', table_name='urgentreport')
    op.drop_table('urgentreport')
