"""Legal citations: the grammar on sentences of many domains, keys, and the score on the gold."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kehoach.extract.citekey import citation_key, normalize_number
from kehoach.extract.model import Extraction
from kehoach.extract.nlp.base import Context
from kehoach.extract.nlp.citations import find_citations, get_citations, resolve
from kehoach.extract.nlp.header import find_metadata
from kehoach.extract.normalize import collapse_ws
from kehoach.extract.parse import parse
from kehoach.extract.paths import CORPORA


def cites(text: str, own: str | None = None, own_type: str | None = None) -> list[dict]:
    entries = resolve(get_citations(text), text, own, own_type)
    return [{"type": e.hit.type, "number": e.number, "date": e.date, "issuer": e.issuer,
             "mention": collapse_ws(text[e.hit.start:e.hit.end])} for e in entries]


# (sentence, [(type, number, date, issuer), ...]) across domains and citation forms
CASES = [
    ("Thực hiện Quyết định số 1719/QĐ-TTg ngày 14/10/2021 của Thủ tướng Chính phủ phê duyệt Chương trình "
     "mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số;",
     [("Quyết định", "1719/QĐ-TTg", "2021-10-14", "Thủ tướng Chính phủ")]),
    ("Căn cứ Nghị quyết số 24/2021/QH15 ngày 28/7/2021 của Quốc hội phê duyệt chủ trương đầu tư Chương trình "
     "mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021 - 2025;",
     [("Nghị quyết", "24/2021/QH15", "2021-07-28", "Quốc hội")]),
    ("Thông tư số 07/2021/TT-BLĐTBXH ngày 18/7/2021 của Bộ trưởng Bộ Lao động - Thương binh và Xã hội "
     "hướng dẫn phương pháp rà soát hộ nghèo.",
     [("Thông tư", "07/2021/TT-BLĐTBXH", "2021-07-18", "Bộ trưởng Bộ Lao động - Thương binh và Xã hội")]),
    ("Thực hiện Chỉ thị số 05-CT/TU ngày 12/3/2021 của Ban Thường vụ Tỉnh ủy về đẩy mạnh chuyển đổi số;",
     [("Chỉ thị", "05-CT/TU", "2021-03-12", "Ban Thường vụ Tỉnh ủy")]),
    ("Thực hiện Công điện số 1280/CĐ-TTg ngày 15/10/2023 của Thủ tướng Chính phủ; Tờ trình số 45/TTr-SYT "
     "ngày 02/3/2022 của Sở Y tế.",
     [("Công điện", "1280/CĐ-TTg", "2023-10-15", "Thủ tướng Chính phủ"),
      ("Tờ trình", "45/TTr-SYT", "2022-03-02", "Sở Y tế")]),
    ("Theo Thông báo số 123/TB-UBND ngày 5/5/2022 của UBND tỉnh Hà Giang về kết luận của Chủ tịch UBND tỉnh;",
     [("Thông báo", "123/TB-UBND", "2022-05-05", "Ủy ban nhân dân tỉnh Hà Giang")]),
    ("Hướng dẫn số 12-HD/BTGTW ngày 20/10/2020 của Ban Tuyên giáo Trung ương và Kết luận số 132-KL/TW "
     "ngày 18/3/2025 của Bộ Chính trị về bình đẳng giới.",
     [("Hướng dẫn", "12-HD/BTGTW", "2020-10-20", "Ban Tuyên giáo Trung ương"),
      ("Kết luận", "132-KL/TW", "2025-03-18", "Bộ Chính trị")]),
    ("Theo đề nghị của Sở Lao động - Thương binh và Xã hội tại Công văn số 1224/LĐTBXH-PCTNXH ngày 15/4/2019,",
     [("Công văn", "1224/LĐTBXH-PCTNXH", "2019-04-15", "Sở Lao động - Thương binh và Xã hội")]),
    ("Nghị quyết liên tịch số 01/2016/NQLT-CP-ĐCTUBTWMTTQVN ngày 15/3/2016 và Thông tư liên tịch số "
     "24/2012/TTLT-BCA-BQP-BTC ngày 30/4/2012;",
     [("Nghị quyết liên tịch", "01/2016/NQLT-CP-ĐCTUBTWMTTQVN", "2016-03-15", None),
      ("Thông tư liên tịch", "24/2012/TTLT-BCA-BQP-BTC", "2012-04-30", None)]),
    ("Quản lý theo các Nghị định số 163/2003/NĐ-CP, 94/2009/NĐ-CP và 221/2013/NĐ-CP của Chính phủ.",
     [("Nghị định", "163/2003/NĐ-CP", None, "Chính phủ"), ("Nghị định", "94/2009/NĐ-CP", None, "Chính phủ"),
      ("Nghị định", "221/2013/NĐ-CP", None, "Chính phủ")]),
    # OCR and layout noise: stray spaces, a line break inside the number
    ("Quyết định số 2336 /QĐ-UBND ngày 02 / 7 /2026; Nghị định số 217/2025/NĐ-\nCP ngày 05/8/2025 của Chính phủ",
     [("Quyết định", "2336/QĐ-UBND", "2026-07-02", None), ("Nghị định", "217/2025/NĐ-CP", "2025-08-05", "Chính phủ")]),
    ("Kế hoạch số 71/KH- UBND ngày 23/4/2020 của Ủy ban nhân dân tỉnh Quảng Ninh về thực hiện Chỉ thị số 36-CT/TW",
     [("Kế hoạch", "71/KH-UBND", "2020-04-23", "Ủy ban nhân dân tỉnh Quảng Ninh"), ("Chỉ thị", "36-CT/TW", None, None)]),
    ("Căn cứ Quyết định số 30/2018/QĐ-UBND ngày 10 tháng 8 năm 2018 của Ủy ban nhân dân thành phố Hà Nội "
     "ban hành Quy chế phối hợp;",
     [("Quyết định", "30/2018/QĐ-UBND", "2018-08-10", "Ủy ban nhân dân thành phố Hà Nội")]),
    ("Triển khai Chương trình hành động số 12-CTr/TU ngày 5/9/2021 của Tỉnh ủy thực hiện Nghị quyết Đại hội "
     "Đảng bộ tỉnh lần thứ XVII;",
     [("Chương trình hành động", "12-CTr/TU", "2021-09-05", "Tỉnh ủy")]),
    ("QĐ số 14/QĐ-UBND ngày 5/1/2022; CV số 55/SYT-NVY ngày 6/1/2022 về tiêm chủng.",
     [("Quyết định", "14/QĐ-UBND", "2022-01-05", None), ("Công văn", "55/SYT-NVY", "2022-01-06", None)]),
    ("Báo cáo thẩm định số 202/BC-BQL ngày 26 tháng 6 năm 2026 của Ban Quản lý Khu kinh tế tỉnh Lào Cai.",
     [("Báo cáo", "202/BC-BQL", "2026-06-26", "Ban Quản lý Khu kinh tế tỉnh Lào Cai")]),
    ("thực hiện Đề án 08-ĐA/TU của Tỉnh ủy Lào Cai ngày 29/12/2025 về phát triển công nghiệp",
     [("Đề án", "08-ĐA/TU", "2025-12-29", "Tỉnh ủy Lào Cai")]),
    # numbered laws carry their name; named laws, codes and ordinances have no number
    ("Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025;",
     [("Luật", "72/2025/QH15", "2025-06-16", None)]),
    ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
     [("Luật", None, "2015-06-19", None)]),
    ("Xử lý theo Bộ luật Hình sự năm 2015 và Luật Phòng, chống bạo lực gia đình năm 2022; Luật Bình đẳng giới.",
     [("Bộ luật", None, None, None), ("Luật", None, None, None), ("Luật", None, None, None)]),
    ("thực hiện Pháp lệnh Ưu đãi người có công với cách mạng;", [("Pháp lệnh", None, None, None)]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_sentences(text: str, expected: list[tuple]) -> None:
    got = [(c["type"], c["number"], c["date"], c["issuer"]) for c in cites(text)]
    assert got == expected


def test_mentions_are_shortest_verbatim_spans() -> None:
    text = ("Căn cứ Luật Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ ngày 26 tháng 8 năm 2024; "
            "Luật Xử lý vi phạm hành chính về cai nghiện; Luật Đầu tư công và phù hợp khả năng cân đối; "
            "Luật Tố tụng hành chính năm 2015 và Nghị định 116/2021/NĐ-CP ngày 21/12/2021 của Chính phủ")
    assert [c["mention"] for c in cites(text)] == [
        "Luật Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ ngày 26 tháng 8 năm 2024",
        "Luật Xử lý vi phạm hành chính",
        "Luật Đầu tư công",
        "Luật Tố tụng hành chính",
        "Nghị định 116/2021/NĐ-CP ngày 21/12/2021",
    ]


def test_not_citations() -> None:
    text = ("Xây dựng Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020 và Kế hoạch tổng rà soát theo quy "
            "định của pháp luật; Đội kiểm tra liên ngành 178 tại Số 165 Lý Thường Kiệt; Đề án số 08 ban hành "
            "kèm theo; kế hoạch số hóa hồ sơ; Cuộc vận động toàn dân đoàn kết; luật sư tư vấn; Quyết định này.")
    assert cites(text) == []


def test_repetitions_merge_into_the_first_mention() -> None:
    text = ("Thực hiện Nghị quyết số 314/2020/NQ- HĐND ngày 09/12/2020 của Hội đồng nhân dân tỉnh (sau đây viết "
            "tắt là Nghị quyết 314/2020/NQ-HĐND); ... theo Nghị quyết liên tịch số 01/2008/NQLT-BLĐTBXH-BCA "
            "ngày 28/8/2008; ... hướng dẫn tại Nghị quyết liên tịch số 01/2008. Luật tố tụng hành chính; "
            "Luật Tố tụng hành chính năm 2015. Căn cứ Luật Đầu tư số 143/2025/QH15; Điều 47 Luật Đầu tư.")
    got = cites(text)
    assert [c["number"] for c in got] == ["314/2020/NQ-HĐND", "01/2008/NQLT-BLĐTBXH-BCA", None, "143/2025/QH15"]
    assert got[0]["mention"] == "Nghị quyết số 314/2020/NQ- HĐND ngày 09/12/2020"
    assert got[2]["mention"] == "Luật tố tụng hành chính"


def test_the_document_itself_is_excluded() -> None:
    text = ("Thực hiện Quyết định số 30/QĐ-UBND ngày 17/01 /2023 của UBND tỉnh.\nPHỤ LỤC\n"
            "(Kèm theo Kế hoạch số: 27/KH-UBND ngày 02/02/2021 của UBND tỉnh)")
    assert [c["number"] for c in cites(text, own="27/KH-UBND", own_type="Kế hoạch")] == ["30/QĐ-UBND"]
    other = "Danh sách kèm theo Kế hoạch số 45/KH-UBND ngày 25/5/2016 của UBND tỉnh."
    assert [c["number"] for c in cites(other, own="27/KH-UBND", own_type="Kế hoạch")] == ["45/KH-UBND"]
    # a handwritten own number that OCR could not read: the annex heading still says what it is
    annex = "Căn cứ Nghị định số 96/2026/NĐ-CP;\nPhụ lục\n(Kèm theo Quyết định số 2336 /QĐ-UBND ngày 02 / 7 /2026)"
    entries = resolve(get_citations(annex), annex, None, "Quyết định", own_symbol="/qđ-ubnd")
    assert [e.number for e in entries] == ["96/2026/NĐ-CP"]


def test_keys_are_stable_across_spellings() -> None:
    assert citation_key("Quyết định", "361/QĐ-TTg", "2016-03-07") == "qd:361/qd-ttg:2016"
    assert citation_key("Nghị quyết", "314/2020/NQ- HĐND", None) == citation_key("Nghị quyết", "314/2020/NQ–HĐND", None)
    assert citation_key("Công văn", "275/LĐTBXH-PCTNXH", "2021-01-26") == "cv:275/ldtbxh-pctnxh:2021"
    # the symbol decides the type: "Văn bản số" and "Kế hoạch hành động số" cite the same documents
    assert citation_key("Kế hoạch", "07/KH-UBND", "2011-03-10") == citation_key("Công văn", "07/KH-UBND", "2011-03-10")
    assert citation_key("Chỉ thị", "36-CT/TW", "2019-08-16") == "ct:36-ct/tw:2019"
    assert citation_key("Luật", None, None, name="Luật phòng, chống ma túy".removeprefix("Luật ")) == \
        citation_key("Luật", None, None, name="Phòng, chống ma tuý")
    assert normalize_number("Số: 27/KH-UBND.") == "27/kh-ubnd"


# --- gold ------------------------------------------------------------------------------------

def _score_module():
    spec = importlib.util.spec_from_file_location("gold_score", CORPORA / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _document(path: Path):
    """A real PDF is represented by its human transcript (OCR is tested by the parsing layer)."""
    if path.suffix == ".pdf":
        lines = (path.parent / "transcripts" / f"{path.name}.txt").read_text(encoding="utf-8").splitlines()
        return parse_text("\n".join(lines[1:]), path.name)
    return parse(path)


def parse_text(text: str, name: str, tmp: Path | None = None):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "doc.txt"
        f.write_text(text, encoding="utf-8")
        doc = parse(f)
    doc.source.name = name
    return doc


def _f1(gold_dir: Path, sources: Path) -> float:
    sc = _score_module()
    tp = n_gold = n_pred = 0
    for gfile in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gfile.read_text(encoding="utf-8"))
        doc = _document(sources / gold["doc"])
        ctx = Context(document=doc, found=Extraction(doc=gold["doc"]))
        ctx.found.metadata = find_metadata(ctx)
        pred = [c.__dict__ for c in find_citations(ctx)]
        gl = gold["citations"]
        optional = {i for i, g in enumerate(gl) if "borderline" in str(g.get("note", "")).lower()}
        pairs = sc.greedy(gl, pred, sc.cite_score)
        tp += sum(1 for i, _ in pairs if i not in optional)
        n_gold += len(gl) - len(optional)
        n_pred += len(pred) - sum(1 for i, _ in pairs if i in optional)
    p, r = tp / n_pred, tp / n_gold
    return 2 * p * r / (p + r)


def test_seed_gold_f1() -> None:
    assert _f1(CORPORA / "gold", CORPORA / "seeds") >= 0.97  # measured 1.0


def test_real_gold_f1_on_clean_text() -> None:
    assert _f1(CORPORA / "gold" / "real", CORPORA / "real") >= 0.95  # measured 1.0 (DOCX + transcripts)


def test_provenance_points_into_the_text() -> None:
    doc = parse(CORPORA / "seeds" / "001_8da94503c03abd19.txt")
    ctx = Context(document=doc, found=Extraction(doc=doc.source.name))
    for c in find_citations(ctx):
        assert doc.text[c.provenance.start:c.provenance.end] == c.provenance.text
        assert collapse_ws(c.provenance.text) == c.mention
        assert c.key and c.key.count(":") == 2


def test_team_plans_gold_f1() -> None:
    """The team's own plans in other domains (giảm nghèo, chuyển đổi số, bình đẳng giới, HIV/AIDS)."""
    if not (CORPORA / "gold" / "plans").is_dir():
        pytest.skip("no gold for the team's plans")
    assert _f1(CORPORA / "gold" / "plans", CORPORA / "plans") >= 0.95  # measured 1.0
