"""reminder sweep indexes: open tasks by due date across all units, and the cases whose legal clock runs

Revision ID: 3b7a1c9d5e62
Revises: 1c5e9a7d3b40
Create Date: 2026-12-07 03:10:00.000000

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '3b7a1c9d5e62'
down_revision: Union[str, Sequence[str], None] = '1c5e9a7d3b40'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_state_due', ['state', 'due_at'], unique=False)
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index('ix_case_clock_running', ['decided_at', 'closed_at', 'clock_started_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_clock_running')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_state_due')
