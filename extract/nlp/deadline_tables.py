"""Deadlines in task tables: a "Thời gian / Thời hạn / Tiến độ" column gives each row's deadline.

Lào Cai-style plans list tasks as rows (nhiệm vụ | chủ trì | phối hợp | thời gian hoàn thành);
inspection plans list the units to inspect with the date of each visit. A date cell is an
absolute deadline, "Quý II/2026" or "Năm 2026" a period end, "Hằng năm" a recurring duty;
"Thường xuyên" or a duration ("02 ngày") is none. The cell itself is the deadline's text; the
row's task cell and the column heading give the action, its "chủ trì" cell the agency.
"""
from __future__ import annotations

import re

from ..dates import parse_day_month
from ..document import Block, Table
from ..model import Deadline, DeadlineKind
from .base import Context, provenance
from .deadline_grammar import Grammar, normalise_frequency

_HEADER_ROWS = 3
_TIME_LABEL = re.compile(r"^\s*(?:thời\s+(?:gian|hạn|điểm)|tiến\s+độ|hạn\s+chót|hạn|ngày)\s*", re.I)


def table_deadlines(ctx: Context, g: Grammar, years) -> list[Deadline]:
    doc = ctx.document
    cells: dict[tuple[int, int, int], Block] = {
        (b.table, b.row, b.col): b for b in doc.blocks
        if b.kind == "table_cell" and b.table is not None and b.row is not None and b.col is not None
    }
    out: list[Deadline] = []
    for ti, table in enumerate(doc.tables):
        out.extend(_table(ctx, g, years, ti, table, cells))
    return out


def _table(ctx: Context, g: Grammar, years, ti: int, table: Table, cells) -> list[Deadline]:
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
        aligned = len(row) == len(header)
        for c, value in enumerate(row):
            if aligned and c not in time_cols:
                continue
            parsed = _value(value.strip(), g, years)
            if parsed is None:
                continue
            kind, date, freq = parsed
            block = cells.get((ti, r, c))
            if block is None:
                continue
            head = header[c] if aligned or c < len(header) else ""
            task = row[task_col] if aligned and task_col is not None and task_col < len(row) else _first_words(row, c)
            action = _join(_TIME_LABEL.sub("", head) if aligned else "", task)
            agency = " ".join(row[agency_col].split()) if aligned and agency_col is not None else None
            out.append(Deadline(
                kind=kind, date=date, frequency=freq, action=action, agency=agency or _fallback_agency(ctx, g),
                text=block.text, provenance=provenance(ctx.document, block.start, block.end), confidence=0.8,
            ))
    return out


def _value(value: str, g: Grammar, years) -> tuple[DeadlineKind, str | None, list[str] | None] | None:
    if not value or len(value) > 60:
        return None
    m = g.table_recurring.match(value)
    if m:
        return "recurring", None, normalise_frequency(g.period.findall(m.group("list")), g) or None
    if g.table_period.match(value):
        return "period_end", None, None
    dates = list(g.date.finditer(value))
    if dates and len(value) - sum(d.end() - d.start() for d in dates) < 25:
        d = dates[-1] if re.search(r"\bđến\b", value, re.I) else dates[0]
        iso = parse_day_month(d.group(0), years.default)
        if iso:
            return "absolute", iso, None
    return None


def _first_words(row: list[str], skip: int) -> str:
    """The row's first cell with words: its task or the unit it names (not "TT" numbers)."""
    for c, cell in enumerate(row):
        if c != skip and re.search(r"[^\W\d_]{2,}", cell):
            return cell
    return ""


def _join(head: str, task: str) -> str | None:
    head, task = " ".join(head.split()), " ".join(task.split())
    text = f"{head}: {task}" if head and task else head or task
    return text[:200] or None


def _fallback_agency(ctx: Context, g: Grammar) -> str | None:
    from .deadlines import _implicit_issuer

    return _implicit_issuer(ctx, g)
