"""Targets from annex tables: one target per figure of a row.

A table counts when its title, the lines just before it or its header cells speak of targets
("CHỈ TIÊU CAI NGHIỆN MA TÚY NĂM 2021", "Chỉ tiêu giao kế hoạch", "phân bổ") and not of results.
Two shapes are read:

- locality tables ("TT | Địa phương | Tổng số | ..."): the row label is the ``area``, the
  column headers say what is counted;
- indicator tables ("TT | Chỉ tiêu | ĐVT | Năm 2025 | ..."): the row label is the ``subject``,
  a unit column gives the unit, a year in a column header the period.

Header cells are matched to a row's figures by column when the header is one row, else by
position among the leaf headers ("Tổng số", "Cai nghiện tập trung ..."). The unit comes from
the row, from "ĐVT: ..." (đơn vị tính) before the table, or is left empty.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Document, Table
from ..model import Target
from ..normalize import fold
from ..numbers import find_quantities
from .base import Context, provenance, sections_at
from .target_lexicon import Lexicon

_NUMERIC = re.compile(r"\d+(?:[.,]\d+)*\s*%?")
_INDEX = re.compile(r"(?:\d{1,3}|[IVXL]{1,6}|[a-zđ])[.)]?")
_EMPTY = {"", "-", "–", "—", "x", "X", "...", "…"}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_CONTEXT_BEFORE = 400  # characters before a table searched for its title and "ĐVT: ..."
_TYPO = {"thi xã": "Thị xã", "thi trấn": "Thị trấn"}  # common in typed tables
_PLACE = re.compile(r"(?i)^(?:tỉnh|thành phố|tp\.?|thị xã|tx\.?|huyện|quận|xã|phường|thị trấn|"
                    r"thi xã|h\.|q\.|p\.)\s")
_MAX_TEXT = 300
_OBJECTIVES = re.compile(r"(?i)mục tiêu|chỉ tiêu")


@dataclass
class _Cell:
    text: str
    col: int
    start: int | None  # None for an empty cell (no block)
    end: int | None


@dataclass
class _Figure:
    value: float
    value_max: float | None
    percent: bool
    comparator: str


@dataclass
class _Row:
    label: _Cell
    unit: str | None  # from a unit column ("%", "người")
    figures: list[tuple[int, _Cell, _Figure]]  # (position after the label, cell, its figure)


def table_targets(ctx: Context, lex: Lexicon, plan: tuple[int | None, int | None],
                  period: str | None) -> list[Target]:
    doc = ctx.document
    offsets = _cell_offsets(doc)
    out: list[Target] = []
    for index, table in enumerate(doc.tables):
        rows = [[_Cell(text, c, *offsets.get((index, r, c), (None, None))) for c, text in enumerate(row)]
                for r, row in enumerate(table.rows)]
        out.extend(_read_table(doc, lex, table, rows, plan, period))
    return out


def _cell_offsets(doc: Document) -> dict[tuple[int, int, int], tuple[int, int]]:
    return {(b.table, b.row or 0, b.col or 0): (b.start, b.end)
            for b in doc.blocks if b.kind == "table_cell" and b.table is not None}


def _is_number(cell: str) -> bool:
    return bool(_NUMERIC.fullmatch(cell.strip()))


def figure_cell(cell: str, lex: Lexicon) -> bool:
    """A table cell that is one figure ("225", "≥ 95%"), as opposed to a sentence."""
    return _figure(cell, lex) is not None


def _figure(cell: str, lex: Lexicon) -> _Figure | None:
    """A cell holding one quantity: "225", "95%", "≥ 95%", "Trên 90%", "10 - 15", "80% trở lên"."""
    text = cell.strip()
    if _is_number(text):
        qs = find_quantities(text, words=False)
        if len(qs) == 1:
            q = qs[0]
            return _Figure(q.value, q.value_max, q.percent, "range" if q.value_max is not None else "=")
        return None
    qs = find_quantities(text, words=False)
    if len(qs) != 1 or len(text) > 30:
        return None
    q = qs[0]
    first = q.open_start if q.open_start is not None else q.start
    before, after = text[:first].strip().lower(), text[q.end:].strip()
    cmp = lex.comparator_before(before + " ") if before else None
    if before and cmp is None and q.open_start is None:
        return None
    if after and lex.comparator_after(after) is None:
        return None
    if q.value_max is not None:
        cmp = "range"
    return _Figure(q.value, q.value_max, q.percent, cmp or lex.comparator_after(after) or "=")


def _read_table(doc: Document, lex: Lexicon, table: Table, rows: list[list[_Cell]],
                plan: tuple[int | None, int | None], period: str | None) -> list[Target]:
    cues = lex.tables
    before = doc.text[max(0, table.start - _CONTEXT_BEFORE):table.start]
    title = " ".join(filter(None, [table.title or "", _title_lines(before)]))
    parsed = [_data_row(r, lex) for r in rows]
    data_at = next((i for i, p in enumerate(parsed) if p is not None), None)
    if data_at is None:
        return []
    header_rows = rows[:data_at]
    header = [c.text for r in header_rows for c in r]
    context = fold(title + " " + " ".join(header))
    chain = sections_at(doc, table.start)
    if not (any(fold(c) in context for c in cues["target_cues"])
            or any(_OBJECTIVES.search(s.title) for s in chain)):
        return []
    if lex.in_review(chain, table.start, lex.plan_starts(doc.outline)):
        return []
    # "KẾT QUẢ THỰC HIỆN NĂM 2023 VÀ KẾ HOẠCH NĂM 2024": only the plan's columns count
    plan_columns_only = any(fold(c) in fold(title) for c in cues["review_cues"])
    unit = _unit(before + " " + " ".join(header), cues)
    # one header row as wide as the data rows: headers sit above their figures
    width = max(len(r) for r, p in zip(rows, parsed) if p is not None)
    groups = {fold(h) for h in cues["group_headers"]} - {"ghi chu"}
    single = header_rows[0] if len(header_rows) == 1 and len(header_rows[0]) == width \
        and not any(fold(c.text) in groups for c in header_rows[0]) else None
    leaves = _leaves(header, cues)
    last = header_rows[-1] if header_rows else []
    label_header = fold(last[_label_col(last)].text) if last else ""
    localities = label_header in {fold(h) for h in cues["locality_headers"]} \
        or sum(bool(_PLACE.match(p.label.text)) for p in parsed if p) >= 2
    out: list[Target] = []
    for row, found in zip(rows[data_at:], parsed[data_at:]):
        if found is None:
            continue
        spans = [(c.start, c.end) for c in row if c.start is not None]
        if not spans:
            continue  # cells without offsets: nothing to point back to
        text = doc.text[spans[0][0]:spans[-1][1]][:_MAX_TEXT]
        label = found.label.text.strip()
        for position, cell, fig in found.figures:
            head = (single[cell.col].text if single is not None and cell.col < len(single)
                    else leaves[position] if position < len(leaves) else None)
            if head and _is_review_column(lex, head, plan):
                continue
            if plan_columns_only and not (head and _is_plan_column(head, plan)):
                continue
            if cell.start is None:
                continue
            percent = fig.percent or found.unit == "%"
            out.append(Target(
                value=fig.value,
                value_max=fig.value_max,
                unit="%" if percent else (found.unit or unit),
                comparator=fig.comparator,  # type: ignore[arg-type]
                subject=(head if localities else label) or label,
                area=row_area(label, cues) if localities else None,
                period=_column_period(head, plan) or period,
                text=text,
                provenance=provenance(doc, cell.start, cell.end),
                confidence=0.85,
            ))
    return out


def _title_lines(text: str) -> str:
    """The short lines right before a table: its title, "ĐVT: ...", "(Kèm theo ...)"."""
    lines = []
    for line in reversed(text.strip().splitlines()[-3:]):
        if len(line) > 160:
            break
        lines.append(line)
    return " ".join(reversed(lines))


def _label_col(row: list[_Cell]) -> int:
    """The first cell after an index column ("TT", "1", "I")."""
    if len(row) > 1 and (_INDEX.fullmatch(row[0].text.strip()) or fold(row[0].text) in ("tt", "stt")):
        return 1
    return 0


def _data_row(row: list[_Cell], lex: Lexicon) -> _Row | None:
    """A row holding figures, else None (header rows, section rows, year rows).

    Positions count the cells after the label (or unit) column, blanks ("-") included, so a
    row with an empty middle column keeps its later figures in their columns."""
    cells = [c for c in row]
    start = _label_col(cells) if len(cells) > 1 and not _is_number(cells[1].text) else 0
    rest = cells[start:]
    label_at = next((i for i, c in enumerate(rest) if c.text.strip() not in _EMPTY
                     and _figure(c.text, lex) is None), None)
    if label_at is None:
        return None
    label = rest[label_at]
    after = rest[label_at + 1:]
    unit = None
    if after and not _is_number(after[0].text) and after[0].text.strip() not in _EMPTY \
            and len(after[0].text.strip()) <= 25:
        u = after[0].text.strip()
        if u == "%" or (lex.unit_at(" " + u) or "").lower() == u.lower():
            unit, after = u, after[1:]
    figures = []
    for position, cell in enumerate(after):
        t = cell.text.strip()
        if t in _EMPTY:
            continue
        if _YEAR.fullmatch(t):
            return None  # a row of years: a header, or a schedule, not targets
        fig = _figure(t, lex)
        if fig is None:
            break  # a note column ("Có cơ sở điều trị Methadone") ends the figures
        figures.append((position, cell, fig))
    if not figures:
        return None
    return _Row(label, unit, figures)


def _leaves(header: list[str], cues: dict) -> list[str]:
    """The leaf column headers of a multi-row header, in order. Parents come first in a
    flattened header ("Chỉ tiêu giao kế hoạch năm 2021", then "Tổng số", ...): a parent naming
    the plan or target is not a leaf of its own."""
    skip = {fold(h) for h in cues["index_headers"] + cues["label_headers"] + cues["group_headers"]}
    kept = [h.strip() for h in header if h.strip() and fold(h.strip()) not in skip]
    leaves = [h for h in kept if not re.search(r"(?i)chỉ tiêu|kế hoạch|mục tiêu", h)]
    if not leaves:
        return kept
    parents = [h for h in kept[:-len(leaves)] if h not in leaves]
    # a bare "Tổng số" says little without its parent ("Chỉ tiêu giao kế hoạch năm 2021")
    return [f"{h} ({parents[-1]})" if parents and len(h.split()) <= 2 else h
            for h in kept[-len(leaves):]]


def _is_review_column(lex: Lexicon, head: str, plan: tuple[int | None, int | None]) -> bool:
    """"Thực hiện năm 2020", "Ước thực hiện", "Hiện trạng": a baseline, not a target."""
    key = fold(head)
    if re.search(r"\b(?:thuc hien|uoc|hien trang|ket qua|nam co so|goc)\b", key) and \
            not re.search(r"\b(?:ke hoach|chi tieu|muc tieu)\b", key):
        return True
    years = [int(y) for y in _YEAR.findall(head)]
    return bool(years and plan[0] and max(years) < plan[0])


def _is_plan_column(head: str, plan: tuple[int | None, int | None]) -> bool:
    if re.search(r"(?i)kế hoạch|chỉ tiêu|mục tiêu|dự kiến|phấn đấu", head):
        return True
    years = [int(y) for y in _YEAR.findall(head)]
    return bool(years and plan[0] and plan[0] <= max(years))


def _column_period(head: str | None, plan: tuple[int | None, int | None]) -> str | None:
    if not head or plan[0] is None:
        return None
    years = [int(y) for y in _YEAR.findall(head)]
    inside = [y for y in years if plan[0] <= y <= (plan[1] or plan[0])]
    return str(inside[-1]) if inside else None


def _unit(text: str, cues: dict) -> str | None:
    labels = "|".join(re.escape(x) for x in cues["unit_label"])
    m = re.search(r"(?:" + labels + r")\s*:\s*([^\n|;)]{1,40})", text)
    return m.group(1).strip(" .") if m else None


def row_area(label: str, cues: dict) -> str | None:
    """The locality a table row is about (typos mended), None for a total row."""
    if fold(label) in {fold(t) for t in cues["total_rows"]}:
        return None
    low = label.lower()
    for typo, right in _TYPO.items():
        if low.startswith(typo + " "):
            return right + label[len(typo):]
    return label
