"""Read a plain-text copy of a web page: visual lines, and tables flattened with '|'.

Copies of published plans keep the page's line breaks (hard wraps mid-sentence) and flatten
every HTML table into its cells, one after another, each followed by a line holding only
"|", with no row separator. Header and signature blocks were such layout tables too. Here:

- a run of '|'-terminated cells is a table; the cell before the first '|' is the last line of
  the text before it (a header cell rarely spans lines that start with a capital);
- rows are recovered from the sequence column ("1", "2", ... or "I", "II", ...; a "Cộng"
  total row), checked against the cell after it, which must be a label, not a number;
- a table with no recoverable rows was layout (header, signature): its cells become
  paragraphs, so "Số: 27/KH-UBND" and "Quảng Ninh, ngày ..." stay apart.

Lines are handed to ``extract.layout``, which joins hard wraps; nothing is joined here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import errors
from ..settings import ParseSettings
from .raw import RawBlock, RawDocument

_BOLD = re.compile(r"\*\*|__")  # markdown emphasis left in some copies ("**KT. CHỦ TỊCH")
_DECORATION = re.compile(r"^[\s\-_=*.~–—]{3,}$")
_ANNEX = re.compile(r"^\s*(?:PHỤ\s+LỤC|PHỤ\s+BIỂU|Phụ\s+lục|Phụ\s+biểu|Nơi\s+nhận)\b")
_NUM = re.compile(r"^(\d{1,3})\.?$")
_ROMAN = re.compile(r"^([IVXL]{1,6})\.?$")
_TOTAL = re.compile(r"^(?:Tổng\s+cộng|Cộng|Tổng\s+số|Tổng|Toàn\s+tỉnh)\s*:?$", re.I)
_NUMERIC = re.compile(r"^[\d\s.,%+\-–]*\d[\d\s.,%]*$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_CELL_MAX_LINES = 12
_CELL_MAX_CHARS = 600
_LEGACY_SAMPLE = 20_000  # enough words to tell a legacy font from Unicode; cheap on big files


def read_text(data: bytes, path: str, settings: ParseSettings) -> RawDocument:
    """Decode a text copy and cut it into lines, paragraphs (layout cells) and tables."""
    text, encoding, legacy = decode(data, path)
    lines = [_BOLD.sub("", line).rstrip() for line in text.splitlines()]
    if not any(line.strip() for line in lines):
        raise errors.NoText(path, "the file holds only whitespace")
    lines = split_header_columns(lines)
    if any(line.strip() == "|" for line in lines):
        blocks = _with_tables(lines)
    else:
        blocks = [RawBlock("line", line) for line in lines]
    blocks = _markdown_tables(blocks)
    return RawDocument(format="text", blocks=blocks, encoding=encoding, legacy_encoding=legacy)


def decode(data: bytes, path: str) -> tuple[str, str, str | None]:
    """Bytes to text: (text, encoding, legacy font encoding or None)."""
    from .decode import decode_text

    text, encoding = decode_text(data, path)
    legacy = None
    try:
        from .legacy import detect_legacy, to_unicode
    except ImportError:  # the legacy converter is optional
        return text, encoding, None
    found = detect_legacy(text[:_LEGACY_SAMPLE])
    if found:
        text, legacy = to_unicode(text, found), found
    return text, encoding, legacy


_GAP = re.compile(r"\S(\s{4,})\S")
_HEADER_LINES = 20


def split_header_columns(lines: list[str]) -> list[str]:
    """Un-interleave a two-column header laid out with spaces (text from ``pdftotext -layout``
    and its copies): "SỞ CÔNG THƯƠNG      CỘNG HÒA XÃ HỘI ..." becomes the left column's lines,
    then the right column's, so each column's lines can be joined on their own."""
    zone_end = 0
    found = False
    for i, line in enumerate(lines[:_HEADER_LINES]):
        if _GAP.search(line.strip()):
            found, zone_end = True, i + 1
    if not found:
        return lines
    width = max(len(ln.rstrip()) for ln in lines[:zone_end])
    middle = width // 2
    left: list[str] = []
    right: list[str] = []
    for line in lines[:zone_end]:
        stripped = line.strip()
        if not stripped:
            left.append("")
            right.append("")
            continue
        m = _GAP.search(line, len(line) - len(line.lstrip()))
        if m:
            left.append(line[: m.start(1)].strip())
            right.append(line[m.end(1):].strip())
        elif len(line) - len(line.lstrip()) >= middle * 0.8:
            right.append(stripped)  # a line indented past the middle belongs to the right
        else:
            left.append(stripped)
    return left + [""] + right + [""] + lines[zone_end:]


_MD_ROW = re.compile(r"^\s*\|(.*\|)+\s*$")
_MD_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?)?\s*$")


def _markdown_tables(blocks: list[RawBlock]) -> list[RawBlock]:
    """Runs of "| a | b |" lines (markdown copies) become tables; the "|---|" rule is dropped."""
    out: list[RawBlock] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if len(rows) >= 2:
            out.append(RawBlock("table", rows=list(rows)))
        elif rows:
            out.append(RawBlock("line", " | ".join(rows[0])))
        rows.clear()

    for block in blocks:
        if block.kind == "line" and _MD_ROW.match(block.text):
            if not _MD_RULE.match(block.text):
                rows.append([c.strip() for c in block.text.strip().strip("|").split("|")])
            continue
        flush()
        out.append(block)
    flush()
    return out


@dataclass
class _Table:
    before: list[str]  # text lines between the previous '|' run and this table's first cell
    cells: list[list[str]] = field(default_factory=list)  # each cell as its visual lines


def _with_tables(lines: list[str]) -> list[RawBlock]:
    segments: list[tuple[list[str], bool]] = []
    cur: list[str] = []
    for line in lines:
        if line.strip() == "|":
            segments.append((cur, True))
            cur = []
        else:
            cur.append(line)
    if cur:
        segments.append((cur, False))

    out: list[RawBlock] = []
    table: _Table | None = None
    for seg, terminated in segments:
        content = [ln for ln in seg if ln.strip() and not _DECORATION.match(ln)]
        if table is not None and _is_cell(content, terminated):
            table.cells.append(content)
            continue
        if table is not None:
            out.extend(_close(table))
            table = None
        if terminated:
            before, cell = _split_first_cell(seg)
            table = _Table(before, [cell])
        else:
            out.extend(RawBlock("line", ln) for ln in seg)
    if table is not None:
        out.extend(_close(table))
    return out


def _is_cell(content: list[str], terminated: bool) -> bool:
    if not content:
        return terminated  # "|" right after "|": an empty cell
    if _ANNEX.match(content[0]):
        return False  # an annex title or the recipients list starts a new region
    limit = _CELL_MAX_LINES if terminated else 3  # the last cell of a file has no '|'
    return len(content) <= limit and sum(map(len, content)) <= _CELL_MAX_CHARS


def _split_first_cell(seg: list[str]) -> tuple[list[str], list[str]]:
    """Text before a table, and its first cell: the last line, with lines before it that it
    continues (a line starting in lowercase continues the one above: "Địa / phương")."""
    idx = [i for i, ln in enumerate(seg) if ln.strip() and not _DECORATION.match(ln)]
    if not idx:
        return seg, []
    first = idx[-1]
    k = len(idx) - 1
    while k > 0 and _starts_lower(seg[idx[k]]) and idx[k - 1] == idx[k] - 1:
        k -= 1
        first = idx[k]
    return seg[:first], [ln for ln in seg[first:] if ln.strip() and not _DECORATION.match(ln)]


def _starts_lower(line: str) -> bool:
    for c in line:
        if c.isalpha():
            return c.islower()
        if c.isdigit():
            return False
    return False


def _close(table: _Table) -> list[RawBlock]:
    cells = [" ".join(" ".join(c).split()) for c in table.cells]
    rows = recover_rows(cells)
    blocks = [RawBlock("line", ln) for ln in table.before]
    if rows is not None:
        blocks.append(RawBlock("table", rows=rows))
        return blocks
    # A layout table: the first cell runs on from the text before it; the rest are paragraphs.
    first, *rest = table.cells
    blocks.extend(RawBlock("line", ln) for ln in first)
    blocks.extend(RawBlock("paragraph", "\n".join(c), centered=True) for c in rest if c)
    return blocks


def _roman(text: str) -> int:
    total = 0
    values = [_ROMAN_VALUES[c] for c in text]
    for i, v in enumerate(values):
        total += -v if i + 1 < len(values) and values[i + 1] > v else v
    return total


def _is_label(cell: str | None) -> bool:
    return (bool(cell) and any(c.isalpha() for c in cell)
            and not (_NUM.match(cell) or _ROMAN.match(cell) or _TOTAL.match(cell)))


def recover_rows(cells: list[str]) -> list[list[str]] | None:
    """Cut a flat cell list into rows at its sequence column; None if it has no such column.

    A row starts at the next number of the sequence (1, 2, ...; back to 1 after a roman
    group heading), at the next roman numeral, or at a total ("Cộng"), and only where the
    cell after it is a label ("1 | Thành phố Hạ Long"), never a figure ("9 | ... | 12 | 10 |
    2": that 10 is a value of row 9).
    """
    starts: list[int] = []
    last_num: int | None = None
    last_roman = 0
    for i, cell in enumerate(cells):
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        if starts and i - starts[-1] < 2:
            continue
        m = _NUM.match(cell)
        if m:
            value = int(m.group(1))
            if value == (last_num or 0) + 1 and _is_label(nxt):
                starts.append(i)
                last_num = value
            continue
        m = _ROMAN.match(cell)
        if m:
            value = _roman(m.group(1))
            if value == last_roman + 1 and _is_label(nxt):
                starts.append(i)
                last_roman, last_num = value, None
            continue
        if starts and _TOTAL.match(cell) and nxt is not None and _NUMERIC.match(nxt):
            starts.append(i)
    if len(starts) < 2:
        return None
    rows = [cells[: starts[0]]] if starts[0] else []
    for k, s in enumerate(starts):
        rows.append(cells[s : starts[k + 1] if k + 1 < len(starts) else len(cells)])
    return rows


__all__ = ["read_text", "recover_rows", "decode"]
