"""sites on the network (feeder, substation, estate), area incidents, planned outages, multicast rows

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 22:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import UTCDateTime  # the custom column type

revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('site') as batch:
        batch.add_column(sa.Column('feeder', TEXT(), nullable=False, server_default=''))
        batch.add_column(sa.Column('substation', TEXT(), nullable=False, server_default=''))
        batch.add_column(sa.Column('estate', TEXT(), nullable=False, server_default=''))
        batch.create_index('ix_site_feeder', ['feeder'], unique=False)
    with op.batch_alter_table('outboxmessage') as batch:
        batch.add_column(sa.Column('recipients', sa.JSON(), nullable=True))
    op.create_table(
        'incident',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', TEXT(), nullable=False),
        sa.Column('feeders', sa.JSON(), nullable=False),
        sa.Column('cause', TEXT(), nullable=False),
        sa.Column('note', TEXT(), nullable=False),
        sa.Column('etr', UTCDateTime(timezone=True), nullable=True),
        sa.Column('started_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('opened_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('opened_by', sa.Integer(), nullable=True),
        sa.Column('channel', TEXT(), nullable=False),
        sa.Column('status', TEXT(), nullable=False),
        sa.Column('restored_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('etr_reminded_for', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['opened_by'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('number'),
    )
    op.create_table(
        'incidentfeeder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('feeder', TEXT(), nullable=False),
        sa.Column('open_feeder', TEXT(), nullable=True),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('open_feeder'),
    )
    op.create_index('ix_incidentfeeder_incident_id', 'incidentfeeder', ['incident_id'], unique=False)
    op.create_table(
        'incidentticket',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id']),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('ticket_id'),
    )
    op.create_index('ix_incidentticket_incident_id', 'incidentticket', ['incident_id'], unique=False)
    op.create_table(
        'incidentrecipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id']),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('incident_id', 'contact_id'),
    )
    op.create_index('ix_incidentrecipient_incident_id', 'incidentrecipient', ['incident_id'], unique=False)
    op.create_table(
        'plannedoutage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', TEXT(), nullable=False),
        sa.Column('site_ids', sa.JSON(), nullable=False),
        sa.Column('starts_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('ends_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('reason', TEXT(), nullable=False),
        sa.Column('contact_person', TEXT(), nullable=False),
        sa.Column('status', TEXT(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('notice_sent_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('reminder_sent_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('change_pending', TEXT(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reference'),
    )
    op.create_table(
        'plannedack',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('planned_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id']),
        sa.ForeignKeyConstraint(['planned_id'], ['plannedoutage.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('planned_id', 'contact_id'),
    )
    op.create_index('ix_plannedack_planned_id', 'plannedack', ['planned_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_plannedack_planned_id', table_name='plannedack')
    op.drop_table('plannedack')
    op.drop_table('plannedoutage')
    for table in ('incidentrecipient', 'incidentticket', 'incidentfeeder'):
        op.drop_index(f'ix_{table}_incident_id', table_name=table)
        op.drop_table(table)
    op.drop_table('incident')
    with op.batch_alter_table('outboxmessage') as batch:
        batch.drop_column('recipients')
    with op.batch_alter_table('site') as batch:
        batch.drop_index('ix_site_feeder')
        batch.drop_column('estate')
        batch.drop_column('substation')
        batch.drop_column('feeder')
