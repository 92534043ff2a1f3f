"""The words the target finder knows, loaded once from models/targets/lexicon.yaml.

Each question the finder asks of the text around a number ("is a unit written here?", "does
a comparator stand right before it?", "is this section a review of past results?") is one
method here, answered by regexes compiled from the lexicon.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from pathlib import Path

import yaml

from ..document import Section
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
        self._function = {w.lower() for w in data.get("function_words", [])}
        self._word = re.compile(r"[ \t]+([^\W\d_]+)(?=[\s,.;:)]|$)")
        not_units = [w for group in data["not_units"].values() for w in group]
        self._not_unit = re.compile(r"[ \t]*" + _alt(not_units) + _END, re.I)
        self._rank_unit = re.compile(r"[ \t]*(" + _alt(data["rank_units"]) + _END + ")", re.I)
        self._moved = re.compile(_START + _alt(data["move_verbs"]) + r"(?:\s+"
                                 + _alt(data["move_fillers"]) + r")*\s*$")
        # a unit may be a list of counted nouns: "tin, bài", "cán bộ, công chức, viên chức"
        self._unit_more = re.compile(r"[ \t]*(?:,|và|hoặc)[ \t]*(" + _alt(units) + _END + ")", re.I)

        cmp = data["comparators"]
        self._before = [(sign, re.compile(_START + _alt(c["before"]) + r"\s*$"))
                        for sign, c in cmp.items() if c.get("before")]
        self._after = [(sign, re.compile(r"^\s*" + _alt(c["after"]) + _END))
                       for sign, c in cmp.items() if c.get("after")]
        self._approximate = re.compile(_START + _alt(data["approximate"]) + r"\s*$")
        bounded = cmp[">="]["before"] + cmp["<="]["before"]
        self._bounded = re.compile(_START + _alt(bounded) + r"\s*$")
        self._strive = re.compile(_START + _alt(data["strive"]) + _END)

        self._name = re.compile(_START + _alt(data["name_prefixes"]) + r"(?:\s+số)?\s*[:.]?\s*$")
        self._name_patterns = [re.compile(p) for p in data.get("name_patterns", [])]
        breakers = {w.lower() for w in data["name_breakers"]} | self._function
        # "<head> w1 w2 w3 <number>": the words between are checked in named_by_head()
        self._name_head = re.compile(_START + _alt(data["name_heads"]) + r"((?:\s+[^\W\d_]+){0,3})\s*$")
        self._breaker = re.compile(_START + _alt(sorted(breakers)) + _END)
        self._soft_name = re.compile(_START + _alt(data.get("soft_name_prefixes", [])) + r"\s*$")
        # "xóa trắng nhóm từ 30 hộ trở lên": a size that defines a class of things, not a count
        self._threshold = re.compile(_START + _alt(data.get("soft_name_prefixes", [])) + r"\s+từ\s*$")
        self._not_name = re.compile(_START + _alt(data.get("not_name_compounds", [])) + r"\s*$")
        # "hàng quý 01 lần", "mỗi năm 150": a time word after "mỗi/hàng/hằng" is a period
        self._recurring_prefix = re.compile(
            _START + r"(?:mỗi|hàng|hằng)\s+(?:năm|tháng|quý|tuần|ngày)\s*$")

        self._review_start = tuple(fold(t) for t in data["review_titles_start"])
        self._review_contain = tuple(fold(t) for t in data["review_titles_contain"])
        self._plan_start = tuple(fold(t) for t in data.get("plan_titles_start", []))
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
        """The counted noun written right after a number (spaces collapsed), or None."""
        found = self.unit_match(after)
        return found[0] if found else None

    def unit_match(self, after: str) -> tuple[str, int] | None:
        """(unit, offset in ``after`` where it ends) for the counted noun after a number;
        a list of known nouns is one unit ("chương trình, bài viết"), and "lượt" takes the
        noun it counts visits of ("lượt hộ")."""
        best: re.Match[str] | None = None
        for rx in (self._unit, self._admin, self._rank_unit):
            m = rx.match(after)
            if m and (best is None or m.end() > best.end()):
                best = m
        if best is None:
            m = self._acronym.match(after)
            if m and m.group(1).upper() not in self._not_acronym:
                best = m
        if best is None:
            return None
        start, end = best.start(1), best.end()
        if best.group(1).lower() == "lượt":
            m = self._unit.match(after, end)
            if m:
                end = m.end()
        if best.re is self._unit:
            while (m := self._unit_more.match(after, end)) is not None:
                end = m.end()
        return " ".join(after[start:end].split()), end

    def guess_unit_at(self, after: str) -> tuple[str, int] | None:
        """One or two lowercase words that are not function words: "5.000 thẻ bảo hiểm"."""
        words: list[str] = []
        pos = 0
        while len(words) < 2:
            m = self._word.match(after, pos)
            if not m or not m.group(1).islower() or m.group(1) in self._function:
                break
            words.append(m.group(1))
            pos = m.end()
            if after[pos:pos + 1] != " ":
                break
        if not words or self.not_unit_at(" " + words[0]):
            return None
        return " ".join(words), pos

    def not_unit_at(self, after: str, low_before: str = "") -> bool:
        """A duration, an age or a sum of money follows: "5 năm", "18 tuổi", "2 triệu đồng";
        or a grade or rank ("3 bậc") that no verb of movement governs ("tăng 3 bậc" counts)."""
        if self._rank_unit.match(after) and self._moved.search(low_before):
            return False
        return bool(self._not_unit.match(after))

    # --- names ---
    def name_before(self, low_before: str) -> bool:
        """The number is part of a name or a reference: "Ban Chỉ đạo 138", "Phụ biểu 01"."""
        if self._name.search(low_before):
            return not (self._recurring_prefix.search(low_before) or self._not_name.search(low_before))
        return any(p.search(low_before) for p in self._name_patterns)

    def named_by_head(self, low_before: str) -> bool:
        """"mô hình bảo vệ 4 lớp", "chính quyền 2 cấp": the number qualifies a structure."""
        m = self._name_head.search(low_before)
        return bool(m) and not self._breaker.search(m.group(1))

    def class_threshold(self, low_before: str) -> bool:
        """"nhóm từ 30 hộ trở lên", "loại từ 3 sao trở lên": the size defining a class."""
        return bool(self._threshold.search(low_before))

    def soft_name_before(self, low_before: str) -> bool:
        """"Tổ 5", "lớp 9": a rank or a name unless a known counted noun follows."""
        return bool(self._soft_name.search(low_before))

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

    def approximate_before(self, low_before: str) -> bool:
        """"khoảng 5.700 hộ": coded "=", with a note."""
        return bool(self._approximate.search(low_before))

    def bounded_before(self, low_before: str) -> bool:
        """"ít nhất" / "tối thiểu" / "không quá" ... right before: a number in words counts."""
        return bool(self._bounded.search(low_before))

    def strives(self, sentence_before: str) -> bool:
        return bool(self._strive.search(sentence_before))

    # --- reported results ---
    @staticmethod
    def _title_key(title: str) -> str:
        key = re.sub(r"^[\W\d_]+", "", fold(title))
        return re.sub(r"^(?:phan|muc|chuong)\s+[ivxl\d]+\s*[.:-]?\s*", "", key)

    def is_review_title(self, title: str) -> bool:
        key = self._title_key(title)
        if key.startswith(self._review_start):
            return True
        headingish = len(title) <= 90 or title.isupper()
        return headingish and any(c in key for c in self._review_contain)

    def is_plan_title(self, title: str) -> bool:
        headingish = len(title) <= 90 or title.isupper()
        return headingish and self._title_key(title).startswith(self._plan_start)

    def in_review(self, chain: list[Section], offset: int, plan_starts: list[int]) -> bool:
        """Whether an offset lies in a review of past results: the innermost telling title of
        its section chain (outermost first) is a review, and no plan heading ("B. KẾ HOẠCH
        ...", "3. Các chỉ tiêu chủ yếu") stands between that review's start and the offset —
        OCR can lose a heading and nest the plan's part under the review."""
        for section in reversed(chain):
            if self.is_review_title(section.title):
                i = bisect.bisect_left(plan_starts, section.start + 1)
                return not (i < len(plan_starts) and plan_starts[i] < offset)
            if self.is_plan_title(section.title):
                return False
        return False

    def plan_starts(self, outline: Section | None) -> list[int]:
        """Offsets of every heading that opens the plan's own part, in text order."""
        if outline is None:
            return []
        out: list[int] = []
        stack = list(outline.children)
        while stack:
            node = stack.pop()
            if self.is_plan_title(node.title):
                out.append(node.start)
            stack.extend(node.children)
        return sorted(out)

    def reports(self, clause_before: str) -> bool:
        return bool(self._reported.search(clause_before) or self._reported_near.search(clause_before))

    def never_target(self, clause: str, sentence: str, percent: bool, phrase: str) -> bool:
        """Copies of a decision (anywhere in the sentence), a sum of money's shares (a
        percentage in a clause stating money) and figures in the same phrase as money."""
        if self._not_target.search(sentence):
            return True
        return bool(self._money.search(clause if percent else phrase))

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
