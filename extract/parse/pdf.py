"""PDF reader: the text layer where it is usable, OCR where it is not, page by page.

Text comes from pdfium (``pypdfium2``, ~1,000 pages/s, exact text of a well-made PDF); pdfplumber
(~12 pages/s) is opened only for pages that draw ruling lines, to find tables. A page is OCR'd
(``ocr``) when its text layer is missing, is only a digital-signature stamp, or is garbled
(a broken font encoding; a legacy TCVN3/VNI layer is converted instead when ``legacy`` can).

Lines come out in reading order: pdfium's content-stream order, with lines that pdfium glued
across a wide gap (the two columns of the header, "Nơi nhận" beside the signature) split and
each column read in turn. Running headers, footers and page numbers are dropped.
"""
from __future__ import annotations

import ctypes
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from .. import errors
from ..document import Flag
from ..settings import ParseSettings
from . import guard
from .ocr import OcrUnavailable, ocr_pages, page_blocks, tesseract_available
from .quality import (
    PlacedLine,
    drop_page_numbers,
    drop_running_lines,
    is_fill_in_gap,
    is_garbled,
    is_signature_stamp,
    mark_centered,
    paragraph_gaps,
    reading_order,
)
from .raw import RawBlock, RawDocument

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
GAP_EMS = 2.0  # a horizontal gap this many line heights wide separates two columns
IMAGE_PAGE_SHARE = 0.5  # an image covering this much of a page with little text: a scan
FEW_CHARS = 200  # ... "little text", in non-space characters
RULED_PATHS = 6  # pages drawing at least this many paths may hold a ruled table
BLANK_PATHS = 20  # a page without text or images drawing fewer paths is blank, not a scan
                  # (more paths may be text turned into outlines: worth OCR)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    rows: list[list[PlacedLine]] = field(default_factory=list)  # text lines as column segments
    ocr_reason: str | None = None  # "no_text", "stamp", "garbled", "image"
    ruled: bool = False
    tables: list[tuple[tuple[float, float, float, float], list[list[str]]]] = field(default_factory=list)


# --- opening ----------------------------------------------------------------------------------

def _open(data: bytes, path: str) -> pdfium.PdfDocument:
    if b"%%EOF" not in data[-4096:]:
        raise errors.CorruptFile(path, "truncated PDF: no end-of-file marker")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise errors.EncryptedFile(path, "a password is needed to open it") from None
        if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise errors.EncryptedFile(path, "unsupported security handler") from None
        raise errors.CorruptFile(path, str(exc)) from None


# --- the text layer of one page ----------------------------------------------------------------

_L, _B, _R, _T = (ctypes.c_double() for _ in range(4))  # reused: this is the hot path


def _box(textpage: pdfium.PdfTextPage, index: int) -> tuple[float, float, float, float]:
    """Left, bottom, right, top of one character; PDF units, y up."""
    pdfium_c.FPDFText_GetCharBox(textpage.raw, index, _L, _R, _B, _T)
    return _L.value, _B.value, _R.value, _T.value


def _has_wide_gap(textpage: pdfium.PdfTextPage, first: int, count: int, gap: float) -> bool:
    """Whether pdfium's text rectangles of these characters leave a gap wider than ``gap``:
    a cheap test (one rectangle per text run) before looking for the gap char by char."""
    rects = pdfium_c.FPDFText_CountRects(textpage.raw, first, count)
    if rects < 2:
        return False
    spans = []
    for k in range(rects):
        pdfium_c.FPDFText_GetRect(textpage.raw, k, _L, _T, _R, _B)
        spans.append((_L.value, _R.value))
    spans.sort()
    reach = spans[0][1]
    for left, right in spans[1:]:
        if left - reach > gap:
            return True
        reach = max(reach, right)
    return False


def _is_bold(textpage: pdfium.PdfTextPage, index: int) -> bool:
    if pdfium_c.FPDFText_GetFontWeight(textpage.raw, index) >= 600:
        return True
    # Many embedded subsets say weight 400 whatever they are: the name tells ("...-Bold").
    flags = ctypes.c_int()
    size = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, None, 0, ctypes.byref(flags))
    if size <= 0:
        return False
    name = ctypes.create_string_buffer(size)
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, size, ctypes.byref(flags))
    lowered = name.value.lower()
    return b"bold" in lowered or b"black" in lowered or b"heavy" in lowered


_LINE = re.compile(r"([^\r\n]*)(\r\n|$)")


def _segments(textpage: pdfium.PdfTextPage, text: str, start: int, height: float) -> list[PlacedLine]:
    """One pdfium line (``text``, its first char at index ``start``) as segments split at
    column gaps."""
    stripped = text.strip()
    first = start + len(text) - len(text.lstrip())
    last = start + len(text.rstrip()) - 1
    l1, b1, r1, t1 = _box(textpage, first)
    l2, b2, r2, t2 = _box(textpage, last)
    top, bottom = max(t1, t2), min(b1, b2)
    em = max(top - bottom, 1.0)
    cuts = []
    if " " in stripped and r2 - l1 > 8 * em and _has_wide_gap(textpage, first, last - first + 1, GAP_EMS * em):
        for match in re.finditer(r"\s+", stripped):
            before, after = first + match.start() - 1, first + match.end()
            if (_box(textpage, after)[0] - _box(textpage, before)[2] > GAP_EMS * em
                    and not is_fill_in_gap(stripped[:match.start()], stripped[match.end():])):
                cuts.append((match.start(), match.end()))
    pieces, begin = [], 0
    for cut_start, cut_end in cuts + [(len(stripped), len(stripped))]:
        pieces.append((begin, cut_start))
        begin = cut_end
    segments = []
    for a, b in pieces:
        i, j = first + a, first + b - 1
        la, ba, ra, ta = _box(textpage, i) if a else (l1, b1, r1, t1)
        lb, bb, rb, tb = _box(textpage, j) if b < len(stripped) else (l2, b2, r2, t2)
        segments.append(PlacedLine(
            text=stripped[a:b], left=min(la, lb), top=height - max(ta, tb, top),
            right=max(ra, rb), bottom=height - min(ba, bb, bottom),
            bold=_is_bold(textpage, i) and _is_bold(textpage, j),
        ))
    return segments


def _text_rows(textpage: pdfium.PdfTextPage, text: str, height: float) -> list[list[PlacedLine]]:
    """The page's lines (``text`` is its text range) in content-stream order, each as its
    column segments."""
    if len(text) != textpage.count_chars():
        # Characters outside the BMP shift indexes: no geometry, lines in stream order.
        raw = [line for line in text.splitlines() if line.strip()]
        return [[PlacedLine(_clean(line), 0, i, 0, i + 1)] for i, line in enumerate(raw)]
    rows: list[list[PlacedLine]] = []
    for match in _LINE.finditer(text):
        line = match.group(1)
        if not match.group(0):
            break
        if line.strip():
            segments = _segments(textpage, line, match.start(), height)
            for seg in segments:
                seg.text = _clean(seg.text)
            segments = [seg for seg in segments if seg.text]
            if segments:
                rows.append(segments)
    return rows


def _clean(text: str) -> str:
    # pdfium marks a hyphen that ended a visual line (U+FFFE, or 0x02) and joins the next line
    # on: "16/GĐN-" + "TDTL" is one code. Vietnamese words are never hyphenated across
    # lines, so the hyphen is real and the join without a space is the text as written.
    return _CONTROL.sub("", text.replace("\ufffe", "-").replace("\x02", "-")).strip()


def _object_census(page: pdfium.PdfPage) -> tuple[int, int, float]:
    """Count path objects (table rules) and images, and the page share the largest covers."""
    paths, images, image_area = 0, 0, 0.0
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for index in range(count):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, index)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
        elif kind in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
            images += 1
            if pdfium_c.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in (left, bottom, right, top))):
                image_area = max(image_area, (right.value - left.value) * (top.value - bottom.value))
    width, height = page.get_size()
    return paths, images, image_area / max(width * height, 1.0)


def _legacy(text: str) -> tuple[str, str] | None:
    """The text converted from TCVN3/VNI when that is what it is and the result reads well."""
    try:
        from .legacy import detect_legacy, to_unicode
    except ImportError:  # pragma: no cover - the legacy module ships with the package
        return None
    encoding = detect_legacy(text)
    if not encoding:
        return None
    converted = to_unicode(text, encoding)
    return (converted, encoding) if not is_garbled(converted) else None


def _read_page(pdf: pdfium.PdfDocument, index: int, raw: RawDocument, path: str) -> _Page:
    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        raise errors.CorruptFile(path, f"page {index + 1}: {exc}") from None
    try:
        width, height = page.get_size()
        result = _Page(index + 1, width, height)
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            visible = sum(1 for c in text if not c.isspace())
            paths, images, image_share = _object_census(page)
            result.ruled = paths >= RULED_PATHS
            if not visible and not images and paths < BLANK_PATHS:
                pass  # a blank page (or one with a rule or two): nothing to read, nothing to OCR
            elif not visible:
                result.ocr_reason = "no_text"
            elif is_signature_stamp(text.replace("\r\n", "\n")):
                result.ocr_reason = "stamp"
            elif visible < FEW_CHARS and image_share >= IMAGE_PAGE_SHARE:
                result.ocr_reason = "image"
            elif is_garbled(text):
                converted = _legacy(text)
                if converted is None:
                    result.ocr_reason = "garbled"
                else:
                    raw.legacy_encoding = converted[1]
                    lines = [_clean(line) for line in converted[0].split("\r\n")]
                    # Geometry is not carried over: lines in stream order, a notional pitch.
                    result.rows = [[PlacedLine(line, 0, 12 * i, 0, 12 * i + 10)]
                                   for i, line in enumerate(lines) if line]
            else:
                result.rows = _text_rows(textpage, text, height)
        finally:
            textpage.close()
        return result
    finally:
        page.close()


# --- tables ------------------------------------------------------------------------------------

def _find_tables(data: bytes, pages: list[_Page]) -> None:
    """Fill ``tables`` of ruled digital pages with pdfplumber's table finder."""
    ruled = [p for p in pages if p.ruled and p.ocr_reason is None and p.rows]
    if not ruled:
        return
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as plumber:
            for page in ruled:
                guard.check()
                try:
                    found = plumber.pages[page.number - 1].find_tables()
                    for table in found:
                        rows = [[" ".join((cell or "").split()) for cell in row] for row in table.extract()]
                        if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
                            page.tables.append((table.bbox, rows))
                except Exception:  # noqa: BLE001 - a table pdfplumber cannot read stays as lines
                    continue
    except Exception:  # noqa: BLE001 - pdfminer failing on a file pdfium read: keep the lines
        return


def _inside(line: PlacedLine, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    x, y = (line.left + line.right) / 2, (line.top + line.bottom) / 2
    return x0 - 1 <= x <= x1 + 1 and top - 1 <= y <= bottom + 1


def _digital_blocks(page: _Page) -> list[RawBlock]:
    """Lines of a digital page in reading order, each table in place of the lines it covers."""
    items: list[list[PlacedLine] | int] = []
    placed: set[int] = set()
    for row in page.rows:
        outside = []
        for segment in row:
            owner = next((k for k, (bbox, _) in enumerate(page.tables) if _inside(segment, bbox)), None)
            if owner is None:
                outside.append(segment)
            elif owner not in placed:
                placed.add(owner)
                items.append(owner)
        if outside:
            items.append(outside)
    items.extend(k for k in range(len(page.tables)) if k not in placed)  # tables pdfium gave no text for
    ordered = reading_order(items)
    lines = [item for item in ordered if not isinstance(item, int)]
    mark_centered(lines, page.width)
    gaps = dict(zip(map(id, lines), paragraph_gaps(lines)))
    blocks: list[RawBlock] = []
    for item in ordered:
        if isinstance(item, int):
            blocks.append(RawBlock(kind="table", page=page.number, rows=page.tables[item][1]))
            continue
        if gaps[id(item)]:
            blocks.append(RawBlock(kind="line", text="", page=page.number))  # a blank line
        blocks.append(RawBlock(kind="line", text=item.text, page=page.number,
                               bold=item.bold, centered=item.centered))
    return blocks


def _join_continued_tables(per_page: dict[int, list[RawBlock]]) -> None:
    """A table that runs over a page break comes back from pdfplumber as two tables: when a
    page ends with a table and the next page starts with one of as many columns, the second
    is the first's continuation. Its rows join the first table (so they keep its header row),
    a header repeated on the new page is dropped, and a row cut in two by the break (its first
    cell, the row number, empty) is glued back to the row it continues."""
    def content(blocks: list[RawBlock]) -> list[RawBlock]:
        return [b for b in blocks if b.kind == "table" or b.text]

    open_table: RawBlock | None = None
    previous = None
    for number in sorted(per_page):
        blocks = content(per_page[number])
        if open_table is not None and previous == number - 1 and blocks and blocks[0].kind == "table":
            first, second = open_table, blocks[0]
            if first.rows and second.rows and max(map(len, second.rows)) == max(map(len, first.rows)):
                rows = [list(row) for row in second.rows]
                if rows[0] == first.rows[0]:
                    rows = rows[1:]  # the header row printed again on the new page
                if rows and not rows[0][0].strip():
                    last = first.rows[-1]
                    first.rows[-1] = [" ".join(p for p in (a, b) if p) for a, b in zip(last, rows[0])]
                    rows = rows[1:]
                first.rows.extend(rows)
                per_page[number].remove(second)
                blocks = blocks[1:]
        if blocks:
            open_table = blocks[-1] if blocks[-1].kind == "table" else None
        previous = number


# --- the reader ----------------------------------------------------------------------------------

def _render(pdf: pdfium.PdfDocument, numbers: list[int], dpi: int) -> Iterator[tuple[int, Image.Image, float]]:
    for number in numbers:
        page = pdf[number - 1]
        try:
            bitmap = page.render(scale=dpi / 72, may_draw_forms=False)
            image = bitmap.to_pil()
            bitmap.close()
        finally:
            page.close()
        yield number, image, float(dpi)


def read_pdf(data: bytes, path: str, settings: ParseSettings) -> RawDocument:
    """Read a PDF into lines and tables in reading order, OCR-ing pages without usable text."""
    pdf = _open(data, path)
    try:
        count = len(pdf)
        if count > settings.max_pages:
            raise errors.TooLarge(path, f"{count} pages > {settings.max_pages}")
        if count == 0:
            raise errors.CorruptFile(path, "a PDF without pages")
        raw = RawDocument(format="pdf", blocks=[], page_count=count)
        pages = []
        for index in range(count):
            guard.check()
            pages.append(_read_page(pdf, index, raw, path))

        digital = [p for p in pages if p.ocr_reason is None]
        _drop_furniture(digital)
        _find_tables(data, digital)

        per_page: dict[int, list[RawBlock]] = {p.number: _digital_blocks(p) for p in digital}
        _join_continued_tables(per_page)
        scanned = [p.number for p in pages if p.ocr_reason is not None]
        garbled = [p.number for p in pages if p.ocr_reason == "garbled"]
        if garbled:
            raw.flags.append(Flag("garbled_text_layer",
                                  f"text layer unreadable (broken font encoding) on pages {_ranges(garbled)}; read by OCR"))
        if scanned:
            _ocr_into(pdf, scanned, settings, raw, per_page, path)
        for number in sorted(per_page):
            raw.blocks.extend(per_page[number])
        if not any(block.text or block.rows for block in raw.blocks):
            if scanned and not settings.ocr:
                raise errors.NoText(path, "scanned pages, and OCR is turned off")
            raise errors.NoText(path, "no text layer and OCR found no text")
        return raw
    finally:
        pdf.close()


def _drop_furniture(pages: list[_Page]) -> None:
    """Remove running headers, footers and page numbers from the rows of digital pages."""
    flat = [[segment for row in page.rows for segment in row] for page in pages]
    kept = drop_running_lines(flat, [page.height for page in pages])
    for page, lines in zip(pages, kept):
        keep = {id(line) for line in drop_page_numbers(lines, page.height)}
        rows = [[segment for segment in row if id(segment) in keep] for row in page.rows]
        page.rows = [row for row in rows if row]


def _ocr_into(pdf: pdfium.PdfDocument, numbers: list[int], settings: ParseSettings, raw: RawDocument,
              per_page: dict[int, list[RawBlock]], path: str) -> None:
    if not settings.ocr:
        raw.flags.append(Flag("not_ocred", f"pages {_ranges(numbers)} have no usable text; OCR is off"))
        return
    if not tesseract_available():
        if len(numbers) == raw.page_count:
            raise OcrUnavailable(path, "install tesseract-ocr with the vie language data")
        raw.flags.append(Flag("not_ocred", f"pages {_ranges(numbers)} need OCR; Tesseract is missing"))
        return
    for number, result in ocr_pages(_render(pdf, numbers, settings.ocr_dpi), settings):
        blocks, flags = page_blocks(result, number)
        per_page[number] = blocks
        raw.flags.extend(flags)
        raw.ocr_pages.append(number)
        if result.confidence is not None:
            raw.ocr_confidence[number] = round(result.confidence, 1)
    raw.ocr_pages.sort()
    raw.ocr_confidence = dict(sorted(raw.ocr_confidence.items()))


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> "1-3, 5"."""
    parts, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            parts.append(f"{start}" if start == n else f"{start}-{n}")
            start = None
    return ", ".join(parts)


__all__ = ["read_pdf"]
