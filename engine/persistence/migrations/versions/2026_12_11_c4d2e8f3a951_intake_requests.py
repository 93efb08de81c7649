"""intake register (一门受理, docs/intake.md)

Revision ID: c4d2e8f3a951
Revises: b3c1d7e2f840
Create Date: 2026-12-11 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'c4d2e8f3a951'
down_revision: Union[str, Sequence[str], None] = 'b3c1d7e2f840'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'intake_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('region', sa.String(length=32), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=24), nullable=False),
        sa.Column('external_ticket', sa.String(length=64), nullable=True),
        sa.Column('person_name', sa.String(length=100), nullable=False),
        sa.Column('id_number', sa.String(length=18), nullable=True),
        sa.Column('phone', sa.String(length=32), nullable=True),
        sa.Column('need', sa.Text(), nullable=False),
        sa.Column('need_kind', sa.String(length=24), nullable=False),
        sa.Column('registered_by_id', sa.Integer(), nullable=False),
        sa.Column('registered_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('triaged_by_id', sa.Integer(), nullable=True),
        sa.Column('triaged_at', sa.DateTime(), nullable=True),
        sa.Column('close_reason', sa.Text(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('referral_id', sa.Integer(), nullable=True),
        sa.Column('feedback', sa.Text(), nullable=True),
        sa.Column('satisfaction', sa.String(length=16), nullable=True),
        sa.Column('feedback_at', sa.DateTime(), nullable=True),
        sa.Column('feedback_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_intake_request_case_id_case_file')),
        sa.ForeignKeyConstraint(['county_id'], ['org_unit.id'], name=op.f('fk_intake_request_county_id_org_unit')),
        sa.ForeignKeyConstraint(['feedback_by_id'], ['app_user.id'], name=op.f('fk_intake_request_feedback_by_id_app_user')),
        sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_intake_request_referral_id_referral')),
        sa.ForeignKeyConstraint(['registered_by_id'], ['app_user.id'], name=op.f('fk_intake_request_registered_by_id_app_user')),
        sa.ForeignKeyConstraint(['township_id'], ['org_unit.id'], name=op.f('fk_intake_request_township_id_org_unit')),
        sa.ForeignKeyConstraint(['triaged_by_id'], ['app_user.id'], name=op.f('fk_intake_request_triaged_by_id_app_user')),
        sa.ForeignKeyConstraint(['village_id'], ['org_unit.id'], name=op.f('fk_intake_request_village_id_org_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_request')),
        sa.UniqueConstraint('number', name=op.f('uq_intake_request_number')),
        sa.UniqueConstraint('channel', 'external_ticket', name='uq_intake_request_channel_ticket'),
    )
    op.create_index(op.f('ix_intake_request_case_id'), 'intake_request', ['case_id'], unique=False)
    op.create_index(
        'ix_intake_request_township_status', 'intake_request', ['township_id', 'status', 'registered_at'], unique=False
    )
    op.create_index(
        'ix_intake_request_county_status_due', 'intake_request', ['county_id', 'status', 'due_at'], unique=False
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_intake_request_county_status_due', table_name='intake_request')
    op.drop_index('ix_intake_request_township_status', table_name='intake_request')
    op.drop_index(op.f('ix_intake_request_case_id'), table_name='intake_request')
    op.drop_table('intake_request')
