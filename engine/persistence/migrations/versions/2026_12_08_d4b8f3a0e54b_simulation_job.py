"""what-if simulation jobs (docs/policy-simulation.md)

Revision ID: d4b8f3a0e54b
Revises: c3a7e2f9d43a
Create Date: 2026-12-08 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'd4b8f3a0e54b'
down_revision: Union[str, Sequence[str], None] = 'c3a7e2f9d43a'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'simulation_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=32), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=True),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('proposal', sa.JSON(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=True),
        sa.Column('rows', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['county_id'], ['org_unit.id'], name=op.f('fk_simulation_job_county_id_org_unit')),
        sa.ForeignKeyConstraint(['started_by_id'], ['app_user.id'], name=op.f('fk_simulation_job_started_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_simulation_job')),
    )
    op.create_index('ix_simulation_job_status', 'simulation_job', ['status', 'created_at'], unique=False)
    op.create_index('ix_simulation_job_started_by', 'simulation_job', ['started_by_id', 'created_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_simulation_job_started_by', table_name='simulation_job')
    op.drop_index('ix_simulation_job_status', table_name='simulation_job')
    op.drop_table('simulation_job')
