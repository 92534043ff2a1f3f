"""Turn a reader's RawDocument into the Document contract: one normalised text with offsets.

Every reader goes through here. Visual lines (web copies, PDF text layers, OCR) are joined
back into paragraphs with rules for the genre — Vietnamese administrative documents — not for
any one file: a numbered or bulleted marker, an all-caps heading, a closing mark such as
"Nơi nhận" or "KT. CHỦ TỊCH", or a sentence end starts a new block; a line starting in
lowercase continues the one before; a short numbered heading never swallows the body line
after it. Real paragraphs (DOCX, HTML) are kept, tables are rendered one row per line with
cells joined by " | ". ``extract.outline`` then labels the blocks and builds the tree.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .document import Block, Document, Page, Source, Table
from .normalize import clean_text
from .paths import CORPORA
from .parse.raw import RawDocument

CELL_SEP = " | "

# --- what a line looks like -------------------------------------------------------------

_L = r"[^\W\d_]"  # any letter, Vietnamese included
# Numbering that opens a block. Arabic components are 1-2 digits so "1.846 tổ chức" (a
# thousands separator) is not a heading; a bare "2021 - 2025" is not a marker either.
MARKER = re.compile(
    r"""^(?:
        (?P<roman>[IVXL]{1,6})\.(?=\s|$)
      | (?P<part>[A-ZĐ])\.(?=\s+[^\W\d_a-zđ])
      | (?P<arabic>\d{1,2}(?:\.\d{1,2}){0,3})(?:\.|\))(?=\s|$)
      | (?P<arabicx>\d{1,2}(?:\.\d{1,2}){1,3})(?=\s+[^\W\d_])
      | (?P<letter>[a-zđ])(?:\)(?=\s|$)|\.(?=\s+[^\W\d_]))
      | (?P<article>(?:Điều|Chương|Mục|Phần|PHẦN|CHƯƠNG)\s+(?:\d{1,3}|[IVXL]{1,6})\b\.?)
      | (?P<bullet>[-–—+•*·∙▪◦])(?=\s*\S)
    )""",
    re.X,
)

# Lines that always open a block: closing formulae, annex titles, header fields.
STRONG = re.compile(
    r"""^(?:
        Nơi\s+nhận
      | (?:KT|TM|TL|TUQ|Q)\.(?:\s|$)
      | (?:PHỤ\s+LỤC|PHỤ\s+BIỂU|Phụ\s+lục|Phụ\s+biểu)\b
      | Số\s*:
      | CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI | Độc\s+lập\s*[-–]\s*Tự\s+do
      | (?:CHỦ\s+TỊCH|PHÓ\s+CHỦ\s+TỊCH|TRƯỞNG\s+BAN|PHÓ\s+TRƯỞNG\s+BAN|GIÁM\s+ĐỐC|PHÓ\s+GIÁM\s+ĐỐC)\s*$
    )""",
    re.X,
)

# Document types written alone on a line in the header ("KẾ HOẠCH"): a block of their own.
DOC_TYPES = (
    "KẾ HOẠCH", "QUYẾT ĐỊNH", "CHỈ THỊ", "NGHỊ QUYẾT", "CÔNG VĂN", "THÔNG BÁO", "BÁO CÁO",
    "TỜ TRÌNH", "HƯỚNG DẪN", "CHƯƠNG TRÌNH", "ĐỀ ÁN", "QUY CHẾ", "QUY ĐỊNH", "CHƯƠNG TRÌNH HÀNH ĐỘNG",
    "THÔNG TƯ", "NGHỊ ĐỊNH", "KẾ HOẠCH LIÊN TỊCH", "THÔNG TƯ LIÊN TỊCH",
)
_DOC_TYPE = re.compile(r"^\W*(?:" + "|".join(sorted(map(re.escape, DOC_TYPES), key=len, reverse=True)) + r")\W*$")

_PLACE_DATE_LINE = re.compile(r"^(?:[^\W\d_]+\s+){0,3}[^\W\d_]+\s*,\s*ngày\b")
_DECORATION = re.compile(r"^[\s\-_=*.~–—·•]{3,}$")  # rules under the header lines
_TERMINAL = re.compile(r"[.;:!?](?:[\"'”’)\]»]*)$")
_ELLIPSIS = re.compile(r"(?:\.\.\.|…)[\"'”’)\]]*$")
# "TP.", "KT.", "TM.", "v.v.", "VT.VX2.": a period that closes an abbreviation, not a sentence.
_ABBREV = re.compile(r"(?:^|\s)(?:[A-ZĐ][A-Za-zĐđ]{0,3}\.|v\.v\.|[A-ZĐ0-9]+(?:\.[A-ZĐ0-9]+)+\.?)$")
_INNER_COLON = re.compile(r":\s+\S")  # "1. Công an tỉnh: Quản lý ..." is body, not a heading
_COMMA_END = re.compile(r"[,(\-–&/]$")

# Words after which a phrase cannot end: a line ending in one continues on the next line
# even when that line starts with a capital ("Sở Giáo dục và / Đào tạo").
CONNECTORS = frozenset(
    """và của về với cho các những tại trên trong theo số ngày từ đến là hoặc hay để đối được
    bị có ở thuộc giữa gồm như nhằm qua cùng bằng do vào khi mà thì nếu tháng năm
    sở ủy ban bộ cục chi hội đội tổ trung ủy""".split()
)
# Hyphenated names split before their dash: "Sở Lao động / - Thương binh và Xã hội".
_COMPOUND_HEADS = frozenset(("lao động", "văn hóa", "kinh tế", "phát thanh", "độc lập", "tự do", "thu"))

# Place names often split across two lines ("Quảng / Ninh, ngày ..."): a line ending in the
# first syllable of a name continues with the next. Names come from the gazetteers.
def _name_bigrams() -> frozenset[tuple[str, ...]]:
    gaz = CORPORA / "gazetteers"
    names = [p["name"] for p in json.loads((gaz / "provinces.json").read_text(encoding="utf-8"))["provinces"]]
    names += [line.strip() for line in (gaz / "place_names.txt").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    return frozenset(
        tuple(words[i : i + 2])
        for words in (clean_text(n).lower().split() for n in names)
        for i in range(len(words) - 1)
    )


_NAME_BIGRAMS = _name_bigrams()

_HEADING_MAX = 160  # a numbered line longer than this is a sentence, not a heading


def is_upper_line(text: str) -> bool:
    """All letters capitals, with at least two letters ("TT", "I. MỤC TIÊU")."""
    if text != text.upper():  # C-speed rejection of the common case, body text
        return False
    letters = 0
    for c in text:
        if c.isalpha():
            letters += 1
            if letters >= 2:
                return True
    return False


def _first_alpha(text: str) -> str:
    for c in text:
        if c.isalpha():
            return c
        if c.isdigit():
            return c
    return ""


def _starts_lower(text: str) -> bool:
    c = _first_alpha(text.lstrip("\"'“‘(["))
    return bool(c) and c.isalpha() and c.islower()


def _starts_upper(text: str) -> bool:
    c = _first_alpha(text.lstrip("\"'“‘(["))
    return bool(c) and c.isalpha() and c.isupper()


def _last_word(text: str) -> str:
    parts = text.rsplit(None, 1)
    return parts[-1].strip(",;:.()\"'“”") if parts else ""


def _ends_clause(text: str) -> bool:
    """A line ending in . ; : ! ? has finished its phrase ("... chuyển đổi số." then "2. ...")."""
    return text.rstrip().endswith((".", ";", ":", "!", "?"))


def _first_word(text: str) -> str:
    parts = text.split(None, 1)
    return parts[0].strip(",;:.()\"'“”") if parts else ""


def _ends_sentence(line: str) -> bool:
    if not _TERMINAL.search(line):
        return False
    return not (line.endswith(".") and _ABBREV.search(line))


def _compound_dash(prev: str, line: str) -> bool:
    """"Sở Lao động" + "- Thương binh và Xã hội": a split name, not a bullet."""
    if not re.match(r"^[-–]\s*\S", line):
        return False
    tail = " ".join(prev.lower().split()[-2:])
    last = _last_word(prev).lower()
    return tail in _COMPOUND_HEADS or last in _COMPOUND_HEADS


def is_doc_type(text: str) -> bool:
    return bool(_DOC_TYPE.match(text.strip()))


@dataclass
class _Para:
    """A paragraph being assembled from visual lines."""

    lines: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    marker: str | None = None  # kind of the numbering it opened with
    upper: bool = True  # every line so far is all caps
    chars: int = 0
    bold: bool = False
    centered: bool = False

    def add(self, line: str, page: int) -> None:
        self.lines.append(line)
        self.pages.append(page)
        self.upper = self.upper and is_upper_line(line)
        self.chars += len(line) + 1


def _marker_kind(line: str) -> str | None:
    m = MARKER.match(line)
    if not m:
        return None
    return m.lastgroup


def _opens_block(para: _Para, line: str, blank_before: bool) -> bool:
    """Whether ``line`` starts a new block after the paragraph assembled so far."""
    prev = para.lines[-1]
    pfold = prev.lower()
    # A split name or a phrase that cannot end here continues whatever the next line looks like.
    if _compound_dash(prev, line):
        return False
    if (_last_word(prev).lower(), _first_word(line).lower()) in _NAME_BIGRAMS and not MARKER.match(line):
        return False
    kind = _marker_kind(line)
    if kind is not None:
        if (kind in ("arabic", "arabicx") and not _ends_clause(prev)
                and _last_word(pfold) in ("số", "ngày", "khoản", "điểm", "điều", "tại")):
            return False
        return True
    if STRONG.match(line) or is_doc_type(line) or is_doc_type(prev):
        return True
    if _PLACE_DATE_LINE.match(line) and _starts_upper(line):
        return True  # "Quảng Ninh, ngày 02 tháng 02 năm 2021" under the motto
    if _starts_lower(line):
        return False  # "trên / / địa bàn." continues even across a blank line
    if blank_before:
        return True
    if prev.endswith(":") and _first_alpha(line).isdigit():
        return False  # "Kèm theo Kế hoạch số: / 27/KH-UBND ..."
    if _ends_sentence(prev):
        return True
    if _ELLIPSIS.search(prev) and _starts_upper(line):
        return True
    # "(Kèm theo Kế hoạch số ...)" is a note of its own.
    if para.lines[0].startswith("(") and prev.endswith(")") and _starts_upper(line):
        return True
    if _COMMA_END.search(prev) or (prev.endswith(".") and _ABBREV.search(prev)):
        return False  # "Viện kiểm sát, / Tòa án", "TP. / Uông Bí"
    line_upper = is_upper_line(line)
    if para.upper and para.chars > 2:
        # An all-caps heading runs on in capitals and ends where mixed case begins.
        return not line_upper and _starts_upper(line)
    if line_upper and len(line.split()) >= 2:
        return True  # a capitals line after body text is a heading
    last = _last_word(prev).lower()
    if last in CONNECTORS and not _ends_clause(prev):
        return False
    # A short numbered heading ("1. Mục tiêu chung", "4. Sở Giáo dục và Đào tạo") never takes
    # the capitalised body line after it.
    if (para.marker in ("roman", "part", "arabic", "arabicx", "letter", "article")
            and para.chars <= _HEADING_MAX and not _INNER_COLON.search(" ".join(para.lines))):
        return _starts_upper(line)
    return False


def join_lines(lines: list[tuple[str, int]]) -> list[_Para]:
    """Join visual lines (text, page) into paragraphs. An empty text is a blank line."""
    paras: list[_Para] = []
    cur: _Para | None = None
    blank = False
    for text, page in lines:
        line = " ".join(text.split())
        if not line:
            blank = True
            continue
        if _DECORATION.match(line):
            blank = True  # a rule under a header line ends it
            continue
        if cur is None or _opens_block(cur, line, blank):
            cur = _Para(marker=_marker_kind(line))
            paras.append(cur)
        cur.add(line, page)
        blank = False
    return paras


# --- assembling the document ---------------------------------------------------------------

@dataclass
class _TableUnit:
    rows: list[list[str]]
    page: int


_FOLIO = re.compile(r"^\s*(?:-\s*)?(?:Trang\s+)?(\d{1,4})(?:\s*/\s*\d{1,4})?(?:\s*-)?\s*$", re.I)


def _folios(raw: RawDocument) -> set[int]:
    """Indexes of page-number lines ("2", "- 2 -", "Trang 2/5") at the top or bottom of a
    page: left in text layers and OCR, they would be glued into the sentence they interrupt.
    Only a number close to the page's own is taken, so "2025" ending a page stays."""
    if raw.page_count < 2:
        return set()
    edges: dict[int, list[int]] = {}
    for i, rb in enumerate(raw.blocks):
        if rb.kind in ("line", "paragraph") and rb.text.strip():
            edges.setdefault(rb.page, []).append(i)
    found = set()
    for page, idx in edges.items():
        for i in {idx[0], idx[-1]}:
            m = _FOLIO.match(raw.blocks[i].text)
            if m and abs(int(m.group(1)) - page) <= 1:
                found.add(i)
    return found


def _units(raw: RawDocument) -> list[_Para | _TableUnit]:
    """Group raw blocks: runs of lines joined, paragraphs (and their soft breaks) kept apart."""
    units: list[_Para | _TableUnit] = []
    run: list[tuple[str, int]] = []

    def flush() -> None:
        if run:
            units.extend(join_lines(run))
            run.clear()

    folios = _folios(raw)
    for i, rb in enumerate(raw.blocks):
        if i in folios:
            continue
        if rb.kind == "line":
            run.append((clean_text(rb.text), rb.page))
        elif rb.kind == "paragraph":
            flush()
            paras = join_lines([(clean_text(t), rb.page) for t in rb.text.split("\n")])
            for p in paras:
                p.bold, p.centered = rb.bold, rb.centered
                if rb.list_label and p is paras[0] and not MARKER.match(p.lines[0]):
                    p.lines[0] = f"{clean_text(rb.list_label).strip()} {p.lines[0]}"
                    p.marker = _marker_kind(p.lines[0])
            units.extend(paras)
        elif rb.kind == "table":
            flush()
            raw_rows = [[clean_text(c or "") for c in row] for row in (rb.rows or [])]
            if is_layout_table(raw_rows):
                # header or signature block laid out as a table: its cells are paragraphs
                for row in raw_rows:
                    for cell in row:
                        units.extend(join_lines([(line, rb.page) for line in cell.split("\n")]))
                continue
            rows = [_trim([" ".join(c.split()) for c in row]) for row in raw_rows]
            rows = [r for r in rows if r]
            if rows:
                units.append(_TableUnit(rows, rb.page))
        # page_break: pages come from RawBlock.page; the break itself needs nothing here
    flush()
    return units


_FORMULA = re.compile(
    r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI|Độc\s+lập\s*[-–]\s*Tự\s+do|(?:^|\s)Số\s*:|Nơi\s+nhận|(?:^|\s)(?:KT|TM|TL|TUQ)\.\s"
    r"|,\s*ngày\s*\d{0,2}\s*tháng\s*\d{0,2}\s*năm\s*\d{4}"
)
_WRAPPER_CELL = 1500  # a cell holding this much text is a page laid out in a table


def is_layout_table(rows: list[list[str]]) -> bool:
    """A table used for layout, not data: the two-column header (issuer | motto, number |
    place and date), the recipients | signature block, a page wrapped in one cell."""
    cells = [c for row in rows for c in row if c and c.strip()]
    if not cells:
        return False
    if len(cells) == 1 or any(len(c) > _WRAPPER_CELL for c in cells):
        return True
    width = max(len(r) for r in rows)
    return width <= 2 and len(rows) <= 3 and any(_FORMULA.search(c) for c in cells)


def _trim(row: list[str]) -> list[str]:
    """Drop trailing empty cells: artefacts of flattened or merged cells."""
    end = len(row)
    while end and not row[end - 1]:
        end -= 1
    return row[:end]


def assemble(raw: RawDocument, source: Source) -> Document:
    """Build the Document: text, blocks with offsets, pages, tables, then the outline."""
    from .outline import annotate  # outline reads blocks; it does not import layout back

    parts: list[str] = []
    pos = 0
    blocks: list[Block] = []
    tables: list[Table] = []
    # (offset, page) at every point where the page may change, to build Page ranges.
    page_marks: list[tuple[int, int]] = []

    def emit(text: str) -> int:
        nonlocal pos
        if parts:
            parts.append("\n")
            pos += 1
        start = pos
        parts.append(text)
        pos += len(text)
        return start

    for unit in _units(raw):
        if isinstance(unit, _Para):
            text = " ".join(unit.lines)
            start = emit(text)
            off = start
            for line, page in zip(unit.lines, unit.pages):
                page_marks.append((off, page))
                off += len(line) + 1
            kind = "heading" if unit.bold and len(text) <= _HEADING_MAX else "paragraph"
            blocks.append(Block(kind, text, unit.pages[0], start, start + len(text)))
        else:
            index = len(tables)
            tstart = None
            for r, row in enumerate(unit.rows):
                line = CELL_SEP.join(row)
                start = emit(line)
                tstart = start if tstart is None else tstart
                page_marks.append((start, unit.page))
                off = start
                for c, cell in enumerate(row):
                    if cell:
                        blocks.append(Block("table_cell", cell, unit.page, off, off + len(cell),
                                            table=index, row=r, col=c))
                    off += len(cell) + len(CELL_SEP)
            tables.append(Table(unit.page, tstart or 0, pos, unit.rows))

    text = "".join(parts)
    pages = _pages(page_marks, max(raw.page_count, max((p for _, p in page_marks), default=1)),
                   len(text), raw)
    doc = Document(source=source, text=text, pages=pages, blocks=blocks, tables=tables,
                   flags=list(raw.flags))
    if source.page_count < len(pages):
        source.page_count = len(pages)
    annotate(doc)
    return doc


def _pages(marks: list[tuple[int, int]], count: int, length: int, raw: RawDocument) -> list[Page]:
    """Page ranges from the first offset seen on each page; empty pages get empty ranges."""
    first: dict[int, int] = {}
    for off, page in marks:
        if page not in first:
            first[page] = off
    starts: list[int] = []
    nxt = length
    for number in range(count, 0, -1):  # backwards so an empty page starts where the next does
        nxt = first.get(number, nxt)
        starts.append(nxt)
    starts.reverse()
    starts[0] = 0
    pages = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else length
        number = i + 1
        pages.append(Page(number, start, max(start, end), ocr=number in raw.ocr_pages,
                          ocr_confidence=raw.ocr_confidence.get(number)))
    return pages


__all__ = ["assemble", "join_lines", "is_upper_line", "is_doc_type", "MARKER", "STRONG", "CELL_SEP"]
