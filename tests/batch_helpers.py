"""Shared by the batch, Dask and CLI tests: sample files, one loaded store, row dumps."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from kehoach.extract.paths import CORPORA, REPO

SEEDS = sorted((CORPORA / "seeds").glob("*.txt"))
# The text seeds and two renderings (no scans: OCR is ~2 s a page).
SAMPLE = [*SEEDS, CORPORA / "rendered" / "000_17b1d471c936a28b.docx",
          CORPORA / "rendered" / "001_8da94503c03abd19.pdf"]
FACT_TABLES = ("target", "assignment", "deadline", "citation")


@lru_cache(maxsize=1)
def loaded_db() -> Path:
    """SAMPLE ingested once per test process with two worker processes (copy it to change it)."""
    from kehoach.batch import ingest
    from kehoach.runners import PoolRunner
    from kehoach.store.db import open_store

    path = Path(tempfile.mkdtemp(prefix="kehoach-batch-")) / "loaded.db"
    with open_store(path) as store:
        summary = ingest(store, SAMPLE, PoolRunner(2))
    assert (summary.stored, summary.failed) == (len(SAMPLE), 0), summary.failures
    return path


def copy_db(src: Path, dest_dir: Path) -> Path:
    dest = dest_dir / src.name
    shutil.copy(src, dest)
    return dest


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table (FTS shadow tables too), in rowid order."""
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        out = {}
        for name in names:
            try:
                out[name] = conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            except sqlite3.OperationalError:  # WITHOUT ROWID tables
                out[name] = sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
    return out


def counts(db: Path) -> dict[str, int]:
    return {k: len(v) for k, v in dump(db).items()}


def query(db: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def assert_consistent(db: Path) -> None:
    """Each document has exactly the facts of its current run, and every run a document."""
    assert query(db, "SELECT count(*) FROM document d LEFT JOIN extraction_run r ON r.id = d.run_id "
                     "WHERE r.id IS NULL OR r.document_id != d.id") == [(0,)]
    assert query(db, "SELECT count(*) FROM extraction_run r LEFT JOIN document d ON d.id = r.document_id "
                     "WHERE d.id IS NULL") == [(0,)]
    assert query(db, "SELECT count(*) FROM document_text t LEFT JOIN document d ON d.id = t.document_id "
                     "WHERE d.id IS NULL") == [(0,)]
    for table in FACT_TABLES:
        assert query(db, f"SELECT count(*) FROM {table} f JOIN document d ON d.id = f.document_id "
                         "WHERE f.run_id != d.run_id") == [(0,)], table


def kehoach(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real command line in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "kehoach", *map(str, args)], cwd=REPO,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout)
