"""step-owned task data: what each user task's form held when it was completed, and its 暂存 draft

Each HumanTask row is one step on one visit (a loop back creates a new row), so a county visit and a
township visit are two records and neither overwrites the other. Tasks completed before this
revision keep NULL here; readers fall back to their decision and opinion columns.

Revision ID: a7c4e2b19d30
Revises: 6858f5aac369
Create Date: 2026-12-05 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'a7c4e2b19d30'
down_revision: Union[str, Sequence[str], None] = '6858f5aac369'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('draft', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('draft_saved_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_column('draft_saved_at')
        batch_op.drop_column('draft')
        batch_op.drop_column('submission')
