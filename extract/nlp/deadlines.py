"""Deadlines: the time constraints a plan attaches to its actions.

``find_deadlines(ctx)`` finds three kinds (corpora/gold/README.md, "Deadlines"):

- ``absolute``: a specific date ("gửi về Sở ... trước ngày 10/02/2021", "Thời gian kiểm tra:
  13h30 ngày 29/4/2026", a date cell under a task table's "Thời gian" column);
- ``recurring``: a duty's frequency ("định kỳ 6 tháng, năm" -> ["6 tháng", "năm"], "hằng tháng"
  -> ["tháng"], "định kỳ" alone -> null);
- ``period_end``: the end of a period ("trong năm 2011", "vào cuối năm", "trong quý II/2026",
  "trước 31/12").

Cues come from the grammar in models/deadlines/grammar.yaml (``deadline_grammar``). A cue
counts when its clause holds a verb, it is not a noun's modifier ("khám định kỳ", "dự toán hàng
năm"), not a statistic's reference point ("tính đến cuối năm 2010"), not in a past year, and
not in a section that reviews past results or lists what an inspection will look at. Each
deadline carries the clause (<= 200 characters, verbatim), the action (the verb phrase) and the
agency bound by it: the clause's own subject, else the addressee of its sentence, else the agency
heading the section, else the issuer when it is a department acting on its own plan. Task
tables (a "Thời gian / Thời hạn" column) are read by ``deadline_tables``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..document import Document, Section
from ..model import Deadline, DeadlineKind
from ..normalize import fold_key
from .base import Context, block_at, provenance, sections_at
from .deadline_grammar import Grammar, Rule, find_verb, grammar, normalise_frequency
from .deadline_tables import table_deadlines

MAX_TEXT = 200
_AGENCY_RATIO = 88

# Sentence ends: a newline, "./.", or . ! ? before a space (checked: then not a lowercase word).
_SENT_END = re.compile(r"\n|\./\.|[.!?…](?=\s|$)")
_NEXT = re.compile(r"\s*[\"“(]?(\S?)")
_CLAUSE_END = re.compile(r"[;|]")
# "TP." "TX." "P." "TT." before a name, or a list label "2.1.": a dot that ends no sentence.
_NO_END = re.compile(r"(?:(?<![^\W\d_])(?:[A-ZĐ]{1,3}|Tp|ThS|TS)|^\s*[\dIVXa-zđ.]{1,8})$")
_EDGE = " \t\n,;:-–—"
_PURPOSE = re.compile(r"\s(?:để|nhằm)\s")
_LABEL = re.compile(r"^\s*(?:[-–—+•]\s*|\(?(?:\d{1,2}(?:\.\d{1,2})*|[IVX]{1,4}|[a-zđ])[.)]\s+)")


@dataclass(frozen=True)
class _Cue:
    rule: Rule
    start: int
    end: int
    date: str | None = None
    frequency: tuple[str, ...] | None = None
    kind: DeadlineKind | None = None  # overrides rule.kind ("trước 31/12" read as a date)

    @property
    def final_kind(self) -> DeadlineKind:
        return self.kind or self.rule.kind


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


def find_deadlines(ctx: Context) -> list[Deadline]:
    """Every time constraint attached to an action, in text order."""
    doc = ctx.document
    g = grammar()
    years = _years(ctx, g)
    sentences, clauses = _segments(doc.text)
    body_start = doc.header.title.end if doc.header.title else 0
    skip = sorted((c.provenance.start, c.provenance.end) for c in ctx.found.citations)
    cues: list[_Cue] = []
    for cue in _raw_cues(doc.text, g, years):
        if cue.start < body_start or _inside(skip, cue.start):
            continue
        clause = clauses.at(cue.start)
        if clause is None or _in_title(doc, cue.start) or not _allowed(cue, doc, clause, g, years):
            continue
        cues.append(cue)
    cues = _merge_recurring(_non_overlapping(cues), clauses)
    by_clause: dict[int, list[_Cue]] = {}
    for cue in cues:
        by_clause.setdefault(clauses.index(cue.start), []).append(cue)
    out = []
    for ci, group in sorted(by_clause.items()):
        clause = clauses[ci]
        for k, cue in enumerate(group):
            lo = group[k - 1].end if k else clause.start
            hi = group[k + 1].start if k + 1 < len(group) else clause.end
            out.append(_deadline(ctx, g, cue, clause, _Span(lo, hi), sentences))
    out.extend(d for d in table_deadlines(doc, g, years.default, _implicit_issuer(ctx, g),
                                          lambda name: _canonical(ctx, name))
               if not _excluded_section(doc, d.provenance.start, g, years))
    out.sort(key=lambda d: d.provenance.start)
    return out


# -- cues ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Years:
    floor: int | None  # dates and periods before this year are the past (the issue year)
    default: int | None  # the year a bare "20/6" or "quý II" belongs to (the plan year)


def _years(ctx: Context, g: Grammar) -> _Years:
    md = ctx.found.metadata
    start, end = md.plan_period.start, md.plan_period.end
    issued = md.issued_year
    if issued is None:
        hdr = ctx.document.header
        for span in (hdr.place_date, hdr.title):
            found = [int(y) for y in g.year.findall(span.text)] if span else []
            if found:
                issued = min(found)
                break
    default = start if start and (end is None or end == start) else (issued or start)
    return _Years(floor=issued or start, default=default)


def _raw_cues(text: str, g: Grammar, years: _Years) -> list[_Cue]:
    out = []
    for rule in g.rules:
        for m in rule.rx.finditer(text):
            if rule.kind == "recurring":
                items = g.period.findall(m.group("list")) if m.groupdict().get("list") else []
                freq = tuple(normalise_frequency(items, g)) or None
                out.append(_Cue(rule, m.start(), m.end(), frequency=freq))
            elif rule.kind == "absolute":
                out.extend(_date_cue(rule, m, years))
            else:
                out.append(_Cue(rule, m.start(), m.end()))
    out.extend(_label_cues(text, g, years))
    return out


def _date_cue(rule: Rule, m: re.Match[str], years: _Years) -> list[_Cue]:
    from ..dates import parse_date, parse_day_month

    raw = m.group("date")
    iso = parse_date(raw)
    if iso is None:  # a day and month only: the year's last day is a period end, others the plan year's
        day_month = parse_day_month(raw, years.default or 2000)
        if day_month is None:
            return []
        if day_month[5:] == "12-31":
            return [_Cue(rule, m.start(), m.end(), kind="period_end")]
        if years.default is None:
            return []
        iso = day_month
    return [_Cue(rule, m.start(), m.end(), date=iso)]


def _label_cues(text: str, g: Grammar, years: _Years) -> list[_Cue]:
    """ "Thời gian kiểm tra: 13h30' ngày 29/4/2026", "Thời hạn hoàn thành: Quý II/2026"."""
    from ..dates import parse_day_month

    out = []
    rule_abs = Rule("absolute", "label", g.label, "none")
    rule_end = Rule("period_end", "label", g.label, "none")
    for m in g.label.finditer(text):
        stop = len(text)
        for sep in ("\n", ";", "|"):
            k = text.find(sep, m.end())
            if k != -1:
                stop = min(stop, k)
        value = text[m.end():min(stop, m.end() + g.label_value_chars)]
        dates = list(g.date.finditer(value))
        if dates:
            # a range "từ ngày A đến ngày B" ends at B
            d = dates[-1] if re.search(r"\bđến\b", value[:dates[-1].start()], re.I) else dates[0]
            iso = parse_day_month(d.group(0), years.default)
            if iso:
                out.append(_Cue(rule_abs, m.start(), m.end() + d.end(), date=iso))
            continue
        kinds = (g.quarter, g.month, g.half) + ((g.year,) if g.label_completion.search(m.group(0)) else ())
        p = next((found for rx in kinds if (found := rx.search(value))), None)
        if p and p.start() < 25:
            out.append(_Cue(rule_end, m.start(), m.end() + p.end()))
    return out


def _in_title(doc: Document, offset: int) -> bool:
    """A short heading ("4. Chế độ báo cáo định kỳ") names a topic; the duty is in its body."""
    block = block_at(doc, offset)
    return (block is not None and block.kind == "heading" and len(block.text) < 100
            and not block.text.rstrip().endswith((".", ";")))


def _allowed(cue: _Cue, doc: Document, clause: _Span, g: Grammar, years: _Years) -> bool:
    text = doc.text
    kind = cue.final_kind
    before = text[max(clause.start, cue.start - 80):cue.start]
    for rx, kinds in g.exclude_before:
        if kind in kinds and rx.search(before):
            return False
    whole = text[clause.start:clause.end]
    if any(rx.search(whole) for rx in g.exclude_clause):
        return False
    if not _has_verb(cue, text, clause, g):
        return False
    if years.floor:
        cue_years = [int(y) for y in g.year.findall(text[cue.start:cue.end])]
        if any(y < years.floor for y in cue_years):
            return False  # a past year or date: reported, not planned
    return not _excluded_section(doc, cue.start, g, years)


def _has_verb(cue: _Cue, text: str, clause: _Span, g: Grammar) -> bool:
    need = cue.rule.verb
    if need == "none":
        return True
    if need == "completion":
        return bool(find_verb(text, g, clause.start, cue.start, "completion"))
    if need == "obligation":
        return bool(find_verb(text, g, cue.end, clause.end, "obligation"))
    # the cue's own words are not its verb
    return bool(find_verb(text, g, clause.start, cue.start, need)
                or find_verb(text, g, cue.end, clause.end, need))


def _excluded_section(doc: Document, offset: int, g: Grammar, years: _Years) -> bool:
    for sec in sections_at(doc, offset):
        if sec.kind in ("recipients", "signature"):
            return True
        title = sec.title.strip()
        if sec.kind == "annex":  # an annex's own title often sits on the lines after its label
            title = doc.text[sec.start:min(sec.end, sec.start + 160)]
        if any(rx.search(title) for rx in g.section_titles):
            return True
        if years.floor and g.review_section.search(title) and not _runs_to_the_end(doc, sec):
            if any(int(y) < years.floor for y in g.year.findall(title)):
                return True
    return False


def _runs_to_the_end(doc: Document, sec: Section) -> bool:
    """A review of past results is followed by the plan; one that runs to the end of the body
    means the outline missed the next part's heading (OCR): then it proves nothing."""
    top = doc.outline.children if doc.outline else []
    body_end = next((c.start for c in top if c.kind in ("recipients", "signature", "annex")), len(doc.text))
    return sec.end >= body_end - 200


def _non_overlapping(cues: list[_Cue]) -> list[_Cue]:
    """Where cues overlap, the one starting first (then the longer) wins."""
    out: list[_Cue] = []
    for cue in sorted(cues, key=lambda c: (c.start, -(c.end - c.start))):
        if out and cue.start < out[-1].end:
            continue
        out.append(cue)
    return out


def _merge_recurring(cues: list[_Cue], clauses: _Spans) -> list[_Cue]:
    """ "định kỳ ngày 15 hằng tháng", "định kỳ 6 tháng (trước ngày 15/6) và hằng năm (...)": recurring
    cues close together in one clause are one duty."""
    out: list[_Cue] = []
    last: int | None = None  # index in out of the last recurring cue
    for cue in cues:
        prev = out[last] if last is not None else None
        if (cue.final_kind == "recurring" and prev is not None and cue.start - prev.end <= 40
                and clauses.index(prev.start) == clauses.index(cue.start)):
            freq = dict.fromkeys((*(prev.frequency or ()), *(cue.frequency or ())))
            out[last] = _Cue(prev.rule, prev.start, prev.end, frequency=tuple(freq) or None)
            continue
        if cue.final_kind == "recurring":
            last = len(out)
        out.append(cue)
    return out


# -- the deadline --------------------------------------------------------------------------


def _deadline(ctx: Context, g: Grammar, cue: _Cue, clause: _Span, region: _Span,
              sentences: _Spans) -> Deadline:
    """The deadline of a cue: its clause as text; its action read in ``region``, the part of the
    clause that is the cue's own (between the cues before and after it)."""
    doc = ctx.document
    start, end = _window(doc.text, clause, cue)
    kind = cue.final_kind
    action, subject = _action(doc.text, g, cue, region)
    if action is None and region != clause:  # "(trước ngày 15/6)" inside another cue's duty
        action, subject = _action(doc.text, g, cue, clause)
    sentence = sentences.at(cue.start)
    if action and sentence and g.verbs["completion"].fullmatch(action):
        # "Kiện toàn Ban ..., hoàn thành trong quý II": what is completed is the sentence's duty
        first = find_verb(doc.text, g, sentence.start, cue.start)
        done = doc.text.rfind(action, sentence.start, cue.start)
        if first is not None and first.start() < done:
            action = " ".join(doc.text[first.start():cue.start].split()).strip(_EDGE + " .")[:MAX_TEXT]
    agency = _agency(ctx, g, cue, [subject, _clause_subject(doc.text, g, clause)], sentences)
    return Deadline(
        kind=kind,
        date=cue.date if kind == "absolute" else None,
        frequency=list(cue.frequency) if kind == "recurring" and cue.frequency else None,
        action=action,
        agency=agency,
        text=doc.text[start:end],
        provenance=provenance(doc, start, end),
        confidence=0.9 if cue.rule.verb in ("duty", "completion") else 0.8,
    )


def _trailing(cue: _Cue, region: _Span, text: str) -> bool:
    """Does the cue close its clause ("... trong năm 2011") rather than open it ("định kỳ báo cáo ...")?"""
    if cue.final_kind == "recurring":
        return len(text[cue.end:region.end].strip(_EDGE + " .")) < 12
    return len(text[region.start:cue.start].strip(_EDGE + " ")) >= 12


def _window(text: str, region: _Span, cue: _Cue) -> tuple[int, int]:
    """The region trimmed of separators, cut to MAX_TEXT characters around the cue."""
    lo, hi = region.start, region.end
    while lo < cue.start and text[lo] in _EDGE:
        lo += 1
    while hi > cue.end and text[hi - 1] in _EDGE:
        hi -= 1
    if hi - lo <= MAX_TEXT:
        return lo, hi
    if _trailing(cue, _Span(lo, hi), text):  # keep what leads to the cue, and a closing bracket
        close = text.find(")", cue.end, min(hi, cue.end + 3))
        hi = min(hi, close + 1 if close != -1 else cue.end + 25)
        lo = max(lo, hi - MAX_TEXT)
    else:  # keep what follows the cue, from the start of its comma-clause
        comma = text.rfind(", ", max(lo, cue.start - 80), cue.start)
        lo = comma + 2 if comma != -1 else max(lo, cue.start - 40)
        hi = min(hi, lo + MAX_TEXT)
    # whole words only
    while lo < cue.start and text[lo - 1].isalnum() and text[lo].isalnum():
        lo += 1
    while hi > cue.end and hi < len(text) and text[hi - 1].isalnum() and text[hi].isalnum():
        hi -= 1
    while lo < cue.start and text[lo] in _EDGE:
        lo += 1
    while hi > cue.end and text[hi - 1] in _EDGE:
        hi -= 1
    return lo, hi


def _action(text: str, g: Grammar, cue: _Cue, region: _Span) -> tuple[str | None, str | None]:
    """The verb phrase the cue constrains, and the words before its verb (a possible subject)."""
    if cue.rule.name == "label":  # "Thời gian kiểm tra: ..." -> "kiểm tra"
        label = g.label.match(text, cue.start)
        what = (label.group("what") or "").strip() if label else ""
        return (what or None), None
    # a run-in heading is not part of the duty: "1. Kiện toàn tổ chức: Ban Chỉ đạo họp mỗi quý ..."
    colon = text.rfind(": ", region.start, cue.start)
    if colon != -1 and colon - region.start < 100:
        region = _Span(colon + 2, region.end)
    trailing = _trailing(cue, region, text)
    found = _verb_phrase(text, g, cue, region, trailing)
    if found[0] is None:  # "Căn cứ ..., trước ngày 15/3 các đơn vị gửi ...": the verb is on the other side
        found = _verb_phrase(text, g, cue, region, not trailing)
    return found


def _verb_phrase(text: str, g: Grammar, cue: _Cue, region: _Span,
                 trailing: bool) -> tuple[str | None, str | None]:
    if trailing:
        lo, hi = region.start, cue.start
        first = find_verb(text, g, lo, hi)
        if first is None:
            return None, None
        subject = text[lo:first.start()]
        # the comma-clause nearest the cue that opens with a verb: "Đẩy nhanh ..., hoàn thành X trong năm"
        start = first.start()
        for m in re.finditer(r",\s*", text[first.end():hi]):
            at = first.end() + m.end()
            verb = find_verb(text, g, at, hi)
            if verb is not None and verb.start() == at:
                start = at
        phrase = text[start:hi]
    else:
        lo = cue.end if cue.start - region.start < 12 else region.start
        first = find_verb(text, g, lo, region.end)
        if first is not None and cue.start <= first.start() < cue.end:
            first = find_verb(text, g, cue.end, region.end)
        if first is None:
            return None, None
        before_cue = first.start() < cue.start or lo == cue.end
        subject = text[lo:first.start()] if before_cue else text[cue.end:first.start()]
        if first.start() < cue.start:
            phrase = text[first.start():cue.start] + " " + text[cue.end:region.end]
        else:
            phrase = text[first.start():region.end]
    phrase = re.sub(r"^(?:có|chịu)\s+trách\s+nhiệm\s+", "", phrase)
    cut = _PURPOSE.search(phrase, 15)
    if cut:
        phrase = phrase[:cut.start()]
    phrase = re.sub(r"\s*,(?:\s*,)+", ",", " ".join(phrase.split())).strip(_EDGE + " .")
    subject = subject.strip(_EDGE + " ") or None
    return (phrase[:MAX_TEXT] or None), subject


# -- who is bound ----------------------------------------------------------------------------


def _clause_subject(text: str, g: Grammar, clause: _Span) -> str | None:
    """The words before the clause's first verb (after a run-in heading)."""
    colon = text.find(": ", clause.start, clause.end)
    lo = colon + 2 if colon != -1 and colon - clause.start < 100 else clause.start
    verb = find_verb(text, g, lo, clause.end)
    return text[lo:verb.start()] if verb else None


def _agency(ctx: Context, g: Grammar, cue: _Cue, subjects: list[str | None],
            sentences: _Spans) -> str | None:
    """Who is bound: the cue's own subject, the clause's, the sentence's addressee, the heading, the issuer."""
    doc = ctx.document
    for subject in subjects:
        named = _subject(subject, g)
        if named:
            return _canonical(ctx, named)
    sentence = sentences.at(cue.start)
    if sentence is not None:
        head = doc.text[sentence.start:cue.start]
        named = _addressee(head, g)
        if named:
            return _canonical(ctx, named)
    for sec in reversed(sections_at(doc, cue.start)):
        named = _heading_agency(ctx, g, sec)
        if named:
            return named
    return _implicit_issuer(ctx, g)


def _subject(words: str | None, g: Grammar) -> str | None:
    """The addressee among the words before a verb: "giữa nhiệm kỳ, Sở Công Thương" -> "Sở Công Thương"."""
    if not words:
        return None
    words = g.addressee.sub(" ", _LABEL.sub("", words))  # "Yêu cầu X và đề nghị Y" -> "X và Y"
    if len(words) > 200:
        return None
    starts = [0] + [m.end() for m in re.finditer(r",\s*", words)]
    for at in starts:
        rest = g.subject_tail.sub("", words[at:]).strip(_EDGE + " ")
        if rest and g.agency_heads.search(rest):
            return " ".join(rest.split()) if len(rest) <= 160 else None
    return None


def _addressee(head: str, g: Grammar) -> str | None:
    """ "Yêu cầu các sở, ngành ... và đề nghị các tổ chức Hội, đoàn thể căn cứ ..." -> the bodies named."""
    m = g.addressee.search(head)
    if m is None:
        return None
    ends = (find_verb(head, g, m.end(), len(head)), g.addressee_stop.search(head, m.end()))
    stops = [x.start() for x in ends if x]
    if not stops:
        return None
    named = g.addressee.sub(" ", head[m.end():min(stops)])
    named = " ".join(named.split()).strip(_EDGE + " ")
    return named if named and g.agency_heads.search(named) and len(named) <= 160 else None


def _heading_agency(ctx: Context, g: Grammar, sec: Section) -> str | None:
    """ "2. Công an tỉnh:", "c) Đề nghị Tòa án nhân dân tỉnh; Viện kiểm sát nhân dân tỉnh:"."""
    title = re.sub(r"\([^)]*\)", " ", sec.title.split(":")[0])  # "Sở ... (cơ quan thường trực)"
    title = g.heading_prefix.sub("", title)
    title = g.heading_suffix.sub("", title).strip(_EDGE + " .")
    if not title or len(title) > 160 or not g.agency_heads.search(title):
        return None
    # the agencies the agencies component read in this heading
    names = [a.name for a in ctx.found.agencies
             if sec.start <= a.provenance.start < sec.start + len(sec.title) + 12]
    if names:
        return "; ".join(dict.fromkeys(names))
    return _canonical(ctx, title)


def _implicit_issuer(ctx: Context, g: Grammar) -> str | None:
    """A department's own plan: its tasks are the department's (not so for a People's Committee)."""
    issuer = ctx.found.metadata.issuer
    if not issuer and ctx.document.header.issuer:
        issuer = " ".join(ctx.document.header.issuer.text.split())
    if not issuer or g.not_implicit.search(issuer):
        return None
    return _canonical(ctx, issuer)


def _canonical(ctx: Context, name: str) -> str:
    """The agencies component's canonical name for a form, or the form as written."""
    key = fold_key(name)
    best, best_score = None, 0.0
    inside: dict[str, int] = {}
    for agency in ctx.found.agencies:
        for form in [agency.name, *agency.aliases_in_text]:
            fkey = fold_key(form)
            score = fuzz.ratio(key, fkey)
            if score > best_score:
                best, best_score = agency.name, score
            at = key.find(fkey) if len(fkey) >= 8 else -1
            if at != -1 and (at == 0 or key[at - 1] == " "):
                inside[agency.name] = min(at, inside.get(agency.name, at))
    if best is not None and best_score >= _AGENCY_RATIO:
        return best
    if len(inside) == 1:  # "Các thành viên Ban chỉ đạo ..." names one known body
        return next(iter(inside))
    return " ".join(name.split())


# -- text segments -----------------------------------------------------------------------------


class _Spans:
    """Spans in text order, looked up by offset (binary search)."""

    def __init__(self, spans: list[_Span]) -> None:
        self.spans = spans
        self.starts = [sp.start for sp in spans]

    def index(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def at(self, offset: int) -> _Span | None:
        i = self.index(offset)
        if 0 <= i < len(self.spans) and self.spans[i].start <= offset < self.spans[i].end:
            return self.spans[i]
        return None

    def __getitem__(self, i: int) -> _Span:
        return self.spans[i]


def _segments(text: str) -> tuple[_Spans, _Spans]:
    """Sentences, and clauses (sentences cut at ';' and table-cell bars)."""
    sentences: list[_Span] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        if m.group(0) in ".!?…":
            after = _NEXT.match(text, end).group(1)
            if after.islower() or (m.group(0) == "." and _NO_END.search(text[start:m.start()])):
                continue
        if text[start:end].strip():
            sentences.append(_Span(start, end))
        start = end
    if text[start:].strip():
        sentences.append(_Span(start, len(text)))
    clauses: list[_Span] = []
    for sent in sentences:
        lo = sent.start
        for m in _CLAUSE_END.finditer(text, sent.start, sent.end):
            clauses.append(_Span(lo, m.end()))
            lo = m.end()
        clauses.append(_Span(lo, sent.end))
    return _Spans(sentences), _Spans([c for c in clauses if c.end > c.start])


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    i = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]
