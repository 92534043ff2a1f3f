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
    summary: bool = typer.Option(False, "--summary", help="one row per file: format, pages, OCR'd pages, sections, tables, seconds"),
) -> None:
    """Parse files and print their outline (or the full Document with --json)."""
    from kehoach.extract.parse import parse as parse_file
    from kehoach.extract.outline import render_outline

    if summary:
        table, failed = summary_table(files)
        console.print(table)
        raise typer.Exit(3 if failed else 0)
    failed = 0
    for path in _files(files):
        try:
            doc = parse_file(path)
        except Exception as exc:  # ParseError is the normal path; anything else is our bug
            _print_failure(path, exc)
            failed += 1
            continue
        if json_:
            sys.stdout.write(doc.to_json(indent=1) + "\n")
        else:
            console.rule(f"{doc.source.name} ({doc.source.format}, {doc.source.page_count} pages)")
            console.print(render_outline(doc), markup=False, highlight=False)
    raise typer.Exit(3 if failed else 0)


def _print_failure(path: Path, exc: Exception) -> None:
    """One line on stderr per failed file, never a traceback."""
    from rich.markup import escape

    if isinstance(exc, ParseError):
        line = str(exc)
    else:
        line = f"{path}: internal error ({type(exc).__name__}: {' '.join(str(exc).split())})"
    err_console.print(f"[red]error[/red] {escape(line)}", soft_wrap=True)


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
    db: str = typer.Option("out/demo.db", "--db", help="the store to load into"),
    out: Path = typer.Option(Path("out"), "--out", help="folder for the exported tables"),
) -> None:
    """The main job on the sample corpus: parse, extract, load, then print and export the tables."""
    from kehoach.demo import run_demo

    Path(db).parent.mkdir(parents=True, exist_ok=True) if "://" not in db else None
    raise typer.Exit(run_demo(corpus, db, out, console))


@app.command()
def extract(
    files: list[Path] = typer.Argument(..., help="files or folders to extract facts from"),
    json_: bool = typer.Option(False, "--json", help="print the facts as JSON (the gold shape)"),
    out: Optional[Path] = typer.Option(None, "--out", help="write <file name>.json per document here"),
    html: Optional[Path] = typer.Option(None, "--html", help="write a displaCy HTML view per document here"),
    no_cache: bool = typer.Option(False, "--no-cache", help="parse again even if a cached parse exists"),
) -> None:
    """Extract metadata, citations, agencies, targets and deadlines from documents."""
    import json as _json

    from kehoach.doccache import cached_parse
    from kehoach.extract.nlp.pipeline import annotated
    from kehoach.render import facts_view, html_view

    failed = 0
    for path in _files(files):
        try:
            document = cached_parse(path, use_cache=not no_cache)
        except ParseError as exc:
            err_console.print(f"[red]error[/red] {exc}")
            failed += 1
            continue
        sdoc, found = annotated(document)
        data = found.to_gold_dict()
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{path.name}.json").write_text(_json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        if html is not None:
            html.mkdir(parents=True, exist_ok=True)
            (html / f"{path.name}.html").write_text(html_view(sdoc, found), encoding="utf-8")
        if json_:
            sys.stdout.write(_json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        elif out is None and html is None:
            console.print(facts_view(document, found))
    raise typer.Exit(3 if failed else 0)


@app.command("eval")
def eval_(
    gold: Optional[list[Path]] = typer.Option(None, "--gold", help="gold folder(s); default: corpora/gold and corpora/gold/real"),
    fmt: str = typer.Option("source", "--format", help="source (as annotated), docx, pdf or scan (the seeds' renderings)"),
    by_doc: bool = typer.Option(False, "--by-doc", help="a row per document, with what was missed and extra"),
    out: Optional[Path] = typer.Option(None, "--out", help="also write the predictions here (for corpora/eval/score.py)"),
    json_: bool = typer.Option(False, "--json", help="print the scores as JSON"),
    minimum: Optional[list[str]] = typer.Option(None, "--min", help="KIND=F1 (or metadata=ACC): exit 1 below it"),
) -> None:
    """Score extraction against gold annotations: precision, recall, F1 per kind; metadata accuracy."""
    import json as _json

    from kehoach.evaluation import GOLD_SETS, evaluate
    from kehoach.render import doc_breakdown, score_table

    folders = gold or [p for p in GOLD_SETS.values() if p.exists()]
    failed: list[str] = []
    results = {}
    for folder in folders:
        with _progress() as progress:  # OCR'd sources take seconds a page on a first run
            task = progress.add_task(f"scoring {folder.name}", total=None)
            report, missing = evaluate(folder, fmt, out / folder.name if out else None,
                                       on_doc=lambda doc: progress.update(task, description=f"extracting {doc}"))
        results[str(folder)] = report.to_dict()
        if not json_:
            console.print(score_table(report, f"{folder} ({fmt})"))
            if by_doc:
                console.print(doc_breakdown(report))
            for m in missing:
                err_console.print(f"[yellow]not scored[/yellow] {m.doc}: {m.reason}")
        for spec in minimum or []:
            kind, _, value = spec.partition("=")
            got = report.f1(kind)
            if got is not None and got < float(value):
                failed.append(f"{folder.name}: {kind} {got:.3f} < {value}")
    if json_:
        sys.stdout.write(_json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    if failed:
        err_console.print("below minimum: " + "; ".join(failed))
        raise typer.Exit(1)


# -- store: bulk loading and queries (logic in kehoach.batch_cli and kehoach.queries_cli) ----
_DB_HELP = "store: a SQLite file or a SQLAlchemy URL (postgresql+psycopg://...); default kehoach.db"
_WORKERS_HELP = "worker processes (default: one per core; 0 = in this process)"
_CLUSTER_HELP = "run on Dask: 'local' (a LocalCluster) or a scheduler address tcp://host:8786"
_FORMAT_HELP = "table, csv or json"


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="files or folders (searched recursively)"),
    db: Optional[str] = typer.Option(None, "--db", envvar="KEHOACH_DB", help=_DB_HELP),
    workers: Optional[int] = typer.Option(None, "--workers", min=0, help=_WORKERS_HELP),
    cluster: Optional[str] = typer.Option(None, "--cluster", help=_CLUSTER_HELP),
    timeout: Optional[float] = typer.Option(None, "--timeout", help="seconds allowed per file (default 600)"),
) -> None:
    """Parse, extract and store files; skip those stored already; exit 3 if some failed."""
    from kehoach.batch_cli import run_ingest

    raise typer.Exit(run_ingest(paths, db, workers, cluster, timeout, err_console))


@app.command()
def reextract(
    stale: bool = typer.Option(False, "--stale", help="documents made by another extractor version (default)"),
    all_: bool = typer.Option(False, "--all", help="every stored document"),
    db: Optional[str] = typer.Option(None, "--db", envvar="KEHOACH_DB", help=_DB_HELP),
    workers: Optional[int] = typer.Option(None, "--workers", min=0, help=_WORKERS_HELP),
    cluster: Optional[str] = typer.Option(None, "--cluster", help=_CLUSTER_HELP),
    timeout: Optional[float] = typer.Option(None, "--timeout", help="seconds allowed per document"),
) -> None:
    """Extract stored documents again from their stored text (no parsing, no OCR)."""
    from kehoach.batch_cli import run_reextract

    if stale and all_:
        raise typer.BadParameter("--stale and --all exclude each other")
    raise typer.Exit(run_reextract(not all_, db, workers, cluster, timeout, err_console))


@app.command()
def targets(
    province: Optional[str] = typer.Option(None, "--province", help="any old or new name"),
    year: Optional[int] = typer.Option(None, "--year", help="targets that apply in this year"),
    topic: Optional[str] = typer.Option(None, "--topic"),
    agency: Optional[str] = typer.Option(None, "--agency", help="plans that make this agency responsible"),
    text: Optional[str] = typer.Option(None, "--text", help="words in the target (diacritics optional)"),
    as_of_2025: bool = typer.Option(False, "--as-of-2025", help="include units merged into the province in 2025"),
    limit: Optional[int] = typer.Option(None, "--limit"),
    fmt: str = typer.Option("table", "--format", help=_FORMAT_HELP),
    db: Optional[str] = typer.Option(None, "--db", envvar="KEHOACH_DB", help=_DB_HELP),
) -> None:
    """Quantified targets, each with its document, page and sentence."""
    from kehoach.queries_cli import run_query

    raise typer.Exit(run_query(db, "targets", fmt, console, province=province, year=year, topic=topic,
                               agency=agency, text=text, as_of_2025=as_of_2025, limit=limit))


@app.command()
def docs(
    province: Optional[str] = typer.Option(None, "--province", help="any old or new name"),
    year: Optional[int] = typer.Option(None, "--year"),
    topic: Optional[str] = typer.Option(None, "--topic"),
    text: Optional[str] = typer.Option(None, "--text", help="words in the document (diacritics optional)"),
    as_of_2025: bool = typer.Option(False, "--as-of-2025", help="include units merged into the province in 2025"),
    limit: Optional[int] = typer.Option(None, "--limit"),
    fmt: str = typer.Option("table", "--format", help=_FORMAT_HELP),
    db: Optional[str] = typer.Option(None, "--db", envvar="KEHOACH_DB", help=_DB_HELP),
) -> None:
    """Stored documents, their metadata and how many facts each holds."""
    from kehoach.queries_cli import run_query

    raise typer.Exit(run_query(db, "docs", fmt, console, province=province, year=year, topic=topic,
                               text=text, as_of_2025=as_of_2025, limit=limit))


@app.command()
def agencies(
    province: Optional[str] = typer.Option(None, "--province", help="any old or new name"),
    unknown: bool = typer.Option(False, "--unknown", help="only names the gazetteer does not know (to review)"),
    as_of_2025: bool = typer.Option(False, "--as-of-2025", help="include units merged into the province in 2025"),
    limit: Optional[int] = typer.Option(None, "--limit"),
    fmt: str = typer.Option("table", "--format", help=_FORMAT_HELP),
    db: Optional[str] = typer.Option(None, "--db", envvar="KEHOACH_DB", help=_DB_HELP),
) -> None:
    """Agencies plans make responsible, with their roles, tasks and the sentence that says so."""
    from kehoach.queries_cli import run_query

    raise typer.Exit(run_query(db, "agencies", fmt, console, province=province, as_of_2025=as_of_2025,
                               known=False if unknown else None, limit=limit))


@app.command()
def citations(
    cited: Optional[str] = typer.Option(None, "--cited", help="a citation key or a number as written (361/QĐ-TTg)"),
    province: Optional[str] = typer.Option(None, "--province", help="plans of this province"),
    as_of_2025: bool = typer.Option(False, "--as-of-2025", help="include units merged into the province in 2025"),
    limit: Optional[int] = typer.Option(None, "--limit"),
    fmt: str = typer.Option("table", "--format", help=_FORMAT_HELP),
    db: Optional[str] = typer.Option(None, "--db", envvar="KEHOACH_DB", help=_DB_HELP),
) -> None:
    """Which plans cite which documents (--cited KEY: the plans citing that one)."""
    from kehoach.queries_cli import run_query

    raise typer.Exit(run_query(db, "citations", fmt, console, cited=cited, province=province,
                               as_of_2025=as_of_2025, limit=limit))


# -- comparison tables (logic in kehoach.compare_cli, kehoach.store.compare and .export) ----
@app.command()
def compare(
    indicator: Optional[list[str]] = typer.Option(None, "--indicator", help="indicator id (kehoach indicators); repeatable"),
    topic: Optional[str] = typer.Option(None, "--topic", help="every indicator of a topic (ma_tuy, mai_dam, ...)"),
    province: Optional[list[str]] = typer.Option(None, "--province", help="any old or new name; repeatable"),
    year: Optional[list[str]] = typer.Option(None, "--year", help="2021 or a period 2016-2020; repeatable"),
    as_of: Optional[int] = typer.Option(None, "--as-of", help="2025: group old provinces under their 2025 successors"),
    lang: str = typer.Option("vi", "--lang", help="vi (default) or en"),
    fmt: str = typer.Option("table", "--format", help="table, md, csv, xlsx or html"),
    out: Optional[Path] = typer.Option(None, "--out", help="file to write (xlsx needs it)"),
    table: Optional[list[str]] = typer.Option(None, "--table", help="indicators, years, agencies, national, other; repeatable"),
    db: Optional[str] = typer.Option(None, "--db", envvar="KEHOACH_DB", help=_DB_HELP),
) -> None:
    """Cross-province comparison tables, every figure with its document, page and sentence."""
    from kehoach.compare_cli import run_compare

    raise typer.Exit(run_compare(db, indicator, topic, province, year, as_of, lang, fmt, out, table, console))


@app.command()
def indicators(
    lang: str = typer.Option("vi", "--lang", help="vi (default) or en"),
    rematch: bool = typer.Option(False, "--rematch", help="match every stored target again"),
    fmt: str = typer.Option("table", "--format", help=_FORMAT_HELP),
    db: Optional[str] = typer.Option(None, "--db", envvar="KEHOACH_DB", help=_DB_HELP),
) -> None:
    """The indicator taxonomy (models/indicators.yaml) and how many stored targets each has."""
    from kehoach.compare_cli import run_indicators

    raise typer.Exit(run_indicators(db, lang, rematch, fmt, console))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
