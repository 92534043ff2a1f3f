"""The words the target finder knows, loaded once from models/targets/lexicon.yaml.

Each question the finder asks of the text around a number ("is a unit written here?", "does
a comparator stand right before it?", "is this section a review of past results?") is one
method here, answered by regexes compiled from the lexicon.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from ..normalize import fold
from ..paths import MODELS

LEXICON = MODELS / "targets" / "lexicon.yaml"
_END = r"(?![^\W\d_])"  # a word ends here
_START = r"(?<![^\W\d_])"  # a word starts here


def _alt(words: list[str]) -> str:
    """An alternation of phrases, longest first, spaces matching any run of spaces."""
    parts = sorted({w.strip() for w in words if w and w.strip()}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in parts) + ")"


class Lexicon:
    def __init__(self, data: dict) -> None:
        units = data["units"]
        admin = data["admin_units"]
        self.known_units = {u.lower() for u in units} | {a.lower() for a in admin}
        admin_list = _alt(admin) + r"(?:\s*(?:,|và|hoặc)\s*" + _alt(admin) + _END + ")*"
        self._unit = re.compile(r"[ \t]*(" + _alt(units) + _END + ")", re.I)
        self._admin = re.compile(r"[ \t]*(" + admin_list + _END + ")", re.I)
        self._acronym = re.compile(r"[ \t]*([A-ZĐ]{2,6})" + _END)
        self._not_acronym = {a.upper() for a in data.get("not_acronym_units", [])}
        not_units = [w for group in data["not_units"].values() for w in group]
        self._not_unit = re.compile(r"[ \t]*" + _alt(not_units) + _END, re.I)

        cmp = data["comparators"]
        self._before = [(sign, re.compile(_START + _alt(c["before"]) + r"\s*$"))
                        for sign, c in cmp.items() if c.get("before")]
        self._after = [(sign, re.compile(r"^\s*" + _alt(c["after"]) + _END))
                       for sign, c in cmp.items() if c.get("after")]
        bounded = cmp[">="]["before"] + cmp["<="]["before"]
        self._bounded = re.compile(_START + _alt(bounded) + r"\s*$")
        self._strive = re.compile(_START + _alt(data["strive"]) + _END)

        self._name = re.compile(_START + _alt(data["name_prefixes"]) + r"(?:\s+số)?\s*[:.]?\s*$")
        self._name_patterns = [re.compile(p) for p in data.get("name_patterns", [])]
        self._not_name = re.compile(_START + _alt(data.get("not_name_compounds", [])) + r"\s*$")
        # "hàng quý 01 lần", "mỗi năm 150": a time word after "mỗi/hàng/hằng" is a period
        self._recurring_prefix = re.compile(
            _START + r"(?:mỗi|hàng|hằng)\s+(?:năm|tháng|quý|tuần|ngày)\s*$")

        self._review_start = tuple(fold(t) for t in data["review_titles_start"])
        self._review_contain = tuple(fold(t) for t in data["review_titles_contain"])
        self._reported = re.compile(_START + _alt(data["reported_cues"]) + _END)
        self._reported_near = re.compile(_START + _alt(data["reported_cues_near"]) + _END
                                         + r"(?:\s+\S+){0,5}\s*$")
        self._not_target = re.compile(_START + _alt(data["not_target_cues"]) + _END)
        self._money = re.compile(data["money_pattern"], re.I)
        self._commit = re.compile(_START + _alt(data["commit_cues"]) + _END)

        self._periods: list[tuple[str, re.Pattern[str], re.Pattern[str] | None]] = []
        for label, cues in data["periods"].items():
            words = [c for c in cues if not c.startswith("/")]
            slashes = [c for c in cues if c.startswith("/")]
            self._periods.append((
                label,
                re.compile(_START + _alt(words) + _END),
                re.compile(r"^\s*" + _alt(slashes) + _END) if slashes else None,
            ))
        self.tables = data["tables"]

    # --- units ---
    def unit_at(self, after: str) -> str | None:
        """The counted noun written right after a number, as written, or None."""
        best = None
        for rx in (self._unit, self._admin):
            m = rx.match(after)
            if m and (best is None or len(m.group(1)) > len(best)):
                best = m.group(1)
        if best is None:
            m = self._acronym.match(after)
            if m and m.group(1).upper() not in self._not_acronym:
                best = m.group(1)
        return " ".join(best.split()) if best else None

    def not_unit_at(self, after: str) -> bool:
        """A duration, an age or a sum of money follows: "5 năm", "18 tuổi", "2 triệu đồng"."""
        return bool(self._not_unit.match(after))

    # --- names ---
    def name_before(self, low_before: str) -> bool:
        """The number is part of a name or a reference: "Ban Chỉ đạo 138", "Phụ biểu 01"."""
        if self._name.search(low_before):
            return not (self._recurring_prefix.search(low_before) or self._not_name.search(low_before))
        return any(p.search(low_before) for p in self._name_patterns)

    # --- comparators ---
    def comparator_before(self, low_before: str) -> str | None:
        best: tuple[int, str] | None = None
        for sign, rx in self._before:
            m = rx.search(low_before)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), sign)  # the longest cue wins ("không quá" over "quá")
        return best[1] if best else None

    def comparator_after(self, tail: str) -> str | None:
        for sign, rx in self._after:
            if rx.match(tail):
                return sign
        return None

    def bounded_before(self, low_before: str) -> bool:
        """"ít nhất" / "tối thiểu" / "không quá" ... right before: a number in words counts."""
        return bool(self._bounded.search(low_before))

    def strives(self, sentence_before: str) -> bool:
        return bool(self._strive.search(sentence_before))

    # --- reported results ---
    def is_review_title(self, title: str) -> bool:
        key = re.sub(r"^[\W\d_]+", "", fold(title))
        key = re.sub(r"^(?:phan|muc|chuong)\s+[ivxl\d]+\s*[.:-]?\s*", "", key)
        if key.startswith(self._review_start):
            return True
        headingish = len(title) <= 90 or title.isupper()
        return headingish and any(c in key for c in self._review_contain)

    def reports(self, clause_before: str) -> bool:
        return bool(self._reported.search(clause_before) or self._reported_near.search(clause_before))

    def never_target(self, clause: str, sentence: str) -> bool:
        """Copies of a decision (anywhere in the sentence), sums of money and their shares
        (in the same clause)."""
        return bool(self._not_target.search(sentence) or self._money.search(clause))

    def commits(self, clause: str) -> bool:
        return bool(self._commit.search(clause))

    # --- periods ---
    def recurring(self, sentence_before: str, after_unit: str) -> str | None:
        for label, words, slashes in self._periods:
            if slashes is not None and slashes.match(after_unit):
                return label
        for label, words, _ in self._periods:
            if words.search(sentence_before):
                return label
        return None


@lru_cache(maxsize=4)
def _load(path: str) -> Lexicon:
    return Lexicon(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def lexicon(path: Path = LEXICON) -> Lexicon:
    return _load(str(path))
