"""Cross-province comparison tables, built from the store; every figure keeps its sources.

Tables (``build_report`` picks them from a ``Selection``; each builder can be called alone):

- ``province_indicator_table``: provinces x indicators, for a year or a period;
- ``province_year_table``: provinces x years, for one indicator;
- ``agency_function_table``: for each province, which agency leads or takes part in which
  function (communication, inspection, rehabilitation, ...);
- ``national_documents_table``: national documents (decrees, the Prime Minister's decisions,
  laws, ...) x provinces: which provinces' plans implement them, from the citation graph;
- ``other_targets_table``: the targets no indicator fits, so that none is out of sight.

A cell holds entries; an entry is one statement ("≥ 75%", "Chủ trì", "27/KH-UBND (2021)") with
every source that makes it (document number, page, sentence). Different figures in one cell
(two plans in a year, say) are separate entries, never averaged; the same figure stated by
several targets (a sentence and its annex total, or two plans) is one entry with all their
sources. With ``as_of=2025`` old provinces are grouped under the unit they merged into on
1 July 2025, each entry naming the old province, and the table says so.

Statements are grouped in SQL, and sources are filled in (document, page, sentence) only for
the figures a table shows: tables over tens of thousands of plans build in about a second.
"""
from __future__ import annotations

import gc
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import Any, Iterable

from sqlalchemy import Text, and_, case, cast, func, or_, select

from kehoach.extract.indicators import OTHER, Indicator, Taxonomy, load_taxonomy
from kehoach.extract.normalize import fold, fold_key

from .db import Store
from .indicators import ROLE_RANK, ensure_functions, ensure_indicators
from .labels import LABELS, label
from .provinces import load_provinces
from .query import province_ids
from .schema import Agency, Assignment, AssignmentFunction, Citation, LegalDocument, Province, Target
from .schema import Document as DocumentRow

T = Target.__table__
D = DocumentRow.__table__
P = Province.__table__
A = Assignment.__table__
AG = Agency.__table__
AF = AssignmentFunction.__table__
C = Citation.__table__
L = LegalDocument.__table__

TABLE_KINDS = ("indicators", "years", "agencies", "national", "other")
CHUNK = 5000  # ids per query when filling in sources
SENTENCE_CHARS = 400  # of an agency's task quoted as its source
AGENCY_SOURCES = 5  # plans quoted as sources of an agency's role (the latest ones); all are counted


def _bulk(fn):
    """Run without the cyclic garbage collector: a large table allocates hundreds of thousands
    of small objects (sources, entries) that hold no cycles, and the collector would scan the
    growing heap again and again (half the build time on 10,000 plans)."""
    @wraps(fn)
    def run(*args, **kwargs):
        was = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was:
                gc.enable()
    return run


# -- the model of a report -------------------------------------------------------------------
class Source:
    """Where a figure comes from: a document, a page, a sentence (filled in by ``fill_sources``).

    A plain class: large tables make a Source per target, so creating one is kept cheap (only
    the key is set; the rest reads the class defaults until ``fill_sources`` sets it)."""

    document: str = ""  # its number; an unnumbered plan: its type and file name (document_label)
    document_id: int = 0
    file: str = ""
    province: str | None = None  # as written in the plan
    issued: str | None = None
    page: int = 0
    sentence: str = ""
    verbatim: str = ""
    start: int = 0
    end: int = 0
    ref: int = 0  # numbered in the order first shown (1, 2, ...)
    context: str = ""  # the table cell that first showed it

    def __init__(self, key: tuple, **fields: Any) -> None:
        self.key = key  # (kind, row id, ...): one Source per fact however many tables show it
        if fields:
            self.__dict__.update(fields)

    @property
    def filled(self) -> bool:
        return bool(self.document_id)

    def __repr__(self) -> str:
        return f"Source({self.key!r}, ref={self.ref}, document={self.document!r}, page={self.page})"


@dataclass
class Entry:
    """One statement in a cell, with its sources."""

    text: str
    sources: list[Source] = field(default_factory=list)
    value: float | None = None
    value_max: float | None = None
    comparator: str | None = None
    unit: str | None = None
    year: int | None = None
    origin: str | None = None  # the old province, when grouped under its 2025 successor
    area: str | None = None  # a district or commune, for targets set below the province
    detail: str | None = None  # the subject, the role, or the citation


@dataclass
class Row:
    key: str
    labels: list[str]
    cells: list[list[Entry]]


@dataclass
class Table:
    key: str
    kind: str  # one of TABLE_KINDS
    title: str
    sheet: str  # a short name (XLSX sheet, file suffix)
    row_headers: list[str]
    columns: list[str]
    column_keys: list[Any]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    indicator: Indicator | None = None

    def cell(self, row_label: str, column: Any) -> list[Entry]:
        """The entries of a cell, by the row's first label and a column key or label."""
        j = self.column_keys.index(column) if column in self.column_keys else self.columns.index(column)
        for row in self.rows:
            if row.labels[0] == row_label:
                return row.cells[j]
        raise KeyError(row_label)

    def sources(self) -> list[Source]:
        return [s for r in self.rows for c in r.cells for e in c for s in e.sources]


@dataclass
class Selection:
    indicators: list[str] | None = None
    topic: str | None = None
    provinces: list[str] | None = None
    years: list[tuple[int, int]] | None = None  # inclusive ranges
    as_of: int | None = None  # 2025: group old provinces under their successors
    lang: str = "vi"
    tables: list[str] | None = None  # kinds to build (default: by the rest of the selection)

    @property
    def as_of_2025(self) -> bool:
        return bool(self.as_of and self.as_of >= 2025)


@dataclass
class Report:
    tables: list[Table]
    sources: list[Source]
    selection: Selection
    taxonomy: Taxonomy

    @property
    def lang(self) -> str:
        return self.selection.lang


class _Sources:
    """One Source per fact, shared by every table that shows it."""

    def __init__(self) -> None:
        self.by_key: dict[tuple, Source] = {}

    def get(self, key: tuple, **known: Any) -> Source:
        source = self.by_key.get(key)
        if source is None:
            source = self.by_key[key] = Source(key, **known) if known else Source(key)
        return source

    def targets(self, ids: list[int]) -> list[Source]:
        """The sources of these targets (the hot path of large tables, hence spelt out)."""
        by_key, out = self.by_key, []
        for i in ids:
            key = ("target", i)
            source = by_key.get(key)
            if source is None:
                source = by_key[key] = Source(key)
            out.append(source)
        return out


def number_sources(tables: list[Table]) -> list[Source]:
    """Number the sources in the order the tables show them; returns them in that order."""
    ordered: list[Source] = []
    seen: set[int] = set()
    for t in tables:
        for r in t.rows:
            for j, cell in enumerate(r.cells):
                for e in cell:
                    for s in e.sources:
                        if id(s) not in seen:
                            seen.add(id(s))
                            s.ref = len(ordered) + 1
                            s.context = f"{t.sheet} / {' / '.join(r.labels)} / {t.columns[j]}"
                            ordered.append(s)
    return ordered


@_bulk
def fill_sources(store: Store, sources: Iterable[Source], lang: str = "vi") -> None:
    """Fill in document, page, sentence and offsets of sources not filled yet."""
    todo: dict[str, dict[int, list[Source]]] = {"target": {}, "assignment": {}, "citation": {}}
    for s in sources:
        if not s.filled:
            todo[s.key[0]].setdefault(s.key[1], []).append(s)
    doc_cols = (D.c.number, D.c.doc_type, D.c.id, D.c.name, D.c.province_written, D.c.issued_date)
    queries = {
        "target": (T, select(T.c.id, T.c.page, T.c.text, T.c.verbatim, T.c.char_start, T.c.char_end, *doc_cols)
                   .select_from(T.join(D, T.c.document_id == D.c.id))),
        "assignment": (A, select(A.c.id, A.c.page, A.c.sentence, A.c.verbatim, A.c.char_start, A.c.char_end,
                                 *doc_cols, A.c.tasks).select_from(A.join(D, A.c.document_id == D.c.id))),
        "citation": (C, select(C.c.id, C.c.page, C.c.sentence, C.c.verbatim, C.c.char_start, C.c.char_end,
                               *doc_cols).select_from(C.join(D, C.c.document_id == D.c.id))),
    }
    with store.read() as conn:
        for kind, by_id in todo.items():
            table, q = queries[kind]
            ids = list(by_id)
            for i in range(0, len(ids), CHUNK):
                for rid, page, sentence, verbatim, start, end, number, doc_type, doc_id, file, written, issued, \
                        *more in conn.execute(q.where(table.c.id.in_(ids[i:i + CHUNK]))).all():
                    doc = document_label(number, doc_type, file, lang)
                    for s in by_id[rid]:
                        s.document, s.document_id, s.file, s.province, s.issued = doc, doc_id, file, written, issued
                        s.page, s.verbatim, s.start, s.end = page, verbatim, start, end
                        s.sentence = sentence
                        if more and len(s.key) > 2:  # an agency's task (its k-th) is its sentence
                            tasks = [t for t in (more[0] or []) if t]
                            if s.key[2] < len(tasks):
                                s.sentence = " ".join(tasks[s.key[2]].split())[:SENTENCE_CHARS]


def document_label(number: str | None, doc_type: str | None, file: str, lang: str = "vi") -> str:
    """A plan by its number; one left unnumbered ("Số: /KH-UBND") by its type and file name."""
    if number:
        return number
    return f"{doc_type or label('document', lang)} {label('unnumbered', lang)} ({file})"


# -- formatting ------------------------------------------------------------------------------
_COMPARATOR = {">=": "≥ ", "<=": "≤ ", "=": "", "range": ""}


def format_number(value: float, lang: str = "vi") -> str:
    """1500 -> "1.500" (vi) / "1,500" (en); 7.5 -> "7,5" / "7.5"."""
    if float(value).is_integer():
        text = f"{int(value):,}"
        return text.replace(",", ".") if lang != "en" else text
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if lang != "en":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_value(value: float, value_max: float | None, comparator: str, unit: str | None,
                 lang: str = "vi") -> str:
    """"≥ 75%", "10–15%", "700 lượt người"."""
    number = format_number(value, lang)
    if comparator == "range" and value_max is not None:
        number = f"{number}–{format_number(value_max, lang)}"
    unit = (unit or "").strip()
    tail = "%" if unit == "%" else (f" {unit}" if unit else "")
    return _COMPARATOR.get(comparator, "") + number + tail


@lru_cache(maxsize=4096)
def _sort_key(name: str) -> str:
    return fold(name)


@lru_cache(maxsize=4096)
def _unit_key(unit: str) -> str:
    return fold_key(unit)


def _year_text(a: int | None, b: int | None) -> str:
    if a is None and b is None:
        return ""
    if a is None or b is None or a == b:
        return str(b or a)
    return f"{a}–{b}"


def _ids(column, dialect: str):
    """The ids of a group, as one comma-separated string."""
    if dialect == "postgresql":
        return func.string_agg(cast(column, Text), ",")
    return func.group_concat(column)


def _split_ids(text: str | None) -> list[int]:
    if not text:
        return []
    if "," not in text:
        return [int(text)]
    return sorted(map(int, text.split(",")))


# -- provinces -------------------------------------------------------------------------------
@dataclass
class _ProvinceView:
    """Province ids -> the row a plan is shown in, for this selection."""

    names: dict[int, str]  # id -> name as stored
    as_of_2025: bool
    lang: str
    merged_seen: dict[str, str] = field(default_factory=dict)  # old -> new, for the note
    _cache: dict[int, tuple[str, str | None]] = field(default_factory=dict)

    def row(self, province_id: int | None, written: str | None = None) -> tuple[str, str | None]:
        """(row label, origin): origin names the old province when it is grouped under another."""
        if province_id is None or province_id not in self.names:
            return label("unknown_province", self.lang), written
        got = self._cache.get(province_id)
        if got is None:
            name = self.names[province_id]
            got = (name, None)
            if self.as_of_2025:
                successor = load_provinces().successor(name).name
                if successor != name:
                    got = (successor, name)
            self._cache[province_id] = got
        if got[1]:
            self.merged_seen[got[1]] = got[0]
        return got

    def notes(self) -> list[str]:
        if not self.as_of_2025:
            return []
        if not self.merged_seen:
            return [label("as_of_none", self.lang)]
        pairs = "; ".join(f"{old} → {new}" for old, new in sorted(
            self.merged_seen.items(), key=lambda kv: (_sort_key(kv[1]), _sort_key(kv[0]))))
        return [label("as_of", self.lang, pairs=pairs)]


def _province_view(store: Store, sel: Selection) -> _ProvinceView:
    with store.read() as conn:
        names = dict(conn.execute(select(P.c.id, P.c.name)).all())
    return _ProvinceView(names=names, as_of_2025=sel.as_of_2025, lang=sel.lang)


def _province_filter(store: Store, sel: Selection, column):
    if not sel.provinces:
        return None
    ids: list[int] = []
    for name in sel.provinces:
        ids += province_ids(store, name, sel.as_of_2025)
    return column.in_(ids)


def _year_filter(sel: Selection, lo, hi):
    """Rows whose years [lo, hi] meet one of the selected ranges."""
    if not sel.years:
        return None
    return or_(*[and_(lo <= b, hi >= a) for a, b in sel.years])


def _document_years():
    return (func.coalesce(D.c.period_start, D.c.issued_year),
            func.coalesce(D.c.period_end, D.c.period_start, D.c.issued_year))


def _when(sel: Selection) -> str:
    if not sel.years:
        return ""
    a = min(y for y, _ in sel.years)
    b = max(y for _, y in sel.years)
    return label("when_year", sel.lang, y=a) if a == b else label("when_period", sel.lang, a=a, b=b)


def _single_year(sel: Selection) -> bool:
    return bool(sel.years) and min(a for a, _ in sel.years) == max(b for _, b in sel.years)


# -- targets ---------------------------------------------------------------------------------
@dataclass
class Statement:
    """Targets of one province saying the same thing: same indicator, figure, unit, years, area."""

    province_id: int | None
    written: str | None  # the province as written, when it resolved to none
    indicator_id: str
    value: float
    value_max: float | None
    comparator: str
    unit: str | None
    year_from: int | None
    year_to: int | None
    area: str | None
    ids: list[int]  # the targets


def selected_indicators(sel: Selection, tax: Taxonomy) -> list[Indicator] | None:
    """The indicators a selection names (None: all of them)."""
    if sel.indicators:
        return [tax.get(i) for i in sel.indicators]
    if sel.topic:
        if sel.topic not in tax.topics:
            raise KeyError(f"no topic {sel.topic!r}; topics: {', '.join(tax.topics)}")
        return tax.by_topic(sel.topic)
    return None


def fetch_statements(store: Store, sel: Selection, indicator_ids: Iterable[str] | None = None) -> list[Statement]:
    """Matched targets for the selection, grouped into statements (``indicator_ids`` None: all,
    "other" included)."""
    # The province as written matters only where it resolved to none (else it would split groups).
    written = case((D.c.province_id.is_(None), D.c.province_written), else_=None)
    cols = (D.c.province_id, written, T.c.indicator_id, T.c.value, T.c.value_max, T.c.comparator, T.c.unit,
            T.c.year_from, T.c.year_to, T.c.area)
    q = select(*cols, _ids(T.c.id, store.dialect)).select_from(T.join(D, T.c.document_id == D.c.id))
    conds = [c for c in (_province_filter(store, sel, D.c.province_id),
                         _year_filter(sel, T.c.year_from, T.c.year_to)) if c is not None]
    if indicator_ids is not None:
        conds.append(T.c.indicator_id.in_(list(indicator_ids)))
    q = q.where(*conds).group_by(*cols)
    with store.read() as conn:
        return [Statement(*r[:-1], ids=_split_ids(r[-1])) for r in conn.execute(q).all()]


def _entries(statements: list[Statement], view: _ProvinceView, sources: _Sources, lang: str,
             show_year: str) -> list[Entry]:
    """A cell's entries: one per distinct statement, with every target making it as a source;
    province-wide targets first. ``show_year``: "always" writes the years in the text, "span"
    only a span of several years."""
    groups: dict[tuple, Entry] = {}
    # in target order, so that an entry reads as its first target wrote it, on every database
    for st in sorted(statements, key=lambda st: st.ids[0] if st.ids else 0):
        _, origin = view.row(st.province_id, st.written)
        unit = (st.unit or "").strip()
        key = (origin, st.value, st.value_max, st.comparator, _unit_key(unit), st.year_from, st.year_to, st.area or "")
        entry = groups.get(key)
        if entry is None:
            text = format_value(st.value, st.value_max, st.comparator, unit, lang)
            years = _year_text(st.year_from, st.year_to)
            if show_year == "span" and "–" not in years:
                years = ""
            extras = [x for x in (st.area, years) if x]
            if extras:
                text += f" ({', '.join(extras)})"
            if origin:
                text = f"{origin}: {text}"
            entry = groups[key] = Entry(text=text, value=st.value, value_max=st.value_max, comparator=st.comparator,
                                        unit=unit or None, year=st.year_to or st.year_from, origin=origin,
                                        area=st.area)
        entry.sources.extend(sources.targets(st.ids))
    return sorted(groups.values(), key=lambda e: (e.area is not None, e.origin or "", e.year or 0,
                                                  _sort_key(e.area or ""), e.value or 0))


@_bulk
def province_indicator_table(store: Store, sel: Selection, taxonomy: Taxonomy | None = None,
                             statements: list[Statement] | None = None, sources: _Sources | None = None,
                             fill: bool = True) -> Table:
    """Provinces x indicators for the selected years; "other" targets counted in a last column;
    targets set for single districts counted (listed in full in the indicator's year table)."""
    tax = taxonomy or load_taxonomy()
    lang = sel.lang
    wanted = selected_indicators(sel, tax)
    alone = sources is None
    if statements is None:
        ensure_indicators(store, taxonomy=tax)
        statements = fetch_statements(store, sel, [i.id for i in wanted] if wanted is not None else None)
    sources = sources if sources is not None else _Sources()
    view = _province_view(store, sel)
    cells: dict[tuple[str, str], list[Statement]] = {}
    for st in statements:
        row, _ = view.row(st.province_id, st.written)
        cells.setdefault((row, st.indicator_id), []).append(st)
    present = {ind for _, ind in cells}
    indicators = [i for i in (wanted if wanted is not None else tax.indicators) if i.id in present]
    with_other = wanted is None and OTHER in present
    columns = [i.label(lang) for i in indicators] + ([label("other", lang)] if with_other else [])
    keys: list[Any] = [i.id for i in indicators] + ([OTHER] if with_other else [])
    show_year = "span" if _single_year(sel) else "always"
    rows = []
    for name in sorted({r for r, _ in cells}, key=_sort_key):
        row_cells = []
        for k in keys:
            sts = cells.get((name, k), [])
            if k == OTHER:
                n = sum(len(s.ids) for s in sts)
                row_cells.append([Entry(text=label("other_count", lang, n=n))] if n else [])
                continue
            entries = _entries([s for s in sts if not s.area], view, sources, lang, show_year)
            n_area = sum(len(s.ids) for s in sts if s.area)
            if n_area:
                entries.append(Entry(text=label("area_count", lang, n=n_area)))
            row_cells.append(entries)
        rows.append(Row(key=name, labels=[name], cells=row_cells))
    notes = view.notes()
    if any(s.area for s in statements):
        notes.append(label("areas_note", lang))
    notes.append(label("year_note", lang))
    table = Table(key="indicators", kind="indicators", title=label("t_indicators", lang, when=_when(sel)),
                  sheet=label("s_indicators", lang), row_headers=[label("province", lang)], columns=columns,
                  column_keys=keys, rows=rows, notes=notes)
    if alone and fill:
        fill_sources(store, table.sources(), lang)
    return table


@_bulk
def province_year_table(store: Store, sel: Selection, indicator_id: str, taxonomy: Taxonomy | None = None,
                        statements: list[Statement] | None = None, sources: _Sources | None = None,
                        fill: bool = True) -> Table:
    """Provinces x years for one indicator; a target sits in the year it is due."""
    tax = taxonomy or load_taxonomy()
    ind = tax.get(indicator_id)
    lang = sel.lang
    alone = sources is None
    if statements is None:
        ensure_indicators(store, taxonomy=tax)
        statements = fetch_statements(store, sel, [indicator_id])
    else:
        statements = [s for s in statements if s.indicator_id == indicator_id]
    sources = sources if sources is not None else _Sources()
    view = _province_view(store, sel)
    cells: dict[tuple[str, int | None], list[Statement]] = {}
    for st in statements:
        row, _ = view.row(st.province_id, st.written)
        cells.setdefault((row, st.year_to or st.year_from), []).append(st)
    years = sorted({y for _, y in cells}, key=lambda y: (y is None, y or 0))
    columns = [str(y) if y is not None else label("unknown_year", lang) for y in years]
    rows = []
    for name in sorted({r for r, _ in cells}, key=_sort_key):
        # The column is the year; a target of several years still says its span.
        rows.append(Row(key=name, labels=[name],
                        cells=[_entries(cells.get((name, y), []), view, sources, lang, "span") for y in years]))
    notes = [f"{label('unit', lang)}: {ind.unit}. {label('topic', lang)}: {tax.topic_label(ind.topic, lang)}."]
    notes += view.notes() + [label("year_note", lang)]
    table = Table(key=f"years-{ind.id}", kind="years", title=label("t_years", lang, label=ind.label(lang)),
                  sheet=ind.id, row_headers=[label("province", lang)], columns=columns, column_keys=years,
                  rows=rows, notes=notes, indicator=ind)
    if alone and fill:
        fill_sources(store, table.sources(), lang)
    return table


@_bulk
def other_targets_table(store: Store, sel: Selection, taxonomy: Taxonomy | None = None,
                        sources: _Sources | None = None, fill: bool = True) -> Table:
    """Every target no indicator fits: province, year, value and subject, with its source."""
    tax = taxonomy or load_taxonomy()
    lang = sel.lang
    alone = sources is None
    sources = sources if sources is not None else _Sources()
    ensure_indicators(store, taxonomy=tax)
    view = _province_view(store, sel)
    q = (select(T.c.id, T.c.value, T.c.value_max, T.c.comparator, T.c.unit, T.c.subject, T.c.area, T.c.year_from,
                T.c.year_to, T.c.char_start, D.c.id.label("document_id"), D.c.number, D.c.doc_type, D.c.name,
                D.c.province_id,
                D.c.province_written)
         .select_from(T.join(D, T.c.document_id == D.c.id)))
    conds = [T.c.indicator_id == OTHER] + [c for c in (_province_filter(store, sel, D.c.province_id),
                                                       _year_filter(sel, T.c.year_from, T.c.year_to)) if c is not None]
    with store.read() as conn:
        found = conn.execute(q.where(*conds)).all()
    keyed = []
    for r in found:
        name, origin = view.row(r.province_id, r.province_written)
        keyed.append(((_sort_key(name), r.year_to or 0, r.document_id, r.char_start), name, origin, r))
    keyed.sort(key=lambda k: k[0])
    rows = []
    for _, name, origin, r in keyed:
        value = format_value(r.value, r.value_max, r.comparator, r.unit, lang)
        if r.area:
            value += f" ({r.area})"
        if origin:
            value = f"{origin}: {value}"
        rows.append(Row(key=f"{name}-{r.id}", labels=[name, _year_text(r.year_from, r.year_to)],
                        cells=[[Entry(text=value, sources=sources.targets([r.id]), value=r.value,
                                      value_max=r.value_max, comparator=r.comparator, unit=r.unit,
                                      year=r.year_to, origin=origin, area=r.area, detail=r.subject)],
                               [Entry(text=r.subject)] if r.subject else [],
                               [Entry(text=document_label(r.number, r.doc_type, r.name, lang))]]))
    table = Table(key="other", kind="other", title=label("t_other", lang), sheet=label("s_other", lang),
                  row_headers=[label("province", lang), label("year", lang)],
                  columns=[label("value", lang), label("subject", lang), label("document", lang)],
                  column_keys=["value", "subject", "document"], rows=rows, notes=view.notes())
    if alone and fill:
        fill_sources(store, table.sources(), lang)
    return table


# -- agencies --------------------------------------------------------------------------------
@_bulk
def agency_function_table(store: Store, sel: Selection, taxonomy: Taxonomy | None = None,
                          sources: _Sources | None = None, fill: bool = True) -> Table:
    """Rows (province, agency) x functions; a cell lists the roles the agency has there, each
    with how many plans give it, and the task of the latest ``AGENCY_SOURCES`` as sources."""
    tax = taxonomy or load_taxonomy()
    lang = sel.lang
    alone = sources is None
    sources = sources if sources is not None else _Sources()
    ensure_functions(store, taxonomy=tax)
    view = _province_view(store, sel)
    # Classified once and stored (assignment_function): grouped here by what they say.
    cols = (D.c.province_id, AG.c.name, AG.c.known, AF.c.functions)
    pairs = cast(A.c.id, Text) + ":" + cast(D.c.id, Text)  # assignment:document
    q = (select(*cols, _ids(pairs, store.dialect))
         .select_from(AF.join(A, AF.c.assignment_id == A.c.id).join(AG, A.c.agency_id == AG.c.id)
                      .join(D, A.c.document_id == D.c.id)))
    conds = [c for c in (_province_filter(store, sel, D.c.province_id), _year_filter(sel, *_document_years()))
             if c is not None]
    with store.read() as conn:
        found = conn.execute(q.where(*conds).group_by(*cols)).all()
    fn_ids = [f.id for f in tax.functions] + ["general"]
    # (province, agency) -> function -> role -> document id -> (assignment id, task index)
    cells: dict[tuple[str, str], dict[str, dict[str, dict[int, tuple[int, int]]]]] = {}
    unknown: set[str] = set()
    for province_id, agency, known, functions, pairs_text in found:
        province, origin = view.row(province_id)
        if not known:
            unknown.add(agency)
        made = [tuple(int(x) for x in p.split(":")) for p in (pairs_text or "").split(",") if p]
        by_fn = cells.setdefault((province, agency), {})
        for fn, (role, k) in json.loads(functions).items():
            docs = by_fn.setdefault(fn, {}).setdefault((role, origin), {})
            for aid, doc_id in made:
                docs.setdefault(doc_id, (aid, k))
    present = [f for f in fn_ids if any(f in fs for fs in cells.values())]
    out_rows = []
    for province, agency in sorted(cells, key=lambda k: (_sort_key(k[0]), _sort_key(k[1]))):
        fs = cells[(province, agency)]
        row_cells = []
        for f in present:
            entries = []
            for (role, origin), docs in sorted(fs.get(f, {}).items(),
                                               key=lambda kv: (ROLE_RANK.get(kv[0][0], 9), kv[0][1] or "")):
                text = label(role, lang) + (f" ({origin})" if origin else "")
                if len(docs) > 1:
                    text += f" ({label('plans', lang, n=len(docs))})"
                latest = sorted(docs, reverse=True)[:AGENCY_SOURCES]
                entries.append(Entry(text=text, origin=origin, detail=role,
                                     sources=[sources.get(("assignment", *docs[d])) for d in latest]))
            row_cells.append(entries)
        name = agency + (label("unknown_agency", lang) if agency in unknown else "")
        out_rows.append(Row(key=f"{province}|{agency}", labels=[province, name], cells=row_cells))
    notes = view.notes() + [label("agencies_note", lang, n=AGENCY_SOURCES)]
    table = Table(key="agencies", kind="agencies", title=label("t_agencies", lang), sheet=label("s_agencies", lang),
                  row_headers=[label("province", lang), label("agency", lang)],
                  columns=[function_label(tax, f, lang) for f in present], column_keys=present, rows=out_rows,
                  notes=notes)
    if alone and fill:
        fill_sources(store, table.sources(), lang)
    return table


def function_label(tax: Taxonomy, fn: str, lang: str) -> str:
    for f in tax.functions:
        if f.id == fn:
            return f.label(lang)
    return label("general", lang)


# -- national documents ----------------------------------------------------------------------
_NATIONAL_TYPES = {"luat", "bo luat", "phap lenh", "nghi dinh", "hien phap"}
_NATIONAL_MARKS = re.compile(r"ttg|nd-cp|nq-cp|/qh|ubtvqh|/tt-|ttlt|nqlt|khlt|[-/]tw\b|/bct|bldtbxh|bca\b|byt\b|"
                             r"bvhttdl|bgddt|btc\b|btp\b|bqp\b|btttt|bkhdt|bnv\b|-cp\b")
_LOCAL_MARKS = re.compile(r"ubnd|hdnd|/tu\b|-tu\b|bcd\b|/kh-|sldtbxh|/ct-ub")
_NATIONAL_ISSUERS = re.compile(r"thu tuong|chinh phu|quoc hoi|^bo |lien bo|trung uong|ban bi thu|bo chinh tri")
_LOCAL_ISSUERS = re.compile(r"tinh|thanh pho|uy ban nhan dan|hoi dong nhan dan|^so ")


def is_national(doc_type: str | None, number: str | None, issuer: str | None) -> bool:
    """A document issued at the national level (Party centre, National Assembly, Government,
    Prime Minister, ministries) rather than by a province."""
    t = fold_key(doc_type)
    n = fold(number or "").replace(" ", "")
    i = fold_key(issuer)
    if n:
        if _LOCAL_MARKS.search(n):
            return False
        if _NATIONAL_MARKS.search(n):
            return True
    if i:
        if _NATIONAL_ISSUERS.search(i):
            return True
        if _LOCAL_ISSUERS.search(i):
            return False
    return t in _NATIONAL_TYPES


def legal_label(doc_type: str | None, number: str | None, date: str | None, mention: str, lang: str) -> str:
    """"Quyết định 361/QĐ-TTg ngày 07/03/2016"; a law without a number as the plan named it."""
    if not number:
        return mention
    text = f"{doc_type or ''} {number}".strip()
    parts = (date or "").split("-")
    if len(parts) == 3:
        text += f" of {date}" if lang == "en" else f" ngày {parts[2]}/{parts[1]}/{parts[0]}"
    return text


@_bulk
def national_documents_table(store: Store, sel: Selection, sources: _Sources | None = None,
                             fill: bool = True) -> Table:
    """National documents x provinces: each cell lists the province's plans that cite it."""
    lang = sel.lang
    alone = sources is None
    sources = sources if sources is not None else _Sources()
    view = _province_view(store, sel)
    with store.read() as conn:
        legal = {r.id: r for r in conn.execute(select(L.c.id, L.c.key, L.c.doc_type, L.c.number, L.c.date,
                                                      L.c.issuer))}
        national = [i for i, r in legal.items() if is_national(r.doc_type, r.number, r.issuer)]
        found = []
        if national:
            cols = (C.c.legal_document_id, D.c.id, D.c.number, D.c.doc_type, D.c.name, D.c.issued_year,
                    D.c.province_id)
            q = (select(*cols, func.min(C.c.mention), _ids(C.c.id, store.dialect))
                 .select_from(C.join(D, C.c.document_id == D.c.id)))
            conds = [C.c.legal_document_id.in_(national)] + [
                c for c in (_province_filter(store, sel, D.c.province_id), _year_filter(sel, *_document_years()))
                if c is not None]
            found = conn.execute(q.where(*conds).group_by(*cols)).all()
    docs: dict[int, dict] = {}
    cells: dict[tuple[int, str], list[Entry]] = {}
    for lid, doc_id, number, doc_type, file, year, province_id, mention, ids_text in found:
        doc = document_label(number, doc_type, file, lang)
        r = legal[lid]
        info = docs.setdefault(lid, {"label": legal_label(r.doc_type, r.number, r.date, mention, lang),
                                     "issuer": r.issuer or "", "key": r.key, "provinces": set()})
        province, origin = view.row(province_id)
        info["provinces"].add(province)
        text = doc + (f" ({year})" if year else "")
        if origin:
            text = f"{origin}: {text}"
        cells.setdefault((lid, province), []).append(Entry(
            text=text, year=year, origin=origin, detail=mention,
            sources=[sources.get(("citation", i)) for i in _split_ids(ids_text)]))
    provinces = sorted({p for _, p in cells}, key=_sort_key)
    order = sorted(docs, key=lambda i: (-len(docs[i]["provinces"]), docs[i]["key"]))
    rows = [Row(key=docs[i]["key"], labels=[docs[i]["label"], docs[i]["issuer"]],
                cells=[sorted(cells.get((i, p), []), key=lambda e: (e.year or 0, e.text)) for p in provinces])
            for i in order]
    table = Table(key="national", kind="national", title=label("t_national", lang), sheet=label("s_national", lang),
                  row_headers=[label("national_doc", lang), label("issuer", lang)], columns=provinces,
                  column_keys=provinces, rows=rows, notes=view.notes())
    if alone and fill:
        fill_sources(store, table.sources(), lang)
    return table


# -- the report ------------------------------------------------------------------------------
def _kinds(sel: Selection) -> list[str]:
    if sel.tables:
        bad = [k for k in sel.tables if k not in TABLE_KINDS]
        if bad:
            raise KeyError(f"no table kind {bad[0]!r}; kinds: {', '.join(TABLE_KINDS)}")
        return [k for k in TABLE_KINDS if k in sel.tables]
    if sel.indicators:
        return ["years"] if len(sel.indicators) == 1 else ["indicators", "years"]
    if sel.topic:
        return ["indicators", "years"]
    return list(TABLE_KINDS)


@_bulk
def build_report(store: Store, sel: Selection, taxonomy: Taxonomy | None = None) -> Report:
    """Every table the selection asks for (with no selection: all of them), sources filled in."""
    tax = taxonomy or load_taxonomy()
    kinds = _kinds(sel)
    wanted = selected_indicators(sel, tax)
    ensure_indicators(store, taxonomy=tax)
    sources = _Sources()
    tables: list[Table] = []
    if {"indicators", "years"} & set(kinds):
        statements = fetch_statements(store, sel, [i.id for i in wanted] if wanted is not None else None)
        if "indicators" in kinds:
            tables.append(province_indicator_table(store, sel, tax, statements, sources))
        if "years" in kinds:
            present = {s.indicator_id for s in statements}
            for ind in (wanted if wanted is not None else tax.indicators):
                if ind.id in present or (wanted is not None and len(wanted) == 1):
                    tables.append(province_year_table(store, sel, ind.id, tax, statements, sources))
    if "agencies" in kinds:
        tables.append(agency_function_table(store, sel, tax, sources))
    if "national" in kinds:
        tables.append(national_documents_table(store, sel, sources))
    if "other" in kinds:
        tables.append(other_targets_table(store, sel, tax, sources))
    numbered = number_sources(tables)
    fill_sources(store, numbered, sel.lang)
    return Report(tables=tables, sources=numbered, selection=sel, taxonomy=tax)


def parse_years(specs: Iterable[str] | None) -> list[tuple[int, int]] | None:
    """"2021" -> (2021, 2021); "2016-2020" (or 2016–2020, 2016:2020) -> (2016, 2020)."""
    out = []
    for spec in specs or []:
        m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–:]\s*(\d{4}))?\s*", spec)
        if not m:
            raise ValueError(f"not a year or a period: {spec!r} (write 2021 or 2016-2020)")
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        out.append((min(a, b), max(a, b)))
    return out or None


__all__ = [
    "Entry", "LABELS", "Report", "Row", "Selection", "Source", "Statement", "TABLE_KINDS", "Table",
    "agency_function_table", "build_report", "fetch_statements", "document_label", "fill_sources", "format_number", "format_value",
    "is_national", "label", "national_documents_table", "number_sources", "other_targets_table", "parse_years",
    "province_indicator_table", "province_year_table",
]
