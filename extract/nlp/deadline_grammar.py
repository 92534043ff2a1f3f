"""The deadline grammar (models/deadlines/grammar.yaml), compiled once.

The YAML holds regex fragments ("{DATE}", "{PERIODS}"), the cue rules of each kind, the verb
lexicons, and what is excluded; this module expands the fragments and compiles everything, so
``extract.nlp.deadlines`` only ever sees ready patterns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from ..model import DeadlineKind
from ..paths import MODELS

GRAMMAR_PATH = MODELS / "deadlines" / "grammar.yaml"
_FLAGS = re.IGNORECASE
_REF = re.compile(r"\{([A-Z]+)\}")
_KINDS = ("absolute", "period_end", "recurring")


@dataclass(frozen=True)
class Rule:
    """One cue pattern: a match is a candidate deadline of ``kind``."""

    kind: DeadlineKind
    name: str
    rx: re.Pattern[str]
    verb: str  # the verb class its clause must hold: any / duty / completion / obligation


@dataclass(frozen=True)
class Grammar:
    rules: tuple[Rule, ...]
    period: re.Pattern[str]  # one item of a frequency list
    date: re.Pattern[str]
    quarter: re.Pattern[str]
    month: re.Pattern[str]
    half: re.Pattern[str]
    year: re.Pattern[str]
    counts: dict[str, int]
    half_of: dict[str, str]
    drop_prefixes: tuple[str, ...]
    label: re.Pattern[str]
    label_completion: re.Pattern[str]
    label_value_chars: int
    table_time: re.Pattern[str]
    table_task: re.Pattern[str]
    table_agency: re.Pattern[str]
    table_period: re.Pattern[str]
    table_recurring: re.Pattern[str]
    verbs: dict[str, re.Pattern[str]]
    exclude_before: tuple[tuple[re.Pattern[str], frozenset[str]], ...]
    exclude_clause: tuple[re.Pattern[str], ...]
    review_section: re.Pattern[str]
    section_titles: tuple[re.Pattern[str], ...]
    agency_heads: re.Pattern[str]
    heading_prefix: re.Pattern[str]
    heading_suffix: re.Pattern[str]
    addressee: re.Pattern[str]
    addressee_stop: re.Pattern[str]
    name_phrases: re.Pattern[str]
    subject_tail: re.Pattern[str]
    not_implicit: re.Pattern[str]


def _expander(fragments: dict[str, str]):
    cache: dict[str, str] = {}

    def expand(pattern: str, depth: int = 0) -> str:
        if depth > 10:
            raise ValueError(f"{GRAMMAR_PATH}: fragment references nest too deep in {pattern!r}")

        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in fragments:
                raise ValueError(f"{GRAMMAR_PATH}: unknown fragment {{{name}}}")
            if name not in cache:
                cache[name] = expand(fragments[name], depth + 1)
            return cache[name]

        return _REF.sub(sub, pattern)

    return expand


def _words(items: list[str], blockers: list[str] = ()) -> re.Pattern[str]:
    """Any of the words or phrases, on word boundaries, longest first, not right after a blocker."""
    alts = sorted({re.escape(w).replace(r"\ ", r"\s+") for w in items}, key=len, reverse=True)
    behind = "".join(f"(?<!{re.escape(b)} )" for b in blockers)
    return re.compile(behind + r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", _FLAGS)


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    data = yaml.safe_load(GRAMMAR_PATH.read_text(encoding="utf-8"))
    x = _expander(data["fragments"])

    def rx(pattern: str) -> re.Pattern[str]:
        return re.compile(x(pattern), _FLAGS)

    rules = []
    for kind in _KINDS:
        for r in data[kind]:
            rules.append(Rule(kind, r["name"], rx(r["pattern"]), r.get("verb", "any")))
    freq = data["frequency"]
    blockers = data["verbs"].get("blockers") or []
    lab, tab, ex, ag = data["labels"], data["tables"], data["exclude_sections"], data["agencies"]
    return Grammar(
        rules=tuple(rules),
        period=rx("{PERIOD}"),
        date=rx("{DATE}"),
        quarter=rx("{QUARTER}"),
        month=rx("{MONTH}"),
        half=rx("{HALF}"),
        year=rx(r"(?<!\d){YEAR}(?!\d)"),
        counts={k: int(v) for k, v in freq["counts"].items()},
        half_of=dict(freq["half"]),
        drop_prefixes=tuple(freq["drop_prefixes"]),
        label=rx(lab["pattern"]),
        label_completion=rx(lab["completion"]),
        label_value_chars=int(lab["value_chars"]),
        table_time=rx(tab["time_header"]),
        table_task=rx(tab["task_header"]),
        table_agency=rx(tab["agency_header"]),
        table_period=rx(tab["period_value"]),
        table_recurring=rx(tab["recurring_value"]),
        verbs={name: _words(items, blockers) for name, items in data["verbs"].items() if name != "blockers"},
        exclude_before=tuple((rx(e["pattern"]), frozenset(e.get("kinds") or _KINDS))
                             for e in data["exclude_before"]),
        exclude_clause=tuple(rx(p) for p in data["exclude_clause"]),
        review_section=rx(ex["review"]),
        section_titles=tuple(rx(p) for p in ex["titles"]),
        agency_heads=rx(ag["heads"]),
        heading_prefix=rx(ag["heading_prefix"]),
        heading_suffix=rx(ag["heading_suffix"]),
        addressee=rx(ag["addressee"]),
        addressee_stop=rx(ag["addressee_stop"]),
        name_phrases=_words(data["name_phrases"]),
        subject_tail=rx(data["subject_tail"]),
        not_implicit=rx(ag["not_implicit"]),
    )


def find_verb(text: str, g: Grammar, lo: int, hi: int, cls: str = "any") -> re.Match[str] | None:
    """The first verb of a class in text[lo:hi] that is not part of a name ("Giáo dục và Đào tạo")."""
    window = g.name_phrases.finditer(text, max(0, lo - 40), min(len(text), hi + 40))
    names = [(m.start(), m.end()) for m in window]
    for m in g.verbs[cls].finditer(text, lo, hi):
        if not any(a <= m.start() < b for a, b in names):
            return m
    return None


def normalise_frequency(items: list[str], g: Grammar) -> list[str]:
    """Frequency words as the output writes them: "một năm" -> "năm", "03 tháng" -> "3 tháng"."""
    out: list[str] = []
    for item in items:
        words = item.lower().split()
        while words and words[0] in g.drop_prefixes:
            words = words[1:]
        if not words:
            continue
        unit = words[-1]
        count = words[0] if len(words) > 1 else None
        if count == "nửa":
            value = g.half_of.get(unit, unit)
        elif count is None:
            value = unit
        else:
            n = int(count) if count.isdigit() else g.counts.get(count, 0)
            value = unit if n in (0, 1) else f"{n} {unit}"
        if value not in out:
            out.append(value)
    return out
