"""worker heartbeat and the index /metrics counts instances in error with (docs/monitoring.md)

Revision ID: f6c0d5b2a761
Revises: e5c9a4b1f65c
Create Date: 2026-12-10 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'f6c0d5b2a761'
down_revision: Union[str, Sequence[str], None] = 'e5c9a4b1f65c'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'worker_heartbeat',
        sa.Column('worker', sa.String(length=128), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen', sa.DateTime(), nullable=False),
        sa.Column('last_round_work', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('worker', name=op.f('pk_worker_heartbeat')),
    )
    op.create_index('ix_worker_heartbeat_last_seen', 'worker_heartbeat', ['last_seen'], unique=False)
    op.create_index('ix_process_instance_status', 'process_instance', ['status'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_process_instance_status', table_name='process_instance')
    op.drop_index('ix_worker_heartbeat_last_seen', table_name='worker_heartbeat')
    op.drop_table('worker_heartbeat')
