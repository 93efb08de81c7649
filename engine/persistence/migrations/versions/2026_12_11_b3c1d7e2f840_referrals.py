"""referrals to other departments (转介, docs/one-window.md)

Revision ID: b3c1d7e2f840
Revises: a7e2d9c4b613
Create Date: 2026-12-11 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'b3c1d7e2f840'
down_revision: Union[str, Sequence[str], None] = 'a7e2d9c4b613'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'referral',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('region', sa.String(length=32), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('person_name', sa.String(length=100), nullable=False),
        sa.Column('id_number', sa.String(length=18), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('referred_by_id', sa.Integer(), nullable=False),
        sa.Column('referred_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('accepted_at', sa.DateTime(), nullable=True),
        sa.Column('answer', sa.String(length=16), nullable=True),
        sa.Column('answer_text', sa.Text(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('reminded_at', sa.DateTime(), nullable=True),
        sa.Column('escalated_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['answered_by_id'], ['app_user.id'], name=op.f('fk_referral_answered_by_id_app_user')),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_referral_case_id_case_file')),
        sa.ForeignKeyConstraint(['county_id'], ['org_unit.id'], name=op.f('fk_referral_county_id_org_unit')),
        sa.ForeignKeyConstraint(['department_id'], ['org_unit.id'], name=op.f('fk_referral_department_id_org_unit')),
        sa.ForeignKeyConstraint(['referred_by_id'], ['app_user.id'], name=op.f('fk_referral_referred_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_referral')),
        sa.UniqueConstraint('number', name=op.f('uq_referral_number')),
    )
    op.create_index(op.f('ix_referral_case_id'), 'referral', ['case_id'], unique=False)
    op.create_index('ix_referral_department_status', 'referral', ['department_id', 'status', 'due_at'], unique=False)
    op.create_index('ix_referral_status_due', 'referral', ['status', 'due_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_referral_status_due', table_name='referral')
    op.drop_index('ix_referral_department_status', table_name='referral')
    op.drop_index(op.f('ix_referral_case_id'), table_name='referral')
    op.drop_table('referral')
