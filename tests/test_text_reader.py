"""The text and HTML readers: '|'-flattened tables, layout cells, columns, markup."""
from __future__ import annotations

from functools import lru_cache

import pytest

from kehoach.extract import errors
from kehoach.extract.parse import parse
from kehoach.extract.parse.html import read_html
from kehoach.extract.parse.text import read_text, recover_rows, split_header_columns
from kehoach.extract.paths import CORPORA
from kehoach.extract.settings import DEFAULT

QN = CORPORA / "seeds" / "001_8da94503c03abd19.txt"


@lru_cache(maxsize=None)
def doc_of(path):
    return parse(path)


def test_quang_ninh_annex_rows_are_recovered():
    doc = doc_of(QN)
    annex = doc.tables[0]
    assert annex.rows[1] == ["1", "Thành phố Hạ Long", "225", "170", "55", "Có cơ sở điều trị Methadone"]
    assert annex.rows[0][:2] == ["TT", "Địa phương"]
    assert [r[0] for r in annex.rows[1:]] == [str(i) for i in range(1, 13)] + ["Cộng"]
    assert ["9", "Huyện Hải Hà", "12", "10", "2"] in annex.rows  # "10" here is a value, not row 10
    assert "1 | Thành phố Hạ Long | 225 | 170 | 55 | Có cơ sở điều trị Methadone" in doc.text.split("\n")
    assert "Cộng | 900 | 700 | 200" in doc.text.split("\n")
    assert annex.title == "PHỤ BIỂU SỐ 01 CHỈ TIÊU CAI NGHIỆN MA TÚY NĂM 2021"


def test_quang_ninh_second_annex_has_roman_groups():
    doc = doc_of(QN)
    models = doc.tables[1]
    assert models.rows[0] == ["TT", "NỘI DUNG", "ĐƠN VỊ TRIỂN KHAI"]
    firsts = [r[0] for r in models.rows[1:]]
    assert firsts == ["I", "II", "1", "2", "3", "4", "III", "1", "2"]
    assert models.rows[-1][-1] == "TP Hạ Long: phường Hùng Thẳng, Hà Khánh"  # the last cell has no '|'


def test_layout_tables_become_paragraphs():
    doc = doc_of(QN)
    texts = [b.text for b in doc.blocks if b.kind != "table_cell"]
    assert texts[:5] == ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc", "Số: 27/KH-UBND",
                         "Quảng Ninh, ngày 02 tháng 02 năm 2021"]
    assert len(doc.tables) == 2  # header and signature blocks are not data tables
    ninh_binh = doc_of(CORPORA / "seeds" / "002_b75564130da68d5c.txt")
    assert not ninh_binh.tables
    assert "Tống Quang Thìn" in [b.text for b in ninh_binh.blocks]


def test_recover_rows():
    cells = ["TT", "Tên", "Số", "1", "Xã A", "10", "2", "Xã B", "2", "3", "Cộng", "12"]
    assert recover_rows(cells) == [["TT", "Tên", "Số"], ["1", "Xã A", "10"], ["2", "Xã B", "2", "3"],
                                   ["Cộng", "12"]]
    assert recover_rows(["ỦY BAN NHÂN DÂN", "CỘNG HÒA", "Số: 1/KH", "Hà Nội, ngày"]) is None


def test_markdown_bold_is_dropped():
    doc = doc_of(CORPORA / "seeds" / "000_17b1d471c936a28b.txt")
    assert "KT. CHỦ TỊCH" in [b.text for b in doc.blocks]
    assert "**" not in doc.text


def test_two_column_header_is_unwoven():
    lines = [
        "   SỞ CÔNG THƯƠNG                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "    ĐOÀN KIỂM TRA                         Độc lập - Tự do - Hạnh Phúc",
        "",
        "   SỐ 1050/QĐ-SCT                      Lào Cai, ngày 10 tháng 3 năm 2026",
        "                               KẾ HOẠCH",
    ]
    out = split_header_columns(lines)
    assert [ln for ln in out if ln][:3] == ["SỞ CÔNG THƯƠNG", "ĐOÀN KIỂM TRA", "SỐ 1050/QĐ-SCT"]
    assert "Lào Cai, ngày 10 tháng 3 năm 2026" in out
    assert out.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") > out.index("SỐ 1050/QĐ-SCT")


def test_encodings_and_bad_text(tmp_path):
    text = "Kế hoạch\nphòng, chống ma tuý"
    for codec in ("utf-8-sig", "utf-16"):
        raw = read_text(text.encode(codec), "x.txt", DEFAULT)
        assert [b.text for b in raw.blocks] == ["Kế hoạch", "phòng, chống ma tuý"]
    with pytest.raises(errors.NoText, match="x.txt"):
        read_text(b"  \n\n \t", "x.txt", DEFAULT)
    path = tmp_path / "plan.txt"
    path.write_text("1. Mục tiêu\nGiảm 10% số người nghiện ma tuý.\n", encoding="utf-16")
    doc = parse(path)
    assert doc.source.encoding and doc.text == "1. Mục tiêu\nGiảm 10% số người nghiện ma túy."


HTML = """<!DOCTYPE html><html><head><title>Kế hoạch</title><style>p {color: red}</style>
<script>var menu = "<p>Trang chủ</p>";</script></head><body>
<nav><ul><li>Trang chủ</li><li>Văn bản</li></ul></nav><div class="breadcrumb">Trang chủ &gt; Văn bản</div>
<table><tr><td><b>ỦY BAN NHÂN DÂN<br>TỈNH QUẢNG NINH</b><br>-------</td>
<td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>Độc lập - Tự do - Hạnh phúc</td></tr>
<tr><td>Số: 27/KH-UBND</td><td><i>Quảng Ninh, ngày 02 tháng 02 năm 2021</i></td></tr></table>
<p align="center"><b>KẾ HOẠCH</b></p>
<p align="center"><b>THỰC HIỆN CÔNG TÁC PHÒNG, CHỐNG<br>TỆ NẠN XÃ HỘI NĂM 2021</b></p>
<p>Thực hiện Chỉ thị số 36-CT/TW ngày 16/8/2019 của Bộ Chính trị về tăng cường,<br>nâng cao hiệu quả
công tác phòng, chống ma tuý;</p>
<h3>I. MỤC TIÊU</h3><p>1. Mục tiêu chung</p><p>Tăng cường sự lãnh đạo.</p>
<ol><li>Cai nghiện cho 900 lượt người.</li><li>Giảm 10&nbsp;%.</li></ol>
<p>PHỤ BIỂU SỐ 01</p>
<table border="1"><tr><th>TT</th><th>Địa phương</th><th>Tổng số</th></tr>
<tr><td>1</td><td>Thành phố<br>Hạ Long</td><td>225</td></tr>
<tr><td>2</td><td>Cẩm Phả</td><td>225</td></tr></table>
<footer>Bản quyền thuộc về Cổng thông tin</footer></body></html>"""


def test_html_reader(tmp_path):
    path = tmp_path / "plan.html"
    path.write_text(HTML, encoding="utf-8")
    doc = parse(path)
    lines = doc.text.split("\n")
    assert doc.source.format == "html"
    assert lines[:7] == ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc", "Số: 27/KH-UBND",
                         "Quảng Ninh, ngày 02 tháng 02 năm 2021", "KẾ HOẠCH",
                         "THỰC HIỆN CÔNG TÁC PHÒNG, CHỐNG TỆ NẠN XÃ HỘI NĂM 2021"]
    assert ("Thực hiện Chỉ thị số 36-CT/TW ngày 16/8/2019 của Bộ Chính trị về tăng cường, nâng cao hiệu quả "
            "công tác phòng, chống ma túy;") in lines
    assert "1. Cai nghiện cho 900 lượt người." in lines and "2. Giảm 10 %." in lines
    for junk in ("Trang chủ", "Bản quyền", "color", "var menu"):
        assert junk not in doc.text
    (table,) = doc.tables
    assert table.rows == [["TT", "Địa phương", "Tổng số"], ["1", "Thành phố Hạ Long", "225"],
                          ["2", "Cẩm Phả", "225"]]
    assert table.title == "PHỤ BIỂU SỐ 01"
    assert doc.header.number.text == "Số: 27/KH-UBND"
    assert [s.title for s in doc.outline.children][:1] == ["MỤC TIÊU"]


def test_html_without_text_is_an_error():
    with pytest.raises(errors.NoText, match="empty.html"):
        read_html(b"<html><head><script>x()</script></head><body><nav>Menu</nav></body></html>",
                  "empty.html", DEFAULT)


def test_markdown_table_lines_become_a_table():
    raw = read_text("Bảng chỉ tiêu:\n| TT | Đơn vị | Chỉ tiêu |\n|---|---|---|\n| 1 | Xã A | 10% |\nHết.".encode(),
                    "x.txt", DEFAULT)
    assert [b.kind for b in raw.blocks] == ["line", "table", "line"]
    assert raw.blocks[1].rows == [["TT", "Đơn vị", "Chỉ tiêu"], ["1", "Xã A", "10%"]]


def test_html_list_numbers_survive_nested_paragraphs_and_body_classes():
    raw = read_html('<body class="nav-open"><ol type="a"><li><p>Một</p></li><li><p>Hai</p></li></ol></body>'.encode(),
                    "x.html", DEFAULT)
    assert [(b.list_label, b.text) for b in raw.blocks] == [("a)", "Một"), ("b)", "Hai")]


def test_html_small_two_column_data_table_stays_a_table():
    raw = read_html("<table><tr><td>Chỉ tiêu</td><td>Năm 2024</td></tr><tr><td>Cai nghiện</td><td>900</td></tr>"
                    "</table>".encode(), "x.html", DEFAULT)
    assert [b.kind for b in raw.blocks] == ["table"]
    assert raw.blocks[0].rows == [["Chỉ tiêu", "Năm 2024"], ["Cai nghiện", "900"]]
