"""年度调标 runs and their items (engine.persistence.recalculation)

Revision ID: c3a7e2f9d43a
Revises: a2f6d1c8e329
Create Date: 2026-12-08 10:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = 'c3a7e2f9d43a'
down_revision: Union[str, Sequence[str], None] = 'a2f6d1c8e329'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'recalculation_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=32), nullable=False),
        sa.Column('effective_month', sa.Date(), nullable=False),
        sa.Column('definition_id', sa.Integer(), nullable=False),
        sa.Column('definition_version', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('raised', sa.Integer(), nullable=False),
        sa.Column('reduced', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('flagged', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('budget_before', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('budget_after', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(), nullable=True),
        sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['approved_by_id'], ['app_user.id'], name=op.f('fk_recalculation_run_approved_by_id_app_user')),
        sa.ForeignKeyConstraint(['cancelled_by_id'], ['app_user.id'], name=op.f('fk_recalculation_run_cancelled_by_id_app_user')),
        sa.ForeignKeyConstraint(['county_id'], ['org_unit.id'], name=op.f('fk_recalculation_run_county_id_org_unit')),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_recalculation_run_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'], name=op.f('fk_recalculation_run_definition_id_process_definition')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recalculation_run')),
        sa.UniqueConstraint('number', name=op.f('uq_recalculation_run_number')),
    )
    with op.batch_alter_table('recalculation_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recalculation_run_county_id'), ['county_id'], unique=False)
    op.create_table(
        'recalculation_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('old_amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('new_amount', sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column('old_persons', sa.Integer(), nullable=False),
        sa.Column('new_persons', sa.Integer(), nullable=True),
        sa.Column('change', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('seen_status', sa.String(length=16), nullable=False),
        sa.Column('seen_change', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_recalculation_item_case_id_case_file')),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_recalculation_item_enrollment_id_enrollment')),
        sa.ForeignKeyConstraint(['run_id'], ['recalculation_run.id'], name=op.f('fk_recalculation_item_run_id_recalculation_run')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recalculation_item')),
    )
    with op.batch_alter_table('recalculation_item', schema=None) as batch_op:
        batch_op.create_index('ix_recalculation_item_enrollment', ['enrollment_id'], unique=False)
        batch_op.create_index('ix_recalculation_item_run', ['run_id', 'change', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('recalculation_item', schema=None) as batch_op:
        batch_op.drop_index('ix_recalculation_item_run')
        batch_op.drop_index('ix_recalculation_item_enrollment')
    op.drop_table('recalculation_item')
    with op.batch_alter_table('recalculation_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recalculation_run_county_id'))
    op.drop_table('recalculation_run')
