"""issued documents keep their HTML and are printed to PDF after the step (docs/documents.md#issuing)

Revision ID: a7e2d9c4b613
Revises: f6c0d5b2a761
Create Date: 2026-12-10 09:00:00.000000

Existing rows already have their PDF (sha256 and size set) and stay as they are.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = 'a7e2d9c4b613'
down_revision: Union[str, Sequence[str], None] = 'f6c0d5b2a761'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('size', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('html_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('render_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('render_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('render_claimed_until', sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema. Fails (NOT NULL) while a document is still pending: let the worker print it first."""
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.drop_column('render_claimed_until')
        batch_op.drop_column('render_error')
        batch_op.drop_column('render_attempts')
        batch_op.drop_column('html_sha256')
        batch_op.drop_column('html')
        batch_op.alter_column('size', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=False)
