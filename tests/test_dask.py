"""Batch work on a real Dask LocalCluster (two worker processes): results written once each."""
from __future__ import annotations

import pytest

from batch_helpers import SEEDS, assert_consistent, kehoach, query
from kehoach.batch import ingest, reextract, warm_up
from kehoach.cluster import DaskRunner, dask_client, local_cluster
from kehoach.store.db import open_store


def square_unless_negative(x: int) -> int:
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x * x


@pytest.fixture(scope="module")
def client():
    """A client that joins a running scheduler by its tcp:// address, as `--cluster tcp://...` does."""
    with local_cluster(2) as cluster:
        assert cluster.scheduler_address.startswith("tcp://")
        with dask_client(cluster.scheduler_address) as c:
            yield c


def test_runner_yields_each_task_once_with_failures_as_reasons(client):
    tasks = [3, -1, 0, 5, 2, 7, 1, 4]  # more than the window of tasks in flight
    got = list(DaskRunner(client).imap_unordered(square_unless_negative, tasks))
    assert sorted(t for t, _ in got) == sorted(tasks)
    results = dict(got)
    assert {t: r for t, r in results.items() if t >= 0} == {t: t * t for t in tasks if t >= 0}
    assert "ValueError" in results[-1] and "negative: -1" in results[-1]


def test_ingest_and_reextract_on_the_cluster(client, tmp_path):
    from kehoach.extract.nlp.pipeline import extract
    from kehoach.extract.parse import parse

    bad = tmp_path / "empty.docx"
    bad.write_bytes(b"")
    files = SEEDS[1:3]
    db = tmp_path / "k.db"
    with open_store(db) as store:
        summary = ingest(store, [*files, bad], DaskRunner(client, warm_up))
        assert (summary.stored, summary.failed) == (2, 1)
        again = ingest(store, files, DaskRunner(client))
        assert (again.stored, again.skipped) == (0, 2)
        redone = reextract(store, DaskRunner(client), stale=False)
        assert (redone.stored, redone.failed) == (2, 0)
    # The workers' facts are what this process finds in the same files.
    for path in files:
        expected = extract(parse(path))
        assert query(db, "SELECT count(*) FROM target t JOIN document d ON d.id = t.document_id "
                         "WHERE d.name = ?", path.name) == [(len(expected.targets),)]
    assert query(db, "SELECT count(*) FROM extraction_run") == [(4,)]
    assert query(db, "SELECT path FROM ingest_error") == [(str(bad),)]
    assert_consistent(db)


def test_cli_cluster_local(tmp_path):
    """The real entry point: `kehoach ingest --cluster local` (worker nannies need its main guard)."""
    plan = tmp_path / "plan.txt"
    plan.write_text(SEEDS[0].read_text(encoding="utf-8")[:5000], encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = kehoach("ingest", tmp_path, "--db", tmp_path / "k.db", "--cluster", "local")
    assert result.returncode == 3, result.stderr
    assert "stored 1, skipped 0, failed 1" in result.stderr
    assert query(tmp_path / "k.db", "SELECT name FROM document") == [("plan.txt",)]
