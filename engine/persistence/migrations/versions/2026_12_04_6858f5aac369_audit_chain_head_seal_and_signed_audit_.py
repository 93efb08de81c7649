"""audit chain head seal and signed audit checkpoints

The head's seal stays NULL until `dibao init` re-seals the existing chain under the HMAC key
(engine/services/audit_key.py); checkpoints are added by `dibao audit checkpoint`.

Revision ID: 6858f5aac369
Revises: 5d16326b7785
Create Date: 2026-12-04 20:29:49.372629

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '6858f5aac369'
down_revision: Union[str, Sequence[str], None] = '5d16326b7785'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('audit_checkpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('signer', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoint'))
    )
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal', sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('seal')

    op.drop_table('audit_checkpoint')
