"""Comparison tables built from a store holding the sample corpus (store/compare.py)."""
from __future__ import annotations

import copy
import dataclasses

import pytest
from sqlalchemy import text

from compare_fixtures import AWARENESS, AWARENESS_ID, make_seed_store, seed_store  # noqa: F401 (fixture)
from kehoach.store import compare
from kehoach.store.compare import Selection, build_report, format_value, is_national, parse_years
from kehoach.store.indicators import ensure_functions, ensure_indicators, indicator_counts
from kehoach.store.load import RunInfo, replace_extraction, save_parsed_and_extracted
from store_fixtures import run_info, seed_pairs


def _count(store, sql: str) -> int:
    with store.read() as conn:
        return conn.execute(text(sql)).scalar()


def test_every_target_gets_an_indicator_none_dropped(seed_store):
    ensure_indicators(seed_store)
    assert _count(seed_store, "SELECT count(*) FROM target WHERE indicator_id IS NULL") == 0
    assert ensure_indicators(seed_store) == 0  # stored: nothing to do the second time
    counts = indicator_counts(seed_store)
    assert sum(r["targets"] for r in counts) == _count(seed_store, "SELECT count(*) FROM target")
    assert counts[-1]["id"] == "other"
    assert {r["id"]: r["targets"] for r in counts}[AWARENESS_ID] == 4


def test_a_new_taxonomy_matches_again(tmp_path):
    store = make_seed_store(tmp_path / "k.db")
    n = ensure_indicators(store)
    with store.write() as conn:
        conn.execute(text("UPDATE target SET indicator_version = 'older'"))
    assert ensure_indicators(store) == n
    store.close()


def test_awareness_cells_trace_to_their_sentences(seed_store):
    table = compare.province_year_table(seed_store, Selection(), AWARENESS_ID)
    assert table.indicator.id == AWARENESS_ID
    for (province, year), (figure, words, number) in AWARENESS.items():
        cell = table.cell(province, year)
        assert len(cell) == 1, (province, year, [e.text for e in cell])
        entry = cell[0]
        assert entry.text.endswith(figure)
        src = entry.sources[0]
        assert words in src.sentence and src.page >= 1 and src.verbatim in src.sentence
        if number:
            assert src.document == number
    assert table.cell("Ninh Bình", 2017)[0].text == "≥ 75%"  # the comparator is shown
    assert table.cell("Ninh Bình", 2017)[0].comparator == ">="


def test_province_by_indicator_for_a_year_and_for_all_years(seed_store):
    one = compare.province_indicator_table(seed_store, Selection(years=[(2017, 2017)]))
    assert [r.labels[0] for r in one.rows] == ["Ninh Bình"]
    assert one.cell("Ninh Bình", AWARENESS_ID)[0].text == "≥ 75%"
    assert ", năm 2017" in one.title
    every = compare.province_indicator_table(seed_store, Selection())
    assert {r.labels[0] for r in every.rows} >= {"An Giang", "Ninh Bình", "Ninh Thuận", "Quảng Ninh"}
    assert every.cell("Ninh Bình", AWARENESS_ID)[0].text == "≥ 75% (2017)"  # several years: each says its own
    assert every.column_keys[-1] == "other"  # unmatched targets stay visible


def test_as_of_2025_groups_under_the_new_province_and_says_so(seed_store):
    table = compare.province_year_table(seed_store, Selection(as_of=2025), AWARENESS_ID)
    rows = [r.labels[0] for r in table.rows]
    assert "Khánh Hòa" in rows and "Ninh Thuận" not in rows
    assert table.cell("Khánh Hòa", 2023)[0].text == "Ninh Thuận: 100%"
    assert any("Ninh Thuận → Khánh Hòa" in n and "202/2025/QH15" in n for n in table.notes)
    only = compare.province_year_table(seed_store, Selection(as_of=2025, provinces=["Khánh Hoà"]), AWARENESS_ID)
    assert [r.labels[0] for r in only.rows] == ["Khánh Hòa"]
    before = compare.province_year_table(seed_store, Selection(provinces=["Khánh Hòa"]), AWARENESS_ID)
    assert before.rows == []  # without --as-of, Khánh Hòa has no plan in the sample


def _copy_with(doc, ext, sha: str, number: str, targets):
    doc = copy.deepcopy(doc)
    doc.source = dataclasses.replace(doc.source, sha256=sha)
    ext = dataclasses.replace(copy.deepcopy(ext), targets=targets,
                              metadata=dataclasses.replace(ext.metadata, number=number))
    return doc, ext


def test_several_targets_in_a_cell_are_all_shown_never_averaged(tmp_path):
    store = make_seed_store(tmp_path / "k.db")
    doc, ext = next((d, e) for d, e in seed_pairs() if e.metadata.province == "Ninh Bình")
    t75 = next(t for t in ext.targets if t.value == 75 and t.unit == "%")
    t80 = dataclasses.replace(t75, value=80.0, text=t75.text.replace("75%", "80%"),
                              provenance=dataclasses.replace(t75.provenance, text="80%"))
    again = dataclasses.replace(t80, provenance=dataclasses.replace(t80.provenance, start=t80.provenance.start + 500,
                                                                    end=t80.provenance.end + 500))
    save_parsed_and_extracted(store, *_copy_with(doc, ext, "a" * 64, "99/KH-UBND", [t80, again]), run_info(ext))
    cell = compare.province_year_table(store, Selection(), AWARENESS_ID).cell("Ninh Bình", 2017)
    assert [e.text for e in cell] == ["≥ 75%", "≥ 80%"]  # two plans, two figures: no 77.5
    assert [len(e.sources) for e in cell] == [1, 2]  # one plan saying 80% twice: one entry, both sources
    assert {s.document for s in cell[1].sources} == {"99/KH-UBND"}
    store.close()


def test_district_targets_are_counted_and_listed(seed_store):
    with seed_store.read() as conn:
        row = conn.execute(text("SELECT indicator_id, count(*) FROM target WHERE area IS NOT NULL "
                                "AND indicator_id != 'other' GROUP BY indicator_id ORDER BY 2 DESC")).first()
    if row is None:
        pytest.skip("the extraction found no district-level target in the sample")
    indicator, n = row
    overview = compare.province_indicator_table(seed_store, Selection())
    assert any(e.text == f"+{n} theo địa bàn" for r in overview.rows for e in r.cells[overview.column_keys.index(indicator)])
    detail = compare.province_year_table(seed_store, Selection(), indicator)
    assert sum(len(e.sources) for r in detail.rows for c in r.cells for e in c if e.area) == n


def test_other_targets_table_lists_every_unmatched_target(seed_store):
    table = compare.other_targets_table(seed_store, Selection())
    assert len(table.rows) == _count(seed_store, "SELECT count(*) FROM target WHERE indicator_id = 'other'")
    for r in table.rows:
        assert r.cells[0][0].sources[0].sentence


def test_agency_by_function(seed_store):
    table = compare.agency_function_table(seed_store, Selection())
    assert table.row_headers == ["Tỉnh, thành phố", "Cơ quan"]
    by_row = {tuple(r.labels): r for r in table.rows}
    labour = by_row[("Quảng Ninh", "Sở Lao động - Thương binh và Xã hội")]
    assert any(e.text.startswith("Chủ trì") for c in labour.cells for e in c)
    police = [r for k, r in by_row.items() if k[1] == "Công an tỉnh"]
    enforcement = table.column_keys.index("enforcement")
    assert police and any(r.cells[enforcement] for r in police)
    for r in table.rows:
        for c in r.cells:
            for e in c:
                assert e.sources and all(s.sentence and s.document for s in e.sources)
    assert _count(seed_store, "SELECT count(*) FROM assignment_function") == \
        _count(seed_store, "SELECT count(*) FROM assignment")


def test_agency_functions_follow_reextraction(tmp_path):
    store = make_seed_store(tmp_path / "k.db")
    ensure_functions(store)
    doc, ext = seed_pairs()[0]
    doc_id = _count(store, f"SELECT id FROM document WHERE sha256 = '{doc.source.sha256}'")
    replace_extraction(store, doc_id, ext, RunInfo(extractor_version="again"))
    # the old rows went with their assignments; the new assignments are classified next time
    assert _count(store, "SELECT count(*) FROM assignment_function f LEFT JOIN assignment a "
                         "ON a.id = f.assignment_id WHERE a.id IS NULL") == 0
    assert ensure_functions(store) == len(ext.agencies)
    store.close()


def test_national_documents_by_province(seed_store):
    table = compare.national_documents_table(seed_store, Selection())
    labels = [r.labels[0] for r in table.rows]
    row = next(r for r in table.rows if "361/QĐ-TTg" in r.labels[0])
    assert row.labels[1] == "Thủ tướng Chính phủ"
    cell = row.cells[table.columns.index("Ninh Bình")]
    assert [e.text for e in cell] == ["31/KH-BCĐ (2017)"]
    assert "361/QĐ-TTg" in cell[0].sources[0].sentence
    assert not any("UBND" in x or "HĐND" in x or "/TU" in x for x in labels)  # provincial documents are not rows


@pytest.mark.parametrize("doc_type,number,issuer,national", [
    ("Quyết định", "361/QĐ-TTg", "Thủ tướng Chính phủ", True),
    ("Nghị định", "116/2021/NĐ-CP", None, True),
    ("Chỉ thị", "36-CT/TW", "Bộ Chính trị", True),
    ("Luật", None, None, True),
    ("Thông tư", "14/2012/TT-BLĐTBXH", None, True),
    ("Kế hoạch", "71/KH-UBND", "Ủy ban nhân dân tỉnh Quảng Ninh", False),
    ("Nghị quyết", "314/2020/NQ-HĐND", None, False),
    ("Chương trình hành động", "32-CTr/TU", "Tỉnh ủy", False),
    ("Công văn", "275/LĐTBXH-PCTNXH", "Sở Lao động - Thương binh và Xã hội", False),
])
def test_is_national(doc_type, number, issuer, national):
    assert is_national(doc_type, number, issuer) is national


def test_english(seed_store):
    report = build_report(seed_store, Selection(indicators=[AWARENESS_ID], lang="en"))
    t = report.tables[0]
    assert t.row_headers == ["Province"]
    assert t.title == "Share of communes holding at least one awareness activity — by province and year"
    assert format_value(1500, None, ">=", "lượt người", "en") == "≥ 1,500 lượt người"
    assert format_value(1500, None, ">=", "lượt người", "vi") == "≥ 1.500 lượt người"
    assert format_value(10, 15, "range", "%") == "10–15%"
    assert format_value(7.5, None, "=", "%") == "7,5%"


def test_report_selection(seed_store):
    every = build_report(seed_store, Selection())
    kinds = [t.kind for t in every.tables]
    assert kinds[0] == "indicators" and kinds[-3:] == ["agencies", "national", "other"]
    assert "years" in kinds
    refs = [s.ref for s in every.sources]
    assert refs == list(range(1, len(refs) + 1)) and all(s.filled for s in every.sources)
    topic = build_report(seed_store, Selection(topic="ma_tuy"))
    assert all(t.indicator is None or t.indicator.topic == "ma_tuy" for t in topic.tables)
    with pytest.raises(KeyError):
        build_report(seed_store, Selection(indicators=["no_such_indicator"]))
    with pytest.raises(KeyError):
        build_report(seed_store, Selection(topic="no_such_topic"))


def test_parse_years():
    assert parse_years(["2021"]) == [(2021, 2021)]
    assert parse_years(["2016-2020", "2025–2023"]) == [(2016, 2020), (2023, 2025)]
    assert parse_years(None) is None
    with pytest.raises(ValueError):
        parse_years(["năm 2021"])


def _texts(report):
    return [(t.key, [(r.labels, [[e.text for e in c] for c in r.cells]) for r in t.rows]) for t in report.tables]


def test_postgresql_builds_the_same_tables(seed_store, tmp_path):
    from store_fixtures import load_seeds, make_store

    pg_store = make_store("postgresql", tmp_path)  # skips when the server binaries are missing
    try:
        load_seeds(pg_store)
        for sel in (Selection(), Selection(as_of=2025, years=[(2017, 2023)], lang="en")):
            got, want = build_report(pg_store, sel), build_report(seed_store, sel)
            assert _texts(got) == _texts(want)
            assert [(s.document, s.page, s.sentence) for s in got.sources] == \
                [(s.document, s.page, s.sentence) for s in want.sources]
    finally:
        pg_store.close()
