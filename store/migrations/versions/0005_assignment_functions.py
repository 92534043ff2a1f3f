"""What each assignment makes its agency do (issue 5: agency x function table).

A narrow table assignment_function (assignment_id, functions JSON, version): the functions of
models/indicators.yaml an assignment's tasks are about, with roles; filled when the tables are
built (kehoach.store.indicators.ensure_functions), removed with its assignment (ON DELETE CASCADE).

Revision ID: 0005
Revises: 0004
Create Date: 2025-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assignment_function',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('functions', sa.Text(), nullable=False),
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'],
                            name=op.f('fk_assignment_function_assignment_id_assignment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assignment_id', name=op.f('pk_assignment_function'))
    )
    op.create_index('ix_assignment_function_version', 'assignment_function', ['version'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_assignment_function_version', table_name='assignment_function')
    op.drop_table('assignment_function')
