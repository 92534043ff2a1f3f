"""The commands: ingest killed with SIGKILL and rerun, reextract --stale, the query commands."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

from typer.testing import CliRunner

from batch_helpers import SEEDS, assert_consistent, copy_db, counts, kehoach, loaded_db, query
from kehoach.batch import file_sha256
from kehoach.cli import app
from kehoach.extract.normalize import fold
from kehoach.extract.paths import CORPORA, MODELS, REPO

COPIES = 10  # x 4 seeds = 40 files


def _documents(db) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM document").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or the schema is being made
        return 0


def test_ingest_killed_midway_and_rerun_stores_every_file_once(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(COPIES):
        for seed in SEEDS:
            # The first part of each plan keeps the test quick; trailing newlines make each copy
            # a different file (sha256) with the same text.
            text = seed.read_text(encoding="utf-8")[:6000]
            (corpus / f"{seed.stem}-{i:02}.txt").write_text(text + "\n" * (i + 1), encoding="utf-8")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    files = {str(p): file_sha256(p) for p in corpus.glob("*.txt")}
    db = tmp_path / "k.db"
    args = [sys.executable, "-m", "kehoach", "ingest", str(corpus), "--db", str(db), "--workers", "2"]

    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while _documents(db) < 5:
            assert proc.poll() is None, "the ingest ended before it could be killed"
            assert time.monotonic() < deadline, "no documents stored in time"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        try:  # its workers too, once the parent is gone
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    partial = _documents(db)
    assert 5 <= partial < len(files), "killed mid-way"
    assert_consistent(db)  # what was committed is whole

    rerun = kehoach("ingest", corpus, "--db", db, "--workers", "2")
    assert rerun.returncode == 3, rerun.stderr  # the broken PDF
    assert f"stored {len(files) - partial}," in rerun.stderr
    stored = dict(query(db, "SELECT path, sha256 FROM document"))
    assert stored == files  # every file exactly once, nothing else
    assert query(db, "SELECT count(*) FROM extraction_run") == [(len(files),)]
    errors = query(db, "SELECT path FROM ingest_error")
    assert errors == [(str(corpus / "broken.pdf"),)]  # once, though both runs met it
    assert_consistent(db)


def _home_with_changed_models(tmp_path):
    """A KEHOACH_HOME whose models/ differ by one file: another extractor version, same facts."""
    home = tmp_path / "home"
    shutil.copytree(MODELS, home / "models")
    (home / "models" / "retrained.txt").write_text("a newer lexicon would go here\n", encoding="utf-8")
    (home / "corpora").symlink_to(CORPORA)
    return home


def test_reextract_stale_after_the_extractor_changes(tmp_path):
    db = copy_db(loaded_db(), tmp_path)
    before = counts(db)
    old_versions = {v for (v,) in query(db, "SELECT DISTINCT extractor_version FROM document")}
    env = {"KEHOACH_HOME": str(_home_with_changed_models(tmp_path))}

    first = kehoach("reextract", "--stale", "--db", db, "--workers", "1", env=env)
    assert first.returncode == 0, first.stderr
    n = before["document"]
    assert f"re-extracted {n}, skipped 0, failed 0" in first.stderr
    after = counts(db)
    assert after["extraction_run"] == 2 * n
    for table in ("target", "assignment", "deadline", "citation", "document"):
        assert after[table] == before[table], table  # replaced, not added to
    new_versions = {v for (v,) in query(db, "SELECT DISTINCT extractor_version FROM document")}
    assert len(new_versions) == 1 and not new_versions & old_versions
    assert_consistent(db)

    again = kehoach("reextract", "--db", db, "--workers", "1", env=env)  # --stale is the default
    assert again.returncode == 0 and "re-extracted 0," in again.stderr


# -- queries (in this process) ---------------------------------------------------------------------
cli = CliRunner()


def _run(*args: str):
    return cli.invoke(app, [*args, "--db", str(loaded_db())])


def test_targets_as_json_csv_and_table_carry_their_source():
    rows = json.loads(_run("targets", "--format", "json").stdout)
    assert len(rows) > 20
    assert all(r["document"] and r["page"] >= 1 and r["sentence"] for r in rows)
    table = list(csv.DictReader(io.StringIO(_run("targets", "--format", "csv").stdout)))
    assert len(table) == len(rows) and {"document", "page", "sentence", "value"} <= set(table[0])
    shown = _run("targets", "--limit", "2").stdout
    assert rows[0]["province"] in shown and "sentence" in shown


def test_targets_filters():
    found = json.loads(_run("targets", "--text", "cai nghien", "--format", "json").stdout)
    assert found and all("cai nghien" in fold(f"{r['subject']} {r['sentence']} {r['verbatim']}")
                         for r in found)
    ninh = json.loads(_run("targets", "--province", "Quảng Ninh", "--format", "json").stdout)
    assert ninh and {r["province"] for r in ninh} == {"Quảng Ninh"}
    bad = _run("targets", "--province", "Atlantis")
    assert bad.exit_code == 2


def test_docs_agencies_and_citations():
    docs = json.loads(_run("docs", "--format", "json").stdout)
    assert len(docs) == counts(loaded_db())["document"]
    agencies = json.loads(_run("agencies", "--format", "json").stdout)
    assert agencies and all(r["agency"] and r["sentence"] and r["page"] for r in agencies)
    cites = json.loads(_run("citations", "--format", "json").stdout)
    key = cites[0]["cited_key"]
    citing = json.loads(_run("citations", "--cited", key, "--format", "json").stdout)
    assert citing and {r["cited_key"] for r in citing} == {key}
    assert "docs: " in _run("docs").stdout


def test_query_without_a_store_says_so(tmp_path):
    result = cli.invoke(app, ["docs", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no store" in result.stderr
    assert not (tmp_path / "none.db").exists()
