"""The indicator each target measures (issue 5: comparison tables).

Three nullable columns on target: indicator_id (an id of models/indicators.yaml, or "other"),
indicator_score, indicator_version (the taxonomy that matched it). Existing rows keep NULL and
are matched the first time tables are built (kehoach.store.indicators.ensure_indicators).

Revision ID: 0003
Revises: 0002
Create Date: 2025-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('target', sa.Column('indicator_id', sa.String(), nullable=True))
    op.add_column('target', sa.Column('indicator_score', sa.Float(), nullable=True))
    op.add_column('target', sa.Column('indicator_version', sa.String(length=16), nullable=True))
    op.create_index('ix_target_indicator_id', 'target', ['indicator_id'], unique=False)
    op.create_index('ix_target_indicator_version', 'target', ['indicator_version'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_target_indicator_version', table_name='target')
    op.drop_index('ix_target_indicator_id', table_name='target')
    with op.batch_alter_table('target') as batch:  # SQLite rebuilds the table to drop columns
        batch.drop_column('indicator_version')
        batch.drop_column('indicator_score')
        batch.drop_column('indicator_id')
