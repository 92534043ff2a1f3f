"""Benchmark of bulk ingest: documents/s of `kehoach ingest` with a process pool and with Dask.

    python bench/batch.py              # the 4 text seeds, then 10 copies of each (40 files)
    python bench/batch.py --copies 25

Each run is the real command in a fresh interpreter, into a fresh SQLite store, and reports the
command's own summary (seconds from the first file hashed to the last one written, so worker
start-up and pipeline loading are included) and the wall time of the whole command (interpreter
start-up and, for Dask, starting the LocalCluster too). Copies differ by trailing newlines: new sha256,
same text, so every one is parsed and extracted.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kehoach.extract.paths import CORPORA, REPO

CONFIGS = [("--workers 1", ["--workers", "1"]), ("--workers 2", ["--workers", "2"]),
           ("--cluster local", ["--cluster", "local"])]
SUMMARY = re.compile(r"stored (\d+), skipped (\d+), failed (\d+) in ([\d.]+) s \(([\d.]+) docs/s\)")


def corpus(folder: Path, copies: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in sorted((CORPORA / "seeds").glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for i in range(copies):
            (folder / f"{seed.stem}-{i:03}.txt").write_text(text + "\n" * i, encoding="utf-8")
    return folder


def run(folder: Path, args: list[str], db: Path) -> tuple[int, float, float, float]:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "kehoach", "ingest", str(folder), "--db", str(db), *args],
                         cwd=REPO, capture_output=True, text=True)
    m = SUMMARY.search(out.stderr)
    if out.returncode != 0 or m is None:
        raise SystemExit(f"ingest failed ({out.returncode}):\n{out.stderr}")
    return int(m.group(1)), float(m.group(4)), float(m.group(5)), time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=10)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kehoach-bench-") as tmp:
        root = Path(tmp)
        sets = [("4 text seeds", corpus(root / "seeds", 1)),
                (f"{4 * opts.copies} copies of them", corpus(root / "copies", opts.copies))]
        print(f"{'files':<22} {'runner':<16} {'docs':>5} {'seconds':>8} {'docs/s':>7} {'wall s':>7}")
        for label, folder in sets:
            for name, args in CONFIGS:
                db = root / f"{folder.name}-{name.strip('-').replace(' ', '-')}.db"
                docs, seconds, rate, wall = run(folder, args, db)
                print(f"{label:<22} {name:<16} {docs:>5} {seconds:>8.1f} {rate:>7.2f} {wall:>7.1f}", flush=True)


if __name__ == "__main__":
    main()
