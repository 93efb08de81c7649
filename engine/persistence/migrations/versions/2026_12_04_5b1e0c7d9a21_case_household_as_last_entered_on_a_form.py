"""case household as last entered on a form: the engine derives the public notice from it

Revision ID: 5b1e0c7d9a21
Revises: c3d8e1f4a2b7
Create Date: 2026-12-04 21:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '5b1e0c7d9a21'
down_revision: Union[str, Sequence[str], None] = 'c3d8e1f4a2b7'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('household', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('household')
