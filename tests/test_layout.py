"""Line joining, offsets, pages and normalisation in extract.layout (all readers go through it)."""
from __future__ import annotations

import json
from functools import lru_cache

import pytest

from kehoach.extract.document import Source
from kehoach.extract.layout import assemble, join_lines
from kehoach.extract.normalize import clean_text, collapse_ws
from kehoach.extract.parse import parse
from kehoach.extract.parse.raw import RawBlock, RawDocument
from kehoach.extract.paths import CORPORA

SEEDS = sorted((CORPORA / "seeds").glob("*.txt"))
TRANSCRIPTS = sorted((CORPORA / "real" / "transcripts").glob("*.txt"))


@lru_cache(maxsize=None)
def doc_of(path):
    return parse(path)


def paras(text: str) -> list[str]:
    return [" ".join(p.lines) for p in join_lines([(ln, 1) for ln in text.split("\n")])]


def _source(pages: int = 1) -> Source:
    return Source(path="x.txt", name="x.txt", sha256="0", format="text", size=1, page_count=pages)


# --- joining rules (the genre, not the seed files) -------------------------------------------

def test_hard_wraps_join_into_one_sentence():
    assert paras("Thực hiện Chỉ thị\nsố 36-CT/TW ngày 16/8/2019 của\nBộ Chính trị về tăng cường.") == [
        "Thực hiện Chỉ thị số 36-CT/TW ngày 16/8/2019 của Bộ Chính trị về tăng cường."
    ]


def test_numbered_heading_is_not_glued_to_its_body():
    assert paras("1. Mục tiêu chung\nTăng cường sự lãnh đạo của các cấp ủy.") == [
        "1. Mục tiêu chung", "Tăng cường sự lãnh đạo của các cấp ủy."
    ]
    # ...but a heading wrapped before a lowercase word, or after "và", runs on
    assert paras("2. Các chỉ tiêu\nchủ yếu") == ["2. Các chỉ tiêu chủ yếu"]
    assert paras("4. Sở Giáo dục và\nĐào tạo\nXây dựng tài liệu.") == ["4. Sở Giáo dục và Đào tạo", "Xây dựng tài liệu."]


def test_all_caps_heading_runs_on_in_capitals():
    assert paras("I. MỤC TIÊU, CHỈ\nTIÊU\n1. Mục tiêu") == ["I. MỤC TIÊU, CHỈ TIÊU", "1. Mục tiêu"]
    assert paras("III. TỔ CHỨC THỰC\nHIỆN\nCác thành viên Ban chỉ đạo") == [
        "III. TỔ CHỨC THỰC HIỆN", "Các thành viên Ban chỉ đạo"
    ]


def test_markers_open_blocks():
    text = "nhiệm vụ sau:\n- Tuyên truyền\n+ tại xã\na) Quản lý\n1.1. Đảm bảo\nĐiều 2. Hiệu lực\n• Một"
    assert paras(text) == ["nhiệm vụ sau:", "- Tuyên truyền", "+ tại xã", "a) Quản lý", "1.1. Đảm bảo",
                           "Điều 2. Hiệu lực", "• Một"]


def test_numbers_are_not_markers():
    # a thousands separator and a year range at the start of a wrapped line
    assert paras("chỉ có\n1.846 tổ chức sử dụng\n2021 - 2025 trên địa bàn") == [
        "chỉ có 1.846 tổ chức sử dụng 2021 - 2025 trên địa bàn"
    ]


def test_a_finished_sentence_does_not_glue_the_next_item():
    # "số" and "năm" usually continue ("số / 36-CT/TW"), but not after a full stop
    assert paras("1. Sở Thông tin và Truyền thông: chủ trì chuyển đổi số.\n2. Sở Tư pháp: phối hợp.") == [
        "1. Sở Thông tin và Truyền thông: chủ trì chuyển đổi số.", "2. Sở Tư pháp: phối hợp."
    ]
    assert paras("Căn cứ Quyết định số\n2336/QĐ-UBND ngày 1/2/2020") == ["Căn cứ Quyết định số 2336/QĐ-UBND ngày 1/2/2020"]


def test_lowercase_continues_across_a_blank_line():
    assert paras("hoạt động ... trên\n\nđịa bàn. Đẩy mạnh phong trào.") == [
        "hoạt động ... trên địa bàn. Đẩy mạnh phong trào."
    ]
    assert paras("Câu thứ nhất\n\nCâu thứ hai") == ["Câu thứ nhất", "Câu thứ hai"]


def test_sentence_end_opens_a_block_but_abbreviations_do_not():
    assert paras("xử lý kịp thời.\nNgăn chặn tệ nạn") == ["xử lý kịp thời.", "Ngăn chặn tệ nạn"]
    assert paras("TP.\nUông Bí (Phường Quang Trung)") == ["TP. Uông Bí (Phường Quang Trung)"]
    assert paras("địa bàn tỉnh;\ncung cấp số liệu") == ["địa bàn tỉnh; cung cấp số liệu"]


def test_split_names_are_joined():
    assert paras("1. Sở Lao động\n- Thương binh và Xã hội: Chủ trì") == [
        "1. Sở Lao động - Thương binh và Xã hội: Chủ trì"
    ]
    assert paras("Quảng\nNinh, ngày 02 tháng 02 năm 2021") == ["Quảng Ninh, ngày 02 tháng 02 năm 2021"]
    assert paras("a) Ủy ban Mặt trận Tổ quốc Việt\nNam tỉnh\n- Chỉ đạo") == [
        "a) Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "- Chỉ đạo"
    ]


def test_closing_formulae_and_header_fields_open_blocks():
    text = ("xem xét, quyết định\nNơi nhận:\n- Như trên;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\n"
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn A")
    assert paras(text) == ["xem xét, quyết định", "Nơi nhận:", "- Như trên;", "- Lưu: VT.",
                           "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]
    head = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 01 /CT-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n" \
           "Độc lập - Tự do - Hạnh phúc\nQuảng Ngãi, ngày 04 tháng 01 năm 2021\nCHỈ THỊ\nVề việc triển khai\ntrên địa bàn"
    assert paras(head) == ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Số: 01 /CT-UBND",
                           "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                           "Quảng Ngãi, ngày 04 tháng 01 năm 2021", "CHỈ THỊ", "Về việc triển khai trên địa bàn"]


def test_decoration_rules_are_dropped():
    assert paras("ỦY BAN NHÂN DÂN\n-------\nSố: 1/KH") == ["ỦY BAN NHÂN DÂN", "Số: 1/KH"]


# --- assemble: text, offsets, pages, tables ---------------------------------------------------

def test_offsets_hold_for_every_block_of_every_sample():
    for path in SEEDS + TRANSCRIPTS:
        doc = doc_of(path)
        assert doc.blocks, path
        for b in doc.blocks:
            assert doc.text[b.start:b.end] == b.text, (path.name, b)
        for t in doc.tables:
            assert doc.text[t.start:t.end].split("\n")[0] == " | ".join(t.rows[0])
        assert doc.pages[0].start == 0 and doc.pages[-1].end == len(doc.text)


def test_text_is_normalised():
    doc = doc_of(CORPORA / "seeds" / "001_8da94503c03abd19.txt")
    assert "ma tuý" not in doc.text  # the source writes "Cai nghiện ma tuý cho 900 lượt"
    assert "2.4. Cai nghiện ma túy cho 900 lượt người, trong đó" in doc.text
    assert doc.text == clean_text(doc.text)
    assert "  " not in doc.text and "**" not in doc.text


def test_gold_verbatim_fields_are_found_in_the_text():
    missing = []
    total = 0
    for gold_path in sorted((CORPORA / "gold").glob("0*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = collapse_ws(doc_of(CORPORA / "seeds" / gold["doc"]).text)
        spans = [c["mention"] for c in gold["citations"]]
        for a in gold["agencies"]:
            spans += [a["mention"], *a["aliases_in_text"]]
        spans += [t["text"] for t in gold["targets"]] + [d["text"] for d in gold["deadlines"]]
        for span in filter(None, spans):
            total += 1
            if collapse_ws(clean_text(span)) not in text:
                missing.append((gold["doc"], span))
    assert total > 300
    assert missing == []


def test_pages_and_a_paragraph_running_over_a_page_break():
    raw = RawDocument(format="pdf", page_count=3, blocks=[
        RawBlock("line", "I. MỤC TIÊU", page=1),
        RawBlock("line", "Tăng cường công tác phòng, chống tệ nạn xã hội trên", page=1),
        RawBlock("page_break", page=2),
        RawBlock("line", "địa bàn tỉnh.", page=2),
        RawBlock("line", "II. NHIỆM VỤ", page=2),
    ], ocr_pages=[2], ocr_confidence={2: 91.5})
    doc = assemble(raw, _source(3))
    body = next(b for b in doc.blocks if b.text.startswith("Tăng cường"))
    assert body.text.endswith("trên địa bàn tỉnh.") and body.page == 1
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.text[doc.pages[1].start:].startswith("địa bàn tỉnh.")
    assert doc.page_at(doc.text.index("II. NHIỆM VỤ")) == 2
    assert doc.pages[2].start == doc.pages[2].end == len(doc.text)  # an empty last page
    assert doc.pages[1].ocr and doc.pages[1].ocr_confidence == 91.5


def test_paragraphs_are_kept_and_tables_rendered_with_cells():
    raw = RawDocument(format="docx", blocks=[
        RawBlock("paragraph", "Căn cứ Luật Tổ chức chính quyền địa phương"),
        RawBlock("paragraph", "Thành lập Ban chỉ đạo", list_label="1.", list_level=0),
        RawBlock("table", rows=[["TT", "Đơn vị", "Chỉ tiêu"], ["1", "Huyện A", "30%"], ["2", "Huyện B", ""]]),
        RawBlock("paragraph", "Tổ chức thực hiện"),
    ])
    doc = assemble(raw, _source())
    assert doc.text.split("\n") == ["Căn cứ Luật Tổ chức chính quyền địa phương", "1. Thành lập Ban chỉ đạo",
                                    "TT | Đơn vị | Chỉ tiêu", "1 | Huyện A | 30%", "2 | Huyện B",
                                    "Tổ chức thực hiện"]
    (table,) = doc.tables
    assert table.rows[2] == ["2", "Huyện B"]
    cells = [b for b in doc.blocks if b.kind == "table_cell"]
    assert [(c.row, c.col, c.text) for c in cells if c.row == 1] == [(1, 0, "1"), (1, 1, "Huyện A"), (1, 2, "30%")]
    assert all(c.table == 0 for c in cells)
    assert doc.text[table.start:table.end].startswith("TT | Đơn vị")
    numbered = next(b for b in doc.blocks if b.text.startswith("1. Thành lập"))
    assert numbered.label == "1." and numbered.kind in ("heading", "list_item")


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_every_seed_assembles(path):
    doc = doc_of(path)
    assert doc.source.format == "text" and len(doc.pages) == 1
    assert len(doc.text) > 5000


def test_page_numbers_at_page_edges_are_dropped():
    raw = RawDocument(format="pdf", page_count=2, blocks=[
        RawBlock("line", "Kế hoạch giai đoạn 2021 -", page=1),
        RawBlock("line", "2025", page=1),
        RawBlock("line", "- 2 -", page=2),
        RawBlock("line", "của tỉnh được triển khai.", page=2),
        RawBlock("line", "Trang 2", page=2),
    ])
    doc = assemble(raw, _source(2))
    assert doc.text == "Kế hoạch giai đoạn 2021 - 2025 của tỉnh được triển khai."
    assert doc.page_at(doc.text.index("của tỉnh")) == 2


def test_bold_short_paragraphs_are_headings():
    raw = RawDocument(format="docx", blocks=[
        RawBlock("paragraph", "Kế hoạch thực hiện năm 2024", bold=True),
        RawBlock("paragraph", "Nội dung chính của kế hoạch."),
    ])
    doc = assemble(raw, _source())
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph"]


def test_header_table_from_a_docx_reader_becomes_paragraphs():
    raw = RawDocument(format="docx", blocks=[
        RawBlock("table", rows=[["UBND TỈNH LÀO CAI\nSỞ CÔNG THƯƠNG\nSố: /KH-SCT",
                                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                                 "Lào Cai, ngày tháng 4 năm 2026"]]),
        RawBlock("paragraph", "KẾ HOẠCH"),
        RawBlock("paragraph", "Thực hiện Đề án số 08 về phát triển công nghiệp"),
        RawBlock("paragraph", "theo hướng xanh, hiện đại giai đoạn 2026-2030"),
        RawBlock("paragraph", "Căn cứ Nghị quyết số 35-NQ/TU ngày 29/12/2025 của Tỉnh ủy;"),
    ])
    doc = assemble(raw, _source())
    assert not doc.tables
    assert doc.text.split("\n")[:5] == ["UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG", "Số: /KH-SCT",
                                        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                        "Lào Cai, ngày tháng 4 năm 2026"]
    h = doc.header
    assert (h.issuer.text, h.number.text, h.place_date.text) == (
        "UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG", "Số: /KH-SCT", "Lào Cai, ngày tháng 4 năm 2026")
    assert " ".join(h.title.text.split()) == ("Thực hiện Đề án số 08 về phát triển công nghiệp "
                                              "theo hướng xanh, hiện đại giai đoạn 2026-2030")
    assert doc.text[h.title.start:h.title.end] == h.title.text
