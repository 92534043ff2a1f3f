"""PostgreSQL: full-text search from stored tsvector columns instead of expression indexes.

A phrase query rechecks every candidate row against the query; with an expression index that
means folding and parsing each candidate document again (seconds on 10,000 documents). Stored
generated columns ``search`` (filled by the database, old rows included) keep the vectors, so
the recheck only reads them. ``kehoach_fold`` is redefined with the same result at a tenth of
the cost (NFD and a regular expression instead of a long ``translate`` map). SQLite is
unchanged (its FTS5 tables keep positions already).

Revision ID: 0004
Revises: 0003
Create Date: 2025-11-22
"""
from alembic import op

from kehoach.store import fts

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_target_search")
    op.execute("DROP INDEX IF EXISTS ix_document_text_search")
    op.execute(fts.pg_fold_function_sql())  # the same folding, ten times faster
    op.execute(f"ALTER TABLE target ADD COLUMN search tsvector "
               f"GENERATED ALWAYS AS ({fts.pg_target_vector()}) STORED")
    op.execute(f"ALTER TABLE document_text ADD COLUMN search tsvector "
               f"GENERATED ALWAYS AS ({fts.pg_document_vector()}) STORED")
    op.execute("CREATE INDEX ix_target_search ON target USING gin (search)")
    op.execute("CREATE INDEX ix_document_text_search ON document_text USING gin (search)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE document_text DROP COLUMN IF EXISTS search")  # drops its index too
    op.execute("ALTER TABLE target DROP COLUMN IF EXISTS search")
    op.execute(f"CREATE INDEX ix_target_search ON target USING gin ({fts.pg_target_vector()})")
    op.execute(f"CREATE INDEX ix_document_text_search ON document_text USING gin "
               f"({fts.pg_document_vector()})")
