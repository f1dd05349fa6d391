"""reliability (issue 19): inbox retry backoff; one rating per respondent even without a contact id

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('inboxevent') as batch:
        batch.add_column(sa.Column('next_attempt_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('rating') as batch:
        batch.add_column(sa.Column('respondent', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    # Existing scores of a contact get their key; older scores without one stay NULL (never equal).
    op.execute("UPDATE rating SET respondent = 'contact:' || CAST(contact_id AS VARCHAR) WHERE contact_id IS NOT NULL")
    with op.batch_alter_table('rating') as batch:
        batch.create_unique_constraint('uq_rating_respondent', ['subject_kind', 'subject_id', 'respondent'])


def downgrade() -> None:
    with op.batch_alter_table('rating') as batch:
        batch.drop_constraint('uq_rating_respondent', type_='unique')
        batch.drop_column('respondent')
    with op.batch_alter_table('inboxevent') as batch:
        batch.drop_column('next_attempt_at')
