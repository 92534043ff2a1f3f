"""Make look-alike scans of digital PDFs: corpora/rendered/<stem>.pdf -> <stem>.scan.pdf.

Each page is rendered at 300 dpi in grayscale, turned by a small seeded-random angle (0.3-1.5
degrees, either way, as a sheet lies on a scanner glass), softened by a slight blur, given
paper tone and sensor noise, and thresholded to 1 bit as office scanners and fax-era archives do, and stored CCITT G4-compressed
(~50 KB a page; grayscale JPEG would be ~10x larger because noise does not compress) inside a
PDF with no text layer.
The digital PDF beside it keeps the exact text, so OCR error rates can be measured page by page.

    python scripts/render_scans.py                    # every corpora/rendered/*.pdf
    python scripts/render_scans.py --src DIR --out DIR
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

DPI = 300
STAMP = time.gmtime(1767225600)  # 2026-01-01
THRESHOLD = 150  # of 255: a little ink is lost at thin strokes and a few specks survive


def _rng(stem: str, page: int) -> np.random.Generator:
    # Seeded by name and page, so a re-run gives byte-identical scans.
    seed = int.from_bytes(hashlib.sha256(f"{stem}:{page}".encode()).digest()[:8], "little")
    return np.random.default_rng(seed)


def scan_page(image: Image.Image, rng: np.random.Generator) -> tuple[Image.Image, float]:
    """Degrade one clean grayscale page the way a flatbed scan does; return it and the angle."""
    angle = float(rng.uniform(0.3, 1.5)) * (1 if rng.random() < 0.5 else -1)
    page = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(radius=0.7))
    pixels = np.asarray(page, dtype=np.float32)
    # Paper is not white and ink not black; the sensor adds grain.
    pixels = 22.0 + pixels * (228.0 / 255.0)
    pixels += rng.normal(0.0, 12.0, pixels.shape).astype(np.float32)
    # Dust: a few hundred specks of 1-3 px.
    height, width = pixels.shape
    for y, x, size in zip(rng.integers(0, height - 3, 300), rng.integers(0, width - 3, 300),
                          rng.integers(1, 4, 300)):
        pixels[y:y + size, x:x + size] = 0.0
    return Image.fromarray(np.where(pixels > THRESHOLD, 255, 0).astype(np.uint8)).convert("1"), angle


def render_scan(src: Path, dst: Path) -> list[float]:
    """Write the scan of ``src`` to ``dst``; return the rotation angle of each page."""
    pdf = pdfium.PdfDocument(str(src))
    pages: list[Image.Image] = []
    angles: list[float] = []
    try:
        for index in range(len(pdf)):
            clean = pdf[index].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            page, angle = scan_page(clean, _rng(src.stem, index + 1))
            pages.append(page)
            angles.append(angle)
    finally:
        pdf.close()
    dst.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(dst, "PDF", resolution=DPI, save_all=True, append_images=pages[1:],
                  creationDate=STAMP, modDate=STAMP)  # fixed dates: a re-run gives the same bytes
    return angles


def sources(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.pdf") if not p.name.endswith(".scan.pdf"))


def main(argv: list[str] | None = None) -> int:
    from kehoach.extract.paths import CORPORA

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=CORPORA / "rendered")
    parser.add_argument("--out", type=Path, default=None, help="default: the --src folder")
    args = parser.parse_args(argv)
    out = args.out or args.src
    found = sources(args.src)
    if not found:
        print(f"no digital PDFs in {args.src}", file=sys.stderr)
        return 1
    total = 0
    for src in found:
        dst = out / f"{src.stem}.scan.pdf"
        angles = render_scan(src, dst)
        total += dst.stat().st_size
        print(f"{dst}: {len(angles)} pages, {dst.stat().st_size / 1e6:.2f} MB, "
              f"angles {min(angles):+.2f}..{max(angles):+.2f}")
    print(f"total {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
