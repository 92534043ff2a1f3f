"""``kehoach ingest`` and ``kehoach reextract``: open the store and a runner, run, summarise.

The work itself is in ``kehoach.batch``; this module only wires options to it and prints.
"""
from __future__ import annotations

from pathlib import Path

from rich.console import Console

from .batch import HARD_TIMEOUT_GRACE_S, ingest, reextract, warm_up
from .progress import RichReporter, print_summary
from .runners import open_runner


def _settings(timeout_s: float | None, workers: int | None):
    import dataclasses

    from kehoach.extract.settings import DEFAULT

    changes = {}
    if timeout_s is not None:
        changes["timeout_s"] = timeout_s
    if workers and workers > 1:  # OCR threads per file: share the cores with the other workers
        changes["ocr_workers"] = max(1, DEFAULT.ocr_workers // workers)
    return dataclasses.replace(DEFAULT, **changes)


def run_ingest(paths: list[Path], db: str | None, workers: int | None, cluster: str | None,
               timeout_s: float | None, console: Console) -> int:
    from kehoach.store.db import open_store

    settings = _settings(timeout_s, workers)
    store = open_store(db)
    try:
        # Parsing and extraction each have the time limit; past both (and a grace), the worker is killed.
        hard = 2 * settings.timeout_s + HARD_TIMEOUT_GRACE_S
        with open_runner(workers, cluster, hard, warm_up) as runner:
            summary = ingest(store, paths, runner, settings=settings, reporter=RichReporter(console))
        if summary.stored:
            store.optimize()  # fresh statistics: PostgreSQL's planner picks bad plans without them
    finally:
        store.close()
    print_summary(console, summary, "stored")
    return summary.exit_code


def run_reextract(stale: bool, db: str | None, workers: int | None, cluster: str | None,
                  timeout_s: float | None, console: Console) -> int:
    from kehoach.store.db import open_store

    settings = _settings(timeout_s, workers)
    store = open_store(db)
    try:
        with open_runner(workers, cluster, settings.timeout_s + HARD_TIMEOUT_GRACE_S, warm_up) as runner:
            summary = reextract(store, runner, stale=stale, timeout_s=settings.timeout_s,
                                reporter=RichReporter(console))
    finally:
        store.close()
    print_summary(console, summary, "re-extracted")
    return summary.exit_code


__all__ = ["run_ingest", "run_reextract"]
