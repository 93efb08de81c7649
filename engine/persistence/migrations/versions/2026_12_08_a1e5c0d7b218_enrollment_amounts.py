"""enrollment amounts month by month: the history a 发放名册 reads (engine.persistence.amounts)

Existing enrollments get one row: their current amount from their first month. Changes made before this
revision were kept only in the audit trail, so a roster of an earlier month may differ from what was
paid then; rosters start with this revision (docs/payments.md).

Revision ID: a1e5c0d7b218
Revises: 3b7a1c9d5e62
Create Date: 2026-12-08 09:20:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = 'a1e5c0d7b218'
down_revision: Union[str, Sequence[str], None] = '3b7a1c9d5e62'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'enrollment_amount',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('monthly_amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('persons', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('reference', sa.String(length=64), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_enrollment_amount_enrollment_id_enrollment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_amount')),
    )
    with op.batch_alter_table('enrollment_amount', schema=None) as batch_op:
        batch_op.create_index(
            'ix_enrollment_amount_lookup', ['enrollment_id', 'effective_from', 'id', 'monthly_amount'], unique=False
        )
    op.execute(
        "INSERT INTO enrollment_amount (enrollment_id, effective_from, monthly_amount, persons, source, reference, recorded_at) "
        "SELECT e.id, e.starts_on, e.monthly_amount, e.persons, 'approval', c.number, e.created_at "
        "FROM enrollment e JOIN case_file c ON c.id = e.case_id"
    )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('enrollment_amount', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollment_amount_lookup')
    op.drop_table('enrollment_amount')
