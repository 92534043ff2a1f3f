"""Writing Documents and Extractions into the store, each document all or nothing.

- ``save_parsed_and_extracted``: the Document row, its parsed text and structure, an
  ExtractionRun and every fact, all or nothing. Keyed on the file's sha256: a second call
  for the same file writes nothing and returns the stored id.
- ``replace_extraction``: a new ExtractionRun whose facts replace the document's old ones,
  all or nothing (re-extraction).
- ``stored_document``: the parsed Document back, without parsing or OCR.
- ``record_ingest_error``: a file that failed, once per distinct (path, sha256, error).
- ``save_many``: several documents in one transaction (bulk loads); when one of them fails,
  the others are stored one by one, so every document is still all or nothing.

Rows are written with SQLAlchemy Core in bulk (one executemany per table per transaction);
canonical agencies and cited legal documents are looked up once per process and cached.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.exc import IntegrityError

from kehoach.extract.citekey import citation_key, normalize_number
from kehoach.extract.document import Block, Document, Page
from kehoach.extract.model import Extraction

from . import fts
from .agencies import resolve as resolve_agency
from .agencies import resolve_known
from .db import Store
from .provinces import resolve_province
from .schema import (
    Agency, Assignment, Citation, Deadline, DocumentText, DocumentTopic, ExtractionRun,
    IngestError, LegalDocument, Target,
)
from .schema import Document as DocumentRow

T_DOC = DocumentRow.__table__
T_TEXT = DocumentText.__table__
T_TOPIC = DocumentTopic.__table__
T_RUN = ExtractionRun.__table__
T_TARGET = Target.__table__
T_ASSIGN = Assignment.__table__
T_DEADLINE = Deadline.__table__
T_CITATION = Citation.__table__
T_AGENCY = Agency.__table__
T_LEGAL = LegalDocument.__table__
T_ERROR = IngestError.__table__


def _with_search(t):
    """``t`` plus PostgreSQL's ``search`` tsvector column (migration 0007), which the models
    leave out: the loader writes the vectors itself (``fts.pg_tsvector``)."""
    return sa_table(t.name, *[sa_column(c.name, c.type) for c in t.columns],
                    sa_column("search", TSVECTOR))


PG_TARGET = _with_search(T_TARGET)
PG_TEXT = _with_search(T_TEXT)

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SENTENCE_END = re.compile(r"[.;!?](?=\s)|\n")
SENTENCE_LIMIT = 300


@dataclass
class RunInfo:
    """How an Extraction was made, for its ExtractionRun row."""

    extractor_version: str
    models_hash: str | None = None
    started: datetime | None = None
    finished: datetime | None = None
    seconds: float | None = None
    status: str = "ok"  # "ok" / "error"
    error: str | None = None
    timings: dict[str, Any] = field(default_factory=dict)  # anything else worth keeping


def now() -> datetime:
    return datetime.now(timezone.utc)


# -- public verbs ---------------------------------------------------------------------------
def document_exists(store: Store, sha256: str) -> bool:
    return document_id(store, sha256) is not None


def document_id(store: Store, sha256: str) -> int | None:
    with store.read() as conn:
        return conn.execute(select(T_DOC.c.id).where(T_DOC.c.sha256 == sha256)).scalar()


def save_parsed_and_extracted(store: Store, document: Document, extraction: Extraction,
                              run_info: RunInfo) -> int:
    """Store a parsed Document and its Extraction in one transaction; returns the document id.

    Idempotent on the file's sha256: when it is stored already, nothing is written and the
    stored id comes back."""
    try:
        return _save_batch(store, [(document, extraction, run_info)])[0]
    except IntegrityError:
        # Another process stored the same file between our check and our insert.
        existing = document_id(store, document.source.sha256)
        if existing is None:
            raise
        return existing


def save_many(store: Store, items: list[tuple[Document, Extraction, RunInfo]]) -> list[int | Exception]:
    """Store several documents in one transaction; per item, its id (or the exception that
    kept it out). When the batch fails, each document is tried alone, so one bad document
    costs only itself."""
    if not items:
        return []
    try:
        return list(_save_batch(store, items))
    except Exception:
        if len(items) == 1:
            raise
    out: list[int | Exception] = []
    for item in items:
        try:
            out.append(save_parsed_and_extracted(store, *item))
        except Exception as exc:  # returned, not raised: the caller records it per file
            out.append(exc)
    return out


def replace_extraction(store: Store, document_id: int, extraction: Extraction,
                       run_info: RunInfo) -> None:
    """Replace a document's facts with those of a new extraction run, atomically."""
    batch = _Batch(store)
    with store.write() as conn:
        text = conn.execute(select(T_TEXT.c.text).where(T_TEXT.c.document_id == document_id)).scalar()
        if text is None:
            raise KeyError(f"no stored document with id {document_id}")
        if store.dialect == "sqlite":
            fts.sqlite_unindex_targets(conn, document_id)
        for table in (T_TARGET, T_ASSIGN, T_DEADLINE, T_CITATION, T_TOPIC):
            conn.execute(delete(table).where(table.c.document_id == document_id))
        meta = _metadata_columns(extraction, _province_id(store, extraction.metadata.province))
        conn.execute(update(T_DOC).where(T_DOC.c.id == document_id).values(**meta))
        # The document's own citation key may have changed: links to it are made again.
        conn.execute(update(T_CITATION).where(T_CITATION.c.cited_document_id == document_id)
                     .values(cited_document_id=None))
        batch.add(_Pending(doc_id=document_id, meta=meta, text=text, extraction=extraction,
                           info=run_info))
        batch.flush(conn)
    batch.commit_cache()


def _save_batch(store: Store, items) -> list[int]:
    batch = _Batch(store)
    with store.write() as conn:
        shas = list({d.source.sha256 for d, _, _ in items})
        stored = dict(conn.execute(select(T_DOC.c.sha256, T_DOC.c.id).where(T_DOC.c.sha256.in_(shas))).all())
        firsts: dict[str, _Pending] = {}
        order: list[int | _Pending] = []
        for document, extraction, info in items:
            sha = document.source.sha256
            if sha in stored:
                order.append(stored[sha])
            elif sha in firsts:  # the same file twice in one batch: stored once
                order.append(firsts[sha])
            else:
                meta = _metadata_columns(extraction, _province_id(store, extraction.metadata.province))
                pending = _Pending(doc_id=None, meta=meta, text=document.text, extraction=extraction,
                                   info=info, document=document)
                firsts[sha] = pending
                batch.add(pending)
                order.append(pending)
        batch.flush(conn)
    batch.commit_cache()
    return [o.doc_id if isinstance(o, _Pending) else o for o in order]


def stored_document(store: Store, document_id: int) -> Document:
    """The parsed Document as stored: no re-parse, no OCR."""
    with store.read() as conn:
        row = conn.execute(select(T_TEXT.c.text, T_TEXT.c.parsed, T_TEXT.c.parse_seconds)
                           .where(T_TEXT.c.document_id == document_id)).first()
    if row is None:
        raise KeyError(f"no stored document with id {document_id}")
    document = unpack_document(row.text, row.parsed)
    document.seconds = row.parse_seconds
    return document


def record_ingest_error(store: Store, path: str, sha256: str | None, error: str) -> None:
    """Record a file that could not be stored (once per distinct path, sha256 and error)."""
    key = hashlib.sha256("\0".join((str(path), sha256 or "", error)).encode()).hexdigest()
    row = {"key": key, "path": str(path), "sha256": sha256, "error": error, "at": now()}
    with store.write() as conn:
        _insert_ignore(conn, store.dialect, T_ERROR, [row], "key")


def stale_document_ids(store: Store, extractor_version: str) -> list[int]:
    """Documents whose stored facts were made by another extractor version."""
    with store.read() as conn:
        return list(conn.execute(
            select(T_DOC.c.id).where(or_(T_DOC.c.extractor_version.is_(None),
                                         T_DOC.c.extractor_version != extractor_version))
            .order_by(T_DOC.c.id)).scalars())


def all_document_ids(store: Store) -> list[int]:
    with store.read() as conn:
        return list(conn.execute(select(T_DOC.c.id).order_by(T_DOC.c.id)).scalars())


# -- Document <-> stored JSON ------------------------------------------------------------------
def pack_document(document: Document) -> tuple[str, dict]:
    """(text, parsed): the Document as JSON without its text, so the text is stored once.

    Blocks and pages, the bulk of it, are stored as columns ({"fields": [...], "rows":
    [[...], ...]}) and a block's text is left out (null) when its offsets give it back, which
    is nearly always. Written out field by field: ``dataclasses.asdict`` deep-copies and costs
    more than the rest of a load."""
    text = document.text
    block_fields = [f.name for f in dataclasses.fields(Block)]
    at = block_fields.index("text")
    blocks = []
    for b in document.blocks:
        d = b.__dict__
        row = [d[f] for f in block_fields]
        if text[b.start:b.end] == b.text:
            row[at] = None
        blocks.append(row)
    page_fields = [f.name for f in dataclasses.fields(Page)]
    parsed = {
        "source": dict(document.source.__dict__),
        "pages": {"fields": page_fields,
                  "rows": [[p.__dict__[f] for f in page_fields] for p in document.pages]},
        "blocks": {"fields": block_fields, "rows": blocks},
        "tables": [dict(t.__dict__) for t in document.tables],
        "outline": _section(document.outline),
        "header": {k: (dict(v.__dict__) if v is not None else None)
                   for k, v in document.header.__dict__.items()},
        "flags": [dict(f.__dict__) for f in document.flags],
    }
    return text, parsed


def _section(section) -> dict | None:
    if section is None:
        return None
    d = dict(section.__dict__)
    d["children"] = [_section(c) for c in section.children]
    return d


def _rows(packed) -> list[dict]:
    """Columns back to one dict per item (a plain list of dicts passes through)."""
    if isinstance(packed, dict):
        return [dict(zip(packed["fields"], row)) for row in packed["rows"]]
    return list(packed)


def unpack_document(text: str, parsed: dict) -> Document:
    data = dict(parsed)
    data["text"] = text
    data["pages"] = _rows(parsed["pages"])
    data["blocks"] = [b if b.get("text") is not None else {**b, "text": text[b["start"]:b["end"]]}
                      for b in _rows(parsed["blocks"])]
    return Document.from_dict(data)


# -- rows ------------------------------------------------------------------------------------
def sentence_around(text: str, start: int, end: int, limit: int = SENTENCE_LIMIT) -> str:
    """The sentence (or line) holding text[start:end], at most ``limit`` characters."""
    lo = max(0, start - limit)
    head = text[lo:start]
    cut = [m.end() for m in _SENTENCE_END.finditer(head)]
    s = lo + cut[-1] if cut else lo
    m = _SENTENCE_END.search(text, end, min(len(text), end + limit))
    e = m.end() if m and text[m.start()] != "\n" else (m.start() if m else min(len(text), end + limit))
    sentence = text[s:e].strip()
    if len(sentence) > limit:  # keep the span itself and what surrounds it evenly
        room = max(0, limit - (end - start)) // 2
        sentence = text[max(s, start - room):min(e, end + room)].strip()
    return " ".join(sentence.split())


def years_of(period: str | None, extraction: Extraction) -> tuple[int | None, int | None]:
    """The years a target applies to: those in its period, else the plan period, else the
    year of issue."""
    years = [int(y) for y in _YEAR.findall(period or "")]
    if years:
        return min(years), max(years)
    meta = extraction.metadata
    pp = meta.plan_period
    if pp.start or pp.end:
        return pp.start or pp.end, pp.end or pp.start
    return meta.issued_year, meta.issued_year


def own_cite_key(extraction: Extraction) -> str | None:
    """The citation key other plans would use for this document (None without a number)."""
    meta = extraction.metadata
    if not meta.number:
        return None
    return citation_key(meta.doc_type, meta.number, meta.issued_date)


def _key_base(key: str | None) -> str | None:
    return key.rsplit(":", 1)[0] if key else None


def _province_id(store: Store, written: str | None) -> int | None:
    info = resolve_province(written)
    return store.cache["province"].get(info.name) if info else None


def _metadata_columns(extraction: Extraction, province_id: int | None) -> dict[str, Any]:
    meta = extraction.metadata
    key = own_cite_key(extraction)
    return {
        "province_id": province_id,
        "province_written": meta.province,
        "issuer": meta.issuer,
        "doc_type": meta.doc_type,
        "number": meta.number,
        "cite_key": key,
        "cite_key_base": _key_base(key),
        "issued_date": meta.issued_date,
        "issued_year": meta.issued_year,
        "period_start": meta.plan_period.start,
        "period_end": meta.plan_period.end,
        "title": meta.title,
        "signer_name": meta.signer.name,
        "signer_position": meta.signer.position,
        "provenance": {k: _prov(v) for k, v in meta.provenance.items()},
    }


def _prov(p) -> dict[str, Any]:
    return {"page": p.page, "start": p.start, "end": p.end, "text": p.text}


def _insert_ignore(conn: Connection, dialect: str, table, rows: list[dict], key: str) -> None:
    """Insert rows, skipping those whose ``key`` is there already (another writer's, too)."""
    if not rows:
        return
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        have = set(conn.execute(select(table.c[key]).where(table.c[key].in_([r[key] for r in rows])))
                   .scalars())
        rows = [r for r in rows if r[key] not in have]
        if rows:
            conn.execute(insert(table), rows)
        return
    conn.execute(dialect_insert(table).on_conflict_do_nothing(index_elements=[key]), rows)


@dataclass(eq=False)
class _Pending:
    """One document on its way into the store."""

    doc_id: int | None  # None until the document row is written (new documents)
    meta: dict[str, Any]  # metadata columns
    text: str
    extraction: Extraction
    info: RunInfo
    document: Document | None = None  # the parsed Document, for new documents
    run_id: int | None = None


class _Batch:
    """Writes documents and facts with one statement per table for the whole batch; new
    agency and legal-document ids reach the store's caches only after commit."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: list[_Pending] = []
        self.new: dict[str, dict] = {"agency": {}, "legal": {}}

    def add(self, pending: _Pending) -> None:
        self.pending.append(pending)

    def commit_cache(self) -> None:
        for kind, items in self.new.items():
            self.store.cache[kind].update(items)

    def flush(self, conn: Connection) -> None:
        if not self.pending:  # every document was stored already
            return
        sqlite = self.store.dialect == "sqlite"
        new = [p for p in self.pending if p.doc_id is None]
        next_target = self._allocate_ids(conn, new) if sqlite else None
        self._documents(conn, new)
        self._runs(conn)
        topics, targets, assigns, deadlines, citations = [], [], [], [], []
        agency_ids = self._agency_ids(conn)
        legal_ids = self._legal_ids(conn)
        for p in self.pending:
            ext, common = p.extraction, {"document_id": p.doc_id, "run_id": p.run_id}
            topics += [{"document_id": p.doc_id, "topic": t} for t in sorted(set(ext.metadata.topics))]
            targets += _target_rows(common, ext)
            assigns += _assignment_rows(common, p.text, ext, agency_ids)
            deadlines += _deadline_rows(common, ext, agency_ids)
            cited = _resolve_cited(conn, p.doc_id, p.meta["province_id"], {c.key for c in ext.citations})
            citations += _citation_rows(common, p.text, ext, legal_ids, cited)
        if sqlite:
            for i, row in enumerate(targets, start=next_target):
                row["id"] = i
        target_table = T_TARGET
        if self.store.dialect == "postgresql":
            target_table = PG_TARGET
            for row in targets:
                row["search"] = fts.pg_tsvector(f"{row['subject'] or ''} {row['text']}")
        for t, rows in ((T_TOPIC, topics), (target_table, targets), (T_ASSIGN, assigns),
                        (T_DEADLINE, deadlines), (T_CITATION, citations)):
            if rows:
                conn.execute(insert(t), rows)
        if sqlite and targets:
            fts.sqlite_index_targets(conn, [(r["id"], r["subject"], r["text"]) for r in targets])
        written = {id(p) for p in new} if sqlite else set()  # rows that carry their run id already
        stale = [p for p in self.pending if id(p) not in written]
        if stale:
            conn.execute(update(T_DOC).where(T_DOC.c.id == bindparam("b_id"))
                         .values(run_id=bindparam("b_run"), extractor_version=bindparam("b_version")),
                         [{"b_id": p.doc_id, "b_run": p.run_id, "b_version": p.info.extractor_version}
                          for p in stale])
        for p in self.pending:
            _link_citations_to(conn, p.doc_id, p.meta)

    def _allocate_ids(self, conn: Connection, new: list[_Pending]) -> int:
        """SQLite: choose the ids of new documents, runs and targets; returns the first target id.

        Safe because a write transaction there holds the database's one write lock from its
        first statement (BEGIN IMMEDIATE). Cheaper than RETURNING, which SQLite can only give
        in order one row at a time, and it lets a document row carry its run id at once."""
        docs, runs, targets = conn.exec_driver_sql(
            "SELECT (SELECT max(id) FROM document), (SELECT max(id) FROM extraction_run), "
            "(SELECT max(id) FROM target)").one()
        for k, p in enumerate(new, start=(docs or 0) + 1):
            p.doc_id = k
        for k, p in enumerate(self.pending, start=(runs or 0) + 1):
            p.run_id = k
        return (targets or 0) + 1

    def _documents(self, conn: Connection, new: list[_Pending]) -> None:
        if not new:
            return
        rows = []
        for p in new:
            src = p.document.source
            rows.append({"sha256": src.sha256, "path": src.path, "name": src.name,
                         "format": src.format, "size": src.size, "page_count": src.page_count,
                         "ocr_pages": list(src.ocr_pages), "loaded_at": now(), **p.meta})
            if p.doc_id is not None:  # ids allocated (SQLite)
                rows[-1].update(id=p.doc_id, run_id=p.run_id, extractor_version=p.info.extractor_version)
        if new[0].doc_id is None:
            ids = conn.execute(insert(T_DOC).returning(T_DOC.c.id, sort_by_parameter_order=True),
                               rows).scalars().all()
            for p, doc_id in zip(new, ids):
                p.doc_id = doc_id
        else:
            conn.execute(insert(T_DOC), rows)
        texts = []
        for p in new:
            text, parsed = pack_document(p.document)
            texts.append({"document_id": p.doc_id, "text": text, "parsed": parsed,
                          "parse_seconds": p.document.seconds or 0.0})
        if self.store.dialect == "postgresql":
            for row in texts:
                row["search"] = fts.pg_tsvector(row["text"])
            conn.execute(insert(PG_TEXT), texts)
        else:
            conn.execute(insert(T_TEXT), texts)
        if self.store.dialect == "sqlite":
            fts.sqlite_index_documents(conn, [(r["document_id"], r["text"]) for r in texts])

    def _runs(self, conn: Connection) -> None:
        rows = []
        for p in self.pending:
            ext, info = p.extraction, p.info
            timings = {"extract_seconds": ext.seconds, **info.timings,
                       "counts": {"targets": len(ext.targets), "agencies": len(ext.agencies),
                                  "deadlines": len(ext.deadlines), "citations": len(ext.citations)}}
            rows.append({"document_id": p.doc_id, "extractor_version": info.extractor_version,
                         "models_hash": info.models_hash, "started": info.started,
                         "finished": info.finished, "seconds": info.seconds, "status": info.status,
                         "error": info.error, "timings": timings})
            if p.run_id is not None:
                rows[-1]["id"] = p.run_id
        if self.pending[0].run_id is None:
            ids = conn.execute(insert(T_RUN).returning(T_RUN.c.id, sort_by_parameter_order=True),
                               rows).scalars().all()
            for p, run_id in zip(self.pending, ids):
                p.run_id = run_id
        else:
            conn.execute(insert(T_RUN), rows)

    def _ids(self, conn: Connection, kind: str, table, key: str, rows: dict[str, dict]) -> dict[str, int]:
        """Ids for the given keys, inserting the rows not stored yet."""
        cache = self.store.cache[kind]
        ids = {k: cache[k] for k in rows if k in cache}
        missing = [k for k in rows if k not in ids]
        if missing:
            _insert_ignore(conn, self.store.dialect, table, [rows[k] for k in missing], key)
            found = dict(conn.execute(select(table.c[key], table.c.id)
                                      .where(table.c[key].in_(missing))).all())
            ids.update(found)
            self.new[kind].update(found)
        return ids

    def _agency_ids(self, conn: Connection) -> dict[str, int]:
        rows: dict[str, dict] = {}
        for p in self.pending:
            refs = [resolve_agency(a.name) for a in p.extraction.agencies]
            refs += [r for r in (resolve_known(d.agency) for d in p.extraction.deadlines) if r]
            for r in refs:
                rows.setdefault(r.name, {"name": r.name, "folded": r.folded, "level": r.level,
                                         "kind": r.kind, "aliases": list(r.aliases), "known": r.known})
        return self._ids(conn, "agency", T_AGENCY, "name", rows) if rows else {}

    def _legal_ids(self, conn: Connection) -> dict[str, int]:
        rows: dict[str, dict] = {}
        for p in self.pending:
            for c in p.extraction.citations:
                rows.setdefault(c.key, {"key": c.key, "doc_type": c.type, "number": c.number,
                                        "number_key": normalize_number(c.number) if c.number else None,
                                        "date": c.date, "issuer": c.issuer})
        return self._ids(conn, "legal", T_LEGAL, "key", rows) if rows else {}


def _target_rows(common: dict, extraction: Extraction) -> list[dict]:
    rows = []
    for t in extraction.targets:
        y0, y1 = years_of(t.period, extraction)
        p = t.provenance
        rows.append({**common, "value": t.value, "value_max": t.value_max, "unit": t.unit,
                     "comparator": t.comparator, "subject": t.subject, "area": t.area,
                     "period": t.period, "text": t.text, "year_from": y0, "year_to": y1,
                     "page": p.page, "char_start": p.start, "char_end": p.end,
                     "verbatim": p.text, "confidence": t.confidence})
    return rows


def _assignment_rows(common: dict, text: str, extraction: Extraction, ids: dict[str, int]) -> list[dict]:
    rows = []
    for a in extraction.agencies:
        p = a.provenance
        rows.append({**common, "agency_id": ids[resolve_agency(a.name).name],
                     "role": a.roles[0] if a.roles else None, "roles": list(a.roles),
                     "tasks": list(a.tasks), "aliases_in_text": list(a.aliases_in_text),
                     "mention": a.mention, "sentence": sentence_around(text, p.start, p.end),
                     "page": p.page, "char_start": p.start, "char_end": p.end, "verbatim": p.text,
                     "confidence": a.confidence})
    return rows


def _deadline_rows(common: dict, extraction: Extraction, ids: dict[str, int]) -> list[dict]:
    rows = []
    for d in extraction.deadlines:
        ref = resolve_known(d.agency)
        p = d.provenance
        rows.append({**common, "kind": d.kind, "date": d.date, "frequency": d.frequency,
                     "action": d.action, "agency": d.agency,
                     "agency_id": ids[ref.name] if ref else None, "text": d.text, "page": p.page,
                     "char_start": p.start, "char_end": p.end, "verbatim": p.text,
                     "confidence": d.confidence})
    return rows


def _citation_rows(common: dict, text: str, extraction: Extraction, ids: dict[str, int],
                   cited: dict[str, int]) -> list[dict]:
    rows = []
    for c in extraction.citations:
        p = c.provenance
        rows.append({**common, "legal_document_id": ids[c.key], "cited_document_id": cited.get(c.key),
                     "mention": c.mention, "sentence": sentence_around(text, p.start, p.end),
                     "page": p.page, "char_start": p.start, "char_end": p.end, "verbatim": p.text,
                     "confidence": c.confidence})
    return rows


def _resolve_cited(conn: Connection, doc_id: int, province_id: int | None,
                   keys: set[str]) -> dict[str, int]:
    """Cited keys -> stored documents of the citing plan's province with that key.

    A plan's local citations ("Kế hoạch số 71/KH-UBND") name documents of its own province,
    and the same number exists in every province: only a unique same-province match links.
    A key without a year (the plan did not say) matches on type and number."""
    if province_id is None or not keys:
        return {}
    full = [k for k in keys if not k.endswith(":")]
    partial = [k[:-1] for k in keys if k.endswith(":")]
    cond = []
    if full:
        cond.append(T_DOC.c.cite_key.in_(full))
    if partial:
        cond.append(T_DOC.c.cite_key_base.in_(partial))
    found: dict[str, list[int]] = {}
    for did, key, base in conn.execute(
            select(T_DOC.c.id, T_DOC.c.cite_key, T_DOC.c.cite_key_base)
            .where(or_(*cond), T_DOC.c.province_id == province_id, T_DOC.c.id != doc_id)):
        for k in (key, f"{base}:"):
            if k in keys:
                found.setdefault(k, []).append(did)
    return {k: ids[0] for k, ids in found.items() if len(ids) == 1}


def _link_citations_to(conn: Connection, doc_id: int, meta: dict[str, Any]) -> None:
    """Earlier plans of the same province that cite this document now point to it."""
    key, base, province_id = meta["cite_key"], meta["cite_key_base"], meta["province_id"]
    if key is None or province_id is None:
        return
    legal_ids = list(conn.execute(select(T_LEGAL.c.id).where(T_LEGAL.c.key.in_([key, f"{base}:"])))
                     .scalars())
    if not legal_ids:  # nobody cites it (yet): the usual case
        return
    # Only when no other document of the province has the same key (then it is ambiguous).
    twins = conn.execute(select(T_DOC.c.id).where(
        T_DOC.c.cite_key == key, T_DOC.c.province_id == province_id,
        T_DOC.c.id != doc_id).limit(1)).first()
    if twins is not None:
        return
    citing = select(T_DOC.c.id).where(T_DOC.c.province_id == province_id, T_DOC.c.id != doc_id)
    conn.execute(update(T_CITATION).where(and_(
        T_CITATION.c.cited_document_id.is_(None),
        T_CITATION.c.legal_document_id.in_(legal_ids),
        T_CITATION.c.document_id.in_(citing),
    )).values(cited_document_id=doc_id))


__all__ = [
    "RunInfo", "all_document_ids", "document_exists", "document_id", "pack_document",
    "record_ingest_error", "replace_extraction", "save_many", "save_parsed_and_extracted",
    "sentence_around", "stale_document_ids", "stored_document", "unpack_document",
]
