"""case termination: the ground, reason and notice of a case ended before its decision (终止 / 撤销)

Revision ID: c4a9e1f27b10
Revises: b3f1d8c2e6a4
Create Date: 2026-12-06 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'c4a9e1f27b10'
down_revision: Union[str, Sequence[str], None] = 'b3f1d8c2e6a4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('termination', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('termination')
