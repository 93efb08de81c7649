"""Official documents as issued (docs/documents.md)

Revision ID: f7d2c4a5e8b1
Revises: e6c1a3b49d32
Create Date: 2026-12-07 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'f7d2c4a5e8b1'
down_revision: Union[str, Sequence[str], None] = 'e6c1a3b49d32'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'issued_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('definition_id', sa.Integer(), nullable=True),
        sa.Column('process_id', sa.String(length=64), nullable=True),
        sa.Column('element_id', sa.String(length=100), nullable=True),
        sa.Column('template', sa.String(length=100), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('replaces_id', sa.Integer(), nullable=True),
        sa.Column('correction_reason', sa.Text(), nullable=True),
        sa.Column('superseded_at', sa.DateTime(), nullable=True),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('template_hash', sa.String(length=64), nullable=False),
        sa.Column('data_hash', sa.String(length=64), nullable=False),
        sa.Column('context', sa.JSON(), nullable=False),
        sa.Column('issuing_unit_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('applicant_masked', sa.String(length=100), nullable=True),
        sa.Column('unit_name', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
        sa.ForeignKeyConstraint(['task_id'], ['human_task.id'], ),
        sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'], ),
        sa.ForeignKeyConstraint(['replaces_id'], ['issued_document.id'], ),
        sa.ForeignKeyConstraint(['issuing_unit_id'], ['org_unit.id'], ),
        sa.ForeignKeyConstraint(['issued_by_id'], ['app_user.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    op.create_index('ix_issued_document_task_id', 'issued_document', ['task_id'], unique=False)
    op.create_index('ix_issued_document_sha256', 'issued_document', ['sha256'], unique=False)
    op.create_index('ix_issued_document_case', 'issued_document', ['case_id', 'issued_at'], unique=False)
    op.create_index('ix_issued_document_template', 'issued_document', ['template', 'issued_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_issued_document_template', table_name='issued_document')
    op.drop_index('ix_issued_document_case', table_name='issued_document')
    op.drop_index('ix_issued_document_sha256', table_name='issued_document')
    op.drop_index('ix_issued_document_task_id', table_name='issued_document')
    op.drop_table('issued_document')
