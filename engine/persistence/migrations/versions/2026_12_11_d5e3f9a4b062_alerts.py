"""monitoring alerts (监测预警, docs/alerts.md)

Revision ID: d5e3f9a4b062
Revises: c4d2e8f3a951
Create Date: 2026-12-11 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'd5e3f9a4b062'
down_revision: Union[str, Sequence[str], None] = 'c4d2e8f3a951'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'alert_batch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.String(length=64), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=100), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=True),
        sa.Column('content_sha256', sa.String(length=64), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.Column('total_rows', sa.Integer(), nullable=False),
        sa.Column('imported_rows', sa.Integer(), nullable=False),
        sa.Column('merged_rows', sa.Integer(), nullable=False),
        sa.Column('rejected_rows', sa.Integer(), nullable=False),
        sa.Column('report', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['county_id'], ['org_unit.id'], name=op.f('fk_alert_batch_county_id_org_unit')),
        sa.ForeignKeyConstraint(['imported_by_id'], ['app_user.id'], name=op.f('fk_alert_batch_imported_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_batch')),
        sa.UniqueConstraint('batch_id', name=op.f('uq_alert_batch_batch_id')),
    )
    op.create_table(
        'alert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('row', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=True),
        sa.Column('village_id', sa.Integer(), nullable=True),
        sa.Column('id_number', sa.String(length=18), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('members', sa.JSON(), nullable=False),
        sa.Column('indicator', sa.String(length=32), nullable=False),
        sa.Column('level', sa.String(length=8), nullable=False),
        sa.Column('source', sa.String(length=100), nullable=False),
        sa.Column('alerted_on', sa.Date(), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('match_kind', sa.String(length=16), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=True),
        sa.Column('matched_case_id', sa.Integer(), nullable=True),
        sa.Column('opened_case_id', sa.Integer(), nullable=True),
        sa.Column('process_state', sa.String(length=8), nullable=True),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('merged_count', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=32), nullable=True),
        sa.Column('outcome_note', sa.Text(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['batch_id'], ['alert_batch.id'], name=op.f('fk_alert_batch_id_alert_batch')),
        sa.ForeignKeyConstraint(['county_id'], ['org_unit.id'], name=op.f('fk_alert_county_id_org_unit')),
        sa.ForeignKeyConstraint(['township_id'], ['org_unit.id'], name=op.f('fk_alert_township_id_org_unit')),
        sa.ForeignKeyConstraint(['village_id'], ['org_unit.id'], name=op.f('fk_alert_village_id_org_unit')),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_alert_enrollment_id_enrollment')),
        sa.ForeignKeyConstraint(['matched_case_id'], ['case_file.id'], name=op.f('fk_alert_matched_case_id_case_file')),
        sa.ForeignKeyConstraint(['opened_case_id'], ['case_file.id'], name=op.f('fk_alert_opened_case_id_case_file')),
        sa.ForeignKeyConstraint(['merged_into_id'], ['alert.id'], name=op.f('fk_alert_merged_into_id_alert')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert')),
    )
    op.create_index(op.f('ix_alert_batch_id'), 'alert', ['batch_id'], unique=False)
    op.create_index(op.f('ix_alert_id_number'), 'alert', ['id_number'], unique=False)
    op.create_index(op.f('ix_alert_opened_case_id'), 'alert', ['opened_case_id'], unique=False)
    op.create_index(op.f('ix_alert_process_state'), 'alert', ['process_state'], unique=False)
    op.create_index('ix_alert_county_status_due', 'alert', ['county_id', 'status', 'due_at'], unique=False)
    op.create_table(
        'monitored_household',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('id_number', sa.String(length=18), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('alert_id', sa.Integer(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('recheck_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('recheck_alert_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['village_id'], ['org_unit.id'], name=op.f('fk_monitored_household_village_id_org_unit')),
        sa.ForeignKeyConstraint(['county_id'], ['org_unit.id'], name=op.f('fk_monitored_household_county_id_org_unit')),
        sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_monitored_household_alert_id_alert')),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_monitored_household_case_id_case_file')),
        sa.ForeignKeyConstraint(['recheck_alert_id'], ['alert.id'], name=op.f('fk_monitored_household_recheck_alert_id_alert')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_monitored_household')),
    )
    op.create_index(op.f('ix_monitored_household_id_number'), 'monitored_household', ['id_number'], unique=False)
    op.create_index('ix_monitored_household_status_recheck', 'monitored_household', ['status', 'recheck_on'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_monitored_household_status_recheck', table_name='monitored_household')
    op.drop_index(op.f('ix_monitored_household_id_number'), table_name='monitored_household')
    op.drop_table('monitored_household')
    op.drop_index('ix_alert_county_status_due', table_name='alert')
    op.drop_index(op.f('ix_alert_process_state'), table_name='alert')
    op.drop_index(op.f('ix_alert_opened_case_id'), table_name='alert')
    op.drop_index(op.f('ix_alert_id_number'), table_name='alert')
    op.drop_index(op.f('ix_alert_batch_id'), table_name='alert')
    op.drop_table('alert')
    op.drop_table('alert_batch')
