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
heading the section, else the issuer when it is a department acting on its own plan.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..document import Document, Section
from ..model import Deadline, DeadlineKind
from ..normalize import fold_key
from .base import Context, provenance, sections_at
from .deadline_grammar import Grammar, Rule, grammar, normalise_frequency

MAX_TEXT = 200
_AGENCY_RATIO = 88

# Sentence ends: a newline, or . ! ? before a capital, a digit, a bullet or the end of text.
_SENT_END = re.compile(r"\n|[.!?…](?=\s+[\"“(]?[^\W_a-zđ]|\s+[-–+•]|\s*$)|\./\.")
_CLAUSE_END = re.compile(r"[;|]")
# "TP." "TX." "P." "TT." before a name, or a list label "2.1.": a dot that ends no sentence.
_NO_END = re.compile(r"(?:(?<![^\W\d_])(?:[A-ZĐ]{1,3}|Tp|ThS|TS)|^\s*[\dIVXa-zđ.]{1,8})$")
_EDGE = " \t\n,;:-–—"
_PURPOSE = re.compile(r"\s(?:để|nhằm)\s")


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
        clause = _at(clauses, cue.start)
        if clause is None or not _allowed(cue, doc, clause, g, years):
            continue
        cues.append(cue)
    cues = _merge_recurring(_non_overlapping(cues), clauses)
    by_clause: dict[int, list[_Cue]] = {}
    for cue in cues:
        by_clause.setdefault(_index(clauses, cue.start), []).append(cue)
    out = []
    for ci, group in sorted(by_clause.items()):
        clause = clauses[ci]
        for k, cue in enumerate(group):
            lo = group[k - 1].end if k else clause.start
            hi = group[k + 1].start if k + 1 < len(group) else clause.end
            out.append(_deadline(ctx, g, cue, _Span(lo, hi), sentences))
    from .deadline_tables import table_deadlines  # tables are their own small module

    out.extend(table_deadlines(ctx, g, years))
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
        if g.label_completion.search(m.group(0)):
            p = g.quarter.search(value) or g.month.search(value) or g.half.search(value) or g.year.search(value)
            if p and p.start() < 25:
                out.append(_Cue(rule_end, m.start(), m.end() + p.end()))
    return out


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
        return bool(g.verbs["completion"].search(text, clause.start, cue.start))
    if need == "obligation":
        return bool(g.verbs["obligation"].search(text, cue.end, clause.end))
    verbs = g.verbs.get(need, g.verbs["any"])
    # the cue's own words are not its verb ("báo cáo" in a frequency list is fine, though)
    return bool(verbs.search(text, clause.start, cue.start) or verbs.search(text, cue.end, clause.end))


def _excluded_section(doc: Document, offset: int, g: Grammar, years: _Years) -> bool:
    for sec in sections_at(doc, offset):
        if sec.kind in ("recipients", "signature"):
            return True
        title = sec.title.strip()
        if any(rx.search(title) for rx in g.section_titles):
            return True
        if years.floor and g.review_section.search(title):
            if any(int(y) < years.floor for y in g.year.findall(title)):
                return True
    return False


def _non_overlapping(cues: list[_Cue]) -> list[_Cue]:
    """Where cues overlap, the one starting first (then the longer) wins."""
    out: list[_Cue] = []
    for cue in sorted(cues, key=lambda c: (c.start, -(c.end - c.start))):
        if out and cue.start < out[-1].end:
            continue
        out.append(cue)
    return out


def _merge_recurring(cues: list[_Cue], clauses: list[_Span]) -> list[_Cue]:
    """ "định kỳ ngày 15 hằng tháng": two recurring cues close together in a clause are one."""
    out: list[_Cue] = []
    for cue in cues:
        prev = out[-1] if out else None
        if (prev and prev.final_kind == cue.final_kind == "recurring" and cue.start - prev.end <= 25
                and _index(clauses, prev.start) == _index(clauses, cue.start)):
            freq = list(prev.frequency or ()) + [f for f in cue.frequency or () if f not in (prev.frequency or ())]
            out[-1] = _Cue(prev.rule, prev.start, cue.end, frequency=tuple(freq) or None)
            continue
        out.append(cue)
    return out


# -- the deadline --------------------------------------------------------------------------


def _deadline(ctx: Context, g: Grammar, cue: _Cue, region: _Span, sentences: list[_Span]) -> Deadline:
    doc = ctx.document
    start, end = _window(doc.text, region, cue)
    kind = cue.final_kind
    action, subject = _action(doc.text, g, cue, region)
    agency = _agency(ctx, g, cue, subject, sentences)
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
    verbs = g.verbs["any"]
    if _trailing(cue, region, text):
        lo, hi = region.start, cue.start
        first = verbs.search(text, lo, hi)
        if first is None:
            return None, None
        subject = text[lo:first.start()]
        # the comma-clause nearest the cue that opens with a verb: "Đẩy nhanh ..., hoàn thành X trong năm"
        start = first.start()
        for m in re.finditer(r",\s*", text[first.end():hi]):
            at = first.end() + m.end()
            if verbs.match(text, at, hi):
                start = at
        phrase = text[start:hi]
    else:
        lo = cue.end if cue.start - region.start < 12 else region.start
        first = verbs.search(text, lo, region.end)
        while first is not None and cue.start <= first.start() < cue.end:
            first = verbs.search(text, cue.end, region.end)
        if first is None:
            return None, None
        subject = text[lo:first.start()] if first.start() < cue.start or lo == cue.end else text[cue.end:first.start()]
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


def _agency(ctx: Context, g: Grammar, cue: _Cue, subject: str | None, sentences: list[_Span]) -> str | None:
    doc = ctx.document
    if subject and g.agency_heads.search(subject) and len(subject) <= 120:
        return _canonical(ctx, subject)
    sentence = _at(sentences, cue.start)
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


def _addressee(head: str, g: Grammar) -> str | None:
    """ "Yêu cầu các sở, ngành ... và đề nghị các tổ chức Hội, đoàn thể căn cứ ..." -> the bodies named."""
    m = g.addressee.search(head)
    if m is None:
        return None
    stops = [x.start() for x in (g.verbs["any"].search(head, m.end()), g.addressee_stop.search(head, m.end())) if x]
    if not stops:
        return None
    named = g.addressee.sub(" ", head[m.end():min(stops)])
    named = " ".join(named.split()).strip(_EDGE + " ")
    return named if named and g.agency_heads.search(named) and len(named) <= 160 else None


def _heading_agency(ctx: Context, g: Grammar, sec: Section) -> str | None:
    """ "2. Công an tỉnh:", "c) Đề nghị Tòa án nhân dân tỉnh; Viện kiểm sát nhân dân tỉnh:"."""
    title = sec.title.split(":")[0]
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


def _segments(text: str) -> tuple[list[_Span], list[_Span]]:
    """Sentences, and clauses (sentences cut at ';' and table-cell bars)."""
    sentences: list[_Span] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        if m.group(0) == "." and _NO_END.search(text[start:m.start()]):
            continue
        if text[start:end].strip():
            sentences.append(_Span(start, end))
        start = end
    if text[start:].strip():
        sentences.append(_Span(start, len(text)))
    clauses: list[_Span] = []
    for s in sentences:
        lo = s.start
        for m in _CLAUSE_END.finditer(text, s.start, s.end):
            clauses.append(_Span(lo, m.end()))
            lo = m.end()
        clauses.append(_Span(lo, s.end))
    return sentences, [c for c in clauses if c.end > c.start]


def _index(spans: list[_Span], offset: int) -> int:
    i = bisect.bisect_right([s.start for s in spans], offset) - 1
    return i


def _at(spans: list[_Span], offset: int) -> _Span | None:
    i = _index(spans, offset)
    if 0 <= i < len(spans) and spans[i].start <= offset < spans[i].end:
        return spans[i]
    return None


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    i = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]
