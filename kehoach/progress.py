"""The batch progress bar (files/s, ETA) and the end-of-batch summary, on stderr with rich."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column
from rich.text import Text

from .batch import Summary


class RateColumn(ProgressColumn):
    """Files per second since the batch started (skipped files count: they are done too)."""

    def render(self, task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        if not elapsed or not task.completed:
            return Text("-- files/s", style="progress.data.speed")
        return Text(f"{task.completed / elapsed:.1f} files/s", style="progress.data.speed")


class RichReporter:
    """A ``batch.Reporter``: one bar, with counts of stored / skipped / failed."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.counts = {"stored": 0, "skipped": 0, "failed": 0}
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            RateColumn(table_column=Column(no_wrap=True)),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            TextColumn("{task.fields[counts]}"), console=console, transient=False)
        self.task = None

    def _counts(self) -> str:
        return " ".join(f"{k} {v}" for k, v in self.counts.items())

    def start(self, total: int, what: str) -> None:
        self.progress.start()
        self.task = self.progress.add_task(what, total=total, counts=self._counts())

    def advance(self, status: str, path: str, detail: str | None = None) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1
        if status == "failed":
            self.progress.console.print(f"[red]failed[/red] {escape(detail or path)}", soft_wrap=True)
        self.progress.update(self.task, advance=1, counts=self._counts())

    def stop(self) -> None:
        self.progress.stop()


def print_summary(console: Console, summary: Summary, verb: str = "stored") -> None:
    """One line of totals; the failures were printed as they happened."""
    console.print(f"{verb} {summary.stored}, skipped {summary.skipped}, failed {summary.failed} "
                  f"in {summary.seconds:.1f} s ({summary.docs_per_s:.2f} docs/s)", highlight=False)
    if summary.failed:
        console.print("failures are recorded in the store (table ingest_error)", highlight=False)


__all__ = ["RateColumn", "RichReporter", "print_summary"]
