"""`kehoach demo`: the main job on the bundled sample corpus, end to end.

parse -> extract -> load (a SQLite store) -> print the comparison tables -> export them.
Re-running it skips what the store holds already (same file, same sha256).
"""
from __future__ import annotations

from pathlib import Path

from rich.console import Console

from kehoach.extract.paths import CORPORA


def samples() -> list[Path]:
    """The four seed plans (web copies), the team's plans in other domains, and the real scanned /
    digital PDFs and DOCX of two provinces. Not corpora/rendered/ (the seeds again, in other
    formats, for tests) nor corpora/real/transcripts/ (human readings of the scans): loading them
    would only repeat the same figures."""
    real = sorted(p for p in (CORPORA / "real").glob("*") if p.suffix in (".pdf", ".docx"))
    return [CORPORA / "seeds", CORPORA / "plans", *real]


def run_demo(corpus: Path | None, db: str, out: Path, console: Console) -> int:
    from kehoach.batch_cli import run_ingest
    from kehoach.compare_cli import run_compare
    from kehoach.queries_cli import run_query

    paths = [corpus] if corpus else samples()
    console.rule("1. parse, extract and load")
    status = run_ingest(paths, db, workers=None, cluster=None, timeout_s=None, console=console)
    console.rule("2. what the store holds")
    run_query(db, "docs", "table", console)
    console.rule("3. comparison: province × indicator")
    run_compare(db, None, None, None, None, None, "vi", "table", None, ["indicators"], console)
    console.rule("4. exports (every table, with a sources sheet / links to the sentences)")
    out.mkdir(parents=True, exist_ok=True)
    for fmt in ("xlsx", "html", "md"):
        run_compare(db, None, None, None, None, None, "vi", fmt, out / f"compare.{fmt}", None, console)
    return status
