"""会签: the member a multi-instance task is for (docs/countersign.md)

Revision ID: e6c1a3b49d32
Revises: b7e3f0a19c54
Create Date: 2026-12-06 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'e6c1a3b49d32'
down_revision: Union[str, Sequence[str], None] = 'b7e3f0a19c54'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_column('member')
