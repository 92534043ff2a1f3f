"""The query commands' output: rows from ``kehoach.store.query`` as a table, CSV or JSON.

CSV and JSON carry every column (document, page, offsets, sentence: where each row came
from); the table shows the columns a reader needs on a terminal, the sentence included.
"""
from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, TextIO

from rich.console import Console
from rich.table import Table

FORMATS = ("table", "csv", "json")

SNIPPET = 160  # characters of a sentence or title shown in a terminal table


@dataclass(frozen=True)
class Col:
    header: str
    get: Callable[[dict], Any]
    wide: bool = False  # long text: wraps, shortened to SNIPPET characters
    right: bool = False


def _key(name: str) -> Callable[[dict], Any]:
    return lambda r: r.get(name)


def _target(r: dict) -> str:
    """'>= 80 %', '10-20 người': the figure as one cell."""
    value, high = _cell(r.get("value")), _cell(r.get("value_max"))
    figure = f"{value}-{high}" if high else value
    comparator = r.get("comparator")
    prefix = f"{comparator} " if comparator in (">=", "<=") else ""
    return f"{prefix}{figure} {r.get('unit') or ''}".strip()


# What a terminal table shows, per query: where the row came from, and what it says.
# CSV and JSON have every column.
TABLE_COLUMNS: dict[str, tuple[Col, ...]] = {
    "targets": (Col("document", _key("document")), Col("province", _key("province")),
                Col("page", _key("page"), right=True), Col("target", _target),
                Col("sentence", _key("sentence"), wide=True)),
    "docs": (Col("document", _key("document")), Col("province", _key("province")),
             Col("type", _key("doc_type")), Col("issued", _key("issued")),
             Col("title", _key("title"), wide=True), Col("T", _key("targets"), right=True),
             Col("A", _key("agencies"), right=True), Col("C", _key("citations"), right=True),
             Col("D", _key("deadlines"), right=True)),
    "agencies": (Col("agency", _key("agency")), Col("role", _key("role")),
                 Col("document", _key("document")), Col("page", _key("page"), right=True),
                 Col("sentence", _key("sentence"), wide=True)),
    "citations": (Col("cited", lambda r: r.get("cited_number") or r.get("cited_key")),
                  Col("document", _key("document")), Col("province", _key("province")),
                  Col("page", _key("page"), right=True), Col("sentence", _key("sentence"), wide=True)),
}


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(_plain(value))


def write_json(rows: list[dict], out: TextIO) -> None:
    json.dump([{k: _plain(v) for k, v in r.items()} for r in rows], out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_csv(rows: list[dict], out: TextIO) -> None:
    if not rows:
        return
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(v) for k, v in r.items()})


def table(rows: list[dict], kind: str, title: str | None = None) -> Table:
    """A terminal table: the columns of TABLE_COLUMNS, long text shortened (CSV/JSON have it all)."""
    columns = TABLE_COLUMNS.get(kind) or tuple(Col(k, _key(k)) for k in (rows[0] if rows else {}))
    t = Table(title=title, title_justify="left")
    for c in columns:
        if c.wide:
            t.add_column(c.header, ratio=1, min_width=20, overflow="fold")
        else:
            t.add_column(c.header, no_wrap=False, overflow="fold", justify="right" if c.right else "left")
    for r in rows:
        t.add_row(*(_snippet(_cell(c.get(r))) if c.wide else _cell(c.get(r)) for c in columns))
    return t


def render(rows: list[dict], fmt: str, kind: str, console: Console, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        write_json(rows, out)
    elif fmt == "csv":
        write_csv(rows, out)
    else:
        console.print(table(rows, kind, f"{kind}: {len(rows)} rows"))


def run_query(db: str | None, kind: str, fmt: str, console: Console, **filters: Any) -> int:
    """Open the store, run one query of ``kehoach.store.query`` and print it; the exit code."""
    from kehoach.store import query
    from kehoach.store.db import DEFAULT_DB, open_store

    if fmt not in FORMATS:
        console.print(f"[red]error[/red] --format must be one of {', '.join(FORMATS)}")
        return 2
    if db is None or "://" not in db:
        path = Path(db or DEFAULT_DB)
        if not path.exists():  # a query should not leave an empty store behind
            Console(stderr=True).print(f"[red]error[/red] no store at {path} (make one with kehoach ingest)",
                                       highlight=False)
            return 2
    func: Callable[..., list[dict]] = getattr(query, kind)
    store = open_store(db)
    try:
        rows = func(store, **{k: v for k, v in filters.items() if v is not None})
    except query.UnknownProvince as exc:
        Console(stderr=True).print(f"[red]error[/red] {exc}", highlight=False)
        return 2
    finally:
        store.close()
    render(rows, fmt, kind, console)
    return 0


__all__ = ["FORMATS", "render", "run_query", "table", "write_csv", "write_json"]
