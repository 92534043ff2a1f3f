"""Benchmark of the PDF and OCR paths: speed, and character error rates on scans.

    python bench/parse.py            # a few minutes on 2 cores
    python bench/parse.py --quick    # fewer OCR pages

Prints, on the same files:
- pages/s of the digital-PDF reader (text, reading order, furniture, tables) against raw
  pdfplumber ``extract_text`` and raw pypdfium2 ``get_text_range``;
- seconds per OCR'd page, ours (one worker) against plain ``tesseract`` CLI, both single-threaded,
  and pages/s of ours with every core;
- CER of ours and of plain tesseract on rendered scans (against the digital PDF's text), and of
  ours on the real scans (against the human transcripts), with the gold numbers and dates found.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import time

import pdfplumber
import pypdfium2 as pdfium
from rapidfuzz.distance import Levenshtein

from kehoach.extract.normalize import clean_text
from kehoach.extract.parse.ocr import ocr_pages, page_blocks, run_tesseract
from kehoach.extract.parse.pdf import RULED_PATHS, _object_census, read_pdf
from kehoach.extract.paths import CORPORA
from kehoach.extract.settings import ParseSettings

RENDERED = CORPORA / "rendered"
REAL = CORPORA / "real"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def norm(text: str) -> str:
    return " ".join(clean_text(text).split())


def cer(reference: str, hypothesis: str) -> float:
    return Levenshtein.distance(reference, hypothesis) / max(1, len(reference))


def made_pdf(pages: int) -> bytes:
    """A plain digital plan of ``pages`` pages (reportlab), 30 lines a page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Serif", FONT))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for page in range(pages):
        pdf.setFont("Serif", 12)
        for line in range(30):
            pdf.drawString(72, 780 - 22 * line, f"{page + 1}.{line + 1}. Ủy ban nhân dân các huyện, thị xã triển khai "
                                                f"kế hoạch phòng, chống tệ nạn xã hội năm 2021.")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def timed(work, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def bench_digital(repeat: int) -> None:
    files = [(p.name, p.read_bytes()) for p in sorted(RENDERED.glob("*.pdf")) if not p.name.endswith(".scan.pdf")]
    files.append(("made-300-pages.pdf", made_pdf(300)))
    pages = sum(len(pdfium.PdfDocument(data)) for _, data in files)
    settings = ParseSettings(ocr=False)

    def ours():
        for name, data in files:
            read_pdf(data, name, settings)

    def raw_pdfium():
        for _, data in files:
            pdf = pdfium.PdfDocument(data)
            for page in pdf:
                page.get_textpage().get_text_range()

    def raw_plumber():
        for _, data in files:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for page in pdf.pages:
                    page.extract_text()

    print(f"\n## Digital PDFs: {len(files)} files, {pages} pages (corpora/rendered/*.pdf + a made 300-page PDF)")
    for label, work, times in (("ours (read_pdf, no OCR)", ours, repeat), ("raw pypdfium2 get_text_range", raw_pdfium, repeat),
                               ("raw pdfplumber extract_text", raw_plumber, 1)):
        seconds = timed(work, times)
        print(f"{label:32s} {pages / seconds:8.0f} pages/s  ({seconds:.2f} s)")


def _scan_pages(limit: int | None) -> list[tuple[str, int]]:
    pages = []
    for scan in sorted(RENDERED.glob("*.scan.pdf")):
        pages += [(scan.name.removesuffix(".scan.pdf"), n + 1) for n in range(len(pdfium.PdfDocument(str(scan))))]
    if limit:
        step = max(1, len(pages) // limit)
        pages = pages[::step][:limit]
    return pages


def bench_ocr(limit: int | None) -> None:
    pages = _scan_pages(limit)
    refs, images = [], []
    for stem, number in pages:
        refs.append(norm(pdfium.PdfDocument(str(RENDERED / f"{stem}.pdf"))[number - 1]
                         .get_textpage().get_text_range().replace("\ufffe", "-")))
        images.append(pdfium.PdfDocument(str(RENDERED / f"{stem}.scan.pdf"))[number - 1]
                      .render(scale=300 / 72, grayscale=True).to_pil().convert("L"))
    print(f"\n## OCR of rendered scans: {len(pages)} pages of corpora/rendered/*.scan.pdf at 300 dpi")
    args = ["-l", "vie", "--psm", "3", "--dpi", "300"]
    started = time.perf_counter()
    plain = [norm(run_tesseract(image.convert("L"), args, 300)) for image in images]
    plain_s = (time.perf_counter() - started) / len(images)
    one = ParseSettings(ocr_workers=1)
    started = time.perf_counter()
    ours = dict(ocr_pages(((k, image, 300.0) for k, image in enumerate(images)), one))
    ours_s = (time.perf_counter() - started) / len(images)
    all_cores = ParseSettings(ocr_workers=os.cpu_count() or 1)
    started = time.perf_counter()
    list(ocr_pages(((k, image, 300.0) for k, image in enumerate(images)), all_cores))
    wall = time.perf_counter() - started
    print(f"plain tesseract CLI (OMP_THREAD_LIMIT=1)  {plain_s:.2f} s/page")
    print(f"ours, 1 worker (prepare + TSV + fixes)    {ours_s:.2f} s/page")
    print(f"ours, {all_cores.ocr_workers} workers                        {len(images) / wall:.2f} pages/s")
    ours_text = [norm("\n".join(b.text for b in page_blocks(ours[k], n)[0] if b.kind == "line"))
                 for k, (_, n) in enumerate(pages)]
    # Pages holding a ruled table (annexes): OCR reads their cells in another order than the
    # text layer, so they are reported apart from the pages of running text.
    tabled = {(stem, n) for stem, n in pages
              if _object_census(pdfium.PdfDocument(str(RENDERED / f"{stem}.pdf"))[n - 1])[0] >= RULED_PATHS}
    groups = {"text pages": [k for k, page in enumerate(pages) if page not in tabled and refs[k]],
              "table pages": [k for k, page in enumerate(pages) if page in tabled and refs[k]]}
    for name, texts in (("ours", ours_text), ("plain tesseract", plain)):
        parts = []
        for label, ks in groups.items():
            if ks:
                errors = sum(Levenshtein.distance(refs[k], texts[k]) for k in ks)
                parts.append(f"{label} ({len(ks)}) {errors / sum(len(refs[k]) for k in ks):.4f}")
        print(f"CER {name:16s} " + ", ".join(parts))
    print("per text page (ours / plain): " + ", ".join(
        f"{pages[k][0][:3]} p{pages[k][1]} {cer(refs[k], ours_text[k]):.4f}/{cer(refs[k], plain[k]):.4f}"
        for k in groups["text pages"]))


def _date_forms(iso: str) -> list[str]:
    year, month, day = (int(part) for part in iso.split("-"))
    forms = []
    for d in {f"{day}", f"{day:02d}"}:
        for m in {f"{month}", f"{month:02d}"}:
            forms += [f"{d}/{m}/{year}", f"{d}.{m}.{year}", f"ngày{d}tháng{m}năm{year}"]
    return forms


def bench_real(lang: str) -> None:
    print(f"\n## Real scans, whole documents (ocr_lang={lang!r}): CER against corpora/real/transcripts")
    settings = ParseSettings(ocr_lang=lang)
    total_e = total_n = found_all = scope_all = 0
    for path in sorted(REAL.glob("*.pdf")):
        started = time.perf_counter()
        raw = read_pdf(path.read_bytes(), str(path), settings)
        seconds = time.perf_counter() - started
        transcript = (REAL / "transcripts" / f"{path.name}.txt").read_text()
        note = transcript.splitlines()[0]
        reference = norm("\n".join(l for l in transcript.splitlines() if not l.startswith("[")))
        # laocai-2336: the coordinate tables of pp. 6-7 are not transcribed.
        last = 5 if "pp. 6-7" in note else raw.page_count
        ours = norm("\n".join(b.text for b in raw.blocks if b.kind == "line" and b.page <= last))
        errors = Levenshtein.distance(reference, ours)
        total_e += errors
        total_n += len(reference)
        gold = json.loads((CORPORA / "gold" / "real" / f"{path.stem}.json").read_text())
        facts = [(n, [re.sub(r"\s+", "", n)]) for n in [gold["metadata"].get("number")]
                 + [c.get("number") for c in gold.get("citations", [])] if n]
        facts += [(d, _date_forms(d)) for d in [gold["metadata"].get("issued_date")]
                  + [c.get("date") for c in gold.get("citations", [])] if d]
        squeezed = re.sub(r"\s+", "", ours)
        found = [fact for fact, forms in facts if any(f in squeezed for f in forms)]
        found_all += len(found)
        scope_all += len(facts)
        conf = sum(raw.ocr_confidence.values()) / max(1, len(raw.ocr_confidence))
        print(f"{path.name:32s} {raw.page_count} p, {seconds:5.1f} s, conf {conf:4.1f}, CER {errors / len(reference):.4f}, "
              f"numbers/dates {len(found)}/{len(facts)}, flags {sorted({f.kind for f in raw.flags})}")
    print(f"{'all':32s} CER {total_e / total_n:.4f}, numbers/dates {found_all}/{scope_all}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 rendered-scan pages instead of 16")
    parser.add_argument("--lang", action="append", help="OCR language(s) for the real scans (default vie)")
    args = parser.parse_args(argv)
    print(f"# bench/parse.py on {os.cpu_count()} cores")
    bench_digital(repeat=3)
    bench_ocr(limit=6 if args.quick else 16)
    for lang in args.lang or ["vie"]:
        bench_real(lang)
    return 0


if __name__ == "__main__":
    sys.exit(main())
