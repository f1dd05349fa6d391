"""indexes for what waits: the sender walks waiting messages in id order, and the looks for people
waiting read the pending index alone

- outboxmessage: (status, id) in place of (status, next_attempt_at). Given the old one, each claim
  read every due message and sorted them to take the oldest 64: in a storm's backlog of 2,000,
  2-2.5 ms inside the write lock, several times a second. In id order the walk stops once it has
  found enough.
- inboxevent: ix_inbox_pending also holds next_attempt_at and received_at. The looks for people
  waiting (the loading animation's, every second, and the sweep's) group the pending events by
  person; without those two columns each read every pending event's row, webhook body and all:
  in a storm, a fifth of the worker's CPU.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:20:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0020'
down_revision: Union[str, Sequence[str], None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('outboxmessage') as batch:
        batch.drop_index('ix_outbox_due')
        batch.create_index('ix_outbox_waiting', ['status', 'id'], unique=False)
    with op.batch_alter_table('inboxevent') as batch:
        batch.drop_index('ix_inbox_pending')
        batch.create_index('ix_inbox_pending', ['status', 'user_key', 'id', 'next_attempt_at', 'received_at'],
                           unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inboxevent') as batch:
        batch.drop_index('ix_inbox_pending')
        batch.create_index('ix_inbox_pending', ['status', 'user_key', 'id'], unique=False)
    with op.batch_alter_table('outboxmessage') as batch:
        batch.drop_index('ix_outbox_waiting')
        batch.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)
