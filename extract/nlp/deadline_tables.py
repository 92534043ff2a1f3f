"""Deadlines in task tables: a "Thời gian / Thời hạn / Tiến độ" column gives each row's deadline.

Lào Cai-style plans list tasks as rows (nhiệm vụ | chủ trì | phối hợp | thời gian hoàn thành);
inspection plans list the units to inspect with the date of each visit. A date cell is an
absolute deadline, "Quý II/2026" or "Năm 2026" a period end, "Hằng năm" a recurring duty;
"Thường xuyên" or a duration ("02 ngày") is none. The cell itself is the deadline's text; the
column heading and the row's task cell give the action, its "chủ trì" cell the agency.

Three shapes of the same table: a parsed table (``Document.tables``), a table flattened into one
paragraph with "|" between cells (web copies), and one line per cell (OCR of a ruled table).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..dates import parse_day_month
from ..document import Block, Document, Table
from ..model import Deadline, DeadlineKind
from .base import provenance
from .deadline_grammar import Grammar, normalise_frequency

_HEADER_ROWS = 3  # a table's column headings are in its first rows
_LINE_WINDOW = 40  # lines a column heading reaches down, in a table read one line per cell
_TIME_LABEL = re.compile(r"^\s*(?:thời\s+(?:gian|hạn|điểm)|tiến\s+độ|hạn\s+chót|hạn|ngày)\s*", re.I)
_BAR = re.compile(r"\|")
_UNTIL = re.compile(r"\bđến\b", re.I)
_WORDS = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class _Value:
    kind: DeadlineKind
    date: str | None = None
    frequency: list[str] | None = None


def table_deadlines(doc: Document, g: Grammar, year: int | None, agency: str | None,
                    canonical: Callable[[str], str] = str) -> list[Deadline]:
    """Deadlines of every table; ``year`` completes a bare "20/6", ``agency`` is the fallback and
    ``canonical`` names the agency of a "chủ trì" cell."""
    cells = {(b.table, b.row, b.col): b for b in doc.blocks if b.kind == "table_cell"}
    out: list[Deadline] = []
    for ti, table in enumerate(doc.tables):
        out.extend(_table(doc, g, year, agency, canonical, ti, table, cells))
    for block in doc.blocks:
        if block.kind != "table_cell" and block.text.count("|") >= 4:
            out.extend(_flat_table(doc, g, year, agency, block))
    out.extend(_line_cells(doc, g, year, agency))
    return out


def cell_value(value: str, g: Grammar, year: int | None) -> _Value | None:
    """What a time cell says: a date, a period, a frequency, or nothing ("Thường xuyên", "02 ngày")."""
    value = value.strip()
    if not value or len(value) > 60:
        return None
    m = g.table_recurring.match(value)
    if m:
        freq = normalise_frequency(g.period.findall(m.group("list")), g)
        return _Value("recurring", frequency=freq or None)
    if g.table_period.match(value):
        return _Value("period_end")
    dates = list(g.date.finditer(value))
    if dates and len(value) - sum(d.end() - d.start() for d in dates) < 25:
        d = dates[-1] if _UNTIL.search(value) else dates[0]  # "từ 01/3 đến 30/6/2026" ends at 30/6
        iso = parse_day_month(d.group(0), year)
        if iso:
            return _Value("absolute", date=iso)
    return None


def _deadline(doc: Document, v: _Value, start: int, end: int, action: str | None, agency: str | None,
              confidence: float) -> Deadline:
    return Deadline(kind=v.kind, date=v.date, frequency=v.frequency, action=action, agency=agency,
                    text=doc.text[start:end], provenance=provenance(doc, start, end), confidence=confidence)


def _table(doc: Document, g: Grammar, year, agency, canonical, ti: int, table: Table,
           cells) -> list[Deadline]:
    header_row = next((r for r, row in enumerate(table.rows[:_HEADER_ROWS])
                       if any(g.table_time.search(c.strip()) for c in row)), None)
    if header_row is None:
        return []
    header = table.rows[header_row]
    time_cols = {c for c, h in enumerate(header) if g.table_time.search(h.strip())}
    task_col = next((c for c, h in enumerate(header) if g.table_task.search(h) and c not in time_cols), None)
    agency_col = next((c for c, h in enumerate(header) if g.table_agency.search(h)), None)
    out = []
    for r in range(header_row + 1, len(table.rows)):
        row = table.rows[r]
        aligned = len(row) == len(header)  # merged cells shift columns: then any time-like cell counts
        for c, value in enumerate(row):
            block = cells.get((ti, r, c))
            if (aligned and c not in time_cols) or block is None:
                continue
            v = cell_value(value, g, year)
            if v is None:
                continue
            if aligned:
                task = row[task_col] if task_col is not None else _first_words(row, c)
                action = _join(_heading_action(header[c], g), task)
                who = canonical(" ".join(row[agency_col].split())) if agency_col is not None else ""
            else:
                action, who = _join("", _first_words(row, c)), ""
            out.append(_deadline(doc, v, block.start, block.end, action, who or agency, 0.8))
    return out


def _flat_table(doc: Document, g: Grammar, year, agency, block: Block) -> list[Deadline]:
    """A header row then rows, run together: "TT | Tên | ... | Thời gian | Thời hạn 1 | ... | 23/3/2026"."""
    text = doc.text
    cells, lo = [], block.start
    for m in [*_BAR.finditer(text, block.start, block.end), None]:
        hi = m.start() if m else block.end
        raw = text[lo:hi]
        a = lo + len(raw) - len(raw.lstrip())
        cells.append((a, max(a, hi - (len(raw) - len(raw.rstrip())))))
        lo = m.end() if m else hi
    values = [text[a:b] for a, b in cells]
    time_at = next((i for i, v in enumerate(values) if g.table_time.search(v)), None)
    if time_at is None:
        return []
    task_at = next((i for i, v in enumerate(values[:time_at]) if g.table_task.search(v)), None)
    head = _heading_action(values[time_at], g)
    out = []
    for i in range(time_at + 1, len(values)):
        v = cell_value(values[i], g, year)
        if v is None:
            continue
        k = i - (time_at - task_at) if task_at is not None else -1  # the task cell, as many cells back
        task = values[k] if k > time_at else ""
        out.append(_deadline(doc, v, *cells[i], _join(head, task), agency, 0.7))
    return out


def _line_cells(doc: Document, g: Grammar, year, agency) -> list[Deadline]:
    """A table read as one line per cell (OCR of a ruled table): a line that is only a date or a
    period, some lines below a short column heading "Thời gian ..." (no colon: not a label)."""
    out = []
    header: Block | None = None
    since = 0
    for block in doc.blocks:
        if block.kind == "table_cell" or "|" in block.text:
            continue
        text = block.text.strip()
        since += 1
        if block.kind == "heading" and not g.table_time.search(text):
            header = None
        if g.table_time.search(text) and ":" not in text and len(text) < 80:
            header, since = block, 0
            continue
        if header is None or since > _LINE_WINDOW or len(text) > 30:
            continue
        v = cell_value(text, g, year)
        if v is not None:
            action = _join(_TIME_LABEL.sub("", header.text), "")
            out.append(_deadline(doc, v, block.start, block.end, action, agency, 0.6))
    return out


def _heading_action(heading: str, g: Grammar) -> str:
    """What a time column dates: "Thời gian công bố Quyết định kiểm tra" -> "công bố Quyết định
    kiểm tra"; "Thời gian hoàn thành" says only that the row's task is to be done."""
    what = _TIME_LABEL.sub("", heading).strip()
    return "" if g.verbs["completion"].fullmatch(what) else what


def _first_words(row: list[str], skip: int) -> str:
    """The row's first cell with words: its task or the unit it names (not "TT" numbers)."""
    return next((cell for c, cell in enumerate(row) if c != skip and _WORDS.search(cell)), "")


def _join(head: str, task: str) -> str | None:
    head, task = " ".join(head.split()), " ".join(task.split())
    text = f"{head}: {task}" if head and task else head or task
    return text[:200] or None
