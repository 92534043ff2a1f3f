"""Full-text search, diacritics folded for search only.

SQLite: FTS5 tables target_fts (rowid = target.id) and document_fts (rowid = document.id,
contentless), filled from the rows already there. PostgreSQL: the kehoach_fold() function and
GIN indexes over the folded text of targets and documents (nothing to fill: they are indexes).

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-22
"""
from alembic import op
import sqlalchemy as sa

from kehoach.store import fts

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(f"CREATE VIRTUAL TABLE target_fts USING fts5(body, tokenize='{fts.TOKENIZE}')")
        op.execute(f"CREATE VIRTUAL TABLE document_fts USING fts5(body, content='', "
                   f"tokenize='{fts.TOKENIZE}')")
        targets = bind.execute(sa.text("SELECT id, subject, text FROM target")).all()
        fts.sqlite_index_targets(bind, [tuple(r) for r in targets])
        for doc_id, text in bind.execute(sa.text("SELECT document_id, text FROM document_text")):
            fts.sqlite_index_document(bind, doc_id, text)
    elif bind.dialect.name == "postgresql":
        op.execute(fts.pg_fold_function_sql())
        op.execute(f"CREATE INDEX ix_target_search ON target USING gin ({fts.pg_target_vector()})")
        op.execute(f"CREATE INDEX ix_document_text_search ON document_text USING gin "
                   f"({fts.pg_document_vector()})")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS document_fts")
        op.execute("DROP TABLE IF EXISTS target_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_document_text_search")
        op.execute("DROP INDEX IF EXISTS ix_target_search")
        op.execute("DROP FUNCTION IF EXISTS kehoach_fold(text)")
