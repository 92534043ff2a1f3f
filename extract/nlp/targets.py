"""Targets: the quantified commitments a plan makes for its own period.

``find_targets(ctx)`` reads every quantity in the text (``extract.numbers``) and keeps those
that the surrounding words make a commitment: a percentage, or a number counting something
("900 lượt người", "04 mô hình", "từ 01 - 02 xã", "10/10 huyện", "ít nhất một bài"), that is
not a date, a year, a citation or section number, part of a name ("Ban Chỉ đạo 138"), an age,
a duration or a sum of money, and not a reported result (a review section such as "Đánh giá
kết quả thực hiện năm 2010", the preamble, or a clause saying "đã ..." / "hiện nay ...").

Each target gets its comparator ("ít nhất" / "trên" / "Phấn đấu" -> ">=", "không quá" ->
"<=", ranges), its unit (the counted noun as written, "%" for percentages), what is counted,
its period (the plan's, the year it is set for, or "hàng tháng" / "hàng năm"), and the sentence
or clause it stands in (<= 300 characters, verbatim). Annex tables give one target per figure
(``extract.nlp.target_tables``). The words it knows are data: models/targets/lexicon.yaml.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..dates import find_dates
from ..document import Document, Section
from ..model import Comparator, Target
from ..numbers import Quantity, find_quantities
from .base import Context, provenance, sections_at
from .target_flat_tables import flat_table_targets
from .target_lexicon import Lexicon, lexicon
from .target_tables import figure_cell, table_targets

MAX_TEXT = 300
_YEAR = range(1900, 2101)
_CLAUSE_END = re.compile(r"[;:]")
# A sentence ends at . ! ? … before a capital, before a numbered item glued into the same
# block ("... 3 ngày. 3. Triển khai ..."), or at the end of the block.
_SENT_END = re.compile(r"[.!?…](?=\s+[\"“(]?[^\W\d_a-zđ]|\s+\d{1,2}(?:\.\d{1,2})*[.)]\s+[^\W\d_a-zđ]|\s*$)|\n")
# "TP." "TX." "P." "TT." "Tp." before a name: a dot that does not end a sentence.
_ABBREV_DOT = re.compile(r"(?<![^\W\d_])(?:[A-ZĐ]{1,3}|Tp|Th\.S|ThS|TS|Q|H|X)\.$")
_LEADING_MARK = re.compile(r"^\s*(?:[-–—+•*·∙▪◦]\s*|\(?\d{1,2}(?:\.\d{1,2})*[.)]\s+|[a-zđ]\)\s+|[IVXL]{1,6}\.\s+)")


@dataclass
class _Sentence:
    start: int
    end: int
    section_chain: list[Section]
    preamble: bool = False  # before the first numbered section of a sectioned document
    lead: str = ""  # lowercased lead-in paragraph ending in ":" that a list item hangs from
    opens_block: bool = False
    review: bool = False  # in a review of past results (see Lexicon.in_review)


def find_targets(ctx: Context) -> list[Target]:
    """Every quantified commitment in the document, in text order."""

    doc = ctx.document
    lex = lexicon()
    plan = _plan_years(ctx)
    period = _period_label(plan)
    skip = _skip_spans(ctx)
    sentences = _sentences(doc)
    starts = [s.start for s in sentences]
    out: list[Target] = []
    for q in find_quantities(doc.text):
        if _inside(skip, q.start):
            continue
        i = bisect.bisect_right(starts, q.start) - 1
        if i < 0 or q.start >= sentences[i].end:
            continue
        target = _read(doc, lex, q, sentences[i], plan, period)
        if target is not None:
            out.append(target)
    out.extend(table_targets(ctx, lex, plan, period))
    flat, regions = flat_table_targets(ctx, lex, plan, period)
    if flat:  # a table recovered from flattened text wins over sentence readings inside it
        out = [t for t in out if not any(a <= t.provenance.start < b for a, b in regions)] + flat
    out.sort(key=lambda t: t.provenance.start)
    return out


# --- the document's frame: plan years, what to skip, sentences ----------------------------

def _plan_years(ctx: Context) -> tuple[int | None, int | None]:
    """(first, last) year of the plan: metadata first, else the year in the title."""
    meta = ctx.found.metadata
    start, end = meta.plan_period.start, meta.plan_period.end
    if start or end:
        return start or end, end or start
    title = ctx.document.header.title
    years = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", title.text)] if title else []
    if years:
        return min(years), max(years)
    if meta.issued_year:
        return meta.issued_year, meta.issued_year
    return None, None


def _period_label(plan: tuple[int | None, int | None]) -> str | None:
    start, end = plan
    if start is None:
        return None
    return str(start) if start == end else f"{start}-{end}"


def _skip_spans(ctx: Context) -> list[tuple[int, int]]:
    """Spans whose numbers are never targets here: header fields, dates, citations, figure
    cells of tables (read by target_tables), recipients and signature blocks."""
    doc = ctx.document
    spans: list[tuple[int, int]] = []
    for field in ("issuer", "number", "place_date", "doc_type", "title"):
        span = getattr(doc.header, field)
        if span is not None:
            spans.append((span.start, span.end))
    spans.extend((d.start, d.end) for d in find_dates(doc.text))
    spans.extend((c.provenance.start, c.provenance.end) for c in ctx.found.citations)
    # figure cells are read by target_tables; sentences in task-table cells are read here
    spans.extend((b.start, b.end) for b in doc.blocks
                 if b.kind == "table_cell" and figure_cell(b.text, lexicon()))
    if doc.outline is not None:
        spans.extend((s.start, s.end) for s in doc.outline.children
                     if s.kind in ("recipients", "signature"))
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans, so one bisection tells whether an offset is inside."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    i = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def _sentences(doc: Document) -> list[_Sentence]:
    """Sentences inside text blocks (a block's numbering label is left out), in text order,
    each with the lead-in its list hangs from ("Phấn đấu đến hết năm 2024:")."""
    out: list[_Sentence] = []
    blocks = doc.blocks
    if blocks:
        pieces = []
        lead = ""
        for b in blocks:
            start = b.start + _label_len(b.text, b.label)
            pieces.append((start, b.end, lead if b.kind == "list_item" else ""))
            text = doc.text[start:b.end].rstrip()
            if text.endswith(":"):
                lead = text
            elif b.kind != "list_item":
                lead = ""
    else:
        pieces = [(m.start(), m.end(), "") for m in re.finditer(r"[^\n]+", doc.text)]
    text = doc.text
    for start, end, lead in pieces:
        pos = start
        for m in _SENT_END.finditer(text, start, end):
            if m.group() == "." and _ABBREV_DOT.search(text[max(start, m.start() - 6):m.end()]):
                continue
            if m.end() > pos:
                out.append(_Sentence(pos, m.end(), [], lead=lead.lower(), opens_block=pos == start))
            pos = m.end()
        if pos < end:
            out.append(_Sentence(pos, end, [], lead=lead.lower(), opens_block=pos == start))
    first = next((c.start for c in doc.outline.children if c.kind == "section"), None) \
        if doc.outline is not None else None
    lex = lexicon()
    plan_starts = lex.plan_starts(doc.outline)
    for s in out:
        s.section_chain = sections_at(doc, s.start)
        s.preamble = first is not None and s.start < first
        s.review = lex.in_review(s.section_chain, s.start, plan_starts)
    return out


def _label_len(text: str, label: str | None) -> int:
    if label and text.startswith(label):
        return len(label)
    return 0


# --- reading one quantity ----------------------------------------------------------------

def _read(doc: Document, lex: Lexicon, q: Quantity, sent: _Sentence,
          plan: tuple[int | None, int | None], period: str | None) -> Target | None:
    text = doc.text
    first = q.open_start if q.open_start is not None else q.start
    before = text[max(sent.start, first - 60):first]
    low_before = before.lower()
    after = text[q.end:min(sent.end, q.end + 120)]

    if _not_a_quantity(text, q, low_before, after, lex):
        return None
    if sent.opens_block and not text[sent.start:q.start].strip() and not q.percent \
            and q.value_max is None and any(s.kind == "annex" for s in sent.section_chain):
        return None  # "1 Mô hình ...": the row number of an annex table read as text (OCR)
    if q.words and not lex.bounded_before(low_before):
        return None  # "một", "hai" count only after "ít nhất" / "tối thiểu" / "không quá"
    clause_start, clause_end = _clause(text, sent, q.start)
    clause_before = text[clause_start:first].lower()
    found = None if q.percent else lex.unit_match(after)
    guessed = False
    if not q.percent and found is None:
        # an unknown noun counts only where the plan clearly commits
        if (_in_objectives(sent) or lex.commits(clause_before) or lex.comparator_before(low_before)) \
                and not lex.soft_name_before(low_before):
            found = lex.guess_unit_at(after)
            guessed = found is not None
        if found is None:
            return None
    unit, unit_end = found if found else (None, 0)
    rest = after[unit_end:]  # what follows the quantity and its unit
    clause = text[clause_start:clause_end].lower()
    if lex.never_target(clause, text[sent.start:sent.end].lower(), q.percent,
                        _phrase(text, clause_start, clause_end, q).lower()):
        return None
    if _reported(lex, sent, clause_before, clause, plan):
        return None
    if _baseline(text, q, low_before, clause_end):
        return None
    if sent.preamble and not lex.commits(clause):
        return None  # "Xét đề nghị của 28 đơn vị": before the plan's first section

    sentence_before = sent.lead + " " + text[sent.start:first].lower()
    comparator = _comparator(lex, q, low_before, rest, sentence_before)
    return Target(
        value=q.value,
        value_max=q.value_max,
        unit="%" if q.percent else unit,
        comparator=comparator,
        subject=_subject(text, q, unit, clause_start, clause_end),
        area=_area(text, sent, q),
        period=_period(lex, text[sent.start:first].lower(), rest, plan, period,
                       [sent.lead] + [s.title.lower() for s in reversed(sent.section_chain)]),
        text=_excerpt(text, sent, clause_start, clause_end, q),
        provenance=provenance(doc, first, q.end),
        confidence=0.6 if guessed else 0.9,
        note=_note(lex, q, low_before, comparator, sentence_before),
    )


def _note(lex: Lexicon, q: Quantity, low_before: str, comparator: str, sentence_before: str) -> str | None:
    """Why a comparator was chosen where the reading is a judgement (the gold's conventions)."""
    if comparator == "=" and lex.approximate_before(low_before):
        return "approximate ('khoảng') -> '='"
    if comparator == ">=" and lex.strives(sentence_before) and not lex.comparator_before(low_before):
        return "governed by 'phấn đấu' -> '>='"
    return None


def _not_a_quantity(text: str, q: Quantity, low_before: str, after: str, lex: Lexicon) -> bool:
    """Years, citation pieces, names, ordinals, ages, durations and money."""
    raw = text[q.start:q.end]
    if not q.percent and q.value in _YEAR and q.value == int(q.value) and re.fullmatch(r"\d{4}", raw.split()[0]):
        return True  # "2021", "2021-2025"
    if re.search(r"[/\\]\s*$", low_before) or (re.match(r"\s*[/\\]\s*(?:\d|[A-ZĐ])", after)
                                               and q.ratio_of is None):
        return True  # "27/KH-UBND", "116/2021/NĐ-CP", "10/02"; not "12%/năm"
    if re.match(r"\s*-\s*[^\W\d_]", after) or re.search(r"[^\W\d_]-\s*$", low_before):
        return True  # "36-CT/TW", "Covid-19"
    if re.match(r"[^\W\d_]", after) and not q.percent:
        return True  # glued to letters: "02bản", "3D"
    if lex.name_before(low_before) or lex.class_threshold(low_before):
        return True
    cell = _FIGURE_BEFORE.search(low_before)
    if (cell and not _DATE_WORD.search(low_before, 0, cell.start())) \
            or (not q.percent and _FIGURE_AFTER.match(after)):
        return True  # "1 2 3 4 Địa phương", "| 120 100 20 Hà": cells of a flattened table
    if _DENOMINATOR.search(low_before):
        return True  # "35 giường bệnh trên 10.000 dân": the base of a rate
    if lex.not_unit_at(after, low_before) and not q.percent:
        return True
    if not q.percent and q.value_max is None and lex.named_by_head(low_before):
        return True  # "mô hình bảo vệ 4 lớp": the number names a kind of model
    return False


def _baseline(text: str, q: Quantity, low_before: str, clause_end: int) -> bool:
    """The starting point a change is measured from, not a commitment: "so với 45%",
    "giảm từ 5,82% (cuối năm 2013) xuống dưới 4,32%", "tăng từ 30% lên 50%"."""
    if _COMPARED_WITH.search(low_before):
        return True
    if q.open_start is None and q.value_max is None and _FROM.search(low_before):
        return bool(_TRANSITION.match(text, q.end, clause_end))
    return False


_COMPARED_WITH = re.compile(r"(?<![^\W\d_])so với(?:\s+(?:mức|con số|tỷ lệ|tỉ lệ|kết quả|cùng kỳ))?\s*$")
_FROM = re.compile(r"(?<![^\W\d_])từ\s*$")
# after the baseline: a few words (its year, "cuối năm 2013") then "xuống / lên / còn / đến" and
# the new level, with an optional bound ("xuống dưới 4,32%")
_TRANSITION = re.compile(r"(?:[^;\d]|(?<!\d)(?:19|20)\d\d(?!\d)){0,40}?(?<![^\W\d_])(?:xuống|lên|còn|đến|tới)(?:\s+(?:còn|mức|"
                         r"dưới|trên|khoảng|ít nhất|tối thiểu|tối đa|không quá))*\s*\d", re.I)


def _phrase(text: str, clause_start: int, clause_end: int, q: Quantity) -> str:
    """The comma-delimited piece of the clause holding the quantity."""
    start = text.rfind(",", clause_start, q.start) + 1 or clause_start
    end = text.find(",", q.end, clause_end)
    return text[max(start, clause_start):end if end != -1 else clause_end]


def _in_objectives(sent: _Sentence) -> bool:
    return any(_OBJECTIVES.search(s.title) for s in sent.section_chain)


_OBJECTIVES = re.compile(r"(?i)mục tiêu|chỉ tiêu")


# a bare figure right before or after, separated by spaces or "|" only: prose never writes two
# numbers side by side (ranges and ratios are read as one quantity before this)
_FIGURE_BEFORE = re.compile(r"(?<![\d.,/:-])\d+(?:[.,]\d+)?[ \t|]+$")
_FIGURE_AFTER = re.compile(r"[ \t|]+\d+(?:[.,]\d+)?(?![\d.,/:%-]|[ \t]*[^\W\d_])")
_DATE_WORD = re.compile(r"(?<![^\W\d_])(?:năm|tháng|ngày|quý|số|điều|khoản|mục|phần|chương)\s*$")
_DENOMINATOR = re.compile(r"\d\s*%?\s*(?:(?!và\b|hoặc\b|đến\b)[^\W\d_]+\s+){1,3}(?:trên|/)\s*$")


def _clause(text: str, sent: _Sentence, offset: int) -> tuple[int, int]:
    """The part of the sentence between semicolons (or colons) around an offset."""
    start = sent.start
    for m in _CLAUSE_END.finditer(text, sent.start, offset):
        start = m.end()
    m = _CLAUSE_END.search(text, offset, sent.end)
    end = m.start() if m else sent.end
    return start, end


def _reported(lex: Lexicon, sent: _Sentence, clause_before: str, clause: str,
              plan: tuple[int | None, int | None]) -> bool:
    """A result or the situation, not a commitment."""
    if sent.review:
        return True
    if lex.commits(clause):
        return False
    if lex.reports(clause_before):
        return True
    first = plan[0]
    if first is not None:
        for m in _PAST_YEAR.finditer(clause):
            year = int(m.group(1))
            if year < first and not _BASELINE_YEAR.search(clause[:m.start()]):
                return True
    return False


# a past year that dates a baseline, not the clause: "so với năm 2022", "từ 5,82% cuối năm
# 2013 xuống ...", "(tháng 6 năm 2013)"
_BASELINE_YEAR = re.compile(r"(?:so với|tháng\s*\d{1,2}|(?<![^\W\d_])từ\s+\d[\d.,]*\s*%?)[^,;()]{0,20}$")


# "Năm 2010, toàn tỉnh ...", "trong năm 2010": a year the clause speaks of (not a citation's date)
_PAST_YEAR = re.compile(r"(?<![^\W\d_])năm\s+((?:19|20)\d\d)(?!\d)")


def _comparator(lex: Lexicon, q: Quantity, low_before: str, rest: str,
                sentence_before: str) -> Comparator:
    if q.value_max is not None:
        return "range"
    cmp = lex.comparator_before(low_before) or lex.comparator_after(rest)
    if cmp in (None, "=") and lex.strives(sentence_before):
        cmp = ">="  # "Phấn đấu ... (chiếm 77% ...)": explicit bounds win, "đạt"/"chiếm" do not
    return cmp or "="


def _subject(text: str, q: Quantity, unit: str | None, clause_start: int, clause_end: int) -> str | None:
    """What is counted: the words after the quantity to the end of its clause; when nothing
    follows ("Tỷ lệ hộ dân dùng điện đạt 99,86%."), the words before it."""
    tail = text[q.end:clause_end]
    # stop before the next quantity or an aside: "900 lượt người, trong đó cai tập trung 700 ..."
    tail = re.split(r"\s*[()]|[.;]\s|,?\s+trong đó\b|\d", tail, maxsplit=1)[0]
    tail = _TRAILING_CUE.sub("", tail.rstrip(" ,.")).rstrip(" ,.")
    subject = " ".join(tail.split()[:30])
    if q.percent:
        subject = re.sub(r"^(?:các|số|tổng số)\s+", "", subject) or subject
    if len(subject) <= (len(unit) if unit else 0):
        head = text[clause_start:q.open_start if q.open_start is not None else q.start]
        head = re.split(r"\d+(?:[.,]\d+)*\s*%?|[()]", head)[-1]  # after an earlier quantity
        if unit and head.lstrip(" ,").lower().startswith(unit.lower()):
            head = head.lstrip(" ,")[len(unit):]
        head = re.sub(r"^[\s,]*(?:trong đó\s+)?", "", head)
        head = _LEADING_MARK.sub("", head).strip(" ,:")
        head = _TRAILING_CUE.sub("", head).strip(" ,:")
        if head:
            subject = " ".join(head.split()[-30:]) if not unit else f"{unit} ({head})"
    return subject[:200] or unit


_TRAILING_CUE = re.compile(r"(?:\s+(?:đạt|là|ít nhất|tối thiểu|trên|dưới|khoảng|không quá|tối đa|"
                           r"bằng|chiếm|lên|xuống|từ|còn|tăng|giảm|bình quân|phấn đấu|đảm bảo|cho|"
                           r"và|hoặc|với|tại|của|có))+$", re.I)


def _area(text: str, sent: _Sentence, q: Quantity) -> str | None:
    """For "tại 04 địa phương: A, B, C, D (mỗi địa phương 05 người)", the listed places."""
    before = text[sent.start:q.start]
    if not re.search(r"mỗi\s+(?:địa phương|huyện|xã|đơn vị|tỉnh|thành phố|thị xã)\s*$", before):
        return None
    m = re.search(r":\s*([^:;()]+?)\s*\(\s*mỗi\s+[^()]*$", before)
    if not m:
        return None
    names = [n.strip() for n in m.group(1).split(",")]
    if names and all(n[:1].isupper() for n in names):
        return ", ".join(names)
    return None


def _period(lex: Lexicon, sentence_before: str, rest: str,
            plan: tuple[int | None, int | None], period: str | None, titles: list[str]) -> str | None:
    """"hàng tháng" & co. for recurring quantities; else the year the target is set for when
    the sentence or its heading says it ("Đến năm 2025, ...", "Chỉ tiêu cụ thể đến năm 2030")
    and it lies in the plan's period; else the plan's period."""
    recurring = lex.recurring(sentence_before, rest)
    if recurring:
        return recurring
    first, last = plan
    if first is None:
        return period
    for where in [sentence_before, *titles]:
        m = _TARGET_YEAR.search(where)
        if m and first <= int(m.group(1)) <= (last or first):
            return m.group(1)
    return period


_TARGET_YEAR = re.compile(r"(?:đến|đến hết|trong|vào|cuối)\s+năm\s+((?:19|20)\d\d)(?!\d)")


def _excerpt(text: str, sent: _Sentence, clause_start: int, clause_end: int, q: Quantity) -> str:
    """The sentence holding the quantity, or its clause when the sentence is too long; never
    more than MAX_TEXT characters, always a verbatim slice of the text."""
    start, end = sent.start, sent.end
    if end - start > MAX_TEXT:
        start, end = clause_start, clause_end
    piece = text[start:end]
    lead = _LEADING_MARK.match(piece)
    if lead and lead.end() <= q.start - start:
        start += lead.end()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > MAX_TEXT:
        # a window around the quantity, cut at spaces
        lo = max(start, q.start - MAX_TEXT // 3)
        hi = min(end, lo + MAX_TEXT)
        lo = max(start, min(lo, hi - MAX_TEXT))
        if lo > start:
            sp = text.find(" ", lo, q.start)
            lo = sp + 1 if sp != -1 else lo
        if hi < end:
            sp = text.rfind(" ", q.end, hi)
            hi = sp if sp != -1 else hi
        start, end = lo, hi
    return text[start:end]

