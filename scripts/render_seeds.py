"""Render the seed plans as a ministry would publish them: corpora/rendered/<stem>.docx and .pdf.

Each seed (a plain-text web copy) is parsed with ``kehoach.extract.parse.parse``; its blocks
become Word paragraphs (headings bold, the header block centred, each annex on a new landscape page)
and its tables real Word tables, in Times New Roman 13 pt on A4 with the margins of
Nghị định 30/2020. LibreOffice then prints each DOCX to a digital PDF. The outputs are
committed (CI does not re-render): tests compare what the DOCX and PDF readers recover from
them with what the text reader recovers from the seed.

    python scripts/render_seeds.py                 # every corpora/seeds/*.txt
    python scripts/render_seeds.py --no-pdf        # DOCX only
    python scripts/render_seeds.py --seeds DIR --out DIR
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from kehoach.extract.document import Document
from kehoach.extract.outline import iter_sections
from kehoach.extract.parse import parse
from kehoach.extract.paths import CORPORA

FONT = "Times New Roman"  # LibreOffice draws it with a metric twin (Liberation Serif) here
SIZE = Pt(13)
TABLE_SIZE = Pt(11)
FIXED_TIME = datetime(2024, 1, 1)  # core properties fixed, so re-renders differ less


def _set_font(style, size) -> None:
    style.font.name = FONT
    style.font.size = size
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)


def _header_ranges(doc: Document) -> list[tuple[int, int]]:
    """Offsets of the header parts that are centred on paper (issuer, type, title)."""
    spans = (doc.header.issuer, doc.header.doc_type, doc.header.title)
    return [(s.start, s.end) for s in spans if s is not None]


def _centred(block, ranges) -> bool:
    if block.text.startswith(("CỘNG HÒA", "CỘNG HOÀ", "Độc lập")):
        return True
    return any(start < block.end and block.start < end for start, end in ranges)


def to_docx(doc: Document):
    """A python-docx document holding the Document's blocks and tables in order."""
    out = docx.Document()
    _page(out.sections[0], landscape=False)
    _set_font(out.styles["Normal"], SIZE)
    out.styles["Normal"].paragraph_format.space_after = Pt(6)
    props = out.core_properties
    props.author = props.last_modified_by = "kehoach render_seeds"
    props.created = props.modified = FIXED_TIME
    props.title = doc.header.title.text if doc.header.title else doc.source.name

    centred = _header_ranges(doc)
    annex_starts = {
        s.start for s in iter_sections(doc.outline) if s.kind == "annex"
    } if doc.outline else set()
    written_tables: set[int] = set()
    for block in doc.blocks:
        if block.start in annex_starts:
            # Annexes start a new page, turned to landscape: their tables are wide, and narrow
            # columns would break words in the middle ("Phườn / g"), which no reader can undo.
            _page(out.add_section(WD_SECTION.NEW_PAGE), landscape=True)
        if block.kind == "table_cell":
            if block.table not in written_tables:
                written_tables.add(block.table)
                _add_table(out, doc.tables[block.table].rows)
            continue
        para = out.add_paragraph()
        run = para.add_run(block.text)
        run.bold = block.kind == "heading"
        if _centred(block, centred):
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return out


def _page(section, landscape: bool) -> None:
    """A4 with the margins of Nghị định 30/2020 (top/bottom 2 cm, left 3 cm, right 2 cm)."""
    short, long = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)


def _add_table(out, rows: list[list[str]]) -> None:
    width = max(len(r) for r in rows)
    table = out.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        for c in range(width):
            cell = table.cell(r, c)
            para = cell.paragraphs[0]
            run = para.add_run(row[c] if c < len(row) else "")
            run.font.size = TABLE_SIZE
            run.bold = r == 0  # the column heads
    out.add_paragraph()  # Word needs a paragraph between consecutive tables


def to_pdf(paths: list[Path], out_dir: Path) -> None:
    """Print DOCX files to PDF with LibreOffice, in a throwaway profile."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        raise SystemExit("libreoffice is not installed (scripts/install-system.sh)")
    with tempfile.TemporaryDirectory(prefix="kehoach-lo-") as profile:
        subprocess.run(
            [office, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, paths)],
            check=True, stdout=subprocess.DEVNULL, timeout=600,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=Path, default=CORPORA / "seeds")
    parser.add_argument("--out", type=Path, default=CORPORA / "rendered")
    parser.add_argument("--no-pdf", action="store_true", help="write DOCX files only")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    for seed in sorted(args.seeds.glob("*.txt")):
        target = args.out / f"{seed.stem}.docx"
        to_docx(parse(seed)).save(target)
        written.append(target)
        print(f"{target}  {target.stat().st_size:,} bytes")
    if written and not args.no_pdf:
        to_pdf(written, args.out)
        for path in written:
            pdf = path.with_suffix(".pdf")
            print(f"{pdf}  {pdf.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
