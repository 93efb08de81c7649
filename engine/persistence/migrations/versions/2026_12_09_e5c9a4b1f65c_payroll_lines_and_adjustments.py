"""payroll roster totals, lines and adjustments (engine.persistence.payroll, docs/payments.md)

Revision ID: e5c9a4b1f65c
Revises: d4b8f3a0e54b
Create Date: 2026-12-09 09:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = 'e5c9a4b1f65c'
down_revision: Union[str, Sequence[str], None] = 'd4b8f3a0e54b'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('payroll_roster', schema=None) as batch_op:
        batch_op.add_column(sa.Column('generated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('generated_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('line_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('persons', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(
            sa.Column('total_amount', sa.Numeric(precision=14, scale=2), nullable=False, server_default='0')
        )
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('bank_file_sha256', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_payroll_roster_generated_by_id_app_user'), 'app_user', ['generated_by_id'], ['id']
        )
    with op.batch_alter_table('payroll_roster', schema=None) as batch_op:
        batch_op.alter_column('line_count', server_default=None)
        batch_op.alter_column('persons', server_default=None)
        batch_op.alter_column('total_amount', server_default=None)
    op.create_table(
        'payroll_adjustment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('paid_in', sa.Date(), nullable=False),
        sa.Column('corrects_month', sa.Date(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['county_id'], ['org_unit.id'], name=op.f('fk_payroll_adjustment_county_id_org_unit')),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_payroll_adjustment_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_payroll_adjustment_enrollment_id_enrollment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_adjustment')),
    )
    op.create_index('ix_payroll_adjustment_month', 'payroll_adjustment', ['county_id', 'paid_in'], unique=False)
    op.create_table(
        'payroll_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('roster_id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('for_month', sa.Date(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('persons', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=True),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('case_number', sa.String(length=32), nullable=False),
        sa.Column('payee_name', sa.String(length=100), nullable=False),
        sa.Column('id_number', sa.String(length=18), nullable=True),
        sa.Column('source', sa.String(length=16), nullable=True),
        sa.Column('reference', sa.String(length=64), nullable=True),
        sa.Column('adjustment_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['adjustment_id'], ['payroll_adjustment.id'], name=op.f('fk_payroll_line_adjustment_id_payroll_adjustment')),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_payroll_line_enrollment_id_enrollment')),
        sa.ForeignKeyConstraint(['roster_id'], ['payroll_roster.id'], name=op.f('fk_payroll_line_roster_id_payroll_roster')),
        sa.ForeignKeyConstraint(['township_id'], ['org_unit.id'], name=op.f('fk_payroll_line_township_id_org_unit')),
        sa.ForeignKeyConstraint(['village_id'], ['org_unit.id'], name=op.f('fk_payroll_line_village_id_org_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_line')),
    )
    op.create_index('ix_payroll_line_enrollment', 'payroll_line', ['enrollment_id', 'for_month'], unique=False)
    op.create_index('ix_payroll_line_roster', 'payroll_line', ['roster_id', 'township_id', 'category'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_payroll_line_roster', table_name='payroll_line')
    op.drop_index('ix_payroll_line_enrollment', table_name='payroll_line')
    op.drop_table('payroll_line')
    op.drop_index('ix_payroll_adjustment_month', table_name='payroll_adjustment')
    op.drop_table('payroll_adjustment')
    with op.batch_alter_table('payroll_roster', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payroll_roster_generated_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('bank_file_sha256')
        batch_op.drop_column('content_sha256')
        batch_op.drop_column('total_amount')
        batch_op.drop_column('persons')
        batch_op.drop_column('line_count')
        batch_op.drop_column('generated_by_id')
        batch_op.drop_column('generated_at')
