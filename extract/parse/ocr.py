"""OCR of page images with Tesseract: scanned PDF pages (called by ``pdf``) and image files.

Tesseract runs as a subprocess, one single-threaded process per core (its own OpenMP threads
are ~5x slower here), driven by a thread pool; pages go in and out as PGM / TSV through pipes.
Before OCR a page is turned into one gray channel, straightened (a tilt of 1-5 degrees by a
projection-profile search; a quarter or half turn by Tesseract's orientation detection when
a page reads badly), and small images are scaled up to about 300 dpi. After OCR, specks read as punctuation are dropped, the text is
normalised (``clean_text``) and number confusions are undone (``ocr_fix``).
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .. import errors
from ..document import Flag
from ..normalize import clean_text
from ..settings import ParseSettings
from . import guard
from .ocr_fix import check_handwritten_fields, fix_ocr_line
from .ocr_table import Box, OcrTable, find_tables
from .quality import (
    PlacedLine,
    drop_page_numbers,
    is_fill_in_gap,
    mark_centered,
    paragraph_gaps,
    reading_order,
)
from .raw import RawBlock, RawDocument

TESSERACT = "tesseract"
LOW_CONFIDENCE = 60.0  # below this mean word confidence a page is checked for orientation
HEADER_LINES = 20  # the handwritten number and date sit in the first lines of a page
SCRIBBLE = 60.0  # a short line piece whose words are all read with less confidence is dropped
UNSURE = 50.0  # a word read with less confidence is not trusted to fill a header field
MIN_SKEW = 1.0  # degrees; Tesseract copes with less (measured: no CER gain below 1°, large gains at 3-5°)


class OcrUnavailable(errors.ParseError):
    reason = "OCR needed but Tesseract is not available"


@dataclass
class OcrPage:
    """What Tesseract read on one page image, lines in its reading order."""

    lines: list[PlacedLine]
    width: int
    height: int
    confidence: float | None  # mean word confidence, 0-100; None when no word was read
    rotation: int = 0  # quarter turns applied before OCR (degrees clockwise)
    skew: float = 0.0  # small rotation applied before OCR (degrees)
    error: str | None = None
    words: int = 0
    tables: list[OcrTable] = field(default_factory=list)  # ruled tables; their words are not in ``lines``


@dataclass
class _Word:
    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int


# --- running Tesseract -------------------------------------------------------------------------

def tesseract_available() -> bool:
    return shutil.which(TESSERACT) is not None


def _env() -> dict[str, str]:
    return dict(os.environ, OMP_THREAD_LIMIT="1")


def run_tesseract(image: Image.Image, args: list[str], timeout: float) -> str:
    """Run ``tesseract stdin stdout ARGS`` on an image; return stdout. Raises RuntimeError."""
    buffer = io.BytesIO()
    image.save(buffer, "PPM")  # uncompressed: cheapest to write and to read
    try:
        done = subprocess.run(
            [TESSERACT, "stdin", "stdout", *args],
            input=buffer.getvalue(), capture_output=True, env=_env(), timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"tesseract took longer than {timeout:.0f} s") from None
    except FileNotFoundError:
        raise RuntimeError("tesseract is not installed") from None
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed: {done.stderr.decode(errors='replace').strip()[:200]}")
    return done.stdout.decode("utf-8", errors="replace")


def parse_tsv(tsv: str) -> tuple[dict[tuple[int, int, int], list[_Word]], float | None]:
    """Words of Tesseract's TSV grouped into lines keyed (block, paragraph, line), in its
    reading order, and the mean word confidence."""
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    confs: list[float] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        conf = float(cols[10])
        word = _Word(text, conf, int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9]))
        lines.setdefault((int(cols[2]), int(cols[3]), int(cols[4])), []).append(word)
        if conf >= 0:
            confs.append(conf)
    return lines, (sum(confs) / len(confs) if confs else None)


def _is_speck(word: _Word, text_height: float) -> bool:
    """A 'word' with no letter or digit that is tiny or unsure: dust on the glass, not text."""
    if any(char.isalnum() for char in word.text):
        return False
    return max(word.width, word.height) < 0.25 * text_height or word.conf < 50


GAP_HEIGHTS = 2.5  # a gap this many text heights wide between two words separates columns


def _is_scribble(words: list[_Word]) -> bool:
    """A short piece of a line (set apart by a wide gap) of which Tesseract is unsure of every
    word, or that holds no letter or digit: strokes of a signature or of a seal's rim, not
    text ("VU 21", ",2@", "7n", "=-")."""
    alnum = sum(c.isalnum() for w in words for c in w.text)
    return alnum == 0 or (alnum < 8 and all(0 <= w.conf < SCRIBBLE for w in words))


def _placed_lines(groups: dict[tuple[int, int, int], list[_Word]]) -> list[PlacedLine]:
    """Tesseract's lines, specks dropped, in reading order: a line that runs across two
    columns (Tesseract often reads the header block that way) is cut at the wide gap and
    each column read in turn."""
    heights = sorted(w.height for words in groups.values() for w in words if any(c.isalnum() for c in w.text))
    text_height = heights[len(heights) // 2] if heights else 30.0
    rows: list[list[PlacedLine] | int] = []
    for (block, _, _), words in groups.items():
        kept = [w for w in words if not _is_speck(w, text_height)]
        pieces: list[list[_Word]] = []
        for word in kept:
            if pieces:
                prev = pieces[-1][-1]
                gap = word.left - (prev.left + prev.width)
                if gap <= GAP_HEIGHTS * text_height or is_fill_in_gap(
                        " ".join(w.text for w in pieces[-1]), word.text):
                    pieces[-1].append(word)
                    continue
            pieces.append([word])
        pieces = [piece for piece in pieces if not _is_scribble(piece)]
        row = [PlacedLine(
            text=" ".join(w.text for w in piece),
            left=min(w.left for w in piece),
            top=min(w.top for w in piece),
            right=max(w.left + w.width for w in piece),
            bottom=max(w.top + w.height for w in piece),
            block=block,
            unsure=tuple(w.text for w in piece if 0 <= w.conf < UNSURE),
        ) for piece in pieces]
        if row:
            rows.append(row)
    return [line for line in reading_order(rows) if not isinstance(line, int)]


def detect_rotation(gray: Image.Image, timeout: float) -> int:
    """Degrees (clockwise) the page must turn to be upright, by Tesseract's OSD; 0 if unsure."""
    half = gray.reduce(2)
    try:
        out = run_tesseract(half, ["--psm", "0", "--dpi", "150"], timeout)
    except RuntimeError:
        return 0
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if not rotate or not confidence or float(confidence.group(1)) < 2.0:
        return 0
    return int(rotate.group(1)) % 360


# --- preparing the image -----------------------------------------------------------------------

def to_gray(image: Image.Image) -> Image.Image:
    """One 8-bit luminance channel, transparency flattened on white, red ink removed.

    Red seals and stamps sit over the text of signed documents: the annex page of laocai-1105
    reads with 24.8% CER as plain luminance, 6.6% with the seal's red pixels whitened. (Reading
    the red channel alone does as well there but worse on other pages.)
    """
    if image.mode in ("1", "L"):
        return image.convert("L")
    if image.mode.startswith(("I", "F")):  # 16-bit or float scans: stretch to 8 bits
        values = np.asarray(image, dtype=np.float32)
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else np.full_like(values, 255.0)
        return Image.fromarray(scaled.astype(np.uint8))
    if image.mode in ("RGBA", "LA", "P", "PA"):
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    rgb = image.convert("RGB")
    gray = rgb.convert("L")
    if not _has_red(rgb.reduce(8)):
        return gray
    pixels = np.asarray(rgb, dtype=np.int16)
    red = pixels[..., 0] - np.maximum(pixels[..., 1], pixels[..., 2]) > RED_MARGIN
    values = np.array(gray)
    values[red] = 255
    return Image.fromarray(values)


RED_MARGIN = 60  # red exceeds both green and blue by this much: seal ink, not black text


def _has_red(small: Image.Image) -> bool:
    pixels = np.asarray(small, dtype=np.int16)
    return bool((pixels[..., 0] - np.maximum(pixels[..., 1], pixels[..., 2]) > RED_MARGIN).any())


def estimate_skew(gray: Image.Image, limit: float = 5.0) -> float:
    """Small rotation (degrees, counter-clockwise positive as in PIL) that levels the text lines.

    Projection profile: on a ~75 dpi ink mask, the angle whose row sums are most peaked
    (text lines and the gaps between them sharpest) wins; coarse then fine search.
    """
    factor = max(1, round(min(gray.size) / 600))
    small = gray.reduce(factor) if factor > 1 else gray
    ink = Image.fromarray(((np.asarray(small) < 128) * 255).astype(np.uint8))
    if np.asarray(ink).mean() < 0.5:  # blank page
        return 0.0

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    coarse = np.arange(-limit, limit + 1e-9, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    return round(float(max(fine, key=sharpness)), 2)


def _upscale_factor(image: Image.Image, dpi: float | None) -> float:
    if dpi is None:
        # Unknown resolution: assume a page about A4 wide (8.3 in) if it has page proportions.
        width, height = sorted(image.size)
        dpi = width / 8.3 if 1.25 < height / max(width, 1) < 1.6 else 300.0
    return min(4.0, 300.0 / dpi) if dpi < 220 else 1.0


def prepare(image: Image.Image, dpi: float | None = None, deskew: bool = True) -> tuple[Image.Image, float]:
    """Gray, ~300 dpi, level: the image Tesseract reads best, and the skew corrected."""
    gray = to_gray(image)
    factor = _upscale_factor(gray, dpi)
    if factor > 1.05:
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)), Image.Resampling.LANCZOS)
    angle = estimate_skew(gray) if deskew else 0.0
    if abs(angle) >= MIN_SKEW:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return gray, angle


# --- one page, many pages ----------------------------------------------------------------------

def _read(gray: Image.Image, settings: ParseSettings, timeout: float) -> OcrPage:
    tsv = run_tesseract(
        gray, ["-l", settings.ocr_lang, "--psm", str(settings.ocr_psm), "--dpi", "300", "tsv"], timeout,
    )
    groups, confidence = parse_tsv(tsv)
    count = sum(len(g) for g in groups.values())
    tables = _tables(gray, groups)
    if tables:
        groups = {key: kept for key, words in groups.items()
                  if (kept := [w for w in words if not any(t.holds(_box(w)) for t in tables)])}
    return OcrPage(_placed_lines(groups), gray.width, gray.height, confidence, words=count, tables=tables)


def _box(word: _Word) -> Box:
    return Box(word.text, word.left, word.top, word.width, word.height)


def _tables(gray: Image.Image, groups: dict[tuple[int, int, int], list[_Word]]) -> list[OcrTable]:
    """Ruled tables of the page (``ocr_table``); a page whose rules cannot be read keeps its lines."""
    words = [_box(w) for line in groups.values() for w in line]
    heights = sorted(w.height for w in words if any(c.isalnum() for c in w.text))
    if not heights:
        return []
    try:
        return find_tables(np.asarray(gray), words, heights[len(heights) // 2])
    except (ValueError, IndexError, MemoryError):
        return []


def ocr_page(image: Image.Image, settings: ParseSettings, dpi: float | None = None,
             deskew: bool = True, timeout: float | None = None) -> OcrPage:
    """OCR one page image; never raises: a failure is reported in ``OcrPage.error``."""
    timeout = settings.ocr_page_timeout_s if timeout is None else timeout
    try:
        gray, angle = prepare(image, dpi, deskew)
        page = _read(gray, settings, timeout)
        if page.confidence is None or page.confidence < LOW_CONFIDENCE or page.words < 10:
            # A page read badly may be lying on its side or upside down.
            rotation = detect_rotation(gray, timeout)
            if rotation:
                turned, angle2 = prepare(gray.rotate(-rotation, expand=True), 300, deskew)
                second = _read(turned, settings, timeout)
                if (second.confidence or 0) * second.words > (page.confidence or 0) * page.words:
                    second.rotation, angle = rotation, angle2
                    page = second
        page.skew = angle
        return page
    except Exception as exc:  # noqa: BLE001 - one unreadable page is flagged, the file goes on
        return OcrPage([], image.width, image.height, None, error=str(exc) or type(exc).__name__)


def ocr_pages(images: Iterable[tuple[int, Image.Image, float | None]], settings: ParseSettings,
              deskew: bool = True) -> Iterator[tuple[int, OcrPage]]:
    """OCR (number, image, dpi) triples on ``settings.ocr_workers`` threads, yielding as done.

    ``images`` is consumed lazily in the calling thread (rendering with pdfium must stay on
    one thread), with at most two pages per worker waiting, so memory stays bounded. The
    file's time limit (``guard``) is checked between pages and caps each Tesseract run.
    """
    workers = max(1, settings.ocr_workers)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr")
    pending: dict[Future[OcrPage], int] = {}
    try:
        for number, image, dpi in images:
            while len(pending) >= 2 * workers:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()
            guard.check()
            left = guard.remaining()
            timeout = settings.ocr_page_timeout_s if left is None else max(1.0, min(left, settings.ocr_page_timeout_s))
            pending[pool.submit(ocr_page, image, settings, dpi, deskew, timeout)] = number
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()
    finally:
        # On a time-out or an error, pages not started are dropped; running ones end by their
        # own (capped) timeout.
        pool.shutdown(wait=False, cancel_futures=True)


def page_blocks(page: OcrPage, number: int) -> tuple[list[RawBlock], list[Flag]]:
    """Turn one OCR'd page into cleaned RawBlock lines, with flags for what it could not read."""
    flags: list[Flag] = []
    if page.error:
        flags.append(Flag("ocr_failed", page.error, number))
        return [], flags
    lines = drop_page_numbers(page.lines, page.height)
    mark_centered(lines, page.width)
    blocks = []
    tables = sorted(page.tables, key=lambda t: t.top)
    for index, (line, gap) in enumerate(zip(lines, paragraph_gaps(lines))):
        while tables and line.top > tables[0].top:  # a table goes where its top is on the page
            blocks.append(_table_block(tables.pop(0), number))
        text = fix_ocr_line(clean_text(line.text)).strip()
        if index < HEADER_LINES:
            unsure = {fix_ocr_line(clean_text(word)) for word in line.unsure}
            text, found = check_handwritten_fields(text, number, unsure)
            flags.extend(found)
        if text:
            if gap:
                blocks.append(RawBlock(kind="line", text="", page=number))  # a blank line
            blocks.append(RawBlock(kind="line", text=text, page=number, centered=line.centered))
    blocks.extend(_table_block(table, number) for table in tables)
    if page.confidence is not None and page.confidence < LOW_CONFIDENCE:
        flags.append(Flag("low_ocr_confidence", f"mean word confidence {page.confidence:.0f}", number))
    return blocks, flags


def _table_block(table: OcrTable, number: int) -> RawBlock:
    rows = [[fix_ocr_line(clean_text(cell)).strip() for cell in row] for row in table.rows]
    return RawBlock(kind="table", page=number, rows=rows)


# --- image files -------------------------------------------------------------------------------

def _frames(data: bytes, path: str, settings: ParseSettings) -> Iterator[tuple[int, Image.Image, float | None]]:
    try:
        image = Image.open(io.BytesIO(data))
        count = getattr(image, "n_frames", 1)
        if count > settings.max_pages:
            raise errors.TooLarge(path, f"{count} pages > {settings.max_pages}")
        for index in range(count):
            image.seek(index)
            dpi = image.info.get("dpi")
            frame = ImageOps.exif_transpose(image.copy())
            frame.load()
            yield index + 1, frame, (float(dpi[0]) if dpi and dpi[0] and dpi[0] > 1 else None)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise errors.CorruptFile(path, f"unreadable image: {exc}") from None


def read_image(data: bytes, path: str, settings: ParseSettings) -> RawDocument:
    """Read a PNG / JPEG / TIFF (multi-page too) by OCR, one RawBlock line per text line."""
    if not settings.ocr:
        raise errors.NoText(path, "an image, and OCR is turned off")
    if not tesseract_available():
        raise OcrUnavailable(path, "install tesseract-ocr with the vie language data")
    results = dict(ocr_pages(_frames(data, path, settings), settings))
    raw = RawDocument(format="image", blocks=[], page_count=len(results))
    for number in sorted(results):
        blocks, flags = page_blocks(results[number], number)
        raw.blocks.extend(blocks)
        raw.flags.extend(flags)
        raw.ocr_pages.append(number)
        if results[number].confidence is not None:
            raw.ocr_confidence[number] = round(results[number].confidence, 1)
    if not raw.blocks:
        raise errors.NoText(path, "OCR found no text in the image")
    return raw


__all__ = ["OcrPage", "ocr_page", "ocr_pages", "page_blocks", "read_image", "prepare", "estimate_skew"]
