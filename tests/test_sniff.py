"""Format sniffing: the bytes decide, the extension only says what the file claims to be."""
from __future__ import annotations

import io
import random
import zipfile

import pytest

from kehoach.extract import errors
from kehoach.extract.parse.sniff import sniff_format
from kehoach.extract.paths import CORPORA
from kehoach.extract.settings import ParseSettings

REAL = CORPORA / "real"
DOCX = (REAL / "laocai-KH-SCT-de-an-08-2026.docx").read_bytes()
PDF = (REAL / "quangngai-08-CT-UBND-2018.pdf").read_bytes()
PLAN = "Kế hoạch phòng, chống tệ nạn xã hội năm 2021\n"
HTML = "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><p>" + PLAN + "</p></body></html>"


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def one_line(exc: errors.ParseError, path: str) -> bool:
    return str(exc).startswith(f"{path}: {exc.reason}") and "\n" not in str(exc)


@pytest.mark.parametrize("data,name,fmt", [
    (PDF, "a.pdf", "pdf"),
    (b"\r\n\x00junk" + PDF, "a.pdf", "pdf"),  # signature after a few stray bytes
    (DOCX, "a.docx", "docx"),
    (DOCX, "really-a-docx.pdf", "docx"),
    (PDF, "really-a-pdf.docx", "pdf"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "scan.png", "image"),
    (b"\xff\xd8\xff\xe0" + bytes(64), "scan.jpg", "image"),
    (b"II*\x00" + bytes(64), "scan.tif", "image"),
    (PLAN.encode(), "plan.txt", "text"),
    (PLAN.encode(), "plan", "text"),
    (PLAN.encode("utf-16-be"), "plan.txt", "text"),  # NUL bytes, yet text
    (PLAN.encode("utf-16"), "plan.txt", "text"),
    (HTML.encode(), "page.txt", "html"),
    (HTML.encode("utf-16"), "page.txt", "html"),
    (PLAN.encode(), "page.htm", "html"),
])
def test_formats(data, name, fmt):
    assert sniff_format(data, name) == fmt


def test_docx_whose_main_part_has_another_name():
    types = b'<Types><Override PartName="/word/main.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    data = zip_of({"[Content_Types].xml": types, "word/main.xml": b"<w:document/>"})
    assert sniff_format(data, "odd.docx") == "docx"


@pytest.mark.parametrize("data,name,error,words", [
    (PLAN.encode(), "plan.docx", errors.CorruptFile, "not a DOCX: the file is plain text"),
    (HTML.encode(), "plan.pdf", errors.CorruptFile, "not a PDF: the file is an HTML page"),
    (PLAN.encode(), "scan.png", errors.CorruptFile, "not a PNG image"),
    (random.Random(1).randbytes(4000), "scan.png", errors.CorruptFile, "binary data"),
    (random.Random(2).randbytes(4000), "plan.txt", errors.UnsupportedFormat, "binary data"),
    (b"PK\x03\x04" + random.Random(3).randbytes(4000), "plan.docx", errors.CorruptFile, "broken zip"),
    (zip_of({"a.txt": b"hello"}), "plan.docx", errors.UnsupportedFormat, "not a DOCX"),
    (zip_of({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
     "plan.odt", errors.UnsupportedFormat, "OpenDocument"),
    (zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"}),
     "table.xlsx", errors.UnsupportedFormat, "XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.doc", errors.UnsupportedFormat, ".doc"),
    (b"{\\rtf1\\ansi Ke hoach}", "plan.rtf", errors.UnsupportedFormat, "RTF"),
    (b"\x1f\x8b\x08\x00" + bytes(100), "plan.txt.gz", errors.UnsupportedFormat, "gzip"),
])
def test_refusals_name_the_file_and_the_reason(data, name, error, words):
    with pytest.raises(error) as info:
        sniff_format(data, name)
    assert type(info.value) is error
    assert one_line(info.value, name)
    assert words in str(info.value)


def test_password_protected_docx_is_encrypted_not_legacy():
    # Office wraps an encrypted DOCX in OLE2 with an "EncryptedPackage" stream.
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1016)
    data = ole2 + "EncryptionInfo".encode("utf-16-le") + bytes(50) + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(errors.EncryptedFile) as info:
        sniff_format(data + bytes(512), "locked.docx")
    assert one_line(info.value, "locked.docx")
    with pytest.raises(errors.UnsupportedFormat):
        sniff_format(ole2 + "WordDocument".encode("utf-16-le") + bytes(512), "old.doc")


def _bomb(size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = bytes(1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
    return out.getvalue()


def test_zip_bomb_by_ratio():
    data = _bomb(8 << 20)  # 8 MB of zeros: about 8 KB compressed
    with pytest.raises(errors.TooLarge) as info:
        sniff_format(data, "bomb.docx")
    assert "compressed" in str(info.value) and one_line(info.value, "bomb.docx")


def test_zip_bomb_by_total_size():
    data = _bomb(8 << 20)
    settings = ParseSettings(max_unzipped_bytes=4 << 20, max_zip_ratio=1e9)
    with pytest.raises(errors.TooLarge) as info:
        sniff_format(data, "bomb.docx", settings)
    assert "unpacks to" in str(info.value)


def test_real_docx_is_within_the_limits():
    assert sniff_format(DOCX, "a.docx", ParseSettings()) == "docx"
