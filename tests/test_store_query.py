"""Queries over the sample corpus, on SQLite and PostgreSQL: same answers, each row traceable."""
from __future__ import annotations

import pytest

from kehoach.extract.normalize import fold
from kehoach.store import query
from store_fixtures import DIALECTS, load_seeds, make_store, seed_pairs


@pytest.fixture(scope="module", params=DIALECTS)
def store(request, tmp_path_factory):
    s = make_store(request.param, tmp_path_factory.mktemp(request.param))
    load_seeds(s)
    yield s
    s.close()


def by_province() -> dict[str, list]:
    return {e.metadata.province: e for _, e in seed_pairs()}


def assert_traceable(rows):
    assert rows
    for r in rows:
        assert r["document"] and r["page"] >= 1 and r["sentence"]


def test_targets_by_province_any_spelling(store):
    qn = by_province()["Quảng Ninh"]
    for name in ("Quảng Ninh", "tỉnh Quảng Ninh", "QUẢNG NINH", "quang ninh"):
        rows = query.targets(store, province=name)
        assert len(rows) == len(qn.targets)
        assert {r["province"] for r in rows} == {"Quảng Ninh"}
    assert_traceable(rows)
    assert rows[0]["document"] == "27/KH-UBND"
    # the figure is in its sentence
    for r in rows:
        assert " ".join(r["verbatim"].split()) in " ".join(r["sentence"].split()) or r["verbatim"] in r["sentence"]


def test_merged_provinces_as_of_2025(store):
    nt = len(by_province()["Ninh Thuận"].targets)
    assert query.targets(store, province="Khánh Hòa") == []
    rows = query.targets(store, province="Khánh Hoà", as_of_2025=True)
    assert len(rows) == nt and {r["province"] for r in rows} == {"Ninh Thuận"}
    assert len(query.targets(store, province="Ninh Thuận", as_of_2025=True)) == nt
    with pytest.raises(query.UnknownProvince):
        query.targets(store, province="Atlantis")


def test_targets_by_year(store):
    rows = query.targets(store, year=2021)
    assert_traceable(rows)
    assert {r["province"] for r in rows} >= {"Quảng Ninh"}
    assert "An Giang" not in {r["province"] for r in rows}  # a 2011 plan
    assert query.targets(store, year=1990) == []


def test_targets_by_topic_and_agency(store):
    with_hiv = {p for p, e in by_province().items() if "hiv_aids" in e.metadata.topics}
    rows = query.targets(store, topic="hiv_aids")
    assert {r["province"] for r in rows} == {p for p in with_hiv if by_province()[p].targets}
    rows = query.targets(store, agency="Sở LĐ-TB&XH")  # an abbreviation resolves to the canonical row
    assert rows and len(rows) <= sum(len(e.targets) for e in by_province().values())
    assert query.targets(store, agency="Bộ Ngoại giao Hoa Kỳ") == []


def test_text_search_folds_diacritics(store):
    rows = query.targets(store, text="cai nghien")
    assert_traceable(rows)
    for r in rows:
        assert "cai nghien" in fold(" ".join(f"{r['subject'] or ''} {r['sentence']}".split()))
    expected = [t for e in by_province().values() for t in e.targets
                if "cai nghien" in fold(" ".join(f"{t.subject or ''} {t.text}".split()))]
    assert len(rows) == len(expected)
    assert query.targets(store, text="cai nghiện") == rows
    assert query.targets(store, text="CAI NGHIỆN") == rows
    # đ folds to d, in the index and in the query
    dong = query.targets(store, text="cong dong")
    assert dong and all("cong dong" in fold((r["subject"] or "") + " " + r["sentence"]) for r in dong)
    assert len(query.targets(store, text="nghien cai")) < len(rows)  # a phrase: words in order
    assert query.targets(store, text="!!!") == []


def test_docs(store):
    rows = query.docs(store)
    assert len(rows) == len(seed_pairs())
    qn = next(r for r in rows if r["province"] == "Quảng Ninh")
    assert qn["document"] == "27/KH-UBND" and qn["targets"] == len(by_province()["Quảng Ninh"].targets)
    assert [r["province"] for r in query.docs(store, province="Ninh Binh")] == ["Ninh Bình"]
    assert {r["province"] for r in query.docs(store, year=2021)} == {"Quảng Ninh"}
    found = query.docs(store, text="Ninh Thuan")
    assert [r["province"] for r in found] == ["Ninh Thuận"]


def test_agencies_by_province(store):
    rows = query.agencies(store, province="Ninh Bình")
    assert_traceable(rows)
    assert len(rows) == len(by_province()["Ninh Bình"].agencies)
    assert {r["province"] for r in rows} == {"Ninh Bình"}
    names = {r["agency"] for r in query.agencies(store)}
    assert "Sở Y tế" in names


def test_citations(store):
    pairs = seed_pairs()
    rows = query.citations(store)
    assert len(rows) == sum(len(e.citations) for _, e in pairs)
    assert_traceable(rows)
    key = "qd:361/qd-ttg:2016"
    cited = query.citations(store, cited=key)
    assert cited and {r["cited_key"] for r in cited} == {key}
    assert all(r["mention"] in r["sentence"] for r in cited)
    assert query.citations(store, cited="361/QĐ-TTg") == cited
    assert query.citations(store, cited="qd:361/qd-ttg:") == cited  # a key without its year
    assert query.citations(store, cited="qd:1/qd-ttg:1900") == []
