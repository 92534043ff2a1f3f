"""Section tree, block labels and header block (extract.outline) on the seed plans."""
from __future__ import annotations

from functools import lru_cache

import pytest

from kehoach.extract.outline import iter_sections, render_outline
from kehoach.extract.parse import parse
from kehoach.extract.paths import CORPORA

SEEDS = CORPORA / "seeds"

# Read off the seed files by hand: the top-level numbered sections, in order.
TOP = {
    "000_17b1d471c936a28b.txt": [
        ("I.", "MỤC ĐÍCH, YÊU CẦU"), ("II.", "MỤC TIÊU"), ("III.", "NỘI DUNG THỰC HIỆN"),
        ("IV.", "KINH PHÍ THỰC HIỆN"), ("V.", "TỔ CHỨC THỰC HIỆN"),
    ],
    "001_8da94503c03abd19.txt": [
        ("I.", "MỤC TIÊU, CHỈ TIÊU"), ("II.", "NHIỆM VỤ TRỌNG TÂM VÀ GIẢI PHÁP"), ("III.", "TỔ CHỨC THỰC HIỆN"),
    ],
    "002_b75564130da68d5c.txt": [
        ("I.", "MỤC TIÊU, CHỈ TIÊU CHỦ YẾU"), ("II.", "NHIỆM VỤ VÀ GIẢI PHÁP"), ("III.", "KINH PHÍ THỰC HIỆN"),
        ("IV.", "PHÂN CÔNG THỰC HIỆN"),
    ],
    "004_b85d8532a23228f3.txt": [
        ("A.", "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN PHÒNG CHỐNG TỆ NẠN MẠI DÂM VÀ CAI NGHIỆN PHỤC HỒI NĂM 2010"),
        ("B.", "KẾ HOẠCH CÔNG TÁC TRỌNG TÂM NĂM 2011"),
    ],
}


@lru_cache(maxsize=None)
def doc_of(name: str):
    return parse(SEEDS / name)


@pytest.mark.parametrize("name", sorted(TOP), ids=lambda n: n[:3])
def test_top_level_sections_in_order(name):
    doc = doc_of(name)
    numbered = [(s.label, s.title) for s in doc.outline.children if s.kind == "section"]
    assert numbered == TOP[name]


def test_an_giang_parts_hold_their_sections():
    a, b = doc_of("004_b85d8532a23228f3.txt").outline.children
    assert [(s.label, s.title) for s in a.children] == [
        ("I.", "TÓM TẮT KẾT QUẢ THỰC HIỆN NĂM 2010"), ("II.", "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NĂM 2010")]
    assert [(s.label, s.title) for s in b.children] == [
        ("I.", "KẾ HOẠCH TRỌNG TÂM NĂM 2011"), ("II.", "CÔNG TÁC TỔ CHỨC THỰC HIỆN"), ("III.", "ĐỀ XUẤT, KIẾN NGHỊ")]
    first = a.children[0].children[0]
    assert (first.label, first.level, [c.label for c in first.children]) == ("1.", 3, ["1.1.", "1.2.", "1.3.", "1.4."])


def test_quang_ninh_tree_and_closing_parts():
    doc = doc_of("001_8da94503c03abd19.txt")
    kinds = [(s.kind, s.label) for s in doc.outline.children]
    assert kinds == [("section", "I."), ("section", "II."), ("section", "III."), ("recipients", None),
                     ("signature", None), ("annex", "PHỤ BIỂU SỐ 01"), ("annex", "PHỤ BIỂU 02")]
    tasks = doc.outline.children[2].children
    assert [s.title for s in tasks][:4] == ["Sở Lao động - Thương binh và Xã hội", "Công an tỉnh", "Sở Y tế",
                                            "Sở Giáo dục và Đào tạo"]
    targets = doc.outline.children[0].children[1]
    assert [s.label for s in targets.children] == [f"2.{i}." for i in range(1, 8)]
    assert doc.outline.children[4].title == "TM. ỦY BAN NHÂN DÂN"


def test_ninh_binh_lettered_points():
    doc = doc_of("002_b75564130da68d5c.txt")
    second = doc.outline.children[1].children[1]
    assert second.title == "Nâng cao hiệu quả công tác đấu tranh phòng, chống mại dâm"
    assert [c.label for c in second.children] == ["a)", "b)"]


def test_sections_nest_and_cover_the_text():
    for name in TOP:
        doc = doc_of(name)
        for section in iter_sections(doc.outline):
            assert section.start <= section.end <= len(doc.text)
            previous_end = section.start
            for child in section.children:
                assert section.start <= child.start and child.end <= section.end, (name, child)
                assert child.start >= previous_end
                assert child.level == section.level + 1 or section.kind == "root"
                previous_end = child.end
            if section.kind != "root":
                assert doc.text[section.start:].startswith(section.label or section.title.split()[0])


def test_block_labels_and_levels():
    doc = doc_of("002_b75564130da68d5c.txt")
    by_text = {b.text: b for b in doc.blocks}
    assert (by_text["I. MỤC TIÊU, CHỈ TIÊU CHỦ YẾU"].kind, by_text["I. MỤC TIÊU, CHỈ TIÊU CHỦ YẾU"].level) == ("heading", 1)
    point = by_text["a) Nâng cao hiệu quả công tác quản lý nhà nước trong phòng, chống mại dâm"]
    assert (point.kind, point.label, point.level) == ("heading", "a)", 3)
    bullet = next(b for b in doc.blocks if b.text.startswith("+ Xây dựng kế hoạch phòng, chống mại dâm"))
    assert (bullet.kind, bullet.label, bullet.level) == ("list_item", "+", 4)
    recipient = next(b for b in doc.blocks if b.text.startswith("- Thường trực Tỉnh ủy"))
    assert recipient.kind == "list_item"


def _check_span(doc, span, text):
    assert span is not None, text
    assert span.text == text
    assert doc.text[span.start:span.end] == text
    assert span.page == 1


def test_header_quang_ninh():
    doc = doc_of("001_8da94503c03abd19.txt")
    h = doc.header
    _check_span(doc, h.issuer, "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH")
    _check_span(doc, h.number, "Số: 27/KH-UBND")
    _check_span(doc, h.place_date, "Quảng Ninh, ngày 02 tháng 02 năm 2021")
    _check_span(doc, h.doc_type, "KẾ HOẠCH")
    _check_span(doc, h.title, "THỰC HIỆN CÔNG TÁC PHÒNG, CHỐNG TỆ NẠN XÃ HỘI TRÊN ĐỊA BÀN TỈNH QUẢNG NINH NĂM 2021")


def test_header_with_blanks_and_without_fields():
    ninh_thuan = doc_of("000_17b1d471c936a28b.txt").header
    assert ninh_thuan.number.text == "Số: /KH-UBND"
    assert ninh_thuan.place_date.text == "Ninh Thuận, ngày tháng năm 2023"
    assert ninh_thuan.title.text.startswith("Triển khai công tác phòng, chống mại dâm; cai nghiện ma túy")
    assert ninh_thuan.issuer is None  # the copy lost the issuer
    an_giang = doc_of("004_b85d8532a23228f3.txt").header
    assert an_giang.number is None and an_giang.place_date is None
    assert an_giang.doc_type.text == "KẾ HOẠCH"
    assert an_giang.title.text == "PHÒNG, CHỐNG TỆ NẠN MẠI DÂM VÀ CAI NGHIỆN PHỤC HỒI NĂM 2011"
    ninh_binh = doc_of("002_b75564130da68d5c.txt").header
    assert ninh_binh.number.text == "Số: 31/KH-BCĐ"
    assert ninh_binh.place_date.text == "Ninh Bình, ngày 03 tháng 03 năm 2017"


def test_header_of_a_decision_with_its_title_on_the_type_line():
    doc = parse(CORPORA / "real" / "transcripts" / "laocai-2336-QD-UBND-2026.pdf.txt")
    h = doc.header
    assert (h.doc_type.text, h.number.text, h.place_date.text) == (
        "QUYẾT ĐỊNH", "Số: 2336 /QĐ-UBND", "Lào Cai, ngày 02 tháng 7 năm 2026")
    assert h.title.text.startswith("CHẤP THUẬN CHỦ TRƯƠNG ĐẦU TƯ")
    assert [s.label for s in doc.outline.children if s.kind == "section"] == ["Điều 1.", "Điều 2.", "Điều 3."]


def test_render_outline():
    out = render_outline(doc_of("001_8da94503c03abd19.txt"))
    lines = out.split("\n")
    assert "    number: Số: 27/KH-UBND" in lines
    assert "I. MỤC TIÊU, CHỈ TIÊU  (p.1)" in lines
    assert "  1. Mục tiêu chung  (p.1)" in lines
    assert any(ln.startswith("[annex] PHỤ BIỂU SỐ 01") for ln in lines)
    assert any("table 1: 14 rows" in ln for ln in lines)
