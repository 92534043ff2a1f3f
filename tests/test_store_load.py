"""Loading Documents and Extractions: idempotent, atomic, traceable — on SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
import hashlib

import pytest
from sqlalchemy import func, select, text

from kehoach.extract.model import Citation as CitationFact
from kehoach.extract.model import Provenance
from kehoach.store import query
from kehoach.store.load import (
    document_exists, document_id, pack_document, record_ingest_error, replace_extraction,
    save_many, save_parsed_and_extracted, sentence_around, stale_document_ids, stored_document,
    unpack_document,
)
from kehoach.store.schema import SQLModel
from store_fixtures import DIALECTS, load_seeds, make_store, run_info, seed_pairs

TABLES = ["document", "document_text", "document_topic", "extraction_run", "target", "assignment",
          "deadline", "citation", "agency", "legal_document", "province", "ingest_error"]


def counts(store) -> dict[str, int]:
    with store.read() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def snapshot(store) -> dict[str, list]:
    """Every row of every table, without load timestamps."""
    out = {}
    with store.read() as conn:
        for table in SQLModel.metadata.sorted_tables:
            cols = [c for c in table.c if c.name not in ("loaded_at", "at")]
            out[table.name] = sorted(map(repr, conn.execute(select(*cols)).all()))
    return out


@pytest.fixture(params=DIALECTS)
def store(request, tmp_path):
    s = make_store(request.param, tmp_path)
    yield s
    s.close()


def test_loading_twice_leaves_the_same_rows(store):
    ids = load_seeds(store)
    once = snapshot(store)
    assert load_seeds(store) == ids
    assert snapshot(store) == once
    n = counts(store)
    pairs = seed_pairs()
    assert n["document"] == n["document_text"] == len(pairs) == n["extraction_run"]
    assert n["target"] == sum(len(e.targets) for _, e in pairs)
    assert n["assignment"] == sum(len(e.agencies) for _, e in pairs)
    assert n["citation"] == sum(len(e.citations) for _, e in pairs)
    assert n["legal_document"] == len({c.key for _, e in pairs for c in e.citations})
    assert all(document_exists(store, d.source.sha256) for d, _ in pairs)
    assert not document_exists(store, "0" * 64)


def test_every_fact_points_at_its_text(store):
    load_seeds(store)
    with store.read() as conn:
        texts = dict(conn.execute(text("SELECT document_id, text FROM document_text")).all())
        for table in ("target", "assignment", "deadline", "citation"):
            rows = conn.execute(text(f"SELECT document_id, run_id, page, char_start, char_end, verbatim "
                                     f"FROM {table}")).all()
            assert rows, table
            for doc, run, page, start, end, verbatim in rows:
                assert texts[doc][start:end] == verbatim
                assert page >= 1 and run is not None
        for doc, sentence, verbatim in conn.execute(text(
                "SELECT document_id, sentence, verbatim FROM citation")):
            assert " ".join(verbatim.split()) in sentence


def test_stored_document_comes_back_without_parsing(store):
    for (doc, _), i in zip(seed_pairs(), load_seeds(store)):
        back = stored_document(store, i)
        assert back.to_dict() == doc.to_dict()


def test_pack_stores_the_text_once():
    doc, _ = seed_pairs()[1]
    text_, parsed = pack_document(doc)
    at = parsed["blocks"]["fields"].index("text")
    assert all(row[at] is None for row in parsed["blocks"]["rows"])
    assert unpack_document(text_, parsed).to_dict() == dict(doc.to_dict(), seconds=0.0)


def test_replace_extraction_swaps_facts_atomically(store):
    ids = load_seeds(store)
    doc, ext = seed_pairs()[1]
    before = counts(store)
    assert query.targets(store, text="tệ nạn xã hội", province="Quảng Ninh")

    newer = dataclasses.replace(ext, targets=ext.targets[:2], extractor_version="9.9")
    replace_extraction(store, ids[1], newer, run_info(newer, "9.9"))
    after = counts(store)
    assert after["target"] == before["target"] - len(ext.targets) + 2
    assert after["extraction_run"] == before["extraction_run"] + 1
    assert after["assignment"] == before["assignment"]
    got = query.targets(store, province="Quảng Ninh")
    assert [r["verbatim"] for r in got] == [t.provenance.text for t in ext.targets[:2]]
    # the old facts are gone from the search index too
    assert {r["target_id"] for r in query.targets(store, text="tệ nạn xã hội", province="Quảng Ninh")} \
        <= {r["target_id"] for r in got}
    assert stale_document_ids(store, "9.9") == [i for i in ids if i != ids[1]]

    # a run that fails half-way changes nothing
    broken = dataclasses.replace(ext, extractor_version="10")
    broken.targets = [dataclasses.replace(t, value=None) for t in ext.targets]  # NOT NULL
    with pytest.raises(Exception):
        replace_extraction(store, ids[1], broken, run_info(broken, "10"))
    assert counts(store) == after
    assert len(query.targets(store, province="Quảng Ninh")) == 2


def test_a_failing_document_leaves_nothing(store):
    doc, ext = seed_pairs()[0]
    ext.deadlines[0].provenance.page = None  # NOT NULL: fails after the document row is written
    with pytest.raises(Exception):
        save_parsed_and_extracted(store, doc, ext, run_info(ext))
    assert document_id(store, doc.source.sha256) is None
    n = counts(store)
    assert n["document"] == n["target"] == n["extraction_run"] == n["agency"] == 0
    # and the same file loads afterwards
    doc, ext = seed_pairs()[0]
    assert save_parsed_and_extracted(store, doc, ext, run_info(ext)) >= 1


def test_ingest_errors_recorded_once(store):
    record_ingest_error(store, "/x/a.pdf", None, "corrupt or truncated file")
    record_ingest_error(store, "/x/a.pdf", None, "corrupt or truncated file")
    record_ingest_error(store, "/x/a.pdf", "ab" * 32, "corrupt or truncated file")
    record_ingest_error(store, "/x/b.pdf", None, "encrypted")
    with store.read() as conn:
        rows = conn.execute(text("SELECT path, sha256, error FROM ingest_error ORDER BY id")).all()
    assert [r.path for r in rows] == ["/x/a.pdf", "/x/a.pdf", "/x/b.pdf"]


def test_agencies_are_canonical_and_unknown_ones_flagged(store):
    load_seeds(store)
    with store.read() as conn:
        names = dict(conn.execute(text("SELECT name, known FROM agency")).all())
        per_doc = conn.execute(text(
            "SELECT count(DISTINCT a.document_id) FROM assignment a JOIN agency g ON g.id = a.agency_id "
            "WHERE g.name = 'Sở Y tế'")).scalar()
    assert names["Sở Y tế"] and per_doc >= 2  # one row, however many plans name it
    assert len(names) == len(set(names))
    unknown = query.unknown_agencies(store)
    assert unknown and all(not names[r["agency"]] for r in unknown)
    assert {r["agency"] for r in query.agencies(store, known=False)} == {r["agency"] for r in unknown}


def test_citation_to_a_stored_plan_resolves(store):
    """Ninh Bình's 2017 plan cites "Kế hoạch số 45/KH-UBND ngày 25/5/2016": once that plan is
    stored (whichever is loaded first), the citation links to it; Quảng Ninh's own 45/KH-UBND
    of the same year does not capture it."""
    pairs = seed_pairs()
    citing_doc, citing = pairs[2]
    assert citing.metadata.province == "Ninh Bình"
    cite = next(c for c in citing.citations if c.number == "45/KH-UBND")

    def plan(province: str, sha: str):
        doc, ext = seed_pairs()[1]
        doc.source.sha256 = sha
        doc.source.name = f"{sha[:6]}.txt"
        ext.metadata.province = province
        ext.metadata.number = "45/KH-UBND"
        ext.metadata.issued_date = "2016-05-25"
        ext.metadata.issued_year = 2016
        return doc, ext

    other = plan("Quảng Ninh", "c" * 64)
    save_parsed_and_extracted(store, *other, run_info(other[1]))
    first = plan("Ninh Bình", "a" * 64)
    earlier_id = save_parsed_and_extracted(store, *first, run_info(first[1]))
    citing_id = save_parsed_and_extracted(store, citing_doc, citing, run_info(citing))
    rows = [r for r in query.citations(store, cited=cite.key) if r["document_id"] == citing_id]
    assert rows and rows[0]["cited_document_id"] == earlier_id
    assert rows[0]["cited_document"] == "45/KH-UBND"
    # by number as written, too
    assert citing_id in {r["document_id"] for r in query.citations(store, cited="45/KH-UBND")}


def test_citation_resolves_when_the_cited_plan_comes_later(store):
    pairs = seed_pairs()
    citing_doc, citing = pairs[2]
    cite = next(c for c in citing.citations if c.number == "45/KH-UBND")
    citing_id = save_parsed_and_extracted(store, citing_doc, citing, run_info(citing))
    assert query.citations(store, cited=cite.key)[0]["cited_document_id"] is None
    doc, ext = seed_pairs()[1]
    doc.source.sha256 = "b" * 64
    ext.metadata.province, ext.metadata.number = "Ninh Bình", "45/KH-UBND"
    ext.metadata.issued_date, ext.metadata.issued_year = "2016-05-25", 2016
    later_id = save_parsed_and_extracted(store, doc, ext, run_info(ext))
    rows = query.citations(store, cited=cite.key)
    assert [r["cited_document_id"] for r in rows if r["document_id"] == citing_id] == [later_id]


def test_legal_documents_are_shared(store):
    pairs = seed_pairs()
    doc, ext = pairs[0]
    shared = CitationFact(type="Quyết định", number="361/QĐ-TTg", date="2016-03-07",
                          issuer="Thủ tướng Chính phủ", mention="Quyết định số 361/QĐ-TTg",
                          key="qd:361/qd-ttg:2016",
                          provenance=Provenance(page=1, start=0, end=10, text=doc.text[:10]))
    ext.citations.append(shared)
    save_parsed_and_extracted(store, doc, ext, run_info(ext))
    save_parsed_and_extracted(store, *pairs[2], run_info(pairs[2][1]))  # cites it too
    with store.read() as conn:
        n = conn.execute(text("SELECT count(*) FROM legal_document WHERE key = 'qd:361/qd-ttg:2016'")).scalar()
    assert n == 1
    assert len({r["document_id"] for r in query.citations(store, cited="qd:361/qd-ttg:2016")}) == 2


def test_sentence_around():
    text_ = "Mở đầu. Phấn đấu 100% xã có mô hình; dòng khác\nDòng mới 25% nữa."
    i = text_.index("100%")
    assert sentence_around(text_, i, i + 4) == "Phấn đấu 100% xã có mô hình;"
    j = text_.index("25%")
    assert sentence_around(text_, j, j + 3) == "Dòng mới 25% nữa."
    long = "a " * 400 + "X" + " b" * 400
    k = long.index("X")
    s = sentence_around(long, k, k + 1)
    assert "X" in s and len(s) <= 300


def test_save_many_stores_each_document_once_and_isolates_failures(store):
    pairs = seed_pairs()
    items = [(d, e, run_info(e)) for d, e in pairs]
    bad_doc, bad_ext = seed_pairs()[0]
    bad_doc.source.sha256 = "e" * 64
    bad_ext.targets[0].provenance.page = None  # NOT NULL
    batch = items[:2] + [items[0]] + [(bad_doc, bad_ext, run_info(bad_ext))] + items[2:]
    out = save_many(store, batch)
    assert isinstance(out[3], Exception)
    ids = [o for i, o in enumerate(out) if i != 3]
    assert ids[0] == ids[2] and len(set(ids)) == len(pairs)
    assert document_id(store, "e" * 64) is None
    assert save_many(store, items) == [ids[0], ids[1], ids[3], ids[4]]  # stored already


def test_save_many_equals_one_by_one(tmp_path, store):
    """A batch writes exactly the rows that one transaction per document writes."""
    items = [(d, e, run_info(e)) for d, e in seed_pairs()]
    save_many(store, items)
    other = make_store("sqlite", tmp_path / "one")
    for item in items:
        save_parsed_and_extracted(other, *item)
    assert counts(store) == counts(other)
    if store.dialect == "sqlite":  # same database: same rows, ids included
        assert snapshot(store) == snapshot(other)
    other.close()


def _write_copies(url: str, tag: str, n: int) -> None:
    from kehoach.store.db import open_store

    store = open_store(url)
    for i in range(n):
        doc, ext = seed_pairs()[i % 4]
        doc.source.sha256 = hashlib.sha256(f"{tag}-{i}".encode()).hexdigest()
        save_parsed_and_extracted(store, doc, ext, run_info(ext))
    store.close()


def test_two_writers_at_once_on_sqlite(tmp_path):
    """Two processes loading into one SQLite file: every document once, ids and the search
    index consistent (ids are chosen under SQLite's write lock)."""
    import multiprocessing

    seed_pairs()  # parsed and extracted before forking
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_store("sqlite", tmp_path).close()
    ctx = multiprocessing.get_context("fork")
    n_each = 30
    procs = [ctx.Process(target=_write_copies, args=(url, tag, n_each)) for tag in "ab"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    from kehoach.store.db import open_store

    store = open_store(url)
    n = counts(store)
    each = sum(len(seed_pairs()[i % 4][1].targets) for i in range(n_each))
    assert n["document"] == 2 * n_each and n["target"] == 2 * each
    with store.read() as conn:
        indexed = conn.exec_driver_sql("SELECT count(*) FROM target_fts").scalar()
        orphans = conn.exec_driver_sql(
            "SELECT count(*) FROM target_fts WHERE rowid NOT IN (SELECT id FROM target)").scalar()
    assert indexed == n["target"] and orphans == 0
    store.close()
