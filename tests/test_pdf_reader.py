"""The PDF reader: exact text of digital pages, tables, reading order, page furniture, and the
pages it must hand to OCR (no text, a signature stamp only, a garbled font encoding)."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from kehoach.extract import errors
from kehoach.extract.normalize import collapse_ws
from kehoach.extract.parse import parse
from kehoach.extract.parse.ocr import tesseract_available
from kehoach.extract.parse.pdf import read_pdf
from kehoach.extract.parse.quality import is_garbled, is_signature_stamp, score_text
from kehoach.extract.paths import CORPORA
from kehoach.extract.settings import ParseSettings

REAL = CORPORA / "real"
RENDERED = CORPORA / "rendered"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
DIGITAL = ParseSettings(ocr=False)
needs_tesseract = pytest.mark.skipif(not tesseract_available(), reason="tesseract not installed")


def _canvas(buffer, **kwargs):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Serif", FONT))
    pdf = canvas.Canvas(buffer, pagesize=(595, 842), **kwargs)
    pdf.setFont("Serif", 12)
    return pdf


def _lines(raw) -> list[str]:
    return [b.text for b in raw.blocks if b.kind == "line" and b.text]


def _one_page(path: Path, index: int = 0) -> bytes:
    """Page ``index`` of a PDF as a PDF of its own: OCR tests read one page, not the file."""
    src = pdfium.PdfDocument(str(path))
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [index])
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


# --- digital pages ------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", ["000_17b1d471c936a28b", "002_b75564130da68d5c"])
def test_digital_text_round_trip(stem):
    """Every word pdfium sees on the page comes out once, in order (no OCR, no loss)."""
    path = RENDERED / f"{stem}.pdf"
    raw = read_pdf(path.read_bytes(), str(path), DIGITAL)
    assert raw.ocr_pages == [] and raw.page_count == len(pdfium.PdfDocument(str(path)))
    pdf = pdfium.PdfDocument(str(path))
    want = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    want = collapse_ws(want.replace("\ufffe", "-"))
    got = collapse_ws(" ".join(" ".join(cell for row in b.rows for cell in row) if b.rows else b.text
                               for b in raw.blocks))
    assert sorted(got.split()) == sorted(want.split()) or got == want
    assert not [b for b in raw.blocks if b.kind == "table"] or stem != "000_17b1d471c936a28b"


def test_annex_tables_come_as_rows_not_lines():
    path = RENDERED / "001_8da94503c03abd19.pdf"
    raw = read_pdf(path.read_bytes(), str(path), DIGITAL)
    tables = [b for b in raw.blocks if b.kind == "table"]
    assert tables, "the annex tables of Quảng Ninh are ruled: pdfplumber must find them"
    first = tables[0]
    assert first.page == 8 and any("Thành phố Hạ Long" in cell for row in first.rows for cell in row)
    hạ_long = next(row for row in first.rows if "Thành phố Hạ Long" in row)
    assert hạ_long[:5] == ["1", "Thành phố Hạ Long", "225", "170", "55"]
    # The table's text is not repeated as lines.
    assert not any("Thành phố Hạ Long" in line and "225" in line for line in _lines(raw))


def test_two_column_header_is_read_column_by_column():
    buffer = io.BytesIO()
    pdf = _canvas(buffer)
    for y, left, right in ((780, "ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                           (764, "TỈNH QUẢNG NINH", "Độc lập - Tự do - Hạnh phúc"),
                           (740, "Số:        /KH-UBND", "Quảng Ninh, ngày      tháng 02 năm 2021")):
        pdf.drawString(80, y, left)  # one text run per row: pdfium glues the two columns
        pdf.drawString(290, y, right)
    pdf.drawCentredString(297, 700, "KẾ HOẠCH")
    body = "Thực hiện Chỉ thị số 36-CT/TW ngày 16/8/2019 của Bộ Chính trị về tăng cường."
    for k in range(5):
        pdf.drawString(72, 660 - 16 * k, body)
    pdf.save()
    raw = read_pdf(buffer.getvalue(), "header.pdf", DIGITAL)
    assert _lines(raw) == [
        "ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH", "Số: /KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ninh, ngày tháng 02 năm 2021",
        "KẾ HOẠCH", *[body] * 5,
    ]
    title = next(b for b in raw.blocks if b.text == "KẾ HOẠCH")
    assert title.centered


def test_running_headers_footers_and_page_numbers_are_dropped():
    buffer = io.BytesIO()
    pdf = _canvas(buffer)
    for page in range(1, 6):
        pdf.setFont("Serif", 12)
        pdf.drawCentredString(297, 815, "UBND TỈNH NINH BÌNH - KẾ HOẠCH 31/KH-BCĐ")
        if page > 1:
            pdf.drawCentredString(297, 798, str(page))
        for k in range(3):
            pdf.drawString(72, 700 - 20 * k, f"Nội dung {page}.{k + 1} của trang về phòng, chống mại dâm.")
        pdf.drawCentredString(297, 30, f"Trang {page}/5")
        pdf.showPage()
    pdf.save()
    raw = read_pdf(buffer.getvalue(), "running.pdf", DIGITAL)
    lines = _lines(raw)
    assert len(lines) == 15 and all(line.startswith("Nội dung") for line in lines)
    assert [b.page for b in raw.blocks if b.text.startswith("Nội dung 3.1")] == [3]


def test_hyphen_at_line_end_is_kept_and_the_code_joined():
    buffer = io.BytesIO()
    pdf = _canvas(buffer)
    pdf.drawString(72, 700, "Theo Văn bản số 16/GĐN-")
    pdf.drawString(72, 684, "TDTL ngày 16/3/2026 của Công ty.")
    pdf.save()
    lines = _lines(read_pdf(buffer.getvalue(), "hyphen.pdf", DIGITAL))
    assert any("16/GĐN-TDTL ngày" in line for line in lines), lines


def test_legacy_tcvn3_text_layer_is_converted():
    buffer = io.BytesIO()
    pdf = _canvas(buffer)
    tcvn3 = ["Céng hoµ x· héi chñ nghÜa ViÖt Nam", "§éc lËp - Tù do - H¹nh phóc",
             "Uû ban nh©n d©n tØnh triÓn khai kÕ ho¹ch phßng, chèng tÖ n¹n x· héi."]
    for k, line in enumerate(tcvn3):
        pdf.drawString(72, 760 - 20 * k, line)
    pdf.save()
    raw = read_pdf(buffer.getvalue(), "tcvn3.pdf", DIGITAL)
    assert raw.legacy_encoding == "tcvn3" and raw.ocr_pages == []
    assert _lines(raw)[0] == "Cộng hoà xã hội chủ nghĩa Việt Nam"


# --- deciding which pages need OCR ---------------------------------------------------------------

def test_quality_tells_garbled_layers_from_real_text():
    garbled = pdfium.PdfDocument(str(REAL / "laocai-1105-KH-DKT-2026.pdf"))[0].get_textpage().get_text_range()
    real = (CORPORA / "seeds" / "001_8da94503c03abd19.txt").read_text()
    print(f"syllable share: garbled layer {score_text(garbled).share:.2f}, seed {score_text(real).share:.3f}")
    assert is_garbled(garbled) and not is_garbled(real)
    assert is_garbled("Uû ban nh©n d©n tØnh Qu¶ng Ninh, céng hoµ x· héi chñ nghÜa ViÖt Nam")
    assert not is_garbled("UBND HĐND KH-UBND 27/KH-UBND Wifi Zalo online")  # abbreviations, loan words


def test_signature_stamp_detection():
    assert is_signature_stamp("Ký bởi: Ủy ban nhân dân\ntỉnh Quảng Ngãi\nThời gian ký: 05/01/2021\n08:15:24")
    assert is_signature_stamp("Trung tâm Công báo và Tin học\nttcbth@quangngai.gov.vn\n21.03.2018 16:41:00 +07:00")
    assert not is_signature_stamp("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;")
    body = "Thời gian ký: 05/01/2021 08:15:24\n" + "Nội dung kế hoạch phòng, chống tệ nạn xã hội. " * 20
    assert not is_signature_stamp(body)  # a page with real text besides the stamp


def test_pages_needing_ocr_are_flagged_when_ocr_is_off():
    path = REAL / "laocai-1105-KH-DKT-2026.pdf"
    with pytest.raises(errors.NoText) as info:
        read_pdf(path.read_bytes(), str(path), DIGITAL)
    assert str(path) in str(info.value)


def test_blank_page_is_not_sent_to_ocr():
    buffer = io.BytesIO()
    pdf = _canvas(buffer)
    pdf.drawString(72, 700, "Trang có nội dung về kế hoạch.")
    pdf.showPage()
    pdf.showPage()  # an empty page, as LibreOffice leaves before a landscape annex
    pdf.setFont("Serif", 12)
    pdf.drawString(72, 700, "Phụ lục kèm theo kế hoạch.")
    pdf.save()
    raw = read_pdf(buffer.getvalue(), "blank.pdf", ParseSettings())
    assert raw.ocr_pages == [] and raw.page_count == 3


@needs_tesseract
def test_garbled_layer_falls_back_to_ocr():
    data = _one_page(REAL / "laocai-1105-KH-DKT-2026.pdf")
    raw = read_pdf(data, "laocai-1105-p1.pdf", ParseSettings())
    text = " ".join(_lines(raw))
    print(f"OCR confidence {raw.ocr_confidence}")
    assert raw.ocr_pages == [1] and raw.ocr_confidence[1] > 80
    assert [f.kind for f in raw.flags if f.kind == "garbled_text_layer"] == ["garbled_text_layer"]
    assert "KẾ HOẠCH" in text and "1050/QĐ-SCT" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


@needs_tesseract
def test_stamp_only_scan_is_ocred_and_handwritten_number_flagged():
    data = _one_page(REAL / "quangngai-01-CT-UBND-2021.pdf")
    raw = read_pdf(data, "quangngai-01-p1.pdf", ParseSettings())
    lines = _lines(raw)
    assert raw.ocr_pages == [1]
    assert "CHỈ THỊ" in lines and any("123/2020/NĐ-CP" in line for line in lines)
    number = next(line for line in lines if line.startswith("Số:"))
    # The hand-written "01" is either read as digits or blanked and flagged; never junk.
    assert re.fullmatch(r"Số: (\d{1,4} ?)?/CT-UBND", number), number
    if number == "Số: /CT-UBND":
        assert any(f.kind == "handwritten_number" and f.page == 1 for f in raw.flags)


def test_parse_end_to_end_on_a_digital_pdf():
    doc = parse(RENDERED / "002_b75564130da68d5c.pdf", DIGITAL)
    assert doc.source.format == "pdf" and doc.source.ocr_pages == []
    assert "31/KH-BCĐ" in doc.text and doc.pages[-1].number == doc.source.page_count
