"""Score extractions against gold annotations, by the rules of the team's scorer.

The rules (corpora/eval/score.py is the reference; tests check the two agree):
- items are paired one to one, best pairs first;
- citations pair on the number key (no diacritics, no spaces, one dash), or, when neither side
  has a number, on the folded mention (ratio >= 85);
- agencies pair when any folded name or alias of one is close to any of the other (ratio >= 88);
- targets pair on equal value (and value_max when gold has one), both or neither in %, and
  partial ratio of the folded texts >= 70; deadlines on kind, date, and the same text ratio;
- a gold item whose note says "Borderline" is optional: missing it costs nothing, finding it
  earns nothing;
- metadata: the fraction of eight fields right, with province aliases and issuer ratio >= 85.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from rapidfuzz import fuzz

from .normalize import fold

KINDS = ("citations", "agencies", "targets", "deadlines")
META_FIELDS = ("province", "doc_type", "number", "issued_date", "issuer", "signer.name",
               "plan_period.start", "plan_period.end")
_PROVINCE_ALIASES = {"thua thien hue": "hue", "ho chi minh city": "ho chi minh"}


def text_key(s: str | None) -> str:
    """Folded, punctuation as spaces, collapsed."""
    return " ".join(re.sub(r"[^\w%]+", " ", fold(s)).split())


def number_key(s: str | None) -> str:
    if not s:
        return ""
    s = re.sub(r"^\s*SO\b", "", fold(s).upper())
    s = re.sub(r"[\u2010-\u2015]", "-", s)
    return re.sub(r"\s+", "", s)


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-6
    except (TypeError, ValueError):
        return False


def _cite(g: dict, p: dict) -> float | None:
    gk, pk = number_key(g.get("number")), number_key(p.get("number"))
    if gk or pk:
        return 100.0 if gk == pk else None
    s = fuzz.ratio(text_key(g.get("mention") or g.get("type")), text_key(p.get("mention") or p.get("type")))
    return s if s >= 85 else None


def _agency(g: dict, p: dict) -> float | None:
    if not p.get("name"):
        return None
    gforms = [f for f in [g.get("name"), *(g.get("aliases_in_text") or [])] if f]
    pforms = [f for f in [p.get("name"), *(p.get("aliases_in_text") or [])] if f]
    s = max((fuzz.ratio(text_key(a), text_key(b)) for a in gforms for b in pforms), default=0.0)
    return s if s >= 88 else None


def _target(g: dict, p: dict) -> float | None:
    if not _same(g.get("value"), p.get("value")):
        return None
    if g.get("value_max") is not None and not _same(g.get("value_max"), p.get("value_max")):
        return None
    if (g.get("unit") == "%") != (p.get("unit") == "%"):
        return None
    s = fuzz.partial_ratio(text_key(g.get("text")), text_key(p.get("text")))
    return s if s >= 70 else None


def _deadline(g: dict, p: dict) -> float | None:
    if g.get("kind") != p.get("kind"):
        return None
    if g.get("kind") == "absolute" and g.get("date") != p.get("date"):
        return None
    s = fuzz.partial_ratio(text_key(g.get("text")), text_key(p.get("text")))
    return s if s >= 70 else None


MATCHERS: dict[str, Callable[[dict, dict], float | None]] = {
    "citations": _cite, "agencies": _agency, "targets": _target, "deadlines": _deadline,
}


def pair(gold: list[dict], pred: list[dict], match: Callable[[dict, dict], float | None]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index), best scores first."""
    scored = sorted(((s, i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)
                     if (s := match(g, p)) is not None), reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, i, j in scored:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append((i, j))
    return out


def _dig(d: dict, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(d, dict):
            return None
        d = d.get(part)
    return d


def _province(name: str) -> str:
    key = re.sub(r"^(tinh|thanh pho|tp) ", "", text_key(name))
    return _PROVINCE_ALIASES.get(key, key)


def meta_equal(field_name: str, g: Any, p: Any) -> bool:
    if g is None or p is None:
        return g is None and p is None
    if field_name == "number":
        return number_key(str(g)) == number_key(str(p))
    if field_name == "issuer":
        return fuzz.ratio(text_key(str(g)), text_key(str(p))) >= 85
    if field_name == "province":
        return _province(str(g)) == _province(str(p))
    if field_name in ("doc_type", "signer.name"):
        return text_key(str(g)) == text_key(str(p))
    return str(g) == str(p)


def _label(item: dict) -> str:
    return item.get("text") or item.get("mention") or item.get("name") or ""


@dataclass
class Tally:
    tp: int = 0
    gold: int = 0
    pred: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.gold += other.gold
        self.pred += other.pred

    @property
    def scored(self) -> bool:
        return bool(self.gold or self.pred)

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float | None:
        if not self.scored:
            return None
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocScore:
    doc: str
    kinds: dict[str, Tally]
    meta_right: int = 0
    meta_total: int = 0
    meta_wrong: list[dict] = field(default_factory=list)


def score_doc(gold: dict, pred: dict | None) -> DocScore:
    """Score one document's prediction (None: nothing was produced) against its gold."""
    pred = pred or {}
    scope = gold.get("scope") or [*KINDS, "metadata"]
    out = DocScore(doc=gold["doc"], kinds={})
    for kind in KINDS:
        if kind not in scope:
            continue
        gl, pl = gold.get(kind) or [], pred.get(kind) or []
        pairs = pair(gl, pl, MATCHERS[kind])
        optional = {i for i, item in enumerate(gl) if "borderline" in str(item.get("note", "")).lower()}
        matched_g = {i for i, _ in pairs}
        matched_p = {j for _, j in pairs}
        out.kinds[kind] = Tally(
            tp=sum(1 for i, _ in pairs if i not in optional),
            gold=len(gl) - len(optional),
            pred=len(pl) - sum(1 for i, _ in pairs if i in optional),
            missed=[_label(gl[i]) for i in range(len(gl)) if i not in optional and i not in matched_g],
            extra=[_label(pl[j]) for j in range(len(pl)) if j not in matched_p],
        )
    if "metadata" in scope:
        for name in META_FIELDS:
            gv, pv = _dig(gold.get("metadata") or {}, name), _dig(pred.get("metadata") or {}, name)
            out.meta_total += 1
            if pred and meta_equal(name, gv, pv):
                out.meta_right += 1
            else:
                out.meta_wrong.append({"field": name, "gold": gv, "pred": pv})
    return out


@dataclass
class Report:
    docs: list[DocScore]

    def total(self, kind: str) -> Tally:
        t = Tally()
        for d in self.docs:
            if kind in d.kinds:
                t.add(d.kinds[kind])
        return t

    @property
    def meta_accuracy(self) -> float:
        total = sum(d.meta_total for d in self.docs)
        return sum(d.meta_right for d in self.docs) / total if total else 0.0

    def f1(self, kind: str) -> float | None:
        return self.meta_accuracy if kind == "metadata" else self.total(kind).f1

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"documents": len(self.docs)}
        for kind in KINDS:
            t = self.total(kind)
            out[kind] = {"tp": t.tp, "gold": t.gold, "pred": t.pred,
                         "precision": round(t.precision, 4) if t.scored else None,
                         "recall": round(t.recall, 4) if t.scored else None,
                         "f1": round(t.f1, 4) if t.f1 is not None else None}
        out["metadata"] = {"accuracy": round(self.meta_accuracy, 4),
                           "right": sum(d.meta_right for d in self.docs),
                           "total": sum(d.meta_total for d in self.docs)}
        return out


def score(golds: Iterable[dict], preds: dict[str, dict]) -> Report:
    """Score predictions (by doc name) against gold documents."""
    return Report([score_doc(g, preds.get(g["doc"]) or preds.get(Path(g["doc"]).stem)) for g in golds])


def load_gold(folder: Path) -> list[dict]:
    """The gold documents of a folder (not recursive), each with its "doc" name."""
    out = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "doc" in data:
            out.append(data)
    return out
