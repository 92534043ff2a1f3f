"""``kehoach compare`` and ``kehoach indicators``: open the store, build, export; exit codes.

The work is in kehoach.store.compare (tables), kehoach.store.export (formats) and
kehoach.store.indicators (matching targets to the taxonomy); this is the shell around them.
"""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table as RichTable

_err = Console(stderr=True, highlight=False)


def _store(db: str | None):
    from kehoach.store.db import DEFAULT_DB, open_store

    if db is None or "://" not in db:
        path = Path(db or DEFAULT_DB)
        if not path.exists():  # a report should not leave an empty store behind
            _err.print(f"[red]error[/red] no store at {path} (make one with kehoach ingest)")
            return None
    return open_store(db)


def run_compare(db: str | None, indicator: list[str] | None, topic: str | None, province: list[str] | None,
                year: list[str] | None, as_of: int | None, lang: str, fmt: str, out: Path | None,
                tables: list[str] | None, console: Console) -> int:
    from kehoach.store.compare import Selection, build_report, parse_years
    from kehoach.store.export import FORMATS, export
    from kehoach.store.query import UnknownProvince

    if fmt not in FORMATS:
        _err.print(f"[red]error[/red] --format must be one of {', '.join(FORMATS)}")
        return 2
    if lang not in ("vi", "en"):
        _err.print("[red]error[/red] --lang must be vi or en")
        return 2
    if indicator and topic:
        _err.print("[red]error[/red] give --indicator or --topic, not both")
        return 2
    if fmt == "xlsx" and out is None:
        _err.print("[red]error[/red] --format xlsx needs --out FILE.xlsx")
        return 2
    try:
        years = parse_years(year)
    except ValueError as exc:
        _err.print(f"[red]error[/red] {exc}")
        return 2
    store = _store(db)
    if store is None:
        return 2
    sel = Selection(indicators=indicator or None, topic=topic, provinces=province or None, years=years,
                    as_of=as_of, lang=lang, tables=tables or None)
    try:
        report = build_report(store, sel)
    except (KeyError, UnknownProvince) as exc:
        _err.print(f"[red]error[/red] {exc.args[0] if exc.args else exc}")
        return 2
    finally:
        store.close()
    written = export(report, fmt, out, console)
    for path in written:
        _err.print(f"wrote {path}")
    return 0


def run_indicators(db: str | None, lang: str, rematch: bool, fmt: str, console: Console) -> int:
    """The taxonomy with how many targets each indicator has (without a store: the taxonomy)."""
    import csv
    import json
    import sys

    from kehoach.extract.indicators import load_taxonomy

    tax = load_taxonomy()
    rows: list[dict]
    if db is not None or Path("kehoach.db").exists():
        store = _store(db)
        if store is None:
            return 2
        from kehoach.store.indicators import ensure_indicators, indicator_counts

        try:
            if rematch:
                ensure_indicators(store, rematch=True, taxonomy=tax)
            rows = indicator_counts(store, tax, lang)
        finally:
            store.close()
    else:
        rows = [{"id": i.id, "topic": i.topic, "label": i.label(lang), "unit": i.unit} for i in tax.indicators]
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return 0
    if fmt == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
        return 0
    from kehoach.store.compare import label

    table = RichTable(title=f"models/indicators.yaml (version {tax.version})", title_justify="left", expand=True)
    table.add_column(f"{label('id', lang)} / {label('indicator', lang)}", overflow="fold", ratio=4)
    table.add_column(label("topic", lang), overflow="fold", ratio=1)
    table.add_column(label("unit", lang), overflow="fold", ratio=1)
    counted = [k for k in ("targets", "documents", "provinces") if k in rows[0]]
    for k in counted:
        table.add_column(label(k, lang), justify="right")
    for r in rows:
        table.add_row(f"[bold]{r['id']}[/bold]\n{r['label']}", r["topic"], r["unit"], *[str(r[k]) for k in counted])
    console.print(table)
    return 0


__all__ = ["run_compare", "run_indicators"]
