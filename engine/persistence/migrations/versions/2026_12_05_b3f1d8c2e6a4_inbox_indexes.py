"""inbox indexes: open tasks of one org unit by role (counts; due, village and case order; the step list and
filters), 已办 by state, and the cases a user registered (我发起的)

Revision ID: b3f1d8c2e6a4
Revises: a7c4e2b19d30
Create Date: 2026-12-05 00:10:00.000000

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = 'b3f1d8c2e6a4'
down_revision: Union[str, Sequence[str], None] = 'a7c4e2b19d30'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index(
            'ix_human_task_role_due', ['org_unit_id', 'state', 'role', 'due_at', 'id', 'case_id'], unique=False
        )
        batch_op.create_index(
            'ix_human_task_role_step', ['org_unit_id', 'state', 'role', 'task_name', 'village_id', 'title'], unique=False
        )
        batch_op.create_index(
            'ix_human_task_role_village', ['org_unit_id', 'state', 'role', 'village_id', 'due_at', 'id'], unique=False
        )
        batch_op.create_index('ix_human_task_role_case', ['org_unit_id', 'state', 'role', 'case_id'], unique=False)
        batch_op.create_index(
            'ix_human_task_done_state', ['completed_by_id', 'state', 'completed_at', 'id'], unique=False
        )
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index('ix_case_created_by', ['created_by_id', 'created_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_created_by')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_done_state')
        batch_op.drop_index('ix_human_task_role_case')
        batch_op.drop_index('ix_human_task_role_village')
        batch_op.drop_index('ix_human_task_role_step')
        batch_op.drop_index('ix_human_task_role_due')
