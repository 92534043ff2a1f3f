"""Opening a store: a SQLite file by default, any SQLAlchemy URL (PostgreSQL) to scale.

``open_store(url)`` connects, brings the schema to the newest migration (Alembic, so a store
made by one version of kehoach opens with the next) and fills the province table.

SQLite is set up for many readers and one writer at a time: WAL journal, foreign keys on,
``synchronous=NORMAL`` (a crash or kill -9 loses nothing committed; only a power cut may
lose the last transactions), and writes that begin with ``BEGIN IMMEDIATE`` so two writers
queue on the busy timeout instead of failing half-way.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlmodel import Session

DEFAULT_DB = "kehoach.db"
MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 60_000
_PG_MIGRATION_LOCK = 0x6B65686F  # an arbitrary advisory-lock number: "keho"


def store_url(url: str | Path | None) -> str:
    """A SQLAlchemy URL for ``--db``: None -> kehoach.db; a path -> that SQLite file."""
    if url is None:
        url = DEFAULT_DB
    url = str(url)
    if "://" in url:
        return url
    return f"sqlite:///{Path(url).expanduser().resolve()}"


@dataclass
class Store:
    """An open store. ``session()`` for ORM work, ``write()``/``read()`` for Core connections."""

    engine: Engine
    url: str
    # Lookup caches filled as rows are written (ids never change once committed).
    cache: dict[str, dict] = field(default_factory=lambda: {"agency": {}, "legal": {}, "province": {}})

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as s:
            yield s

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on an exception."""
        with self.engine.connect().execution_options(kehoach_write=True) as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    def migrate(self) -> None:
        """Bring the schema to the newest revision (nothing to do when it is there already)."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with self.write() as conn:
            if self.dialect == "postgresql":  # two processes opening a new store at once
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            if MigrationContext.configure(conn).get_current_revision() == head:
                return
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def upgrade_to(self, revision: str) -> None:
        """Migrate to a given revision (tests use it to build a store as an older version made it)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.write() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

    def optimize(self) -> None:
        """Refresh the query planner's statistics: worth it after a bulk load (ingest)."""
        if self.dialect == "sqlite":
            with self.write() as conn:
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")  # sampled: ~50 ms at 1 GB
                conn.exec_driver_sql("ANALYZE")
        elif self.dialect == "postgresql":
            with self.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # Vietnamese stays readable (and smaller)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    connect_args = {}
    if url.startswith("postgresql"):
        # JIT compilation costs 100-200 ms per query and pays off only on long analytics.
        connect_args["options"] = "-c jit=off"
    return create_engine(url, pool_pre_ping=True, json_serializer=_json, connect_args=connect_args)


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, json_serializer=_json,
                           connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # We issue BEGIN ourselves (below): pysqlite's own implicit transactions are off.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        # Checkpoints are the only fsyncs in WAL mode with synchronous=NORMAL: fewer, larger
        # ones (every ~40 MB of WAL instead of 4 MB) make bulk loads ~1.5x faster.
        cur.execute("PRAGMA wal_autocheckpoint=10000")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("kehoach_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def open_store(url: str | Path | None = None, migrate: bool = True) -> Store:
    """Open (creating if needed) the store at ``url`` and bring its schema up to date."""
    full = store_url(url)
    store = Store(engine=make_engine(full), url=full)
    if migrate:
        store.migrate()
        sync_provinces(store)
    return store


def sync_provinces(store: Store) -> None:
    """Fill the province table from corpora/gazetteers/provinces.json (adds what is missing)."""
    from .provinces import load_provinces
    from .schema import Province

    data = load_provinces()
    with store.read() as conn:
        have = dict(conn.execute(select(Province.name, Province.id)).all())
    missing = [p for p in data.entries if p.name not in have]
    if missing:
        with store.write() as conn:
            table = Province.__table__
            conn.execute(table.insert(), [
                {"name": p.name, "folded": p.key, "kind": p.kind, "aliases": list(p.aliases),
                 "until_2025": p.until_2025, "current": p.current, "merged_into_id": None}
                for p in missing])
            ids = dict(conn.execute(select(Province.name, Province.id)).all())
            for p in data.entries:
                if p.merged_into:
                    conn.execute(table.update().where(table.c.id == ids[p.name])
                                 .values(merged_into_id=ids[p.merged_into]))
        have = ids
    store.cache["province"] = have


__all__ = ["DEFAULT_DB", "Store", "open_store", "store_url", "sync_provinces"]
