"""Indicators: what a quantified target measures, so that plans can be compared.

``match_target(target, topics)`` gives a Target (extract/model.py) the indicator of
models/indicators.yaml it measures, with a score in [0, 1], or ``OTHER`` when none fits well
enough: an unmatched target is kept as "other", never dropped.

How a target is matched (the taxonomy is data; this is the reading of it):

- The target is looked at in four places, from the most to the least telling: its subject, the
  words leading to its figure ("phấn đấu duy trì 15 xã" -> "phấn đấu duy trì"), the clause
  holding the figure, and the whole sentence. A keyword found in a nearer place is stronger
  evidence, so that the neighbours of a figure in a sentence listing several do not decide it.
- An indicator applies when its unit fits, every keyword group is found somewhere, none of its
  exclusions is in the subject, and the plan (its topics) or the sentence is about its domain.
  Its score mixes how near the keywords were with a rapidfuzz similarity of the subject to the
  indicator's example subjects.
- When no keyword rule applies, a subject very close to an example (an OCR slip, a spelling
  variant) is accepted on the fuzzy score alone.

Pure: text in, (indicator id, score) out; no database.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml
from rapidfuzz import fuzz, process

from .model import Target
from .normalize import clean_text, collapse_ws, fold
from .paths import MODELS

OTHER = "other"
MATCHER_VERSION = "2"
MIN_SCORE = 0.55
FUZZY_ALONE = 90.0  # token_sort_ratio of the subject to an example, for a match without keywords
# Evidence weight of a keyword by where it was found.
WEIGHTS = {"subject": 1.0, "lead": 0.9, "clause": 0.75, "sentence": 0.5}
LEAD_SYLLABLES = 10  # how far back from a figure its leading words are read
KEYWORD_SHARE = 0.7  # of the score; the rest is fuzzy similarity to the examples

_PUNCT = re.compile(r"[^\w%/\s]+")
_CLAUSE_END = re.compile(r"[;:.!?](?=\s|$)|\n")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*\s*%?")
_LETTER = re.compile(r"[^\W\d_]")
_LIST_JOIN = re.compile(r",\s|\svà\s|\shoặc\s")


@dataclass(frozen=True)
class Rule:
    units: tuple[str, ...]  # folded unit prefixes; empty: any unit
    groups: tuple[tuple[str, ...], ...]  # each group needs one keyword (prepared form)
    none: tuple[str, ...]
    examples: tuple[str, ...]  # folded, for rapidfuzz


@dataclass(frozen=True)
class Indicator:
    id: str
    topic: str
    label_vi: str
    label_en: str
    unit: str
    rule: Rule
    family: tuple[str, ...]  # topics a plan or sentence must be about; empty: any

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi


@dataclass(frozen=True)
class Function:
    """What an agency is made responsible for (agency x function table)."""

    id: str
    label_vi: str
    label_en: str
    keywords: tuple[str, ...]

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi


@dataclass(frozen=True)
class IndicatorMatch:
    indicator_id: str
    score: float

    @property
    def is_other(self) -> bool:
        return self.indicator_id == OTHER


NO_MATCH = IndicatorMatch(OTHER, 0.0)


@dataclass(frozen=True, eq=False)
class _Lexicon:
    """Every keyword of the taxonomy in one regular expression per form (diacritics kept, folded)."""

    pattern: re.Pattern
    folded_pattern: re.Pattern
    to_keyword: dict[str, str]  # folded keyword -> keyword
    inside: dict[str, frozenset[str]]  # keyword -> the keywords it contains, itself included

    def find(self, prepared: str, folded: bool) -> set[str]:
        found: set[str] = set()
        if not prepared:
            return found
        pattern = self.folded_pattern if folded else self.pattern
        for m in pattern.finditer(prepared):
            kw = self.to_keyword[m.group(1)] if folded else m.group(1)
            found |= self.inside[kw]
        return found


@dataclass(frozen=True, eq=False)  # hashed by identity: it keys the match cache
class Taxonomy:
    indicators: tuple[Indicator, ...]
    topics: dict[str, dict]  # id -> {vi, en, family}
    functions: tuple[Function, ...]
    version: str  # changes when the taxonomy or the matcher changes: stored matches are redone
    compounds: tuple[str, ...]
    lexicon: _Lexicon = field(repr=False)
    topic_terms: dict[str, tuple[str, ...]] = field(repr=False)  # topic -> prepared terms
    _by_id: dict[str, Indicator] = field(repr=False)

    def get(self, indicator_id: str) -> Indicator:
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise KeyError(f"no indicator {indicator_id!r} in models/indicators.yaml") from None

    def __contains__(self, indicator_id: str) -> bool:
        return indicator_id in self._by_id

    def topic_label(self, topic: str, lang: str = "vi") -> str:
        t = self.topics.get(topic)
        return (t.get("en") if lang == "en" else t.get("vi")) if t else topic

    def by_topic(self, topic: str) -> list[Indicator]:
        return [i for i in self.indicators if i.topic == topic]


# -- text preparation ------------------------------------------------------------------------
def _join_compounds(text: str, compounds: Iterable[str]) -> str:
    for c in compounds:  # longest first (sorted at load): "tệ nạn xã hội" before "xã hội"
        if c in text:
            text = text.replace(c, c.replace(" ", "_"))
    return text


def _prepare(text: str | None, compounds: Iterable[str]) -> str:
    """Lowercase, punctuation as spaces, compounds joined: the form keywords are matched in."""
    if not text:
        return ""
    text = _PUNCT.sub(" ", clean_text(text).lower())
    return _join_compounds(" ".join(text.split()), compounds)


def _lacks_diacritics(text: str) -> bool:
    """True for text that has lost its diacritics (some OCR output, ASCII copies)."""
    letters = _LETTER.findall(text)
    if len(letters) < 12:
        return False
    return sum(1 for c in letters if not c.isascii()) < 0.03 * len(letters)


def _words(kw: str) -> str:
    return f" {kw} "


def _build_lexicon(keywords: set[str]) -> _Lexicon:
    ordered = sorted(keywords, key=len, reverse=True)
    inside = {k: frozenset(o for o in keywords if _words(o) in _words(k)) for k in keywords}
    folded = {fold(k): k for k in ordered}

    def compile_(words: Iterable[str]) -> re.Pattern:
        alt = "|".join(re.escape(w) for w in words)
        return re.compile(rf"(?<!\w)({alt})(?!\w)")

    return _Lexicon(compile_(ordered), compile_(sorted(folded, key=len, reverse=True)), folded, inside)


# -- loading ---------------------------------------------------------------------------------
def _unit_key(unit: str | None) -> str:
    return " ".join(fold(unit or "").replace(",", " ").split())


@lru_cache(maxsize=4)
def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The taxonomy of models/indicators.yaml (or ``path``)."""
    path = Path(path) if path else MODELS / "indicators.yaml"
    raw_bytes = path.read_bytes()
    data = yaml.safe_load(raw_bytes)
    compounds = tuple(sorted((clean_text(c).lower() for c in data.get("compounds", [])), key=len, reverse=True))

    def prep(kw: str) -> str:
        return _prepare(kw, compounds)

    topics = data["topics"]
    keywords: set[str] = set()
    indicators = []
    seen: set[str] = set()
    for item in data["indicators"]:
        if item["id"] in seen or item["id"] == OTHER:
            raise ValueError(f"{path}: indicator id {item['id']!r} is used twice or reserved")
        seen.add(item["id"])
        if item["topic"] not in topics:
            raise ValueError(f"{path}: indicator {item['id']} has unknown topic {item['topic']!r}")
        m = item.get("match") or {}
        groups = tuple(tuple(prep(k) for k in g) for g in m.get("all", []))
        none = tuple(prep(k) for k in m.get("none", []))
        keywords.update(k for g in groups for k in g)
        keywords.update(none)
        family = item.get("domain", topics[item["topic"]].get("family") or [])
        indicators.append(Indicator(
            id=item["id"], topic=item["topic"], label_vi=clean_text(item["vi"]), label_en=item["en"],
            unit=clean_text(item.get("unit") or ""),
            rule=Rule(units=tuple(_unit_key(u) for u in m.get("units", [])), groups=groups, none=none,
                      examples=tuple(" ".join(fold(e).split()) for e in m.get("examples", []))),
            family=tuple(family)))
    functions = tuple(Function(id=f["id"], label_vi=clean_text(f["vi"]), label_en=f["en"],
                               keywords=tuple(prep(k) for k in f["keywords"]))
                      for f in data.get("functions", []))
    for f in functions:
        keywords.update(f.keywords)
    topic_terms = _topic_terms(compounds)
    for terms in topic_terms.values():
        keywords.update(terms)
    version = hashlib.sha256(raw_bytes + MATCHER_VERSION.encode()).hexdigest()[:12]
    return Taxonomy(indicators=tuple(indicators), topics=topics, functions=functions, version=version,
                    compounds=compounds, lexicon=_build_lexicon(keywords), topic_terms=topic_terms,
                    _by_id={i.id: i for i in indicators})


def _topic_terms(compounds: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Words that show a sentence is about a topic: the topic lexicon of models/topics/."""
    path = MODELS / "topics" / "topics.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {t: tuple(_prepare(w, compounds) for w in words) for t, words in (data.get("topics") or {}).items()}


# -- where the figure is -----------------------------------------------------------------------
def locate(sentence: str, quantity: str | None, subject: str | None = None) -> tuple[str, str]:
    """(lead, clause): the words leading to the figure and the clause holding it.

    The figure is the quantity's verbatim text; when it occurs more than once ("100% ...;
    100% ..."), the occurrence followed by words most like the subject is taken."""
    sentence = collapse_ws(sentence or "")
    quantity = collapse_ws(quantity or "")
    if not sentence or not quantity:
        return "", sentence
    starts = [m.start() for m in re.finditer(re.escape(quantity), sentence)]
    if not starts:
        return "", sentence
    at = starts[0]
    if len(starts) > 1 and subject:
        key = fold(subject)[:80]
        at = max(starts, key=lambda s: fuzz.partial_ratio(key, fold(sentence[s + len(quantity):s + len(quantity) + 120])))
    clause_start = 0
    for m in _CLAUSE_END.finditer(sentence, 0, at):
        clause_start = m.end()
    m = _CLAUSE_END.search(sentence, at + len(quantity))
    clause_end = m.start() if m else len(sentence)
    lead_start = clause_start
    for n in _NUMBER.finditer(sentence, clause_start, at):  # words since the previous figure
        lead_start = n.end()
    lead = sentence[lead_start:at]
    if lead_start > clause_start:
        # "50% A và trên 45% B", "900 lượt người, trong đó cai tập trung 700": what comes before
        # the last "và" or comma names the previous figure, not this one.
        lead = _LIST_JOIN.split(lead)[-1]
    # The verb governing a figure sits just before it; farther back is another matter.
    lead = " ".join(lead.split()[-LEAD_SYLLABLES:])
    return lead, sentence[clause_start:clause_end].strip()


# -- matching --------------------------------------------------------------------------------
def _unit_fits(rule: Rule, unit: str) -> bool:
    if not rule.units:
        return True
    if not unit:
        return "%" not in rule.units
    # whole words: "hộ" fits "hộ nghèo", not "hoạt động" (both fold to "ho...")
    return any(unit == u or unit.startswith(u + " ") for u in rule.units)


def _in_domain(ind: Indicator, doc_topics: frozenset[str], said: frozenset[str]) -> bool:
    if not ind.family:
        return True
    family = set(ind.family)
    if doc_topics & family or said & family:
        return True
    return not doc_topics and not said  # nothing known about the plan: do not rule it out


def rank(subject: str | None, sentence: str | None, unit: str | None, quantity: str | None = None,
         topics: Iterable[str] = (), taxonomy: Taxonomy | None = None) -> list[IndicatorMatch]:
    """Every indicator that applies, best first (ties: the order of the taxonomy)."""
    tax = taxonomy or load_taxonomy()
    return list(_rank(tax, subject or "", sentence or "", unit or "", quantity or "", frozenset(topics)))


@lru_cache(maxsize=65536)
def _rank_cached(tax: Taxonomy, subject: str, sentence: str, unit: str, quantity: str,
                 topics: frozenset[str]) -> tuple[IndicatorMatch, ...]:
    return _rank(tax, subject, sentence, unit, quantity, topics)


def _rank(tax: Taxonomy, subject: str, sentence: str, unit: str, quantity: str,
          topics: frozenset[str]) -> tuple[IndicatorMatch, ...]:
    lead, clause = locate(sentence, quantity, subject)
    places = {"subject": subject, "lead": lead, "clause": clause, "sentence": sentence}
    folded = _lacks_diacritics(" ".join(places.values()))
    prepared = {k: _prepare(v, tax.compounds) for k, v in places.items()}
    if folded:
        prepared = {k: fold(v) for k, v in prepared.items()}
    found = {k: tax.lexicon.find(v, folded) for k, v in prepared.items()}
    said = frozenset(t for t, terms in tax.topic_terms.items()
                     if any(term in found["sentence"] for term in terms))
    unit_key = _unit_key(unit)
    subject_key = fold(prepared["subject"] or prepared["clause"]).replace("_", " ")
    # Exclusions are read where the target itself is named: its subject and its leading words.
    exclusion_place = found["subject"] | found["lead"] if prepared["subject"] else found["lead"] | found["clause"]

    out: list[tuple[float, int, IndicatorMatch]] = []
    for order, ind in enumerate(tax.indicators):
        rule = ind.rule
        if not _unit_fits(rule, unit_key) or not _in_domain(ind, topics, said):
            continue
        if any(_has(exclusion_place, k, folded) for k in rule.none):
            continue
        evidence = []
        for group in rule.groups:
            best = max((w for place, w in WEIGHTS.items()
                        if any(_has(found[place], k, folded) for k in group)), default=0.0)
            if best == 0.0:
                break
            evidence.append(best)
        else:
            if not evidence:
                continue
            kw = sum(evidence) / len(evidence)
            fz = _similarity(subject_key, rule.examples)
            score = KEYWORD_SHARE * kw + (1 - KEYWORD_SHARE) * fz
            out.append((score, order, IndicatorMatch(ind.id, round(score, 3))))
    if not out and subject_key:
        alone = _fuzzy_alone(tax, subject_key, unit_key, topics, said)
        if alone is not None:
            out.append((alone.score, 0, alone))
    out.sort(key=lambda x: (-x[0], x[1]))
    return tuple(m for _, _, m in out)


def _has(found: set[str], keyword: str, folded: bool) -> bool:
    # ``found`` holds keywords in their own form even when they were found in folded text.
    return keyword in found


def _similarity(subject_key: str, examples: tuple[str, ...]) -> float:
    if not subject_key or not examples:
        return 0.0
    best = process.extractOne(subject_key, examples, scorer=fuzz.token_set_ratio)
    return best[1] / 100 if best else 0.0


def _fuzzy_alone(tax: Taxonomy, subject_key: str, unit_key: str, topics: frozenset[str],
                 said: frozenset[str]) -> IndicatorMatch | None:
    best: tuple[float, str] | None = None
    for ind in tax.indicators:
        if not ind.rule.examples or not _unit_fits(ind.rule, unit_key) or not _in_domain(ind, topics, said):
            continue
        hit = process.extractOne(subject_key, ind.rule.examples, scorer=fuzz.token_sort_ratio,
                                 score_cutoff=FUZZY_ALONE)
        if hit and (best is None or hit[1] > best[0]):
            best = (hit[1], ind.id)
    if best is None:
        return None
    return IndicatorMatch(best[1], round(best[0] / 100 * KEYWORD_SHARE, 3))


def match_fields(subject: str | None, sentence: str | None, unit: str | None,
                 quantity: str | None = None, topics: Iterable[str] = (),
                 taxonomy: Taxonomy | None = None) -> IndicatorMatch:
    """The indicator a target measures, from its fields (as stored); ``OTHER`` when none fits."""
    tax = taxonomy or load_taxonomy()
    ranked = _rank_cached(tax, subject or "", sentence or "", unit or "", quantity or "", frozenset(topics))
    if ranked and ranked[0].score >= MIN_SCORE:
        return ranked[0]
    return IndicatorMatch(OTHER, ranked[0].score if ranked else 0.0)


def match_target(target: Target, topics: Iterable[str] = (), taxonomy: Taxonomy | None = None) -> IndicatorMatch:
    """The indicator a Target measures. ``topics``: the plan's topics (Metadata.topics)."""
    return match_fields(target.subject, target.text, target.unit, target.provenance.text, topics, taxonomy)


def functions_of(text: str | None, taxonomy: Taxonomy | None = None) -> list[str]:
    """The functions (taxonomy ``functions``) a task description is about, in taxonomy order."""
    tax = taxonomy or load_taxonomy()
    prepared = _prepare(text, tax.compounds)
    folded = _lacks_diacritics(prepared)
    if folded:
        prepared = fold(prepared)
    found = tax.lexicon.find(prepared, folded)
    return [f.id for f in tax.functions if any(_has(found, k, folded) for k in f.keywords)]


__all__ = [
    "Function", "Indicator", "IndicatorMatch", "MIN_SCORE", "NO_MATCH", "OTHER", "Taxonomy",
    "functions_of", "load_taxonomy", "locate", "match_fields", "match_target", "rank",
]
