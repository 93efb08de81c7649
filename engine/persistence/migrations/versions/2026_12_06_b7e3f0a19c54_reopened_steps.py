"""reopened steps (撤回, 退回, an administrator's move): a step's engine task id may have several
HumanTask rows over time, and a reopened row says why

Revision ID: b7e3f0a19c54
Revises: d5b0f2a38c21
Create Date: 2026-12-06 00:10:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = 'b7e3f0a19c54'
down_revision: Union[str, Sequence[str], None] = 'd5b0f2a38c21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopen_kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('reopen_reason', sa.Text(), nullable=True))
        batch_op.drop_constraint('uq_human_task_instance_id', type_='unique')
        batch_op.create_index('ix_human_task_instance_spiff', ['instance_id', 'spiff_task_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_instance_spiff')
        batch_op.create_unique_constraint('uq_human_task_instance_id', ['instance_id', 'spiff_task_id'])
        batch_op.drop_column('reopen_reason')
        batch_op.drop_column('reopen_kind')
