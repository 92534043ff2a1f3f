"""The DOCX reader: body order, paragraph hints, Word list labels, tables, pages, bad files."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from kehoach.extract import errors
from kehoach.extract.parse import parse
from kehoach.extract.parse.docx import read_docx
from kehoach.extract.paths import CORPORA
from kehoach.extract.settings import DEFAULT, ParseSettings

REAL = sorted((CORPORA / "real").glob("*.docx"))


def _bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _read(document, settings: ParseSettings = DEFAULT):
    return read_docx(_bytes(document), "made.docx", settings)


def _paragraphs(raw) -> list[str]:
    return [b.text for b in raw.blocks if b.kind == "paragraph"]


# Three list levels as Vietnamese plans number them, and a second list instance that restarts.
_NUMBERING = f"""
<w:abstractNum {nsdecls('w')} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%4."/></w:lvl>
</w:abstractNum>
<w:abstractNum {nsdecls('w')} w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
</w:abstractNum>
"""


def _with_lists(document) -> None:
    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    for abstract in parse_xml(f"<w:x {nsdecls('w')}>{_NUMBERING}</w:x>"):
        first_num.addprevious(abstract)  # abstractNum elements come before num elements
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="92"><w:abstractNumId w:val="90"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    ))


def _numbered(document, text: str, num_id: int, level: int = 0):
    para = document.add_paragraph(text)
    num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id
    return para


def test_paragraph_hints_soft_breaks_and_skipped_parts():
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "HEADER TEXT"
    d.sections[0].footer.paragraphs[0].text = "FOOTER TEXT"
    title = d.add_paragraph()
    title.add_run("KẾ HOẠCH").bold = True
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mixed = d.add_paragraph()
    mixed.add_run("1. Mục tiêu: ").bold = True
    mixed.add_run("nâng cao nhận thức")
    wrapped = d.add_paragraph()
    wrapped.add_run("Sở Lao động - Thương binh")
    wrapped.add_run().add_break()  # a soft line break (Shift+Enter)
    wrapped.add_run("và Xã hội")
    d.add_heading("II. NHIỆM VỤ", level=1)  # bold through its style, not its runs
    d.add_paragraph("")  # empty paragraphs give no block
    raw = _read(d)
    blocks = [b for b in raw.blocks if b.kind == "paragraph"]
    assert [b.text for b in blocks] == [
        "KẾ HOẠCH",
        "1. Mục tiêu: nâng cao nhận thức",
        "Sở Lao động - Thương binh và Xã hội",
        "II. NHIỆM VỤ",
    ]
    hints = [(b.bold, b.centered) for b in blocks]
    assert hints == [(True, True), (False, False), (False, False), (True, False)]
    assert raw.format == "docx" and raw.legacy_encoding is None


def test_list_labels_follow_word_numbering():
    d = docx.Document()
    _with_lists(d)
    _numbered(d, "MỤC TIÊU", 91)
    _numbered(d, "Mục tiêu chung", 90)
    _numbered(d, "điểm một", 90, 1)
    _numbered(d, "điểm hai", 90, 1)
    _numbered(d, "gạch đầu dòng", 90, 2)
    _numbered(d, "Mục tiêu cụ thể", 90)
    _numbered(d, "chỉ tiêu", 90, 3)
    _numbered(d, "điểm mới", 90, 1)  # restarts at a) under a new level-0 item
    _numbered(d, "NHIỆM VỤ", 91)
    _numbered(d, "danh sách mới", 92)  # another instance with startOverride: back to 1.
    plain = _numbered(d, "không đánh số", 90)
    plain._p.pPr.numPr.numId.val = 0  # numId 0 switches numbering off
    raw = _read(d)
    got = [(b.list_label, b.list_level, b.text) for b in raw.blocks]
    assert got == [
        ("I.", 0, "MỤC TIÊU"),
        ("1.", 0, "Mục tiêu chung"),
        ("a)", 1, "điểm một"),
        ("b)", 1, "điểm hai"),
        ("-", 2, "gạch đầu dòng"),
        ("2.", 0, "Mục tiêu cụ thể"),
        ("2.1.", 3, "chỉ tiêu"),
        ("a)", 1, "điểm mới"),
        ("II.", 0, "NHIỆM VỤ"),
        ("1.", 0, "danh sách mới"),
        (None, None, "không đánh số"),
    ]


def test_list_numbering_from_the_paragraph_style():
    d = docx.Document()
    for text in ("một", "hai", "ba"):
        d.add_paragraph(text, style="List Number")
    d.add_paragraph("chấm", style="List Bullet")
    raw = _read(d)
    got = [(b.list_label, b.text) for b in raw.blocks]
    assert got == [("1.", "một"), ("2.", "hai"), ("3.", "ba"), ("-", "chấm")]


def test_tables_in_body_order_with_merged_cells_given_once():
    d = docx.Document()
    d.add_paragraph("Trước bảng")
    table = d.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "TT"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Chỉ tiêu năm 2021"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "1"
    table.cell(1, 1).text = "Tổng số"
    table.cell(1, 2).text = "900"
    table.cell(2, 1).text = "Tập trung"
    table.cell(2, 2).paragraphs[0].text = "700"
    table.cell(2, 2).add_paragraph("lượt")
    d.add_paragraph("Sau bảng")
    raw = _read(d)
    assert [b.kind for b in raw.blocks] == ["paragraph", "table", "paragraph"]
    assert raw.blocks[1].rows == [
        ["TT", "Chỉ tiêu năm 2021", ""],
        ["1", "Tổng số", "900"],
        ["", "Tập trung", "700\nlượt"],
    ]


def test_page_breaks_number_the_pages():
    d = docx.Document()
    d.add_paragraph("trang một")
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("trang hai")
    annex = d.add_paragraph("PHỤ LỤC")
    annex.paragraph_format.page_break_before = True
    raw = _read(d)
    got = [(b.text, b.page) for b in raw.blocks]
    assert got == [("trang một", 1), ("trang hai", 2), ("PHỤ LỤC", 3)]
    assert raw.page_count == 3


def test_content_controls_insertions_and_deletions():
    d = docx.Document()
    body = d.element.body
    sectpr = body.find(qn("w:sectPr"))
    sectpr.addprevious(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>Số: 27/KH-UBND</w:t></w:r></w:p>'
        "</w:sdtContent></w:sdt>"
    ))
    sectpr.addprevious(parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">Tổ chức </w:t></w:r>'
        '<w:del w:id="1" w:author="x"><w:r><w:delText>không </w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="x"><w:r><w:t xml:space="preserve">ngay </w:t></w:r></w:ins>'
        '<w:hyperlink><w:r><w:t>kiểm tra</w:t></w:r></w:hyperlink></w:p>'
    ))
    assert _paragraphs(_read(d)) == ["Số: 27/KH-UBND", "Tổ chức ngay kiểm tra"]


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_plans(path):
    raw = read_docx(path.read_bytes(), str(path), DEFAULT)
    tables = [b for b in raw.blocks if b.kind == "table"]
    paragraphs = [b for b in raw.blocks if b.kind == "paragraph"]
    # The header (issuer | national motto) is a layout table, the first thing in the body.
    assert raw.blocks[0].kind == "table"
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in "\n".join(map("\n".join, raw.blocks[0].rows))
    kh = next(b for b in paragraphs if b.text.strip() == "KẾ HOẠCH")
    assert kh.bold and kh.centered
    assert any(b.text.startswith("I. MỤC ĐÍCH, YÊU CẦU") and b.bold for b in paragraphs)
    assert len(tables) >= 2 and raw.page_count > 1
    for table in tables:  # merged cells are not repeated along a row
        for row in table.rows:
            inked = [c for c in row if c.strip()]
            assert len(inked) == len(set(inked)) or table is tables[0]


def test_real_plan_numbered_table_column():
    path = CORPORA / "real" / "laocai-KH-SCT-kiem-tra-GCN-2026.docx"
    raw = read_docx(path.read_bytes(), str(path), DEFAULT)
    last = [b for b in raw.blocks if b.kind == "table"][-1]
    # The TT column is Word auto-numbering: the labels are not in the text; the reader adds them.
    assert [row[0] for row in last.rows] == ["TT"] + [f"{n}." for n in range(1, 10)]


def test_real_plan_through_parse():
    doc = parse(CORPORA / "real" / "laocai-KH-SCT-de-an-08-2026.docx")
    assert doc.source.format == "docx"
    assert doc.header.doc_type is not None and doc.header.doc_type.text == "KẾ HOẠCH"
    titles = [s.title for s in doc.outline.children if s.kind == "section"]
    assert titles[:2] == ["MỤC ĐÍCH, YÊU CẦU", "MỤC TIÊU GIAI ĐOẠN 2026-2030"]


# --- bad files ------------------------------------------------------------------------------

def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def test_zip_bomb_ratio_is_refused_before_inflating():
    data = _zip({"word/document.xml": b"<" + b" " * (8 * 1024 * 1024)})  # ~1000:1
    with pytest.raises(errors.TooLarge, match=r"bomb\.docx.*word/document\.xml.*compressed"):
        read_docx(data, "bomb.docx", DEFAULT)


def test_unzipped_size_limit():
    data = _bytes(docx.Document())
    with pytest.raises(errors.TooLarge, match="unpacks to"):
        read_docx(data, "big.docx", ParseSettings(max_unzipped_bytes=10_000))


def test_broken_and_foreign_zips_are_corrupt():
    good = _bytes(docx.Document())
    with pytest.raises(errors.CorruptFile, match="cut.docx"):
        read_docx(good[: len(good) // 2], "cut.docx", DEFAULT)
    with pytest.raises(errors.CorruptFile, match="other.docx"):
        read_docx(_zip({"hello.txt": b"hi"}), "other.docx", DEFAULT)
    with pytest.raises(errors.CorruptFile):
        read_docx(b"not a zip at all", "junk.docx", DEFAULT)


def test_empty_document_has_no_text(tmp_path):
    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    with pytest.raises(errors.NoText, match="empty.docx"):
        parse(path)
