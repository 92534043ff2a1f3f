"""Provinces: the gazetteer in corpora/gazetteers/provinces.json, and finding them in text.

The names are the provincial-level units before and after the 2025 rearrangement (Nghị quyết
202/2025/QH15). A document names the unit of its own time, and that is what metadata keeps;
the store maps old units to new ones.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..normalize import fold_key
from ..paths import CORPORA


@dataclass(frozen=True)
class Province:
    name: str  # "Quảng Ninh", "Hồ Chí Minh"
    kind: str  # "tỉnh" or "thành phố"
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    data = json.loads(Path(CORPORA, "gazetteers", "provinces.json").read_text(encoding="utf-8"))
    return tuple(Province(p["name"], p["kind"], tuple(p.get("aliases", []))) for p in data["provinces"])


def province_names() -> list[str]:
    """Every written form: names and aliases."""
    return [n for p in provinces() for n in (p.name, *p.aliases)]


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Province]:
    out: dict[str, Province] = {}
    for p in provinces():
        for n in (p.name, *p.aliases):
            out.setdefault(fold_key(n), p)
    return out


def province_named(text: str | None) -> Province | None:
    """The province a name refers to ("TỈNH QUẢNG NINH", "Quang Ninh", "TP. Hồ Chí Minh")."""
    key = fold_key(text)
    key = re.sub(r"^(?:tinh|thanh pho|tp)\s+", "", key)
    return _by_key().get(key)


@lru_cache(maxsize=1)
def _folded_rx() -> re.Pattern[str]:
    keys = sorted(_by_key(), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![a-z0-9])")


def find_provinces(text: str) -> list[tuple[int, Province]]:
    """Every province name in a text, by position in the folded text (word-aligned).

    Matching is done on a folded copy (no case, no diacritics), which keeps OCR'd capitals
    that lost their marks ("TINH QUANG NGAI") findable. Positions are approximate when the
    folding changes lengths, so callers use them only for ordering and counting.
    """
    folded = fold_key(text)
    return [(m.start(), _by_key()[m.group(0)]) for m in _folded_rx().finditer(folded)]
