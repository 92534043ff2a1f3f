"""Reading organisation names in running text, for the agency finder.

``NameReader(text)`` splits a document's text into words (with offsets, folded and written
forms, capitalisation) and answers, at a word: which organisation is named here (a gazetteer
name, or an organisation-looking name the gazetteer does not know), and which organisations a
list starting here names ("Công an tỉnh, Tòa án nhân dân tỉnh và các Sở: Tài chính, Nội vụ"),
skipping generic addressees ("các sở, ban, ngành") that name none. It knows nothing of roles.
Word lists are data: models/agencies/names.json.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from ..gazetteer import AgencyEntry, GazMatch, Gazetteer, fold_aligned
from ..normalize import fold, fold_key
from ..paths import MODELS

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"[ \t]*")
_SEP = re.compile(r"[ \t,&/\-\u2010-\u2015]*")  # between two listed organisations
_IN_NAME = re.compile(r"[ \t\-\u2010-\u2015/&]*")  # between two words of an unknown name
_IN_SECTOR = re.compile(r"[ \t\-\u2010-\u2015,&]*")  # "Văn hóa, Thể thao và Du lịch"

_UNIT_WORDS = frozenset({"thanh pho", "tp", "thi xa", "huyen", "quan", "xa", "phuong", "thi tran"})

# Where a name is read: running text; a heading; a heading after "Đối với" (collective heads
# such as "đơn vị được kiểm tra" and short names closed by a colon are accepted there).
TEXT, HEADING, AFTER_PREFIX = 0, 1, 2


class Phrases:
    """A set of word sequences, matched at a word index (longest first)."""

    def __init__(self, phrases: list[str], folded: bool = True) -> None:
        self.folded = folded
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            words = tuple(_WORD.findall(fold(p) if folded else p.lower()))
            if words:
                self.by_first.setdefault(words[0], []).append(words)
        for lst in self.by_first.values():
            lst.sort(key=len, reverse=True)


def words_of(section: dict | list) -> list[str]:
    return section["words"] if isinstance(section, dict) else section


@dataclass(frozen=True)
class NameLexicon:
    heads: Phrases  # written forms (with diacritics): "Đội" is not "đối"
    lower_heads: Phrases
    not_names: Phrases
    stops: Phrases
    stops_folded: Phrases  # the multi-word stops, also without diacritics (OCR loses them)
    continuations: frozenset[str]
    max_name_words: int
    person_prefixes: Phrases
    chain_skips: Phrases
    qualifiers: Phrases
    generic: tuple[re.Pattern[str], ...]
    sector_head: re.Pattern[str]


@lru_cache(maxsize=1)
def name_lexicon() -> NameLexicon:
    raw = json.loads((MODELS / "agencies" / "names.json").read_text(encoding="utf-8"))
    stops = words_of(raw["name_stops"])
    return NameLexicon(
        heads=Phrases(words_of(raw["org_heads"]), folded=False),
        lower_heads=Phrases(words_of(raw["lowercase_heads"]), folded=False),
        not_names=Phrases(words_of(raw["not_names"]), folded=False),
        stops=Phrases(stops, folded=False),
        stops_folded=Phrases([w for w in stops if " " in w]),
        continuations=frozenset(fold(w) for w in words_of(raw["name_continuations"])),
        max_name_words=int(raw["max_name_words"]),
        person_prefixes=Phrases(words_of(raw["person_prefixes"])),
        chain_skips=Phrases(words_of(raw["chain_skips"])),
        qualifiers=Phrases(words_of(raw["chain_qualifiers"])),
        generic=tuple(re.compile(p) for p in raw["generic_addressees"]["patterns"]),
        sector_head=re.compile(raw["sector_list_head"]["pattern"]),
    )


@dataclass(frozen=True)
class Org:
    """An organisation named at one place: words [first, stop), characters [start, end)."""

    first: int
    stop: int
    start: int
    end: int
    name: str  # canonical when known, else the written name without its province
    known: bool
    score: float  # 100: a gazetteer form as written; 95: read through folding or fuzzily

    def renamed(self, other: Org) -> Org:
        """This mention, as the organisation ``other`` names."""
        return Org(self.first, self.stop, self.start, self.end, other.name, other.known, other.score)


class NameReader:
    def __init__(self, text: str, gaz: Gazetteer, lex: NameLexicon | None = None) -> None:
        self.text = text
        self.folded = fold_aligned(text)
        self.gaz = gaz
        self.lex = lex or name_lexicon()
        spans = [(m.start(), m.end()) for m in _WORD.finditer(self.folded)]
        self.ws = [s for s, _ in spans]
        self.we = [e for _, e in spans]
        self.fw = [self.folded[s:e] for s, e in spans]  # folded words
        self.lw = [text[s:e].lower() for s, e in spans]  # written words, lowercase
        self.cap = [text[s].isupper() for s, _ in spans]
        self.n = len(spans)
        self.matches: list[GazMatch] = gaz.scan(text, self.folded)
        self.match_at = {m.start: m for m in self.matches}

    # -- words --------------------------------------------------------------------------------
    def word_at(self, pos: int) -> int:
        """Index of the first word starting at or after ``pos``."""
        return bisect.bisect_left(self.ws, pos)

    def gap(self, i: int) -> str:
        """The (folded) text between word i and word i + 1."""
        return self.folded[self.we[i]:self.ws[i + 1]] if i + 1 < self.n else "\n"

    def phrase(self, i: int, table: Phrases) -> int | None:
        """End (exclusive word index) of the longest phrase of ``table`` at word i."""
        if i >= self.n:
            return None
        words = self.fw if table.folded else self.lw
        for cand in table.by_first.get(words[i], ()):
            j = i + len(cand)
            if j <= self.n and tuple(words[i:j]) == cand \
                    and all(_SPACES.fullmatch(self.gap(k)) for k in range(i, j - 1)):
                return j
        return None

    def upper(self, i: int) -> bool:
        """Word i is written in capitals (and is longer than one letter)."""
        if i >= self.n or i < 0:
            return False
        w = self.text[self.ws[i]:self.we[i]]
        return len(w) > 1 and w.isupper()

    # -- one organisation ---------------------------------------------------------------------
    def org_at(self, i: int, where: int = TEXT) -> Org | None:
        """The organisation named at word i: a gazetteer name, or an organisation-looking one."""
        if i >= self.n:
            return None
        m = self.match_at.get(self.ws[i])
        if m is not None:
            return Org(i, self.word_at(m.end), m.start, m.end, m.entry.name, True, self._exactness(m))
        return self._unknown_at(i, where)

    def _exactness(self, m: GazMatch) -> float:
        """100 when written as in the gazetteer; 95 when only the folded form matched (OCR or
        typing lost a diacritic: 'Sớ Tư pháp')."""
        written = " ".join(_WORD.findall(self.text[m.start:m.end].lower()))
        forms = _forms(m.entry)
        return 100.0 if any(written == f or written.startswith(f + " ") for f in forms) else 95.0

    def _unknown_at(self, i: int, where: int) -> Org | None:
        """An organisation-looking name the gazetteer may not know ('Phòng Quản lý Công nghiệp',
        'tổ chức CARE Quốc tế tại Việt Nam'): a head word, then words up to a verb or a stop."""
        lex = self.lex
        relaxed = where == AFTER_PREFIX
        head_end = self.phrase(i, lex.heads)
        lowercase_head = False
        if head_end is None and relaxed:
            head_end = self.phrase(i, lex.lower_heads)
            lowercase_head = head_end is not None
        if head_end is None or (self.upper(i) and self.upper(i + 1)):
            return None  # no head; or a title in capitals ("V. TỔ CHỨC THỰC HIỆN")
        if self.phrase(i, lex.not_names) is not None:
            return None  # "Hội nghị ...", "Kế hoạch ...": an event or a document
        if not self.cap[i] and not lowercase_head:
            # a lowercase head counts only before a capitalised name ("tổ chức CARE")
            if (head_end >= self.n or not self.cap[head_end] or not _SPACES.fullmatch(self.gap(head_end - 1))
                    or self.phrase(head_end, lex.heads) is not None
                    or self.phrase(head_end, lex.not_names) is not None):
                return None
        j = self._colon_name(head_end) if relaxed else None
        if j is None:
            if lowercase_head:
                return None
            j = self._name_end(head_end, i)
        if j == head_end:
            return None  # a bare head word ("Sở", "Ban") names nothing
        if j + 1 < self.n and self.fw[j] == "cap" and self.fw[j + 1] in ("huyen", "xa", "co"):
            return None  # "Ban chỉ đạo cấp huyện": a subordinate level, reached through its parent
        named = any(self.cap[k] for k in range(head_end, j)) or self.fw[j - 1] == "tinh"
        if not named and not (relaxed and self.gap(j - 1).lstrip(" ").startswith(":")):
            return None  # "Tổ chức tiếp nhận ...", "Phòng chuyên môn": a verb or a common noun
        start, end = self.ws[i], self.we[j - 1]
        written = self.text[start:end]
        found = self.gaz.resolve(written)
        if found is not None:  # not a verbatim gazetteer form, so never fully sure
            return Org(i, j, start, end, found[0], True, min(found[1], 95.0))
        head_words = len(self.text[start:self.we[head_end - 1]].split())
        return Org(i, j, start, end, strip_place(self.gaz, written, head_words + 1), False, 60.0)

    def _colon_name(self, j: int) -> int | None:
        """After 'Đối với', a short name closed by a colon is taken whole ('Đoàn kiểm tra:')."""
        k = j
        while k < self.n and k - j < 6:
            if k > j and not _SPACES.fullmatch(self.gap(k - 1)):
                return None
            after = self.gap(k)
            if after.lstrip(" ").startswith(":"):
                return k + 1
            if not _SPACES.fullmatch(after):
                return None
            k += 1
        return None

    def _name_end(self, j: int, first: int) -> int:
        """Where an unknown name ends: at punctuation, a stop word, its province, or 'và' +
        another body."""
        lex = self.lex
        while j < self.n and j - first < lex.max_name_words:
            if not _IN_NAME.fullmatch(self.gap(j - 1)):
                break
            if self.fw[j] in lex.continuations and not self.cap[j]:
                # "... Dung Quất và các Khu công nghiệp", "HIV/AIDS và Lao": one name goes on
                nxt = j + 1
                if nxt < self.n and self.fw[j] == "va" and self.fw[nxt] == "cac" and not self.cap[nxt]:
                    nxt += 1
                if (nxt < self.n and self.cap[nxt] and not (self.upper(nxt) and self.upper(nxt - 1))
                        and all(_SPACES.fullmatch(self.gap(k)) for k in range(j, nxt))
                        and self.phrase(nxt, lex.heads) is None and self.ws[nxt] not in self.match_at):
                    j = nxt + 1
                    continue
                break
            if not self.cap[j] and (self.phrase(j, lex.stops) is not None
                                    or self.phrase(j, lex.stops_folded) is not None):
                break
            place = self._place(j)
            if place:
                # a name ends with its province ('Đoàn nghệ thuật tỉnh Quảng Ninh'), or with
                # 'tại <province>' after it ('Phân hiệu Đại học Thái Nguyên tại Lào Cai')
                j += place
                if j + 1 < self.n and self.lw[j] == "tại" and self._place(j + 1):
                    j += 1 + self._place(j + 1)
                break
            j += 1
        return j

    def _place(self, j: int) -> int:
        """How many words at j name a province (0 if none)."""
        if j >= self.n or not self.cap[j]:
            return 0
        length = self.gaz.place_length(self.fw[j:j + 4])
        if length and all(_SPACES.fullmatch(self.gap(k)) for k in range(j, j + length - 1)):
            return length
        return 0

    # -- lists of organisations -----------------------------------------------------------------
    def generic_at(self, i: int) -> int | None:
        """End word of a generic addressee ("các sở, ban, ngành liên quan") at word i."""
        if i >= self.n:
            return None
        best = max((m.end() for pat in self.lex.generic if (m := pat.match(self.folded, self.ws[i]))
                    and m.end() > self.ws[i]), default=None)
        if best is None:
            return None
        j = i + 1
        while j < self.n and self.we[j] <= best and not self.cap[j]:
            j += 1  # a capitalised word is a name: "các sở, ngành và Sở Y tế" stops before it
        while j - 1 > i and self.fw[j - 1] in ("va", "cac"):
            j -= 1
        return j

    def skip(self, i: int) -> int:
        """Skip connectors and posts ("và", "các", "Thủ trưởng", "Chủ tịch") before an item."""
        while i < self.n:
            j = self.phrase(i, self.lex.chain_skips) or self.phrase(i, self.lex.person_prefixes)
            if j is None or j >= self.n or not _SPACES.fullmatch(self.gap(j - 1)):
                return i
            i = j
        return i

    def item_at(self, k: int, where: int = TEXT) -> tuple[int, Org | None]:
        """The organisation at word k, or after connectors and posts ('và các', 'Chủ tịch')."""
        while True:
            org = self.org_at(k, where)
            if org is not None:
                return k, org
            j = self.phrase(k, self.lex.chain_skips) or self.phrase(k, self.lex.person_prefixes)
            if j is None or j >= self.n or not _SPACES.fullmatch(self.gap(j - 1)):
                return k, None
            k = j

    def chain(self, i: int, limit: int | None = None, where: int = TEXT) -> tuple[list[Org], int]:
        """The organisations listed from word i, and the word after the list."""
        orgs: list[Org] = []
        k = i
        sectors = False  # after a Sở, bare sector names are Sở too ("Sở Y tế, Giáo dục và Đào tạo")
        listed = False  # after "các Sở:", for the rest of the list
        while k < self.n and (limit is None or self.ws[k] < limit):
            k2, org = self.item_at(k, where)
            if org is None:
                head = self._sector_head(k2)
                if head is not None:
                    sectors = listed = True  # "Giám đốc các Sở, ngành: Tài chính, Xây dựng, ..."
                    k2, org = self.item_at(head, where)
                if org is None and sectors:
                    org = self._sector_org(k2)
            generic = org is None
            if org is not None:
                orgs.append(org)
                k = org.stop
                sectors = listed or org.name.startswith("Sở ")
            else:
                g = self.generic_at(k2)
                if g is None:
                    break
                k = g
            k = self._qualifiers(k)
            if k >= self.n or (limit is not None and self.ws[k] >= limit):
                break
            gap = self.gap(k - 1)
            if _SEP.fullmatch(gap):
                continue
            # "...; Chủ tịch UBND các huyện", "các cơ sở đào tạo (Trường ..., Phân hiệu ...)"
            if gap.strip() in (";", "(" if generic else ";") and self.item_at(k, where)[1] is not None:
                continue
            break
        return orgs, k

    def _sector_head(self, k: int) -> int | None:
        """After 'các Sở:', 'các Sở, ngành:' or 'các sở' opening a list of sector names, the first
        name's index."""
        m = self.lex.sector_head.match(self.folded, self.ws[k]) if k < self.n else None
        if m is None:
            return None
        j = self.word_at(m.end())
        return j if j < self.n and self.cap[j] else None

    def _sector_org(self, k: int) -> Org | None:
        """A bare sector name standing for its department ('Tài chính' in 'các Sở: Tài chính')."""
        if k >= self.n or not self.cap[k]:
            return None
        found = self.gaz.sector_at(self.fw[k:k + 8])
        if found is None:
            return None
        length, entry = found
        if not all(_IN_SECTOR.fullmatch(self.gap(x)) for x in range(k, k + length - 1)):
            return None
        return Org(k, k + length, self.ws[k], self.we[k + length - 1], entry.name, True, 95.0)

    def _qualifiers(self, k: int) -> int:
        """Skip what follows a listed name and is not another ('... 138 của tỉnh, UBND tỉnh')."""
        while k < self.n and _SPACES.fullmatch(self.gap(k - 1)):
            j = self.phrase(k, self.lex.qualifiers)
            if j is None:
                break
            k = j
        return k


@lru_cache(maxsize=4096)
def _forms(entry: AgencyEntry) -> tuple[str, ...]:
    return tuple(" ".join(_WORD.findall(f.lower())) for f in (entry.name, *entry.aliases))


def strip_place(gaz: Gazetteer, written: str, min_words: int) -> str:
    """The canonical form of an unknown name drops its province, unless only the head would
    remain: 'Văn phòng Sở Công Thương tỉnh Lào Cai' -> 'Văn phòng Sở Công Thương'; a generic name
    keeps its level: 'Đoàn nghệ thuật tỉnh Quảng Ninh' -> 'Đoàn nghệ thuật tỉnh'."""
    words = written.split()
    folded = [fold_key(w) for w in words]
    for cut in range(min(4, len(words) - 1), 0, -1):
        tail = [w for w in folded[-cut:] if w]
        if tail and gaz.place_length(tail) == len(tail):
            head = words[:-cut]
            if " ".join(folded[len(head) - 2:len(head)]) in _UNIT_WORDS or folded[len(head) - 1] in _UNIT_WORDS:
                return written  # "Ủy ban nhân dân thành phố Ninh Bình": the place names the unit
            if len(head) > 1 and folded[len(head) - 1] == "tinh" and head[-2][:1].isupper():
                head = head[:-1]
            return " ".join(head).rstrip(" ,-") if len(head) >= min_words else written
    return written


__all__ = ["AFTER_PREFIX", "HEADING", "TEXT", "NameLexicon", "NameReader", "Org", "Phrases",
           "name_lexicon", "strip_place", "words_of"]
