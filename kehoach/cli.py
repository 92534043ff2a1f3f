"""The kehoach command line. One verb per job; each does the obvious thing with one argument."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from kehoach.extract.errors import ParseError
from kehoach.extract.paths import CORPORA

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console()
err_console = Console(stderr=True)

SUPPORTED = {".txt", ".html", ".htm", ".docx", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def _files(paths: list[Path]) -> list[Path]:
    """Files named, and supported files found recursively in folders named."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=err_console, transient=True)


@app.command()
def parse(
    files: list[Path] = typer.Argument(..., help="files or folders to parse"),
    json_: bool = typer.Option(False, "--json", help="print the full Document as JSON"),
) -> None:
    """Parse files and print their outline (or the full Document with --json)."""
    from kehoach.extract.parse import parse as parse_file
    from kehoach.extract.outline import render_outline

    failed = 0
    for path in _files(files):
        try:
            doc = parse_file(path)
        except ParseError as exc:
            err_console.print(f"[red]error[/red] {exc}")
            failed += 1
            continue
        if json_:
            sys.stdout.write(doc.to_json(indent=1) + "\n")
        else:
            console.rule(f"{doc.source.name} ({doc.source.format}, {doc.source.page_count} pages)")
            console.print(render_outline(doc), markup=False, highlight=False)
    raise typer.Exit(3 if failed else 0)


def summary_table(paths: list[Path]) -> tuple[RichTable, int]:
    """Parse every file and tabulate what came out; failures are rows too."""
    from kehoach.extract.parse import parse as parse_file

    table = RichTable(title="Parsed documents")
    for col in ("file", "format", "pages", "OCR'd", "sections", "tables", "chars", "seconds", "note"):
        table.add_column(col, justify="right" if col not in ("file", "format", "note") else "left")
    failed = 0
    files = _files(paths)
    with _progress() as progress:
        task = progress.add_task("parsing", total=len(files))
        for path in files:
            progress.update(task, description=f"parsing {path.name}")
            try:
                doc = parse_file(path)
            except ParseError as exc:
                failed += 1
                table.add_row(path.name, "-", "-", "-", "-", "-", "-", "-", exc.reason)
            else:
                sections = sum(1 for b in doc.blocks if b.kind == "heading")
                note = "; ".join(sorted({f.kind for f in doc.flags}))
                table.add_row(doc.source.name, doc.source.format, str(doc.source.page_count),
                              str(len(doc.source.ocr_pages)), str(sections), str(len(doc.tables)),
                              f"{len(doc.text):,}", f"{doc.seconds:.2f}", note)
            progress.advance(task)
    return table, failed


@app.command()
def demo(
    corpus: Optional[Path] = typer.Argument(None, help="folder of documents (default: the bundled samples)"),
) -> None:
    """The main job on the sample corpus, as far as it is built: parse every sample and summarise."""
    paths = [corpus] if corpus else [CORPORA / "seeds", CORPORA / "rendered", CORPORA / "real"]
    table, failed = summary_table([p for p in paths if p.exists()])
    console.print(table)
    raise typer.Exit(3 if failed else 0)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
