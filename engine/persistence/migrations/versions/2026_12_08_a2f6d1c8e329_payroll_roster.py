"""payroll roster of a county and month, and its lock (engine.persistence.payroll)

Revision ID: a2f6d1c8e329
Revises: a1e5c0d7b218
Create Date: 2026-12-08 09:30:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = 'a2f6d1c8e329'
down_revision: Union[str, Sequence[str], None] = 'a1e5c0d7b218'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'payroll_roster',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('locked_at', sa.DateTime(), nullable=True),
        sa.Column('locked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['county_id'], ['org_unit.id'], name=op.f('fk_payroll_roster_county_id_org_unit')),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_payroll_roster_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['locked_by_id'], ['app_user.id'], name=op.f('fk_payroll_roster_locked_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_roster')),
        sa.UniqueConstraint('county_id', 'month', name=op.f('uq_payroll_roster_county_id')),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('payroll_roster')
