"""Bad input through the public ``parse()``: a one-line typed error or a correct result, fast.

Every case runs with a small time limit, so a reader that hangs fails here as ``TimedOut``
instead of stalling the suite.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest

from kehoach.extract import errors
from kehoach.extract.document import Document
from kehoach.extract.parse import parse
from kehoach.extract.parse.guard import check, remaining, run_with_time_limit
from kehoach.extract.paths import CORPORA
from kehoach.extract.settings import ParseSettings

REAL = CORPORA / "real"
SEED = CORPORA / "seeds" / "001_8da94503c03abd19.txt"
DOCX = REAL / "laocai-KH-SCT-kiem-tra-GCN-2026.docx"
GARBLED_PDF = REAL / "laocai-1105-KH-DKT-2026.pdf"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FAST = ParseSettings(timeout_s=30, ocr=False)
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def assert_one_line(exc: errors.ParseError, path: Path) -> None:
    message = str(exc)
    assert "\n" not in message
    assert message.startswith(f"{path}: {exc.reason}")


def refused(path: Path, error: type[errors.ParseError], settings: ParseSettings = FAST) -> errors.ParseError:
    with pytest.raises(errors.ParseError) as info:
        parse(path, settings)
    assert isinstance(info.value, error), f"{type(info.value).__name__}: {info.value}"
    assert_one_line(info.value, path)
    return info.value


# --- files made by the tests -------------------------------------------------------------

def pdf_pages(path: Path, pages: int, encrypt: str | None = None) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    pdf = canvas.Canvas(str(path), encrypt=encrypt)
    for number in range(1, pages + 1):
        pdf.setFont("DejaVu", 12)
        for line in range(6):  # pages differ, so no line looks like a running header
            sentence = SENTENCES[(number + line) % len(SENTENCES)]
            pdf.drawString(72, 780 - 18 * line, f"Mục {number}.{line + 1}. {sentence}")
        pdf.showPage()
    pdf.save()
    return path


SENTENCES = [
    "Ủy ban nhân dân tỉnh triển khai kế hoạch phòng, chống tệ nạn xã hội.",
    "Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với các sở, ngành.",
    "Phấn đấu 100% xã, phường, thị trấn tổ chức hoạt động truyền thông.",
    "Công an tỉnh tăng cường kiểm tra các cơ sở kinh doanh dịch vụ nhạy cảm.",
    "Báo cáo kết quả thực hiện trước ngày 15 tháng 12 năm 2021.",
    "Kinh phí thực hiện từ nguồn ngân sách địa phương được giao hằng năm.",
    "Các huyện, thị xã, thành phố xây dựng kế hoạch cụ thể để thực hiện.",
]


@pytest.fixture(scope="module")
def pdf500(tmp_path_factory) -> Path:
    return pdf_pages(tmp_path_factory.mktemp("pdf") / "plan-500.pdf", 500)


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: base letter + combining tone where needed."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = "".join(c for c in parts if c in _TONES)
            out += (unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)) + tone).encode("cp1258")
    return bytes(out)


# --- the cases ---------------------------------------------------------------------------

def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    refused(path, errors.EmptyFile)


def test_missing_file(tmp_path):
    refused(tmp_path / "nowhere.docx", errors.ParseError)


@pytest.mark.parametrize("keep", [1024, 0.5], ids=["first-1KB", "first-half"])
def test_truncated_real_pdf(tmp_path, keep):
    data = GARBLED_PDF.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: keep if isinstance(keep, int) else int(len(data) * keep)])
    try:
        doc = parse(path, FAST)
    except errors.ParseError as exc:
        assert_one_line(exc, path)
        assert not isinstance(exc, errors.TimedOut)
    else:  # pdfium rebuilds what it can of a cut file: then the result must be a real Document
        assert keep != 1024, "a PDF cut to 1 KB holds no page"
        assert isinstance(doc, Document) and doc.source.format == "pdf" and doc.source.page_count >= 1


def test_encrypted_pdf(tmp_path):
    path = pdf_pages(tmp_path / "locked.pdf", 1, encrypt="secret")
    refused(path, errors.EncryptedFile)


def test_pdf_that_is_really_a_docx(tmp_path):
    renamed = tmp_path / "plan.pdf"
    shutil.copy(DOCX, renamed)
    doc = parse(renamed, FAST)
    assert doc.source.format == "docx"
    assert doc.text == parse(DOCX, FAST).text and len(doc.text) > 1000


def test_docx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "plan.docx"
    path.write_text("Kế hoạch phòng, chống tệ nạn xã hội\n", encoding="utf-8")
    refused(path, errors.CorruptFile)


def test_zip_bomb_posing_as_docx(tmp_path):
    path = tmp_path / "bomb.docx"
    # 1 GB of zeros, written in 1 MB chunks: the test never holds more than that in memory.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(1024):
                member.write(chunk)
    assert path.stat().st_size < 10 << 20
    started = time.monotonic()
    refused(path, errors.TooLarge)
    assert time.monotonic() - started < 5


def test_500_page_pdf_is_read_as_digital(pdf500):
    doc = parse(pdf500, ParseSettings(timeout_s=60))  # OCR allowed, yet none may be needed
    assert doc.source.format == "pdf" and doc.source.page_count == 500
    assert doc.source.ocr_pages == []
    for number in (1, 250, 500):
        for line in (1, 6):
            assert doc.page_at(doc.text.index(f"Mục {number}.{line}. ")) == number


def test_500_page_pdf_over_the_page_limit(pdf500):
    exc = refused(pdf500, errors.TooLarge, ParseSettings(timeout_s=30, max_pages=100))
    assert "500" in str(exc)


def test_500_page_pdf_over_the_time_limit(pdf500):
    started = time.monotonic()
    refused(pdf500, errors.TimedOut, ParseSettings(timeout_s=0.01))
    assert time.monotonic() - started < 3


@pytest.fixture(scope="module")
def seed_doc() -> Document:
    return parse(SEED, FAST)


@pytest.mark.parametrize("codec", ["cp1258", "utf-16", "utf-16-le"])
def test_text_in_other_encodings_reads_like_the_utf8_seed(tmp_path, seed_doc, codec):
    text = unicodedata.normalize("NFC", SEED.read_text(encoding="utf-8"))
    path = tmp_path / f"seed-{codec}.txt"
    path.write_bytes(encode_cp1258(text) if codec == "cp1258" else text.encode(codec))
    doc = parse(path, FAST)
    assert doc.source.encoding == {"utf-16": "utf-16-le"}.get(codec, codec)
    assert doc.text == seed_doc.text
    assert [b.text for b in doc.blocks] == [b.text for b in seed_doc.blocks]


def test_binary_file_named_txt(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(random.Random(5).randbytes(50_000))
    refused(path, errors.UnsupportedFormat)


def test_text_that_turns_into_binary(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes("Kế hoạch phòng, chống tệ nạn xã hội.\n".encode() * 100 + random.Random(6).randbytes(50_000))
    refused(path, errors.BadEncoding)


def test_png_that_is_not_a_png(tmp_path):
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(20_000))
    refused(path, errors.CorruptFile, ParseSettings(timeout_s=30))


def test_text_named_png(tmp_path):
    path = tmp_path / "scan.png"
    path.write_text("<html><body>404 Not Found</body></html>", encoding="utf-8")
    refused(path, errors.CorruptFile)


HTML_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Kế hoạch 27/KH-UBND</title>
<style>p { margin: 0 }</style><script>var tracking = "<p>not text</p>";</script></head>
<body><div class="content">
<p>ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH</p>
<p><b>KẾ HOẠCH</b></p>
<p>Phòng, chống tệ nạn xã hội năm 2021</p>
<p>I. MỤC ĐÍCH, YÊU CẦU</p>
<p>1. Mục đích</p>
<p>Giảm tỷ lệ người nghiện ma túy&nbsp;trên địa bàn tỉnh &amp; nâng cao hiệu quả công tác cai nghiện.</p>
<table><tr><td>STT</td><td>Chỉ tiêu</td><td>Số lượng</td></tr>
<tr><td>1</td><td>Cai nghiện tại cộng đồng</td><td>150</td></tr></table>
</div></body></html>
"""


def test_html_page(tmp_path):
    path = tmp_path / "ke-hoach-27.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    doc = parse(path, FAST)
    assert doc.source.format == "html"
    assert "Giảm tỷ lệ người nghiện ma túy trên địa bàn tỉnh & nâng cao" in doc.text
    assert "I. MỤC ĐÍCH, YÊU CẦU" in doc.text
    for junk in ("<p>", "&amp;", "&nbsp;", "tracking", "margin"):
        assert junk not in doc.text
    assert any(["1", "Cai nghiện tại cộng đồng", "150"] == row for t in doc.tables for row in t.rows)


def _tesseract_children() -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" (", 1)
            comm, fields = rest.rsplit(") ", 1)
        except (OSError, ValueError):
            continue
        if comm == "tesseract" and int(fields.split()[1]) == os.getpid():
            found.append(int(pid))
    return found


def test_scanned_pdf_over_the_time_limit_leaves_no_ocr_running():
    scan = REAL / "quangngai-08-CT-UBND-2018.pdf"  # 3 scanned pages: about 2 s of OCR each
    started = time.monotonic()
    refused(scan, errors.TimedOut, ParseSettings(timeout_s=1.0, ocr_workers=1))
    assert time.monotonic() - started < 3
    deadline = time.monotonic() + 3  # a running Tesseract is capped at the time left (>= 1 s)
    while _tesseract_children() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _tesseract_children() == []


# --- the time limit itself ---------------------------------------------------------------

def test_time_limit_stops_a_sleep_and_a_busy_loop():
    def busy():
        while True:
            pass

    for work in (lambda: time.sleep(30), busy):
        started = time.monotonic()
        with pytest.raises(errors.TimedOut) as info:
            run_with_time_limit(work, "/data/slow.pdf", 0.2)
        assert time.monotonic() - started < 2
        assert str(info.value) == "/data/slow.pdf: parsing took longer than the time limit (limit 0.2 s)"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_time_limit_cannot_be_swallowed_by_except_exception():
    def stubborn():
        while True:
            try:
                time.sleep(30)
            except Exception:  # what a careless reader does around a library call
                pass

    with pytest.raises(errors.TimedOut):
        run_with_time_limit(stubborn, "x.pdf", 0.2)


def test_time_limit_passes_results_and_errors_through():
    assert run_with_time_limit(lambda: 42, "x", 5) == 42
    assert run_with_time_limit(lambda: 42, "x", None) == 42

    def corrupt():
        raise errors.CorruptFile("x.pdf", "bad xref")

    with pytest.raises(errors.CorruptFile):
        run_with_time_limit(corrupt, "x.pdf", 5)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_inner_limit_hands_the_outer_timer_back():
    def outer():
        assert 4 < remaining() <= 5
        with pytest.raises(errors.TimedOut):
            run_with_time_limit(lambda: time.sleep(10), "inner.pdf", 0.1)
        return signal.getitimer(signal.ITIMER_REAL)[0]

    left = run_with_time_limit(outer, "outer.pdf", 5)
    assert 4 < left < 5
    assert remaining() is None


def test_time_limit_off_the_main_thread():
    outcome: dict[str, object] = {}
    stopped = threading.Event()

    def slow_reader():
        for _ in range(200):  # a reader that checks between pages
            time.sleep(0.05)
            try:
                check()
            except BaseException:
                stopped.set()
                raise
        return "finished"

    def caller():
        started = time.monotonic()
        try:
            run_with_time_limit(slow_reader, "threaded.pdf", 0.2)
        except errors.TimedOut as exc:
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=caller)
    thread.start()
    thread.join(5)
    assert isinstance(outcome.get("error"), errors.TimedOut)
    assert outcome["seconds"] < 1
    assert stopped.wait(2), "the abandoned reader did not stop at its next check()"


def test_parse_off_the_main_thread_is_limited_too(pdf500):
    outcome: dict[str, object] = {}

    def caller():
        try:
            parse(pdf500, ParseSettings(timeout_s=0.01))
        except errors.ParseError as exc:
            outcome["error"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=caller)
    thread.start()
    thread.join(5)
    assert isinstance(outcome.get("error"), errors.TimedOut)
    assert time.monotonic() - started < 3
    for helper in threading.enumerate():  # let the abandoned parse end before other tests use pdfium
        if helper.name == f"parse {pdf500}":
            helper.join(60)


# --- the command line --------------------------------------------------------------------

def test_cli_reports_the_bad_file_and_parses_the_good_one(tmp_path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"this is not a zip")
    good = tmp_path / "plan.txt"
    shutil.copy(SEED, good)
    kehoach = Path(sys.executable).with_name("kehoach")
    run = subprocess.run([str(kehoach), "parse", str(bad), str(good)],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "60"})
    assert run.returncode == 3, run.stderr
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines == [f"error {bad}: corrupt or truncated file (not a DOCX: the file is plain text)"]
    assert "plan.txt" in run.stdout and "27/KH-UBND" in run.stdout


def test_cli_turns_an_unexpected_exception_into_one_line(capsys):
    from kehoach.cli import _print_failure

    _print_failure(Path("/data/[draft] plan.pdf"), ValueError("page\n7 has no /Contents"))
    err = capsys.readouterr().err
    assert err == "error /data/[draft] plan.pdf: internal error (ValueError: page 7 has no /Contents)\n"
