"""特困供养: enrollment programme and support, notice kind, county samples, monthly care visits (docs/tekun.md)

Revision ID: e6f4a0b5c173
Revises: d5e3f9a4b062
Create Date: 2026-12-12 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'e6f4a0b5c173'
down_revision: Union[str, Sequence[str], None] = 'd5e3f9a4b062'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('enrollment') as batch:
        batch.add_column(sa.Column('programme', sa.String(length=16), server_default='dibao', nullable=False))
        batch.add_column(sa.Column('support', sa.JSON(), nullable=True))
    with op.batch_alter_table('notice') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=16), server_default='application', nullable=False))
    op.create_table(
        'tekun_sample',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('drawn_by_id', sa.Integer(), nullable=False),
        sa.Column('drawn_at', sa.DateTime(), nullable=False),
        sa.Column('seed', sa.String(length=64), nullable=False),
        sa.Column('ratio', sa.String(length=16), nullable=False),
        sa.Column('population', sa.JSON(), nullable=False),
        sa.Column('selected', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['county_id'], ['org_unit.id'], name=op.f('fk_tekun_sample_county_id_org_unit')),
        sa.ForeignKeyConstraint(['drawn_by_id'], ['app_user.id'], name=op.f('fk_tekun_sample_drawn_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tekun_sample')),
    )
    op.create_index(op.f('ix_tekun_sample_county_id'), 'tekun_sample', ['county_id'], unique=False)
    op.create_table(
        'care_visit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('visited_on', sa.Date(), nullable=True),
        sa.Column('record', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_care_visit_case_id_case_file')),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_care_visit_enrollment_id_enrollment')),
        sa.ForeignKeyConstraint(['village_id'], ['org_unit.id'], name=op.f('fk_care_visit_village_id_org_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_care_visit')),
        sa.UniqueConstraint('enrollment_id', 'month', name=op.f('uq_care_visit_enrollment_id')),
    )
    op.create_index('ix_care_visit_status_due', 'care_visit', ['status', 'due_on', 'village_id'], unique=False)
    op.create_index('ix_care_visit_case', 'care_visit', ['case_id'], unique=False)
    op.create_index('ix_enrollment_programme', 'enrollment', ['programme', 'status'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_enrollment_programme', table_name='enrollment')
    op.drop_index('ix_care_visit_case', table_name='care_visit')
    op.drop_index('ix_care_visit_status_due', table_name='care_visit')
    op.drop_table('care_visit')
    op.drop_index(op.f('ix_tekun_sample_county_id'), table_name='tekun_sample')
    op.drop_table('tekun_sample')
    with op.batch_alter_table('notice') as batch:
        batch.drop_column('kind')
    with op.batch_alter_table('enrollment') as batch:
        batch.drop_column('support')
        batch.drop_column('programme')
