"""Alembic environment for the kehoach store.

``Store.migrate()`` passes its open connection in ``config.attributes["connection"]``; the
migrations run on it, inside the caller's transaction. Offline (SQL script) mode is not used.
"""
from alembic import context
from sqlmodel import SQLModel

from kehoach.store import schema  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the kehoach migrations through kehoach.store.db.open_store()")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things: later migrations rebuild tables in batch mode.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
