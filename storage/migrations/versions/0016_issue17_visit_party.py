"""visits with several accounts (joint_id), by a typed representative, and the contacts met

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 02:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('visit') as batch:
        batch.add_column(sa.Column('representative_name', TEXT(), nullable=False, server_default=''))
        batch.add_column(sa.Column('joint_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('met_contact_ids', sa.JSON(), nullable=True))
        batch.create_index('ix_visit_joint_id', ['joint_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('visit') as batch:
        batch.drop_index('ix_visit_joint_id')
        batch.drop_column('met_contact_ids')
        batch.drop_column('joint_id')
        batch.drop_column('representative_name')
