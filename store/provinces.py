"""Provinces before and after the 2025 rearrangement, and name resolution for both.

Data: corpora/gazetteers/provinces.json (the 63 units in place until 30 June 2025 and the 34
from 1 July 2025, after Nghị quyết 202/2025/QH15). One entry per name: a unit that kept its
name (Khánh Hòa) is one entry that is both old and current; an old unit merged into another
(Ninh Thuận) names it in ``merged_into``.

``resolve(written)`` takes a name as a plan writes it ("TP. HCM", "tỉnh Quảng Ninh", "Thừa
Thiên - Huế", "Khánh Hoà") and returns the entry, by folded key; a rapidfuzz fallback with a
high cut-off catches OCR slips ("Quảng Nỉnh").
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from kehoach.extract.normalize import clean_text, fold_key
from kehoach.extract.paths import CORPORA

FUZZY_CUTOFF = 90.0
# Words that introduce a province name and are not part of it (folded).
_PREFIX = re.compile(r"^(?:(?:ubnd|uy ban nhan dan)\s+)?(?:tinh|thanh pho|tp|thu do)\s+")


@dataclass(frozen=True)
class ProvinceInfo:
    name: str
    kind: str  # "tỉnh" / "thành phố"
    aliases: tuple[str, ...]
    until_2025: bool  # one of the 63 units in place until 30 June 2025
    current: bool  # one of the 34 units from 1 July 2025
    merged_into: str | None  # the unit it belongs to from 1 July 2025, when that is another
    formerly: str | None = None

    @property
    def key(self) -> str:
        return province_key(self.name)


def province_key(written: str | None) -> str:
    """The lookup key of a province name: folded, punctuation dropped, "tỉnh"/"TP." prefix off."""
    key = fold_key(clean_text(written or ""))
    while True:
        bare = _PREFIX.sub("", key)
        if bare == key:
            return key
        key = bare


@dataclass(frozen=True)
class Provinces:
    entries: tuple[ProvinceInfo, ...]
    source: str
    _index: dict[str, str]  # key -> name

    @property
    def old(self) -> list[ProvinceInfo]:
        return [p for p in self.entries if p.until_2025]

    @property
    def current(self) -> list[ProvinceInfo]:
        return [p for p in self.entries if p.current]

    def get(self, name: str) -> ProvinceInfo:
        return next(p for p in self.entries if p.name == name)

    def resolve(self, written: str | None) -> ProvinceInfo | None:
        """The entry for a province name as written, or None when it names no province."""
        key = province_key(written)
        if not key:
            return None
        name = self._index.get(key)
        if name is None and len(key) >= 6:
            best = process.extractOne(key, list(self._index), scorer=fuzz.ratio,
                                      score_cutoff=FUZZY_CUTOFF)
            name = self._index[best[0]] if best else None
        return self.get(name) if name else None

    def merged_from(self, name: str) -> list[ProvinceInfo]:
        """The old units merged into ``name`` (not counting ``name`` itself)."""
        return [p for p in self.entries if p.merged_into == name]

    def successor(self, name: str) -> ProvinceInfo:
        """The unit a province belongs to from 1 July 2025 (itself when it kept its name)."""
        p = self.get(name)
        return self.get(p.merged_into) if p.merged_into else p


def _build(data: dict) -> Provinces:
    raw = data["provinces"]
    currents = {p["after_2025"] for p in raw}
    entries = []
    for p in raw:
        after = p.get("after_2025")
        entries.append(ProvinceInfo(
            name=p["name"], kind=p.get("kind", "tỉnh"), aliases=tuple(p.get("aliases", [])),
            until_2025=bool(p.get("until_2025", True)), current=p["name"] in currents,
            merged_into=after if after and after != p["name"] else None,
            formerly=p.get("formerly")))
    index: dict[str, str] = {}
    for e in entries:
        for form in (e.name, *e.aliases):
            key = province_key(form)
            other = index.setdefault(key, e.name)
            if other != e.name:  # the data must never make a name ambiguous
                raise ValueError(f"provinces.json: {form!r} names both {other} and {e.name}")
    return Provinces(entries=tuple(entries), source=data.get("source", ""), _index=index)


@lru_cache(maxsize=1)
def load_provinces() -> Provinces:
    data = json.loads((CORPORA / "gazetteers" / "provinces.json").read_text(encoding="utf-8"))
    return _build(data)


def resolve_province(written: str | None) -> ProvinceInfo | None:
    return load_provinces().resolve(written)


__all__ = ["ProvinceInfo", "Provinces", "load_provinces", "province_key", "resolve_province"]
