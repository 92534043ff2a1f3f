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
the sources it came from (document number, page, sentence). Several targets in one cell are all
shown, never averaged; the same figure said twice by one plan (a sentence and its annex total)
is one entry with two sources. With ``as_of=2025`` old provinces are grouped under the unit they
merged into on 1 July 2025, each entry naming the old province, and the table says so.

Labels are Vietnamese by default, English with ``lang="en"``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import and_, func, or_, select

from kehoach.extract.indicators import OTHER, Indicator, Taxonomy, functions_of, load_taxonomy
from kehoach.extract.normalize import fold, fold_key

from .db import Store
from .indicators import ensure_indicators
from .provinces import load_provinces
from .query import province_ids
from .schema import Agency, Assignment, Citation, LegalDocument, Province, Target
from .schema import Document as DocumentRow

T = Target.__table__
D = DocumentRow.__table__
P = Province.__table__
A = Assignment.__table__
AG = Agency.__table__
C = Citation.__table__
L = LegalDocument.__table__

TABLE_KINDS = ("indicators", "years", "agencies", "national", "other")

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "report": "So sánh kế hoạch các tỉnh",
        "province": "Tỉnh, thành phố",
        "indicator": "Chỉ tiêu",
        "year": "Năm",
        "agency": "Cơ quan",
        "national_doc": "Văn bản trung ương",
        "issuer": "Cơ quan ban hành",
        "value": "Chỉ tiêu (giá trị)",
        "subject": "Nội dung",
        "document": "Văn bản",
        "page": "Trang",
        "sentence": "Câu trích",
        "file": "Tệp",
        "issued": "Ngày ban hành",
        "ref": "Nguồn",
        "table": "Bảng",
        "cell": "Ô",
        "sources": "Nguồn",
        "other": "Khác (chưa phân loại)",
        "other_count": "{n} chỉ tiêu khác",
        "area_count": "+{n} theo địa bàn",
        "unknown_province": "(không rõ tỉnh)",
        "unknown_year": "không rõ năm",
        "t_indicators": "Chỉ tiêu theo tỉnh{when}",
        "t_years": "{label} — theo tỉnh và năm",
        "t_agencies": "Cơ quan chủ trì, phối hợp theo lĩnh vực, từng tỉnh",
        "t_national": "Văn bản trung ương được kế hoạch các tỉnh triển khai",
        "t_other": "Chỉ tiêu chưa phân loại (khác)",
        "s_indicators": "Tỉnh x chỉ tiêu",
        "s_agencies": "Cơ quan x lĩnh vực",
        "s_national": "Văn bản TW x tỉnh",
        "s_other": "Khác",
        "s_sources": "Nguồn",
        "when_year": ", năm {y}",
        "when_period": ", giai đoạn {a}–{b}",
        "as_of": "Theo đơn vị hành chính từ 01/7/2025 (Nghị quyết 202/2025/QH15): {pairs}.",
        "as_of_none": "Theo đơn vị hành chính từ 01/7/2025 (Nghị quyết 202/2025/QH15).",
        "areas_note": "Chỉ tiêu giao cho từng huyện, xã được đếm trong ô (+n theo địa bàn) và liệt kê đầy đủ ở bảng theo năm của chỉ tiêu đó.",
        "year_note": "Năm của ô là năm chỉ tiêu phải đạt (hết kỳ kế hoạch).",
        "unknown_agency": " (chưa có trong danh mục)",
        "no_data": "Không có dữ liệu cho lựa chọn này.",
        "lead": "Chủ trì",
        "coordinate": "Phối hợp",
        "report_to": "Nhận báo cáo",
        "responsible": "Thực hiện",
        "general": "Nhiệm vụ khác",
        "chart_bar": "Theo tỉnh",
        "chart_line": "Theo năm",
        "generated": "Tạo từ kho dữ liệu",
        "unit": "Đơn vị",
        "topic": "Lĩnh vực",
        "targets": "Số chỉ tiêu",
        "documents": "Số văn bản",
        "provinces": "Số tỉnh",
        "id": "Mã",
    },
    "en": {
        "report": "Provincial plans compared",
        "province": "Province",
        "indicator": "Indicator",
        "year": "Year",
        "agency": "Agency",
        "national_doc": "National document",
        "issuer": "Issued by",
        "value": "Target (value)",
        "subject": "Subject",
        "document": "Document",
        "page": "Page",
        "sentence": "Sentence",
        "file": "File",
        "issued": "Issued",
        "ref": "Source",
        "table": "Table",
        "cell": "Cell",
        "sources": "Sources",
        "other": "Other (unclassified)",
        "other_count": "{n} other targets",
        "area_count": "+{n} by district",
        "unknown_province": "(province unknown)",
        "unknown_year": "year unknown",
        "t_indicators": "Targets by province{when}",
        "t_years": "{label} — by province and year",
        "t_agencies": "Lead and partner agencies by function, per province",
        "t_national": "National documents implemented by provincial plans",
        "t_other": "Unclassified targets (other)",
        "s_indicators": "Province x indicator",
        "s_agencies": "Agency x function",
        "s_national": "National docs x province",
        "s_other": "Other",
        "s_sources": "Sources",
        "when_year": ", {y}",
        "when_period": ", {a}–{b}",
        "as_of": "As of the administrative units of 1 July 2025 (Resolution 202/2025/QH15): {pairs}.",
        "as_of_none": "As of the administrative units of 1 July 2025 (Resolution 202/2025/QH15).",
        "areas_note": "Targets set for single districts or communes are counted in the cell (+n by district) and listed in full in that indicator's by-year table.",
        "year_note": "A cell's year is the year the target is due (end of the plan period).",
        "unknown_agency": " (not in the gazetteer)",
        "no_data": "No data for this selection.",
        "lead": "Leads",
        "coordinate": "Partner",
        "report_to": "Receives reports",
        "responsible": "Responsible",
        "general": "Other tasks",
        "chart_bar": "By province",
        "chart_line": "By year",
        "generated": "Built from the store",
        "unit": "Unit",
        "topic": "Topic",
        "targets": "Targets",
        "documents": "Documents",
        "provinces": "Provinces",
        "id": "Id",
    },
}


def label(key: str, lang: str = "vi", **kw: Any) -> str:
    text = LABELS.get(lang, LABELS["vi"])[key]
    return text.format(**kw) if kw else text


# -- the model of a report -------------------------------------------------------------------
@dataclass
class Source:
    """Where a figure comes from: a document, a page, a sentence."""

    key: tuple  # (kind, row id, ...): one Source per fact however many tables show it
    document: str  # its number, or the file name when the number was left blank
    document_id: int
    file: str
    province: str | None  # as stored (the province of the plan when it was written)
    issued: str | None
    page: int
    sentence: str
    verbatim: str
    start: int
    end: int
    ref: int = 0  # numbered in the order first shown (1, 2, ...)
    context: str = ""  # which table cell first showed it


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
    detail: str | None = None  # the subject, or the task


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
        """The entries of a cell, by the row's first label and a column label or key."""
        j = self.column_keys.index(column) if column in self.column_keys else self.columns.index(column)
        for row in self.rows:
            if row.labels[0] == row_label:
                return row.cells[j]
        raise KeyError(row_label)

    @property
    def empty(self) -> bool:
        return not any(e for r in self.rows for c in r.cells for e in c)


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
    """Numbers sources in the order they are first shown; one Source per fact."""

    def __init__(self) -> None:
        self.by_key: dict[tuple, Source] = {}

    def add(self, source: Source) -> Source:
        have = self.by_key.get(source.key)
        if have is not None:
            return have
        self.by_key[source.key] = source
        return source

    def number(self, tables: list[Table]) -> list[Source]:
        ordered: list[Source] = []
        for t in tables:
            for r in t.rows:
                for j, cell in enumerate(r.cells):
                    for e in cell:
                        for s in e.sources:
                            if not s.ref:
                                s.ref = len(ordered) + 1
                                s.context = f"{t.sheet} / {r.labels[0]} / {t.columns[j]}"
                                ordered.append(s)
        return ordered


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


def _sort_key(name: str) -> str:
    return fold(name)


# -- provinces -------------------------------------------------------------------------------
@dataclass
class _ProvinceView:
    """Province ids -> the row a plan is shown in, for this selection."""

    names: dict[int, str]  # id -> name as stored
    as_of_2025: bool
    lang: str
    merged_seen: dict[str, str] = field(default_factory=dict)  # old -> new, for the note

    def row(self, province_id: int | None, written: str | None) -> tuple[str, str | None]:
        """(row label, origin): origin names the old province when it is grouped under another."""
        if province_id is None or province_id not in self.names:
            return label("unknown_province", self.lang), written
        name = self.names[province_id]
        if not self.as_of_2025:
            return name, None
        successor = load_provinces().successor(name).name
        if successor != name:
            self.merged_seen[name] = successor
            return successor, name
        return name, None

    def notes(self) -> list[str]:
        if not self.as_of_2025:
            return []
        if not self.merged_seen:
            return [label("as_of_none", self.lang)]
        pairs = "; ".join(f"{old} → {new}" for old, new in sorted(self.merged_seen.items(),
                                                                    key=lambda kv: (_sort_key(kv[1]), _sort_key(kv[0]))))
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
class TargetRow:
    id: int
    indicator_id: str
    value: float
    value_max: float | None
    comparator: str
    unit: str | None
    subject: str | None
    area: str | None
    year_from: int | None
    year_to: int | None
    page: int
    sentence: str
    verbatim: str
    start: int
    end: int
    document_id: int
    document: str
    file: str
    issued: str | None
    province_id: int | None
    province_written: str | None


def selected_indicators(sel: Selection, tax: Taxonomy) -> list[Indicator] | None:
    """The indicators a selection names (None: all of them)."""
    if sel.indicators:
        return [tax.get(i) for i in sel.indicators]
    if sel.topic:
        if sel.topic not in tax.topics:
            raise KeyError(f"no topic {sel.topic!r}; topics: {', '.join(tax.topics)}")
        return tax.by_topic(sel.topic)
    return None


def fetch_targets(store: Store, sel: Selection, indicator_ids: Iterable[str] | None = None) -> list[TargetRow]:
    """Matched targets for the selection (``indicator_ids`` None: all, "other" included)."""
    q = (select(T.c.id, T.c.indicator_id, T.c.value, T.c.value_max, T.c.comparator, T.c.unit, T.c.subject,
                T.c.area, T.c.year_from, T.c.year_to, T.c.page, T.c.text, T.c.verbatim, T.c.char_start,
                T.c.char_end, D.c.id, func.coalesce(D.c.number, D.c.name), D.c.name, D.c.issued_date,
                D.c.province_id, D.c.province_written)
         .select_from(T.join(D, T.c.document_id == D.c.id)))
    conds = [c for c in (_province_filter(store, sel, D.c.province_id),
                         _year_filter(sel, T.c.year_from, T.c.year_to)) if c is not None]
    if indicator_ids is not None:
        conds.append(T.c.indicator_id.in_(list(indicator_ids)))
    q = q.where(*conds).order_by(T.c.year_to, D.c.issued_date, D.c.id, T.c.char_start)
    with store.read() as conn:
        return [TargetRow(*r) for r in conn.execute(q)]


def _target_source(t: TargetRow) -> Source:
    return Source(key=("target", t.id), document=t.document, document_id=t.document_id, file=t.file,
                  province=t.province_written, issued=t.issued, page=t.page, sentence=t.sentence,
                  verbatim=t.verbatim, start=t.start, end=t.end)


def _year_text(a: int | None, b: int | None) -> str:
    if a is None and b is None:
        return ""
    if a is None or b is None or a == b:
        return str(b or a)
    return f"{a}–{b}"


def _target_entries(targets: list[TargetRow], view: _ProvinceView, sources: _Sources, lang: str,
                    show_year: str) -> list[Entry]:
    """Entries for one cell: one per distinct statement of a plan (same value, comparator,
    unit, years, area), with every source saying it; province-wide targets first.
    ``show_year``: "always" adds the years to the text, "span" only a span of several years."""
    groups: dict[tuple, Entry] = {}
    for t in targets:
        _, origin = view.row(t.province_id, t.province_written)
        unit = (t.unit or "").strip()
        key = (t.document_id, t.value, t.value_max, t.comparator, fold_key(unit), t.year_from, t.year_to,
               t.area or "")
        entry = groups.get(key)
        if entry is None:
            text = format_value(t.value, t.value_max, t.comparator, unit, lang)
            years = _year_text(t.year_from, t.year_to)
            if show_year == "never" or show_year == "span" and "–" not in years:
                years = ""
            extras = [x for x in (t.area, years) if x]
            if extras:
                text += f" ({', '.join(extras)})"
            if origin:
                text = f"{origin}: {text}"
            entry = groups[key] = Entry(text=text, value=t.value, value_max=t.value_max, comparator=t.comparator,
                                        unit=unit or None, year=t.year_to or t.year_from, origin=origin,
                                        area=t.area, detail=t.subject)
        entry.sources.append(sources.add(_target_source(t)))
    return sorted(groups.values(), key=lambda e: (e.area is not None, e.origin or "", e.year or 0,
                                                  _sort_key(e.area or "")))


def province_indicator_table(store: Store, sel: Selection, taxonomy: Taxonomy | None = None,
                             targets: list[TargetRow] | None = None, sources: _Sources | None = None) -> Table:
    """Provinces x indicators for the selected years; "other" targets counted in a last column."""
    tax = taxonomy or load_taxonomy()
    lang = sel.lang
    wanted = selected_indicators(sel, tax)
    if targets is None:
        ensure_indicators(store, taxonomy=tax)
        targets = fetch_targets(store, sel, [i.id for i in wanted] if wanted is not None else None)
    sources = sources or _Sources()
    view = _province_view(store, sel)
    cells: dict[tuple[str, str], list[TargetRow]] = {}
    for t in targets:
        row, _ = view.row(t.province_id, t.province_written)
        cells.setdefault((row, t.indicator_id), []).append(t)
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
            ts = cells.get((name, k), [])
            if k == OTHER:
                entry = Entry(text=label("other_count", lang, n=len(ts))) if ts else None
                row_cells.append([entry] if entry else [])
                continue
            wide = [t for t in ts if not t.area]
            entries = _target_entries(wide, view, sources, lang, show_year)
            n_area = len(ts) - len(wide)
            if n_area:
                entries.append(Entry(text=label("area_count", lang, n=n_area)))
            row_cells.append(entries)
        rows.append(Row(key=name, labels=[name], cells=row_cells))
    notes = view.notes()
    if any(t.area for t in targets):
        notes.append(label("areas_note", lang))
    notes.append(label("year_note", lang))
    return Table(key="indicators", kind="indicators", title=label("t_indicators", lang, when=_when(sel)),
                 sheet=label("s_indicators", lang), row_headers=[label("province", lang)], columns=columns,
                 column_keys=keys, rows=rows, notes=notes)


def province_year_table(store: Store, sel: Selection, indicator_id: str, taxonomy: Taxonomy | None = None,
                        targets: list[TargetRow] | None = None, sources: _Sources | None = None) -> Table:
    """Provinces x years for one indicator; a target sits in the year it is due."""
    tax = taxonomy or load_taxonomy()
    ind = tax.get(indicator_id)
    lang = sel.lang
    if targets is None:
        ensure_indicators(store, taxonomy=tax)
        targets = fetch_targets(store, sel, [indicator_id])
    else:
        targets = [t for t in targets if t.indicator_id == indicator_id]
    sources = sources or _Sources()
    view = _province_view(store, sel)
    cells: dict[tuple[str, int | None], list[TargetRow]] = {}
    for t in targets:
        row, _ = view.row(t.province_id, t.province_written)
        cells.setdefault((row, t.year_to or t.year_from), []).append(t)
    years = sorted({y for _, y in cells}, key=lambda y: (y is None, y or 0))
    columns = [str(y) if y is not None else label("unknown_year", lang) for y in years]
    rows = []
    for name in sorted({r for r, _ in cells}, key=_sort_key):
        row_cells = []
        for y in years:
            ts = cells.get((name, y), [])
            # The cell's year is the column; a multi-year target still says its span.
            row_cells.append(_target_entries(ts, view, sources, lang, show_year="span"))
        rows.append(Row(key=name, labels=[name], cells=row_cells))
    notes = view.notes() + [label("year_note", lang)]
    unit_word = {"vi": "Đơn vị", "en": "Unit"}.get(lang, "Đơn vị")
    if ind.unit:
        notes.insert(0, f"{unit_word}: {ind.unit}. {label('topic', lang)}: {tax.topic_label(ind.topic, lang)}.")
    return Table(key=f"years-{ind.id}", kind="years", title=label("t_years", lang, label=ind.label(lang)),
                 sheet=ind.id, row_headers=[label("province", lang)], columns=columns, column_keys=years,
                 rows=rows, notes=notes, indicator=ind)


def other_targets_table(store: Store, sel: Selection, taxonomy: Taxonomy | None = None,
                        targets: list[TargetRow] | None = None, sources: _Sources | None = None) -> Table:
    """Every target no indicator fits: province, year, value and subject, with its source."""
    tax = taxonomy or load_taxonomy()
    lang = sel.lang
    if targets is None:
        ensure_indicators(store, taxonomy=tax)
        targets = fetch_targets(store, sel, [OTHER])
    else:
        targets = [t for t in targets if t.indicator_id == OTHER]
    sources = sources or _Sources()
    view = _province_view(store, sel)
    rows = []
    keyed = []
    for t in targets:
        name, origin = view.row(t.province_id, t.province_written)
        keyed.append((_sort_key(name), t.year_to or 0, t.document_id, t.start, name, origin, t))
    keyed.sort(key=lambda k: k[:4])
    for _, _, _, _, name, origin, t in keyed:
        value = format_value(t.value, t.value_max, t.comparator, t.unit, lang)
        if t.area:
            value += f" ({t.area})"
        src = sources.add(_target_source(t))
        rows.append(Row(key=f"{name}-{t.id}", labels=[name, _year_text(t.year_from, t.year_to)],
                        cells=[[Entry(text=value, sources=[src], value=t.value, value_max=t.value_max,
                                      comparator=t.comparator, unit=t.unit, year=t.year_to, origin=origin,
                                      area=t.area, detail=t.subject)],
                               [Entry(text=t.subject or "")] if t.subject else [],
                               [Entry(text=t.document)]]))
    return Table(key="other", kind="other", title=label("t_other", lang), sheet=label("s_other", lang),
                 row_headers=[label("province", lang), label("year", lang)],
                 columns=[label("value", lang), label("subject", lang), label("document", lang)],
                 column_keys=["value", "subject", "document"], rows=rows, notes=view.notes())


# -- agencies --------------------------------------------------------------------------------
_LEAD_CUE = re.compile(r"\bchủ trì\b", re.IGNORECASE)
_COORD_CUE = re.compile(r"\bphối hợp\b", re.IGNORECASE)


def _task_role(task: str, roles: list[str]) -> str:
    """The role a task gives: "chủ trì" leads, "phối hợp" partners, else what the plan said of
    the agency as a whole (a heading agency: responsible for what is under it)."""
    if _LEAD_CUE.search(task[:160]):
        return "lead"
    if _COORD_CUE.search(task[:40]):
        return "coordinate"
    if roles == ["report_to"]:
        return "report_to"
    return "lead" if roles[:1] == ["lead"] and len(roles) == 1 else "responsible"


def agency_function_table(store: Store, sel: Selection, taxonomy: Taxonomy | None = None,
                          sources: _Sources | None = None) -> Table:
    """Rows (province, agency) x functions; a cell lists the roles the agency has there."""
    tax = taxonomy or load_taxonomy()
    lang = sel.lang
    sources = sources or _Sources()
    view = _province_view(store, sel)
    q = (select(A.c.id, A.c.roles, A.c.tasks, A.c.sentence, A.c.mention, A.c.page, A.c.char_start,
                A.c.char_end, A.c.verbatim, AG.c.name, AG.c.known, D.c.id, func.coalesce(D.c.number, D.c.name),
                D.c.name, D.c.issued_date, D.c.province_id, D.c.province_written)
         .select_from(A.join(AG, A.c.agency_id == AG.c.id).join(D, A.c.document_id == D.c.id)))
    lo = func.coalesce(D.c.period_start, D.c.issued_year)
    hi = func.coalesce(D.c.period_end, D.c.period_start, D.c.issued_year)
    conds = [c for c in (_province_filter(store, sel, D.c.province_id), _year_filter(sel, lo, hi)) if c is not None]
    with store.read() as conn:
        rows = conn.execute(q.where(*conds).order_by(D.c.issued_date, D.c.id, A.c.char_start)).all()
    fn_ids = [f.id for f in tax.functions] + ["general"]
    cells: dict[tuple[str, str], dict[str, dict[str, Entry]]] = {}
    unknown: set[str] = set()
    for (aid, roles, tasks, sentence, mention, page, start, end, verbatim, agency, known, doc_id, doc,
         file, issued, province_id, written) in rows:
        province, origin = view.row(province_id, written)
        if not known:
            unknown.add(agency)
        roles = list(roles or [])
        pieces = [t for t in (tasks or []) if t] or [sentence or mention]
        for k, task in enumerate(pieces):
            fns = functions_of(task, tax) or ["general"]
            role = _task_role(task, roles)
            if role == "report_to":
                fns = ["reporting"] if "reporting" in fn_ids else fns
            src = sources.add(Source(
                key=("assignment", aid, k), document=doc, document_id=doc_id, file=file, province=written,
                issued=issued, page=page, sentence=" ".join(task.split())[:300], verbatim=verbatim,
                start=start, end=end))
            for fn in fns:
                by_role = cells.setdefault((province, agency), {}).setdefault(fn, {})
                text = label(role, lang) + (f" ({origin})" if origin else "")
                entry = by_role.setdefault(text, Entry(text=text, origin=origin, detail=role))
                if src not in entry.sources:
                    entry.sources.append(src)
    order = {"lead": 0, "responsible": 1, "coordinate": 2, "report_to": 3}
    present = [f for f in fn_ids if any(f in fs for fs in cells.values())]
    columns = [tax_function_label(tax, f, lang) for f in present]
    out_rows = []
    for province, agency in sorted(cells, key=lambda k: (_sort_key(k[0]), _sort_key(k[1]))):
        fs = cells[(province, agency)]
        name = agency + (label("unknown_agency", lang) if agency in unknown else "")
        out_rows.append(Row(key=f"{province}|{agency}", labels=[province, name],
                            cells=[sorted(fs.get(f, {}).values(), key=lambda e: (order.get(e.detail, 9), e.text))
                                   for f in present]))
    return Table(key="agencies", kind="agencies", title=label("t_agencies", lang), sheet=label("s_agencies", lang),
                 row_headers=[label("province", lang), label("agency", lang)], columns=columns, column_keys=present,
                 rows=out_rows, notes=view.notes())


def tax_function_label(tax: Taxonomy, fn: str, lang: str) -> str:
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
    if number:
        text = f"{doc_type or ''} {number}".strip()
        if date:
            d = date.split("-")
            text += f" ngày {d[2]}/{d[1]}/{d[0]}" if lang != "en" and len(d) == 3 else f" of {date}" if lang == "en" else ""
        return text
    return mention


def national_documents_table(store: Store, sel: Selection, sources: _Sources | None = None) -> Table:
    """National documents x provinces: each cell lists the province's plans that cite it."""
    lang = sel.lang
    sources = sources or _Sources()
    view = _province_view(store, sel)
    q = (select(L.c.id, L.c.key, L.c.doc_type, L.c.number, L.c.date, L.c.issuer, C.c.id, C.c.mention,
                C.c.sentence, C.c.page, C.c.char_start, C.c.char_end, C.c.verbatim, D.c.id,
                func.coalesce(D.c.number, D.c.name), D.c.name, D.c.issued_date, D.c.issued_year,
                D.c.province_id, D.c.province_written)
         .select_from(C.join(L, C.c.legal_document_id == L.c.id).join(D, C.c.document_id == D.c.id)))
    lo = func.coalesce(D.c.period_start, D.c.issued_year)
    hi = func.coalesce(D.c.period_end, D.c.period_start, D.c.issued_year)
    conds = [c for c in (_province_filter(store, sel, D.c.province_id), _year_filter(sel, lo, hi)) if c is not None]
    with store.read() as conn:
        legal = {r.id: r for r in conn.execute(select(L.c.id, L.c.doc_type, L.c.number, L.c.issuer))}
        national = [i for i, r in legal.items() if is_national(r.doc_type, r.number, r.issuer)]
        if not national:
            rows = []
        else:
            conds.append(C.c.legal_document_id.in_(national))
            rows = conn.execute(q.where(*conds).order_by(L.c.key, D.c.issued_date, D.c.id, C.c.char_start)).all()
    docs: dict[int, dict] = {}
    cells: dict[tuple[int, str], dict[int, Entry]] = {}
    for (lid, key, dtype, number, date, issuer, cid, mention, sentence, page, start, end, verbatim, doc_id,
         doc, file, issued, year, province_id, written) in rows:
        info = docs.setdefault(lid, {"label": legal_label(dtype, number, date, mention, lang), "issuer": issuer or "",
                                     "key": key, "provinces": set()})
        province, origin = view.row(province_id, written)
        info["provinces"].add(province)
        by_doc = cells.setdefault((lid, province), {})
        entry = by_doc.get(doc_id)
        if entry is None:
            text = doc + (f" ({year})" if year else "")
            if origin:
                text = f"{origin}: {text}"
            entry = by_doc[doc_id] = Entry(text=text, year=year, origin=origin, detail=mention)
        entry.sources.append(sources.add(Source(
            key=("citation", cid), document=doc, document_id=doc_id, file=file, province=written, issued=issued,
            page=page, sentence=sentence, verbatim=verbatim, start=start, end=end)))
    provinces = sorted({p for _, p in cells}, key=_sort_key)
    order = sorted(docs, key=lambda i: (-len(docs[i]["provinces"]), docs[i]["key"]))
    out_rows = [Row(key=docs[i]["key"], labels=[docs[i]["label"], docs[i]["issuer"]],
                    cells=[sorted(cells.get((i, p), {}).values(), key=lambda e: (e.year or 0, e.text))
                           for p in provinces]) for i in order]
    return Table(key="national", kind="national", title=label("t_national", lang), sheet=label("s_national", lang),
                 row_headers=[label("national_doc", lang), label("issuer", lang)], columns=provinces,
                 column_keys=provinces, rows=out_rows, notes=view.notes())


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


def build_report(store: Store, sel: Selection, taxonomy: Taxonomy | None = None) -> Report:
    """Every table the selection asks for (with no selection: all of them)."""
    tax = taxonomy or load_taxonomy()
    kinds = _kinds(sel)
    wanted = selected_indicators(sel, tax)
    ensure_indicators(store, taxonomy=tax)
    sources = _Sources()
    tables: list[Table] = []
    targets: list[TargetRow] | None = None
    if {"indicators", "years", "other"} & set(kinds):
        ids = [i.id for i in wanted] if wanted is not None else None
        if ids is not None and "other" in kinds:
            ids.append(OTHER)
        targets = fetch_targets(store, sel, ids)
    if "indicators" in kinds:
        tables.append(province_indicator_table(store, sel, tax, targets, sources))
    if "years" in kinds:
        present = {t.indicator_id for t in targets or []}
        for ind in (wanted if wanted is not None else tax.indicators):
            if ind.id in present or (wanted is not None and len(wanted) == 1):
                tables.append(province_year_table(store, sel, ind.id, tax, targets, sources))
    if "agencies" in kinds:
        tables.append(agency_function_table(store, sel, tax, sources))
    if "national" in kinds:
        tables.append(national_documents_table(store, sel, sources))
    if "other" in kinds:
        tables.append(other_targets_table(store, sel, tax, targets, sources))
    numbered = sources.number(tables)
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
    "Entry", "LABELS", "Report", "Row", "Selection", "Source", "TABLE_KINDS", "Table", "TargetRow",
    "agency_function_table", "build_report", "fetch_targets", "format_number", "format_value", "is_national",
    "label", "national_documents_table", "other_targets_table", "parse_years", "province_indicator_table",
    "province_year_table",
]
