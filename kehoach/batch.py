"""Bulk ingest and re-extraction: workers compute, the parent writes.

``ingest(store, paths, runner)`` finds files (folders recursively), hashes each one and skips
those whose sha256 is stored already -- before any parsing -- then has the runner's workers
parse and extract the rest. ``reextract(store, runner, stale=True)`` sends the stored parsed
text back through extraction (no parsing, no OCR) and replaces each document's facts.

Only this process writes to the store, one transaction per document, in order of completion.
That is what makes a batch safe to kill at any moment: a document is either fully stored or not
at all, and the rerun skips what is stored (same sha256) or no longer stale.

Runners (``kehoach.runners``) decide where the work runs: in this process, a process pool, or a
Dask cluster. The work functions here are top-level and take one picklable task, so any of them
can ship it. A failure -- a ``ParseError``, any exception, a timeout, a crashed worker -- becomes
an ``IngestError`` row naming the file and the reason, and the batch goes on.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Literal, Protocol

from kehoach.extract.document import Document
from kehoach.extract.errors import ParseError
from kehoach.extract.model import Extraction
from kehoach.extract.settings import DEFAULT, ParseSettings

# What a folder is searched for; a file named on the command line is tried whatever its name.
SUPPORTED = frozenset({".txt", ".html", ".htm", ".docx", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})
HARD_TIMEOUT_GRACE_S = 60.0  # beyond the in-worker limit, before the parent kills a stuck worker

Status = Literal["stored", "skipped", "failed"]


# -- finding and hashing files -------------------------------------------------------------------
def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and supported files found recursively in folders named (sorted per folder)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*")
                              if f.is_file() and f.suffix.lower() in SUPPORTED
                              and not f.name.startswith(("~$", "."))))  # Office lock files, dotfiles
        else:
            out.append(p)
    return out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# -- work done by workers (no database here) -----------------------------------------------------
@dataclass(frozen=True)
class IngestTask:
    path: str
    sha256: str
    settings: ParseSettings = DEFAULT


@dataclass(frozen=True)
class ReextractTask:
    document_id: int
    document: Document
    timeout_s: float = DEFAULT.timeout_s


@dataclass
class Outcome:
    """What a worker hands back for one task: a Document and its Extraction, or why not."""

    path: str
    sha256: str | None
    document: Document | None = None
    extraction: Extraction | None = None
    extractor_version: str = ""
    models_hash: str | None = None
    started: datetime | None = None
    finished: datetime | None = None
    error: str | None = None  # set when parsing or extraction failed
    stage: Literal["parse", "extract", "worker", "store"] | None = None
    worker: str = ""
    document_id: int | None = None  # for re-extraction

    @property
    def ok(self) -> bool:
        return self.error is None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _reason(exc: BaseException) -> str:
    """One line naming what went wrong; a ParseError already names file and reason."""
    if isinstance(exc, ParseError):
        return str(exc)
    return " ".join(f"internal error ({type(exc).__name__}: {exc})".split())


def _extract_into(outcome: Outcome, document: Document, timeout_s: float) -> Outcome:
    from kehoach.extract.nlp.pipeline import extract, extractor_version, model_hash
    from kehoach.extract.parse.guard import run_with_time_limit

    outcome.extractor_version, outcome.models_hash = extractor_version(), model_hash()
    try:
        outcome.extraction = run_with_time_limit(lambda: extract(document), document.source.path, timeout_s)
    except Exception as exc:
        outcome.error, outcome.stage = _reason(exc), "extract"
    outcome.finished = _now()
    return outcome


def ingest_one(task: IngestTask) -> Outcome:
    """Parse and extract one file. Never raises: failures come back in the Outcome."""
    from kehoach.extract.parse import parse

    outcome = Outcome(path=task.path, sha256=task.sha256, started=_now(), worker=_worker_name())
    try:
        document = parse(task.path, task.settings)
    except Exception as exc:
        outcome.error, outcome.stage, outcome.finished = _reason(exc), "parse", _now()
        return outcome
    outcome.document, outcome.sha256 = document, document.source.sha256
    return _extract_into(outcome, document, task.settings.timeout_s)


def reextract_one(task: ReextractTask) -> Outcome:
    """Extract again from a stored Document. Never raises."""
    src = task.document.source
    outcome = Outcome(path=src.path, sha256=src.sha256, started=_now(), worker=_worker_name(),
                      document_id=task.document_id)
    return _extract_into(outcome, task.document, task.timeout_s)


def warm_up() -> None:
    """Load the extraction pipeline once per worker, before the first file is timed."""
    from kehoach.extract.nlp.pipeline import load

    load()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# -- where the work runs ---------------------------------------------------------------------------
class Runner(Protocol):
    """Runs ``func`` over tasks, pulled lazily, yielding ``(task, result)`` as each finishes.

    ``result`` is what ``func`` returned, or a ``str`` saying why the worker gave nothing back
    (it died, timed out, or the cluster lost it)."""

    def imap_unordered(self, func: Callable, tasks: Iterable) -> Iterator[tuple[object, object]]: ...


def as_outcome(task: IngestTask | ReextractTask, result: object) -> Outcome:
    if isinstance(result, Outcome):
        return result
    if isinstance(task, IngestTask):
        outcome = Outcome(path=task.path, sha256=task.sha256)
    else:
        src = task.document.source
        outcome = Outcome(path=src.path, sha256=src.sha256, document_id=task.document_id)
    outcome.error = f"{outcome.path}: {result}"
    outcome.stage = "worker"
    return outcome


# -- progress and summary ----------------------------------------------------------------------------
class Reporter(Protocol):
    def start(self, total: int, what: str) -> None: ...
    def advance(self, status: Status, path: str, detail: str | None = None) -> None: ...
    def stop(self) -> None: ...


class NullReporter:
    def start(self, total: int, what: str) -> None:
        pass

    def advance(self, status: Status, path: str, detail: str | None = None) -> None:
        pass

    def stop(self) -> None:
        pass


@dataclass
class Summary:
    stored: int = 0  # documents written (ingest) or re-extracted (reextract)
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    @property
    def docs_per_s(self) -> float:
        return self.stored / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        return 3 if self.failed else 0

    def to_dict(self) -> dict:
        return {**dataclasses.asdict(self), "docs_per_s": round(self.docs_per_s, 3)}


class _Tally:
    def __init__(self, reporter: Reporter) -> None:
        self.summary = Summary()
        self.reporter = reporter
        self.started = time.perf_counter()

    def add(self, status: Status, reason: str | None = None, *, path: str) -> None:
        if status == "stored":
            self.summary.stored += 1
        elif status == "skipped":
            self.summary.skipped += 1
        else:
            self.summary.failed += 1
            self.summary.failures.append((path, reason or "failed"))
        self.reporter.advance(status, path, reason)

    def done(self) -> Summary:
        self.summary.seconds = round(time.perf_counter() - self.started, 3)
        self.reporter.stop()
        return self.summary


# -- the parent: hashing, skipping, writing ---------------------------------------------------------
def run_info(outcome: Outcome, status: str = "ok", error: str | None = None):
    from kehoach.store.load import RunInfo

    ext = outcome.extraction
    seconds = ext.seconds if ext is not None else None
    timings = {"worker": outcome.worker}
    if outcome.document is not None:
        timings["parse_seconds"] = outcome.document.seconds
    return RunInfo(extractor_version=outcome.extractor_version or "unknown",
                   models_hash=outcome.models_hash, started=outcome.started,
                   finished=outcome.finished, seconds=seconds, status=status, error=error,
                   timings=timings)


def ingest(store, paths: Iterable[str | Path], runner: Runner, *, settings: ParseSettings = DEFAULT,
           reporter: Reporter | None = None) -> Summary:
    """Store every file under ``paths`` not stored yet; see the module docstring."""
    from kehoach.store.load import document_exists, record_ingest_error

    files = find_files(paths)
    tally = _Tally(reporter or NullReporter())
    tally.reporter.start(len(files), "ingest")
    seen: set[str] = set()

    def tasks() -> Iterator[IngestTask]:
        # Hash first: a stored file costs one read and one query, never a parse.
        for path in files:
            try:
                sha = file_sha256(path)
            except OSError as exc:
                reason = f"{path}: {exc.strerror or exc}"
                record_ingest_error(store, str(path), None, reason)
                tally.add("failed", reason, path=str(path))
                continue
            if sha in seen or document_exists(store, sha):
                tally.add("skipped", path=str(path))
                continue
            seen.add(sha)
            yield IngestTask(str(path), sha, settings)

    try:
        for task, result in runner.imap_unordered(ingest_one, tasks()):
            tally.add(*store_outcome(store, as_outcome(task, result)), path=task.path)
    finally:
        summary = tally.done()
    return summary


def store_outcome(store, outcome: Outcome) -> tuple[Status, str | None]:
    """Write what a worker made of one file, in one transaction; ("stored" | "failed", reason).

    A file that did not parse is recorded as an IngestError. One that parsed but failed
    extraction is stored with a failed ExtractionRun and no facts -- the parse (OCR above all)
    is the costly part -- recorded too, and ``reextract --stale`` picks it up again."""
    from kehoach.store.load import record_ingest_error, save_parsed_and_extracted

    if outcome.document is None:
        reason = outcome.error or f"{outcome.path}: failed"
        record_ingest_error(store, outcome.path, outcome.sha256, reason)
        return "failed", reason
    extraction, status = outcome.extraction, "ok"
    if extraction is None:
        extraction = Extraction(doc=outcome.document.source.name, extractor_version=outcome.extractor_version)
        status = "error"
    try:
        save_parsed_and_extracted(store, outcome.document, extraction,
                                  run_info(outcome, status, outcome.error))
    except Exception as exc:  # one document the store refuses must not stop the batch
        reason = f"{outcome.path}: store refused it ({_reason(exc)})"
        record_ingest_error(store, outcome.path, outcome.sha256, reason)
        return "failed", reason
    if status == "error":
        reason = outcome.error or f"{outcome.path}: extraction failed"
        record_ingest_error(store, outcome.path, outcome.sha256, reason)
        return "failed", reason
    return "stored", None


def documents_to_reextract(store, stale: bool = True, version: str | None = None) -> list[int]:
    """Ids of documents to extract again: all of them, or those made by another extractor
    version or whose current run failed."""
    from sqlalchemy import select

    from kehoach.store.load import all_document_ids, stale_document_ids
    from kehoach.store.schema import Document as DocumentRow
    from kehoach.store.schema import ExtractionRun

    if not stale:
        return all_document_ids(store)
    if version is None:
        from kehoach.extract.nlp.pipeline import extractor_version

        version = extractor_version()
    ids = set(stale_document_ids(store, version))
    doc, run = DocumentRow.__table__, ExtractionRun.__table__
    with store.read() as conn:
        ids.update(conn.execute(select(doc.c.id).join(run, run.c.id == doc.c.run_id)
                                .where(run.c.status != "ok")).scalars())
    return sorted(ids)


def reextract(store, runner: Runner, *, stale: bool = True, version: str | None = None,
              timeout_s: float = DEFAULT.timeout_s, reporter: Reporter | None = None) -> Summary:
    """Extract stored documents again from their stored text, replacing facts atomically.
    ``version``: what counts as current for ``stale`` (default: this extractor's version)."""
    from kehoach.store.load import record_ingest_error, replace_extraction, stored_document

    ids = documents_to_reextract(store, stale=stale, version=version)
    tally = _Tally(reporter or NullReporter())
    tally.reporter.start(len(ids), "re-extract")

    def tasks() -> Iterator[ReextractTask]:
        for doc_id in ids:  # loaded one at a time, as workers become free
            yield ReextractTask(doc_id, stored_document(store, doc_id), timeout_s)

    try:
        for task, result in runner.imap_unordered(reextract_one, tasks()):
            outcome = as_outcome(task, result)
            reason = outcome.error
            if outcome.ok:
                try:
                    replace_extraction(store, task.document_id, outcome.extraction, run_info(outcome))
                except Exception as exc:
                    reason = f"{outcome.path}: store refused it ({_reason(exc)})"
                else:
                    tally.add("stored", path=outcome.path)
                    continue
            # The old facts stay as they were; the failure is recorded and the batch goes on.
            reason = f"re-extraction failed: {reason}"
            record_ingest_error(store, outcome.path, outcome.sha256, reason)
            tally.add("failed", reason, path=outcome.path)
    finally:
        summary = tally.done()
    return summary


__all__ = [
    "IngestTask", "NullReporter", "Outcome", "ReextractTask", "Reporter", "Runner", "SUPPORTED",
    "Summary", "documents_to_reextract", "store_outcome", "file_sha256", "find_files", "ingest", "ingest_one",
    "reextract", "reextract_one", "warm_up",
]
