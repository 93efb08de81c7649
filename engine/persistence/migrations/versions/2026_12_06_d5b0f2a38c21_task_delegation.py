"""task delegation (委派): the claimed task's holder hands it to a colleague to fill in and gets it back

delegate_id is who fills it in; handed_back_at is set when they hand it back (the holder then reviews and
completes). Both stay on a completed task so its step record shows who filled it in and who completed it.
A recall, a release of the claim or a 转办 clears all five columns.

Revision ID: d5b0f2a38c21
Revises: c4a9e1f27b10
Create Date: 2026-12-06 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'd5b0f2a38c21'
down_revision: Union[str, Sequence[str], None] = 'c4a9e1f27b10'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delegate_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('delegated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('delegation_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('handed_back_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('hand_back_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_human_task_delegate_id_app_user'), 'app_user', ['delegate_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_human_task_delegate'), ['delegate_id', 'state'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_human_task_delegate'))
        batch_op.drop_constraint(batch_op.f('fk_human_task_delegate_id_app_user'), type_='foreignkey')
        batch_op.drop_column('hand_back_note')
        batch_op.drop_column('handed_back_at')
        batch_op.drop_column('delegation_note')
        batch_op.drop_column('delegated_at')
        batch_op.drop_column('delegate_id')
