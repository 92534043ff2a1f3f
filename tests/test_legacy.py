"""Legacy Vietnamese font encodings (TCVN3, VNI): tables, detection, and the DOCX hook."""
from __future__ import annotations

import io
import unicodedata

import docx
import pytest
from docx.oxml.ns import qn

from kehoach.extract.normalize import clean_text
from kehoach.extract.parse.docx import read_docx
from kehoach.extract.parse.legacy import (
    Unencodable,
    convert,
    detect_legacy,
    font_encoding,
    from_unicode,
    from_unicode_runs,
    to_unicode,
)
from kehoach.extract.paths import CORPORA
from kehoach.extract.settings import DEFAULT

SEEDS = sorted((CORPORA / "seeds").glob("*.txt"))
MOTTO = "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc"


def _seed(path) -> str:
    return clean_text(path.read_text(encoding="utf-8"))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_known_spellings():
    # How the national motto looks in old files, as commonly seen in converters' docs.
    motto = "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert to_unicode("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3") == motto
    assert to_unicode("§éc lËp - Tù do - H¹nh phóc", "tcvn3") == "Độc lập - Tự do - Hạnh phúc"
    assert to_unicode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni") == clean_text(motto)
    assert to_unicode("Ñoäc laäp - Töï do - Haïnh phuùc", "vni") == "Độc lập - Tự do - Hạnh phúc"
    # TCVN3 ư sits on the soft hyphen (0xAD): conversion must come before clean_text drops it.
    assert to_unicode("Tr\u00adêng", "tcvn3") == "Trường"
    # A .VnTimeH capitals font draws every byte as a capital, ASCII included.
    assert to_unicode("kÕ ho¹ch", "tcvn3", upper=True) == "KẾ HOẠCH"
    # VNI capitals; a mark in the wrong case still follows its base letter.
    assert to_unicode("UÛY BAN NHAÂN DAÂN", "vni") == "ỦY BAN NHÂN DÂN"
    assert to_unicode("Uûy", "vni") == "Ủy"


def test_every_vietnamese_letter_round_trips():
    letters = sorted({
        _nfc(base + tone)
        for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
        for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    } | {"đ", "Đ"})
    assert len(letters) == 2 * (12 * 6) + 2
    text = " ".join(letters)
    assert to_unicode(from_unicode(text, "vni"), "vni") == text
    runs = from_unicode_runs(text, "tcvn3")
    assert "".join(to_unicode(r.text, "tcvn3", upper=r.upper) for r in runs) == text
    lower = " ".join(c for c in letters if c.islower())
    assert to_unicode(from_unicode(lower, "tcvn3"), "tcvn3") == lower
    # Each legacy spelling is distinct: no two letters collide.
    for encoding in ("vni", "tcvn3"):
        spelled = [from_unicode(c, encoding) for c in (letters if encoding == "vni" else lower.split())]
        assert len(set(spelled)) == len(spelled)


def test_tcvn3_has_no_toned_capitals():
    with pytest.raises(Unencodable):
        from_unicode("KẾ HOẠCH", "tcvn3")
    assert from_unicode("ĐĂNG KÝ", "vni") == "ÑAÊNG KYÙ"
    with pytest.raises(Unencodable):  # µ is a letter in TCVN3 (à): it cannot stand for itself
        from_unicode("5 µm", "tcvn3")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_round_trip_tcvn3(seed):
    text = _seed(seed)
    runs = from_unicode_runs(text, "tcvn3")
    legacy_text = "".join(r.text for r in runs)
    assert legacy_text != text
    assert detect_legacy(legacy_text) == "tcvn3"
    back = "".join(to_unicode(r.text, "tcvn3", upper=r.upper) for r in runs)
    assert _nfc(back) == text


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_round_trip_vni(seed):
    text = _seed(seed)
    legacy_text = from_unicode(text, "vni")
    assert detect_legacy(legacy_text) == "vni"
    assert _nfc(to_unicode(legacy_text, "vni")) == text
    assert convert(legacy_text) == (text, "vni")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_detection_per_line(seed):
    """Unicode lines never fire; legacy lines with a word of evidence are named right."""
    text = _seed(seed)
    for line in text.splitlines():
        assert detect_legacy(line) is None, line
    for encoding in ("tcvn3", "vni"):
        encoded = from_unicode(text.lower(), encoding).splitlines()
        lines = [line for line in encoded if len(line.split()) >= 4]
        right = sum(detect_legacy(line) == encoding for line in lines)
        wrong = sum(detect_legacy(line) not in (None, encoding) for line in lines)
        assert right >= 0.95 * len(lines) and wrong <= 0.02 * len(lines), (encoding, right, wrong, len(lines))


@pytest.mark.parametrize("text", [
    "The plan sets targets for 2021 and names the agencies responsible.",
    "Le café de la gare est fermé; über alles; smørrebrød; mañana",
    "Copyright © 2020 § 5 ½ ¼ ± 3 × 4",
    MOTTO,
    "Ủy ban nhân dân tỉnh Quảng Ninh « trích » — 5 µm",
])
def test_detection_quiet_on_unicode_and_other_languages(text):
    assert detect_legacy(text) is None
    assert convert(text) == (text, None)


def test_short_text_converted_with_a_document_hint():
    # "Sè: 27/KH-UBND" proves nothing alone (è is a Unicode letter too), but fits TCVN3.
    assert detect_legacy("Sè: 27/KH-UBND") is None
    assert convert("Sè: 27/KH-UBND", hint="tcvn3") == ("Số: 27/KH-UBND", "tcvn3")
    assert convert("Số: 27/KH-UBND", hint="tcvn3") == ("Số: 27/KH-UBND", None)


def test_font_names():
    assert font_encoding(".VnTime") == ("tcvn3", False)
    assert font_encoding(".VnTimeH") == ("tcvn3", True)
    assert font_encoding(".VnArialH") == ("tcvn3", True)
    assert font_encoding("VNI-Times") == ("vni", False)
    assert font_encoding("Times New Roman") is None
    assert font_encoding(None) is None


def _font(run, name: str) -> None:
    run.font.name = name
    run.element.rPr.rFonts.set(qn("w:hAnsi"), name)


def test_docx_with_legacy_fonts_reads_as_unicode():
    text = _seed(SEEDS[1]).splitlines()
    body = [line for line in text if len(line) > 40][:3]
    d = docx.Document()
    title = d.add_paragraph()
    for run in from_unicode_runs("KẾ HOẠCH phòng, chống tệ nạn xã hội", "tcvn3"):
        _font(title.add_run(run.text), ".VnTimeH" if run.upper else ".VnTime")
    for line in body:
        _font(d.add_paragraph().add_run(from_unicode(line, "vni")), "VNI-Times")
    mixed = d.add_paragraph()
    _font(mixed.add_run(from_unicode("Sở Y tế ", "tcvn3")), ".VnTime")
    mixed.add_run("(văn bản Unicode)")  # a run in a normal font stays as it is
    table = d.add_table(rows=1, cols=2)
    _font(table.cell(0, 0).paragraphs[0].add_run(from_unicode("Cai nghiện tập trung", "tcvn3")), ".VnTime")
    table.cell(0, 1).text = "700"
    buf = io.BytesIO()
    d.save(buf)
    raw = read_docx(buf.getvalue(), "legacy.docx", DEFAULT)
    assert [b.text for b in raw.blocks if b.kind == "paragraph"] == [
        "KẾ HOẠCH phòng, chống tệ nạn xã hội", *body, "Sở Y tế (văn bản Unicode)",
    ]
    assert raw.blocks[-1].rows == [["Cai nghiện tập trung", "700"]]
    assert raw.legacy_encoding in ("tcvn3", "vni")
    assert any(f.kind == "legacy_encoding" for f in raw.flags)


def test_docx_legacy_text_without_font_names_is_detected():
    lines = [line for line in _seed(SEEDS[0]).splitlines() if line.strip()][:12]
    d = docx.Document()
    for line in lines:
        d.add_paragraph(from_unicode(line.lower(), "tcvn3"))
    buf = io.BytesIO()
    d.save(buf)
    raw = read_docx(buf.getvalue(), "nofont.docx", DEFAULT)
    assert [b.text for b in raw.blocks] == [line.lower() for line in lines]
    assert raw.legacy_encoding == "tcvn3"


def test_docx_legacy_font_from_the_style_and_runs_split_inside_a_letter():
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "VNI-Times"
    normal.element.rPr.rFonts.set(qn("w:hAnsi"), "VNI-Times")
    para = d.add_paragraph()
    # Word split the runs between a base letter and its VNI mark ("Vie" | "ät").
    for piece in ("Vie", "ät Nam ", "hoøa bình"):
        para.add_run(piece)
    buf = io.BytesIO()
    d.save(buf)
    raw = read_docx(buf.getvalue(), "style.docx", DEFAULT)
    assert raw.blocks[0].text == "Việt Nam hòa bình"
    assert raw.legacy_encoding == "vni"
