"""The agency gazetteer: canonical public bodies, their written variants, and name resolution.

Data: corpora/gazetteers/agencies.json (bodies) and corpora/gazetteers/provinces.json (place
names, for "Báo <tỉnh>" and "... tỉnh Lào Cai" suffixes). Two uses:

- ``resolve(written)`` maps a name as written ("Sở LĐ-TB&XH", "Sở Tư phap") to its canonical
  name with a score, by exact lookup of the folded form and then rapidfuzz over folded forms;
  the store uses it to give every agency one row.
- ``Gazetteer.scan(text)`` finds every gazetteer name in a text: a longest-match walk over a
  word trie of the folded aliases, so a 30-page plan is one linear pass.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from .normalize import fold, fold_key
from .paths import CORPORA

_WORD = re.compile(r"\w+")
# What may stand between two words of one name: spaces, hyphens/dashes, commas, "&", "/".
# Not a full stop, colon, semicolon, bracket or line break: those end a name.
_GAP_CHARS = " \t-\u2010\u2011\u2012\u2013\u2014\u2015,&/"
_PLACE = "{place}"
FUZZY_CUTOFF = 90.0  # rapidfuzz ratio over folded keys; below it a name stays unknown
_MIN_FUZZY_LEN = 8  # shorter keys ("sở ct", "tand") must match exactly


@dataclass(frozen=True)
class AgencyEntry:
    name: str  # canonical
    level: str  # central / provincial / district / commune
    kind: str
    aliases: tuple[str, ...] = ()
    collective: bool = False
    open: bool = False  # a generic name that a proper name may follow ("Ban Quản lý Khu kinh tế")
    sector: str | None = None  # "Y tế" for Sở Y tế: 'ngành Y tế', 'các Sở: Y tế, Tư pháp'


@dataclass(frozen=True)
class GazMatch:
    """A gazetteer name found in a text, by offsets (the province suffix, if any, included)."""

    start: int
    end: int
    entry: AgencyEntry


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    # (entry, capital-letter pattern or None, open): the pattern, for "cased" aliases, says which
    # words must start with a capital letter in the text; an open form yields to a proper name
    # that follows it.
    ends: list[tuple] = field(default_factory=list)


def fold_aligned(text: str) -> str:
    """``fold`` that keeps every character at its offset (for matching on folded text)."""
    table = {}
    for ch in set(text):
        f = fold(ch)
        table[ord(ch)] = f if len(f) == 1 else ch  # rare multi-character folds ("İ") stay
    return text.translate(table)


def _caps(words: list[str]) -> tuple[bool, ...]:
    return tuple(w[:1].isupper() for w in words)


class Gazetteer:
    """Canonical agencies with an exact index and a word trie over their folded forms."""

    def __init__(self, entries: list[AgencyEntry], places: list[str],
                 cased: dict[str, set[str]] | None = None, cities: list[str] | None = None) -> None:
        cased = cased or {}
        self.entries = entries
        self.by_name = {e.name: e for e in entries}
        self._index: dict[str, AgencyEntry] = {}  # folded key -> entry
        self._root = _Node()
        self._places = _Node()
        self._sectors = _Node()
        self._cities = _Node()  # the centrally run cities ("thành phố Cần Thơ")
        for place in places:
            self._add(self._places, fold_key(place).split(), None)
        for place in cities or []:
            self._add(self._cities, fold_key(place).split(), None)
        for entry in entries:
            if entry.sector and entry.level == "provincial":
                self._add(self._sectors, fold_key(entry.sector).split(), (entry, None, False, False))
        city: list[tuple[str, AgencyEntry]] = []
        for entry in entries:
            for form in (entry.name, *entry.aliases):
                key = fold_key(form)
                if not key:
                    continue
                self._index.setdefault(key, entry)
                caps = _caps(_WORD.findall(form)) if form in cased.get(entry.name, ()) else None
                self._add(self._root, key.split(), (entry, caps, entry.open, False))
                if entry.level == "provincial" and key.endswith(" tinh"):
                    city.append((key[:-4] + "thanh pho", entry))
        # the centrally run cities write "thành phố" where provinces write "tỉnh": "Công an thành
        # phố", "Ủy ban nhân dân thành phố Cần Thơ"; open, since "Ủy ban nhân dân thành phố Hạ
        # Long" is a district-level city of a province
        self._city_index: dict[str, AgencyEntry] = {}
        for key, entry in city:
            if key not in self._index:
                self._city_index.setdefault(key, entry)
                self._add(self._root, key.split(), (entry, None, True, True))
        self._keys = list(self._index)

    @staticmethod
    def _add(root: _Node, words: list[str], end) -> None:
        node = root
        for w in words:
            node = node.children.setdefault(w, _Node())
        node.ends.append(end or (None, None, False, False))

    # -- lookup ---------------------------------------------------------------------------
    def entry(self, name: str) -> AgencyEntry | None:
        return self.by_name.get(name)

    def resolve(self, written: str) -> tuple[str, float] | None:
        """The canonical name for a name as written, and how sure (100 = exact), or None."""
        key = fold_key(written)
        if not key:
            return None
        bare = self._strip_place(key)
        no_tinh = bare[:-5] if bare.endswith(" tinh") else bare
        for candidate in (key, bare, no_tinh):
            if candidate in self._index:
                return self._index[candidate].name, 100.0
        # "Công an thành phố", "UBND thành phố Cần Thơ"; not "UBND thành phố Ninh Bình", a
        # province's own city
        place = key[len(bare):].split()
        if key in self._city_index or (bare in self._city_index and self._walk(self._cities, place) == len(place)):
            return self._city_index[bare].name, 100.0
        if len(bare) < _MIN_FUZZY_LEN:
            return None
        best = process.extractOne(bare, self._keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best is None:
            return None
        return self._index[best[0]].name, round(float(best[1]), 1)

    def _strip_place(self, key: str) -> str:
        """'so cong thuong tinh lao cai' -> 'so cong thuong tinh' (a 'bao <place>' keeps it)."""
        words = key.split()
        for cut in range(min(3, len(words) - 1), 0, -1):
            tail = words[-cut:]
            if self._walk(self._places, tail) == cut and words[:-cut] != ["bao"]:
                return " ".join(words[:-cut])
        return key

    def sector_at(self, words: list[str]) -> tuple[int, AgencyEntry] | None:
        """The department whose sector the leading folded words name ('tai chinh ...'), and
        how many words: for lists sharing one head ('các Sở: Tài chính, Nội vụ')."""
        node, best = self._sectors, None
        for i, w in enumerate(words):
            node = node.children.get(w)
            if node is None:
                break
            if node.ends:
                best = (i + 1, node.ends[0][0])
        return best

    def place_length(self, words: list[str]) -> int:
        """How many leading folded words name a province ('quang ngai ...' -> 2), else 0."""
        return self._walk(self._places, words[:4])

    @staticmethod
    def _walk(root: _Node, words: list[str]) -> int:
        """How many leading words of ``words`` form a complete path in ``root`` (0 if none)."""
        node, best = root, 0
        for i, w in enumerate(words):
            node = node.children.get(w)
            if node is None:
                break
            if node.ends:
                best = i + 1
        return best

    # -- scanning -------------------------------------------------------------------------
    def scan(self, text: str, folded: str | None = None) -> list[GazMatch]:
        """Every gazetteer name in ``text``: the longest match at each word, left to right."""
        folded = folded if folded is not None else fold_aligned(text)
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(folded)]
        n = len(words)
        # joinable[i]: word i+1 may continue a name that includes word i
        gaps = [folded[words[i][1]:words[i + 1][0]] for i in range(n - 1)]
        # "Tòa.án": a stop with no space after it is OCR noise inside a name, not a sentence end
        joinable = [not g.strip(_GAP_CHARS) or g == "." for g in gaps] + [False]
        spaced = [not g.strip(" ") for g in gaps] + [False]
        out: list[GazMatch] = []
        i = 0
        while i < n:
            hit = self._longest(words, joinable, text, i)
            if hit is None:
                i += 1
                continue
            last, entry, is_open, city = hit
            places = self._cities if city else self._places
            if is_open and last + 1 < n and spaced[last] and text[words[last + 1][0]].isupper() \
                    and self._place_suffix(words, spaced, last, places) == last:
                # "Ban Quản lý Khu kinh tế Dung Quất ...", "Ủy ban nhân dân thành phố Hạ Long" (or
                # "... thành phố Ninh Bình", a province's city): a body of its own
                i += 1
                continue
            if entry.level != "central":
                last = self._place_suffix(words, spaced, last, places)
            out.append(GazMatch(words[i][0], words[last][1], entry))
            i = last + 1
        return out

    def _place_suffix(self, words, spaced, last: int, places: _Node | None = None) -> int:
        """Extend a match over a following place: '... tỉnh Lào Cai', 'Tỉnh ủy Lào Cai'."""
        j = last + 1
        if j < len(words) and spaced[last] and words[j][2] == "tinh" and words[last][2] != "tinh":
            j += 1
        if j >= len(words) or not spaced[j - 1]:
            return last
        node, best = places or self._places, None
        k = j
        while k < len(words):
            node = node.children.get(words[k][2])
            if node is None:
                break
            if node.ends:
                best = k
            if not spaced[k]:
                break
            k += 1
        return best if best is not None else last

    def _longest(self, words, joinable, text: str, i: int) -> tuple[int, AgencyEntry, bool, bool] | None:
        node, best = self._root, None
        j = i
        while j < len(words):
            node = node.children.get(words[j][2])
            if node is None:
                break
            for entry, caps, is_open, city in node.ends:
                if caps is not None and not all(
                        text[s].isupper() for (s, _, _), cap in zip(words[i:j + 1], caps) if cap):
                    continue
                best = (j, entry, is_open, city)
                break
            if not joinable[j]:
                break
            j += 1
        return best


@lru_cache(maxsize=1)
def _provinces() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """(name, written variants, kind: "tỉnh" / "thành phố") of every province, before and after
    the 2025 rearrangement."""
    data = json.loads((CORPORA / "gazetteers" / "provinces.json").read_text(encoding="utf-8"))
    return tuple((p["name"], tuple(p.get("aliases", [])), p.get("kind", "tỉnh")) for p in data["provinces"])


def _entries(raw: dict, provinces) -> list[AgencyEntry]:
    aliases = list(raw.get("aliases", []))
    if raw.get("sector"):
        aliases.append(f"ngành {raw['sector']}")
    common = dict(level=raw["level"], kind=raw["kind"], collective=bool(raw.get("collective")),
                  open=bool(raw.get("open")), sector=raw.get("sector"))
    if _PLACE not in raw["name"]:  # one body; "Bưu điện {place}" is a way to write it
        forms = [a.replace(_PLACE, p) for a in aliases for p in
                 ([n for name, variants, _ in provinces for n in (name, *variants)] if _PLACE in a else [a])]
        return [AgencyEntry(name=raw["name"], aliases=tuple(dict.fromkeys(forms)), **common)]
    out = []
    for name, variants, _ in provinces:  # "Báo {place}": one newspaper per province
        forms = [a.replace(_PLACE, p) for a in [raw["name"], *aliases] for p in (name, *variants)]
        out.append(AgencyEntry(name=raw["name"].replace(_PLACE, name),
                               aliases=tuple(dict.fromkeys(forms[1:])), **common))
    return out


@lru_cache(maxsize=1)
def load_agencies() -> Gazetteer:
    """The agency gazetteer, built once per process."""
    data = json.loads((CORPORA / "gazetteers" / "agencies.json").read_text(encoding="utf-8"))
    provinces = _provinces()
    entries: list[AgencyEntry] = []
    cased: dict[str, set[str]] = {}
    for raw in data["agencies"]:
        for entry in _entries(raw, provinces):
            entries.append(entry)
            cased[entry.name] = set(raw.get("cased", []))
    places = [form for name, variants, _ in provinces for form in (name, *variants)]
    cities = [form for name, variants, kind in provinces if kind == "thành phố" for form in (name, *variants)]
    return Gazetteer(entries, places, cased, cities)


def resolve_agency(written: str) -> tuple[str, float] | None:
    """The canonical agency name for a written name, with a 0-100 score; None when unknown."""
    return load_agencies().resolve(written)


__all__ = ["AgencyEntry", "GazMatch", "Gazetteer", "fold_aligned", "load_agencies", "resolve_agency"]
