"""dashboard indexes: open and decided cases by county, open tasks and enrollment dates by village

Revision ID: 9fd664a33953
Revises: 41a2adabfd00
Create Date: 2026-12-01 20:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '9fd664a33953'
down_revision: Union[str, Sequence[str], None] = '41a2adabfd00'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index('ix_case_open_stage', ['county_id', 'status', 'township_id', 'region', 'kind', 'stage', 'clock_limit_days', 'clock_started_at', 'decided_at'], unique=False)
        batch_op.create_index('ix_case_decided', ['county_id', 'decided_at', 'status', 'township_id', 'region', 'clock_limit_days', 'clock_started_at'], unique=False)

    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_village_open', ['village_id', 'state', 'due_at'], unique=False)

    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.create_index('ix_enrollment_village_dates', ['village_id', 'status', 'next_review_on', 'ends_on'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollment_village_dates')

    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_village_open')

    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_decided')
        batch_op.drop_index('ix_case_open_stage')
