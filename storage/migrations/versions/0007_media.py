"""media: what people send (photos, video, voice, files), fetched from LINE and kept with their bytes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import UTCDateTime  # the custom column type

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'media',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('channel_message_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('contact_id', sa.Integer(), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('claimed_until', UTCDateTime(timezone=True), nullable=True),
        sa.Column('fetched_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['account.id']),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id']),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('channel_message_id'),
    )
    op.create_index('ix_media_token', 'media', ['token'], unique=True)
    op.create_index('ix_media_account_id', 'media', ['account_id'], unique=False)
    op.create_index('ix_media_ticket_id', 'media', ['ticket_id'], unique=False)
    op.create_index('ix_media_due', 'media', ['status', 'next_attempt_at'], unique=False)
    op.create_table(
        'mediacontent',
        sa.Column('media_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('preview', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['media_id'], ['media.id']),
        sa.PrimaryKeyConstraint('media_id'),
    )


def downgrade() -> None:
    op.drop_table('mediacontent')
    op.drop_index('ix_media_due', table_name='media')
    op.drop_index('ix_media_ticket_id', table_name='media')
    op.drop_index('ix_media_account_id', table_name='media')
    op.drop_index('ix_media_token', table_name='media')
    op.drop_table('media')
