"""The batch runner: the process pool, ingest (hash first, once per file), failures, re-extraction."""
from __future__ import annotations

import os
import signal
import time

import pytest

import pg
from batch_helpers import (
    FACT_TABLES, SAMPLE, SEEDS, assert_consistent, copy_db, counts, dump, loaded_db, query,
)
from kehoach.batch import (
    IngestTask, documents_to_reextract, find_files, ingest, ingest_one, reextract, store_outcome,
)
from kehoach.extract.settings import DEFAULT
from kehoach.pool import ProcessPool, WorkerFailure
from kehoach.runners import PoolRunner, SerialRunner
from kehoach.store.db import open_store


# -- the pool (top-level functions: spawned workers import this module to run them) ------------
def times_ten(x: int) -> int:
    if x == 3:
        raise ValueError("three is bad")
    return x * 10


def dies_on_two(x: int) -> int:
    if x == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # as a segfault or the OOM killer would
    return x


def hangs_on_one(x: int) -> int:
    if x == 1:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # deaf to the soft limit
        time.sleep(60)
    return x


def test_pool_returns_results_and_failures_per_item():
    with ProcessPool(2, times_ten) as pool:
        got = dict(pool.imap_unordered(range(6)))
    assert {k: v for k, v in got.items() if k != 3} == {0: 0, 1: 10, 2: 20, 4: 40, 5: 50}
    assert isinstance(got[3], WorkerFailure) and "ValueError: three is bad" in got[3].reason


def test_pool_survives_a_worker_that_dies():
    with ProcessPool(2, dies_on_two) as pool:
        got = dict(pool.imap_unordered(range(5)))
    assert [got[i] for i in (0, 1, 3, 4)] == [0, 1, 3, 4]
    assert isinstance(got[2], WorkerFailure) and "SIGKILL" in got[2].reason


def test_pool_kills_a_worker_past_the_hard_limit():
    started = time.monotonic()
    with ProcessPool(1, hangs_on_one, hard_timeout_s=1.0) as pool:
        got = dict(pool.imap_unordered(range(3)))
    assert time.monotonic() - started < 30
    assert got[0] == 0 and got[2] == 2
    assert isinstance(got[1], WorkerFailure) and "timed out" in got[1].reason


def test_pool_with_nothing_to_do_starts_no_worker():
    pool = ProcessPool(2, times_ten)
    assert list(pool.imap_unordered([])) == [] and pool.workers == []


# -- finding files ------------------------------------------------------------------------------
def test_find_files_recurses_keeps_supported_formats_and_named_files(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/x.txt", "a/b/y.PDF", "a/b/z.docx", "a/notes.md", "a/.hidden.txt", "a/~$lock.docx",
                 "a/b/page.png", "named.bin"):
        (tmp_path / name).write_bytes(b"x")
    found = find_files([tmp_path / "a", tmp_path / "named.bin"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/b/page.png", "a/b/y.PDF", "a/b/z.docx", "a/x.txt", "named.bin"]


# -- ingest ---------------------------------------------------------------------------------------
def test_ingest_stores_each_sample_file_once_with_its_facts():
    db = loaded_db()
    assert counts(db)["document"] == len(SAMPLE)
    rows = query(db, "SELECT name, format, extractor_version FROM document ORDER BY name")
    assert sorted(r[0] for r in rows) == sorted(p.name for p in SAMPLE)
    assert {r[1] for r in rows} == {"text", "docx", "pdf"}
    from kehoach.extract.nlp.pipeline import __version__
    assert len({r[2] for r in rows}) == 1 and rows[0][2].startswith(__version__)
    assert query(db, "SELECT count(*) FROM target")[0][0] > 20  # the seeds hold dozens of targets
    assert query(db, "SELECT count(*) FROM extraction_run WHERE status = 'ok'") == [(len(SAMPLE),)]
    assert query(db, "SELECT count(*) FROM ingest_error") == [(0,)]
    assert_consistent(db)


def test_loading_twice_leaves_the_same_rows(tmp_path):
    db = copy_db(loaded_db(), tmp_path)
    before = dump(db)
    # The same files again, plus byte-identical copies under other names: all skipped, unparsed.
    copies = tmp_path / "copies"
    copies.mkdir()
    for p in SAMPLE:
        (copies / f"copy-of-{p.name}").write_bytes(p.read_bytes())
    with open_store(db) as store:
        summary = ingest(store, [*SAMPLE, copies], SerialRunner())
    assert (summary.stored, summary.skipped, summary.failed) == (0, 2 * len(SAMPLE), 0)
    assert dump(db) == before


def test_bad_files_are_recorded_and_the_batch_goes_on(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage")
    (tmp_path / "not-a-zip.docx").write_bytes(b"PK\x03\x04 this is not a docx")
    good = tmp_path / "good.txt"
    good.write_text(SEEDS[1].read_text(encoding="utf-8")[:3000], encoding="utf-8")
    with open_store(tmp_path / "k.db") as store:
        summary = ingest(store, [tmp_path, tmp_path / "missing.txt"], PoolRunner(2))
    assert (summary.stored, summary.failed, summary.exit_code) == (1, 4, 3)
    errors = dict(query(tmp_path / "k.db", "SELECT path, error FROM ingest_error"))
    assert set(errors) == {str(tmp_path / n) for n in ("empty.txt", "broken.pdf", "not-a-zip.docx", "missing.txt")}
    assert "empty file" in errors[str(tmp_path / "empty.txt")]
    assert "corrupt" in errors[str(tmp_path / "broken.pdf")]
    assert "No such file" in errors[str(tmp_path / "missing.txt")]
    assert all(e.startswith(p) for p, e in errors.items())  # each names its file
    assert query(tmp_path / "k.db", "SELECT name FROM document") == [("good.txt",)]


def test_a_file_over_the_time_limit_is_recorded(tmp_path):
    big = tmp_path / "big.txt"  # ~2 MB of plan text: parsing takes well over the limit
    big.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in SEEDS * 20), encoding="utf-8")
    settings = DEFAULT.__class__(timeout_s=0.2)
    with open_store(tmp_path / "k.db") as store:
        summary = ingest(store, [big], PoolRunner(1), settings=settings)  # the alarm fires in the worker
    assert summary.failed == 1
    assert "time limit" in query(tmp_path / "k.db", "SELECT error FROM ingest_error")[0][0]


def test_parsed_but_not_extracted_is_kept_and_reextracted(tmp_path):
    outcome = ingest_one(IngestTask(str(SEEDS[2]), "unused"))
    assert outcome.ok
    # What a worker hands back when extraction fails after a good parse:
    outcome.extraction, outcome.error, outcome.stage = None, f"{SEEDS[2]}: internal error (boom)", "extract"
    with open_store(tmp_path / "k.db") as store:
        assert store_outcome(store, outcome)[0] == "failed"
        db = tmp_path / "k.db"
        assert query(db, "SELECT r.status, r.error FROM document d JOIN extraction_run r ON r.id = d.run_id") \
            == [("error", f"{SEEDS[2]}: internal error (boom)")]
        assert query(db, "SELECT count(*) FROM target") == [(0,)]
        assert len(documents_to_reextract(store)) == 1  # same version, but its run failed
        summary = reextract(store, SerialRunner())
        assert (summary.stored, summary.failed) == (1, 0)
        assert documents_to_reextract(store) == []
    assert query(db, "SELECT r.status FROM document d JOIN extraction_run r ON r.id = d.run_id") == [("ok",)]
    assert query(db, "SELECT count(*) FROM target")[0][0] > 0
    assert_consistent(db)


def test_reextract_replaces_facts_with_a_new_run(tmp_path):
    db = copy_db(loaded_db(), tmp_path)
    before = counts(db)
    (version,), = query(db, "SELECT DISTINCT extractor_version FROM document")
    with open_store(db) as store:
        assert documents_to_reextract(store, version=version) == []  # nothing stale
        ids = documents_to_reextract(store, version="0.0.0+another")
        assert len(ids) == len(SAMPLE)
        summary = reextract(store, SerialRunner(), version="0.0.0+another")
    assert (summary.stored, summary.failed) == (len(SAMPLE), 0)
    after = counts(db)
    assert after["extraction_run"] == 2 * before["extraction_run"]
    for table in (*FACT_TABLES, "document", "document_text"):  # same extractor: the same facts
        assert after[table] == before[table], table
    assert query(db, "SELECT count(*) FROM document d WHERE d.run_id NOT IN "
                     "(SELECT max(id) FROM extraction_run GROUP BY document_id)") == [(0,)]
    assert_consistent(db)


# -- PostgreSQL -------------------------------------------------------------------------------------
@pytest.mark.skipif(not pg.available(), reason="PostgreSQL server binaries not installed")
def test_ingest_into_postgresql_matches_sqlite():
    from sqlalchemy import text

    def per_document(rows):  # file name -> facts of each kind
        return {name: tuple(ns) for name, *ns in rows}

    facts = ", ".join(f"(SELECT count(*) FROM {t} f WHERE f.document_id = d.id)" for t in FACT_TABLES)
    sql = f"SELECT d.name, {facts} FROM document d"
    url = pg.server().create_database()
    with open_store(url) as store:
        first = ingest(store, SEEDS, SerialRunner())
        second = ingest(store, SEEDS, SerialRunner())
        assert len(documents_to_reextract(store, version="0.0.0+another")) == len(SEEDS)
        redone = reextract(store, SerialRunner(), version="0.0.0+another")
        with store.read() as conn:
            got = per_document(conn.execute(text(sql)).all())
            runs = conn.execute(text("SELECT count(*) FROM extraction_run")).scalar()
            stale_facts = conn.execute(text(
                "SELECT count(*) FROM target t JOIN document d ON d.id = t.document_id "
                "WHERE t.run_id != d.run_id")).scalar()
    assert (first.stored, first.failed) == (len(SEEDS), 0)
    assert (second.stored, second.skipped) == (0, len(SEEDS))
    assert (redone.stored, redone.failed) == (len(SEEDS), 0)
    assert runs == 2 * len(SEEDS) and stale_facts == 0
    on_sqlite = per_document(query(loaded_db(), sql))
    assert got == {p.name: on_sqlite[p.name] for p in SEEDS}
