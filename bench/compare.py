"""Comparison-table benchmark: build each table from the ~10,000-document synthetic store.

The store is the one bench/store.py makes (the sample corpus's facts copied across 63
provinces and 15 years); it is built once at --db and reused on later runs.

    .venv/bin/python bench/compare.py                  # 10,000 documents, SQLite in /tmp
    .venv/bin/python bench/compare.py --docs 2000 --db /tmp/small.db
    .venv/bin/python bench/compare.py --export         # also time XLSX and HTML export

Prints the time to match every target to an indicator (done once, then stored), then the
median time of each table build (query + cells + sources), with its size.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/store.py: the synthetic store

from kehoach.store import compare  # noqa: E402
from kehoach.store.compare import Selection  # noqa: E402
from kehoach.store.db import open_store  # noqa: E402
from kehoach.store.indicators import ensure_functions, ensure_indicators  # noqa: E402


def build_store(path: Path, docs: int):
    import store as bench_store  # bench/store.py

    store = open_store(path)
    with store.read() as conn:
        have = conn.exec_driver_sql("SELECT count(*) FROM document").scalar()
    if have >= docs:
        print(f"store: {path} ({have} documents, reused)")
        return store
    if have:
        raise SystemExit(f"{path} holds {have} documents, fewer than --docs {docs}: remove it first")
    print(f"store: loading {docs} synthetic documents into {path} ...", flush=True)
    spent, rate = bench_store.load(store, bench_store.seeds(), docs)
    print(f"  loaded in {spent:.0f} s ({rate:.0f} documents/s)")
    return store


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), max(times), result


def size(table) -> str:
    entries = sum(len(c) for r in table.rows for c in r.cells)
    return f"{len(table.rows)}x{len(table.columns)}, {entries} entries"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "kehoach-bench-compare.db")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--export", action="store_true", help="also time XLSX and HTML export of a report")
    ap.add_argument("--rematch", action="store_true", help="match targets and classify assignments again (timed)")
    args = ap.parse_args()

    store = build_store(args.db, args.docs)
    with store.read() as conn:
        n_targets = conn.exec_driver_sql("SELECT count(*) FROM target").scalar()
    t = time.perf_counter()
    matched = ensure_indicators(store, rematch=args.rematch)
    print(f"indicators: {matched} of {n_targets} targets matched in {time.perf_counter() - t:.1f} s "
          f"(stored; 0 to do on the next run)")
    t = time.perf_counter()
    ensure_indicators(store)
    print(f"indicators: up-to-date check {1000 * (time.perf_counter() - t):.1f} ms")
    with store.read() as conn:
        n_assign = conn.exec_driver_sql("SELECT count(*) FROM assignment").scalar()
    t = time.perf_counter()
    classified = ensure_functions(store, rematch=args.rematch)
    print(f"agency functions: {classified} of {n_assign} assignments classified in "
          f"{time.perf_counter() - t:.1f} s (stored; 0 to do on the next run)")

    cases = [
        ("province x indicator, all years", lambda: compare.province_indicator_table(store, Selection(), fill=False)),
        ("province x indicator, --year 2021",
         lambda: compare.province_indicator_table(store, Selection(years=[(2021, 2021)]), fill=False)),
        ("province x indicator, --as-of 2025 --year 2021",
         lambda: compare.province_indicator_table(store, Selection(years=[(2021, 2021)], as_of=2025), fill=False)),
        ("province x indicator, --topic ma_tuy",
         lambda: compare.province_indicator_table(store, Selection(topic="ma_tuy"), fill=False)),
        ("province x year, communes_awareness_share",
         lambda: compare.province_year_table(store, Selection(), "communes_awareness_share", fill=False)),
        ("province x year, rehab_centre (district rows too)",
         lambda: compare.province_year_table(store, Selection(), "rehab_centre", fill=False)),
        ("province x year, rehab_centre --as-of 2025",
         lambda: compare.province_year_table(store, Selection(as_of=2025), "rehab_centre", fill=False)),
        ("agency x function, all provinces", lambda: compare.agency_function_table(store, Selection(), fill=False)),
        ("agency x function, --province Quảng Ninh",
         lambda: compare.agency_function_table(store, Selection(provinces=["Quảng Ninh"]), fill=False)),
        ("national documents x province", lambda: compare.national_documents_table(store, Selection(), fill=False)),
        ("other targets", lambda: compare.other_targets_table(store, Selection(), fill=False)),
    ]
    print("Build: query, group, cells (sources as references). Fill: document, page and sentence of")
    print("every source the table shows, done once before an export.")
    print(f"{'table':52} {'build s':>8} {'max s':>6} {'fill s':>7}  size")
    worst = 0.0
    for name, fn in cases:
        med, mx, table = timed(fn, args.repeat)
        worst = max(worst, med)
        shown = table.sources()
        t = time.perf_counter()
        compare.fill_sources(store, shown)
        fill = time.perf_counter() - t
        print(f"{name:52} {med:8.3f} {mx:6.3f} {fill:7.3f}  {size(table)}, {len(set(map(id, shown)))} sources")
    med, mx, report = timed(lambda: compare.build_report(store, Selection(years=[(2021, 2021)])), 1)
    print(f"{'whole report --year 2021 (every table)':52} {med:9.3f} {mx:7.3f}  {len(report.tables)} tables, "
          f"{len(report.sources)} sources")
    print(f"slowest table build: {worst:.3f} s")
    if args.export:
        from kehoach.store.export import write_html, write_xlsx

        with tempfile.TemporaryDirectory() as tmp:
            small = compare.build_report(store, Selection(years=[(2021, 2021)], topic="ma_tuy"))
            for fmt, fn in (("xlsx", lambda: write_xlsx(small, Path(tmp) / "r.xlsx")),
                            ("html", lambda: write_html(small, Path(tmp) / "r.html"))):
                med, _, path = timed(fn, 1)
                print(f"export {fmt} (--year 2021 --topic ma_tuy: {len(small.tables)} tables, "
                      f"{len(small.sources)} sources): {med:.2f} s, {path.stat().st_size / 2**20:.1f} MiB")
    store.close()


if __name__ == "__main__":
    main()
