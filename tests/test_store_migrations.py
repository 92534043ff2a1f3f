"""Schema migrations: a store made at an older revision opens with this version, and the
SQLModel models agree with what the migrations build."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, text

from kehoach.store import query
from kehoach.store.db import Store, make_engine, open_store, store_url
from kehoach.store.fts import search_fold
from kehoach.store.schema import Document, DocumentText, ExtractionRun, SQLModel, Target
from kehoach.extract.normalize import fold
import pg
from store_fixtures import DIALECTS, seed_pairs



def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from kehoach.store.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


HEAD = _head()


def _url(dialect: str, tmp_path) -> str:
    if dialect == "sqlite":
        return store_url(tmp_path / "old.db")
    if not pg.available():
        pytest.skip("PostgreSQL server binaries not installed")
    return pg.server().create_database()


def _revision(store: Store) -> str | None:
    with store.read() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_store_made_at_revision_1_opens_after_upgrade(dialect, tmp_path):
    url = _url(dialect, tmp_path)
    old = Store(engine=make_engine(url), url=url)
    old.upgrade_to("0001")
    assert _revision(old) == "0001"
    now = datetime.now(timezone.utc)
    doc, ext = seed_pairs()[1]
    with old.write() as conn:  # what version 1 would have written
        conn.execute(insert(Document.__table__), {
            "id": 1, "sha256": "f" * 64, "path": "/old/plan.txt", "name": "plan.txt", "format": "text",
            "size": 1, "page_count": 1, "ocr_pages": [], "number": "27/KH-UBND", "loaded_at": now,
            "provenance": {}, "issued_year": 2021})
        conn.execute(insert(DocumentText.__table__), {"document_id": 1, "text": doc.text, "parsed": {},
                                                      "parse_seconds": 0.0})
        conn.execute(insert(ExtractionRun.__table__), {"id": 1, "document_id": 1, "extractor_version": "0",
                                                       "status": "ok", "timings": {}})
        conn.execute(insert(Target.__table__), {
            "document_id": 1, "run_id": 1, "value": 80.0, "comparator": "=", "unit": "%",
            "subject": "người nghiện được cai nghiện", "text": "80% người nghiện được cai nghiện",
            "page": 1, "char_start": 0, "char_end": 3, "verbatim": "80%"})
    old.close()

    store = open_store(url)
    assert _revision(store) == HEAD
    rows = query.targets(store, text="cai nghien")
    assert [r["document"] for r in rows] == ["27/KH-UBND"]
    assert [r["document"] for r in query.docs(store, text="te nan xa hoi")] == ["27/KH-UBND"]
    store.close()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_models_match_migrations(dialect, tmp_path):
    store = open_store(_url(dialect, tmp_path))
    search = {"target_fts", "document_fts"}
    with store.read() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                 SQLModel.metadata)
    # full-text search lives outside the models: FTS5 tables (SQLite); generated tsvector
    # columns and their GIN indexes (PostgreSQL)
    diffs = [d for d in diffs if not (
        d[0] == "remove_table" and d[1].name.split("_fts")[0] + "_fts" in search
        or d[0] == "remove_index" and d[1].name in ("ix_target_search", "ix_document_text_search")
        or d[0] == "remove_column" and d[3].name == "search")]
    assert diffs == []
    store.close()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_reopening_is_a_no_op(dialect, tmp_path):
    url = _url(dialect, tmp_path)
    open_store(url).close()
    store = open_store(url)
    assert _revision(store) == HEAD
    with store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM province")).scalar() == 64
    store.close()


def test_sqlite_settings(tmp_path):
    store = open_store(tmp_path / "k.db")
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_default_store_is_kehoach_db(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = open_store()
    assert store.url == f"sqlite:///{tmp_path / 'kehoach.db'}"
    assert (tmp_path / "kehoach.db").exists()
    store.close()


def test_postgres_fold_function_matches_python(tmp_path):
    if not pg.available():
        pytest.skip("PostgreSQL server binaries not installed")
    store = open_store(pg.server().create_database())
    letters = "aàáảãạăằắẳẵặâầấẩẫậđeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
    samples = [letters, letters.upper()] + [d.text for d, _ in seed_pairs()]
    with store.read() as conn:
        for s in samples:
            assert conn.execute(text("SELECT kehoach_fold(:s)"), {"s": s}).scalar() == fold(s) == search_fold(s)
    store.close()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_optimize_gathers_statistics(dialect, tmp_path):
    from store_fixtures import load_seeds

    store = open_store(_url(dialect, tmp_path))
    load_seeds(store)
    store.optimize()
    with store.read() as conn:
        if dialect == "sqlite":
            n = conn.exec_driver_sql("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'target'").scalar()
        else:
            n = conn.exec_driver_sql("SELECT count(*) FROM pg_stats WHERE tablename = 'target'").scalar()
    assert n > 0
    store.close()
