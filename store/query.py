"""Questions policy staff ask of the store; every row says where it came from.

Each function returns a list of plain dicts (ready for a table, CSV or JSON), and every row
carries the document it came from (``document``: the number, or the file name when the number
was left blank), the ``page`` and the ``sentence``.

- ``targets(province, year, topic, agency, text)``: quantified targets.
- ``docs(province, year, topic, text)``: stored documents.
- ``agencies(province)``: which agencies plans make responsible, and for what.
- ``citations(cited)``: which plans cite a document (by citation key or by number).

Provinces resolve by any name, old or new ("TP. HCM", "Thừa Thiên Huế", "Khánh Hoà");
``as_of_2025=True`` widens a province to the units merged into it on 1 July 2025, so
"Khánh Hòa" then includes Ninh Thuận's plans.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, literal_column, or_, select, text

from kehoach.extract.citekey import normalize_number
from kehoach.extract.normalize import fold_key

from . import fts
from .agencies import resolve as resolve_agency
from .db import Store, sync_provinces
from .provinces import load_provinces, resolve_province
from .schema import (
    Agency, Assignment, Citation, Deadline, DocumentText, DocumentTopic, LegalDocument, Province,
    Target,
)
from .schema import Document as DocumentRow

D = DocumentRow.__table__
P = Province.__table__
T = Target.__table__
A = Assignment.__table__
AG = Agency.__table__
C = Citation.__table__
L = LegalDocument.__table__
DL = Deadline.__table__
TOPIC = DocumentTopic.__table__
TXT = DocumentText.__table__


class UnknownProvince(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no province is called {name!r}")
        self.name = name


# -- filters ---------------------------------------------------------------------------------
def province_ids(store: Store, name: str, as_of_2025: bool = False) -> list[int]:
    """Ids of the province a name means (and, with ``as_of_2025``, of those merged into it)."""
    info = resolve_province(name)
    if info is None:
        raise UnknownProvince(name)
    names = [info.name]
    if as_of_2025:
        names += [p.name for p in load_provinces().merged_from(info.name)]
    if not store.cache["province"]:
        sync_provinces(store)
    return [store.cache["province"][n] for n in names]


def agency_ids(store: Store, written: str) -> list[int]:
    """Agency rows a name means: its canonical row, else rows whose name contains it."""
    ref = resolve_agency(written)
    with store.read() as conn:
        if ref.known:
            return list(conn.execute(select(AG.c.id).where(AG.c.name == ref.name)).scalars())
        pattern = f"%{fold_key(written)}%"
        return list(conn.execute(select(AG.c.id).where(AG.c.folded.like(pattern))).scalars())


def _document_filters(store: Store, province: str | None, as_of_2025: bool, topic: str | None,
                      agency: str | None, year: int | None = None) -> list:
    conds = []
    if province:
        conds.append(D.c.province_id.in_(province_ids(store, province, as_of_2025)))
    if topic:
        conds.append(D.c.id.in_(select(TOPIC.c.document_id).where(TOPIC.c.topic == topic)))
    if agency:
        conds.append(D.c.id.in_(select(A.c.document_id).where(A.c.agency_id.in_(agency_ids(store, agency)))))
    if year is not None:
        start = func.coalesce(D.c.period_start, D.c.issued_year)
        end = func.coalesce(D.c.period_end, D.c.period_start, D.c.issued_year)
        conds.append(and_(start <= year, end >= year))
    return conds


def _text_filter(store: Store, query: str, kind: str, narrowed: bool = False):
    """A WHERE clause for a full-text query over targets or documents (None: no words).

    ``narrowed``: other filters select the rows already. SQLite would then look every match up
    in the id index once per candidate document (seconds for a common phrase); "+id" keeps it
    to one membership test per candidate row."""
    if store.dialect == "sqlite":
        phrase = fts.fts5_phrase(query)
        if phrase is None:
            return None
        table, col = ("target_fts", T.c.id) if kind == "target" else ("document_fts", D.c.id)
        if narrowed:
            col = literal_column(f"+{col.table.name}.id")
        return col.in_(text(f"SELECT rowid FROM {table} WHERE {table} MATCH :q").bindparams(q=phrase))
    if store.dialect == "postgresql":
        tsq = fts.pg_tsquery(query)
        if tsq is None:
            return None
        tsquery = "CAST(:q AS tsquery)"  # the words as the loader indexed them (fts.pg_tsvector)
        if kind == "target":
            # narrowed: test each candidate's own (small) vector; through the index a common
            # phrase fetches tens of thousands of targets to keep a few hundred
            vector = "coalesce(target.search, ''::tsvector)" if narrowed else "target.search"
            return text(f"{vector} @@ {tsquery}").bindparams(q=tsq)
        if narrowed:  # a subplan per candidate document: the planner would scan them all
            return text(f"(SELECT search FROM document_text WHERE document_id = document.id) @@ {tsquery}") \
                .bindparams(q=tsq)
        return D.c.id.in_(text(f"SELECT document_id FROM document_text WHERE search @@ {tsquery}")
                          .bindparams(q=tsq))
    if fts.pg_phrase(query) is None:
        return None
    # Any other database: a case-insensitive substring, without folding.
    col = T.c.text if kind == "target" else TXT.c.text
    return col.ilike(f"%{query}%") if kind == "target" else \
        D.c.id.in_(select(TXT.c.document_id).where(col.ilike(f"%{query}%")))


def _run(store: Store, q: Select, limit: int | None) -> list[dict[str, Any]]:
    if limit:
        q = q.limit(limit)
    with store.read() as conn:
        result = conn.execute(q)
        keys = list(result.keys())
        return [dict(zip(keys, row)) for row in result]  # a third faster than row._mapping


def _doc_label():
    """What a row names its document by: the number, or the file name when there is none."""
    return func.coalesce(D.c.number, D.c.name).label("document")


_PROVINCE = func.coalesce(P.c.name, D.c.province_written).label("province")


# -- queries ---------------------------------------------------------------------------------
def targets(store: Store, province: str | None = None, year: int | None = None,
            topic: str | None = None, agency: str | None = None, text: str | None = None,
            as_of_2025: bool = False, limit: int | None = None) -> list[dict[str, Any]]:
    """Quantified targets. ``year``: targets that apply in that year (their own period, else the
    plan's); ``agency``: targets of plans that make that agency responsible for something;
    ``text``: words in the target's sentence or subject, diacritics optional."""
    q = (select(_doc_label(), _PROVINCE, D.c.issued_date.label("issued"), T.c.page,
                T.c.value, T.c.value_max, T.c.comparator, T.c.unit, T.c.subject, T.c.area,
                T.c.period, T.c.text.label("sentence"), T.c.verbatim, T.c.char_start, T.c.char_end,
                T.c.confidence, D.c.name.label("file"), D.c.id.label("document_id"),
                T.c.id.label("target_id"))
         .select_from(T.join(D, T.c.document_id == D.c.id).outerjoin(P, D.c.province_id == P.c.id)))
    conds = _document_filters(store, province, as_of_2025, topic, agency)
    if year is not None:
        conds.append(and_(T.c.year_from <= year, T.c.year_to >= year))
    if text:
        clause = _text_filter(store, text, "target", narrowed=bool(conds))
        if clause is None:
            return []
        conds.append(clause)
    if limit:  # the database sorts and stops early
        q = q.where(*conds).order_by(literal_column("province"), D.c.issued_date, D.c.id, T.c.char_start)
        return _run(store, q, limit)
    return _targets_by_document(store, conds)


_MAX_IDS = 30_000  # ids per IN list: under every database's parameter limit
_TARGET_COLUMNS = (T.c.page, T.c.value, T.c.value_max, T.c.comparator, T.c.unit, T.c.subject,
                   T.c.area, T.c.period, T.c.text.label("sentence"), T.c.verbatim, T.c.char_start,
                   T.c.char_end, T.c.confidence)


def _targets_by_document(store: Store, conds: list) -> list[dict[str, Any]]:
    """``targets`` without a limit, in the same order, in two queries: the targets' own columns,
    then the columns of their (far fewer) documents, joined and sorted here.

    A query can return tens of thousands of targets; repeating five document columns on each
    row and sorting the wide rows in the database cost a third of the time (SQLite)."""
    q = (select(T.c.document_id, T.c.id, *_TARGET_COLUMNS)
         .select_from(T.join(D, T.c.document_id == D.c.id)).where(*conds))
    with store.read() as conn:
        found = conn.execute(q).all()
        doc_ids = list({r[0] for r in found})
        documents: dict[int, Any] = {}  # in the query's order: the database's collation and NULLs
        chunks = [doc_ids[i:i + _MAX_IDS] for i in range(0, len(doc_ids), _MAX_IDS)]
        for chunk in chunks:
            dq = (select(D.c.id, _doc_label(), _PROVINCE, D.c.issued_date, D.c.name)
                  .select_from(D.outerjoin(P, D.c.province_id == P.c.id)).where(D.c.id.in_(chunk))
                  .order_by(literal_column("province"), D.c.issued_date, D.c.id))
            documents.update((r[0], r) for r in conn.execute(dq))
    order = list(documents)
    if len(chunks) > 1:  # rare: merge the chunks' orders (NULLs first, as SQLite sorts)
        order.sort(key=lambda d: _document_order(documents[d]))
    rank = {d: k for k, d in enumerate(order)}
    found.sort(key=lambda r: (rank[r[0]], r[12]))
    names = [c.name for c in _TARGET_COLUMNS]
    out = []
    for r in found:
        d = documents[r[0]]
        row = {"document": d[1], "province": d[2], "issued": d[3]}
        row.update(zip(names, r[2:]))
        row["file"], row["document_id"], row["target_id"] = d[4], r[0], r[1]
        out.append(row)
    return out


def _document_order(d) -> tuple:
    """ORDER BY province, issued, id with NULLs first, as SQLite sorts them."""
    return (d[2] is not None, d[2] or "", d[3] is not None, d[3] or "", d[0])


def docs(store: Store, province: str | None = None, year: int | None = None,
         topic: str | None = None, text: str | None = None, as_of_2025: bool = False,
         limit: int | None = None) -> list[dict[str, Any]]:
    """Stored documents with their metadata and how many facts each holds."""
    def count(table):
        return (select(func.count()).where(table.c.document_id == D.c.id)
                .scalar_subquery())

    topics = select(func.count()).where(TOPIC.c.document_id == D.c.id).scalar_subquery()
    q = (select(_doc_label(), _PROVINCE, D.c.doc_type, D.c.issued_date.label("issued"),
                D.c.period_start, D.c.period_end, D.c.title, D.c.signer_name.label("signer"),
                D.c.format, D.c.page_count.label("pages"), D.c.name.label("file"),
                D.c.extractor_version, count(T).label("targets"), count(A).label("agencies"),
                count(C).label("citations"), count(DL).label("deadlines"),
                topics.label("topics"), D.c.id.label("document_id"))
         .select_from(D.outerjoin(P, D.c.province_id == P.c.id)))
    conds = _document_filters(store, province, as_of_2025, topic, None, year)
    if text:
        clause = _text_filter(store, text, "document", narrowed=bool(conds))
        if clause is None:
            return []
        conds.append(clause)
    q = q.where(*conds).order_by(literal_column("province"), D.c.issued_date, D.c.id)
    return _run(store, q, limit)


def agencies(store: Store, province: str | None = None, as_of_2025: bool = False,
             known: bool | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """One row per responsibility a plan gives an agency: the agency, its roles, its tasks,
    and the sentence that says so. ``known=False`` lists the names to review."""
    q = (select(AG.c.name.label("agency"), AG.c.level, AG.c.known, A.c.role, A.c.roles, A.c.tasks,
                _doc_label(), _PROVINCE, D.c.issued_date.label("issued"), A.c.page,
                A.c.sentence, A.c.mention, A.c.char_start, A.c.char_end,
                D.c.name.label("file"), D.c.id.label("document_id"))
         .select_from(A.join(AG, A.c.agency_id == AG.c.id).join(D, A.c.document_id == D.c.id)
                      .outerjoin(P, D.c.province_id == P.c.id)))
    conds = _document_filters(store, province, as_of_2025, None, None)
    if known is not None:
        conds.append(AG.c.known == known)
    q = q.where(*conds).order_by(AG.c.name, literal_column("province"), D.c.issued_date, D.c.id,
                                 A.c.char_start)
    return _run(store, q, limit)


def citations(store: Store, cited: str | None = None, province: str | None = None,
              as_of_2025: bool = False, limit: int | None = None) -> list[dict[str, Any]]:
    """Which plans cite which documents. ``cited``: a citation key ("qd:361/qd-ttg:2016"; a key
    with an empty year matches every year) or a number as written ("361/QĐ-TTg")."""
    Cited = D.alias("cited_doc")
    q = (select(L.c.key.label("cited_key"), L.c.doc_type.label("cited_type"),
                L.c.number.label("cited_number"), L.c.date.label("cited_date"),
                L.c.issuer.label("cited_issuer"), _doc_label(), _PROVINCE,
                D.c.issued_date.label("issued"), C.c.page, C.c.sentence, C.c.mention,
                C.c.char_start, C.c.char_end, D.c.name.label("file"), D.c.id.label("document_id"),
                C.c.cited_document_id, func.coalesce(Cited.c.number, Cited.c.name).label("cited_document"))
         .select_from(C.join(L, C.c.legal_document_id == L.c.id).join(D, C.c.document_id == D.c.id)
                      .outerjoin(P, D.c.province_id == P.c.id)
                      .outerjoin(Cited, C.c.cited_document_id == Cited.c.id)))
    conds = _document_filters(store, province, as_of_2025, None, None)
    if cited:
        conds.append(_cited_filter(cited))
    q = q.where(*conds).order_by(L.c.key, literal_column("province"), D.c.issued_date, D.c.id,
                                 C.c.char_start)
    return _run(store, q, limit)


def _cited_filter(cited: str):
    cited = cited.strip()
    if ":" in cited:
        if cited.endswith(":"):  # a partial key: the same type and number, any year
            return or_(L.c.key == cited, L.c.key.like(cited.replace("%", r"\%") + "%", escape="\\"))
        return L.c.key == cited
    return L.c.number_key == normalize_number(cited)


def unknown_agencies(store: Store) -> list[dict[str, Any]]:
    """Agency names the gazetteer does not know, with how many plans name them: to review."""
    q = (select(AG.c.name.label("agency"), func.count(func.distinct(A.c.document_id)).label("documents"),
                func.count().label("mentions"))
         .select_from(AG.join(A, A.c.agency_id == AG.c.id)).where(AG.c.known.is_(False))
         .group_by(AG.c.name).order_by(func.count().desc(), AG.c.name))
    return _run(store, q, None)


__all__ = ["UnknownProvince", "agencies", "citations", "docs", "targets", "unknown_agencies",
           "province_ids", "agency_ids"]
