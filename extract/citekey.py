"""Canonical keys for cited legal documents: one key per document, however it is written.

The store links every plan that cites the same document through this key, so it must not
depend on how a plan happens to spell the citation. A key has three parts joined by ":"::

    <type code>:<number or name>:<year>

- **type code**: the short code of the document type (``qd`` Quyết định, ``nd`` Nghị định,
  ``nq`` Nghị quyết, ``ct`` Chỉ thị, ``kh`` Kế hoạch, ``cv`` Công văn, ``luat`` Luật, ... from
  models/citations/doc_types.yaml). When the number carries a type symbol ("361/QĐ-TTg" ->
  QĐ) the symbol decides, so "Văn bản số 275/..." and "Công văn số 275/..." agree, and so do
  "Kế hoạch hành động số 07/KH-UBND" and "Kế hoạch số 07/KH-UBND".
- **number**: diacritics folded (đ -> d), lower case, every dash variant as "-", spaces and
  a leading "số" removed, trailing punctuation dropped: "314/2020/NQ- HĐND" ->
  ``314/2020/nq-hdnd``. A document cited without a number (a named law) uses its name instead,
  folded and hyphenated: "Luật Phòng, chống ma túy" -> ``phong-chong-ma-tuy``.
- **year**: the four-digit year inside the number ("116/2021/NĐ-CP" -> 2021), else the year
  of the stated date, else empty. Numbers without a year segment (decisions, party
  documents) therefore need the date to be unique across years; a key with an empty year is
  a partial key that the store may resolve against a unique full key with the same first
  two parts.

Examples::

    Quyết định số 361/QĐ-TTg ngày 07/3/2016      -> qd:361/qd-ttg:2016
    Nghị quyết số 314/2020/NQ- HĐND             -> nq:314/2020/nq-hdnd:2020
    Chỉ thị số 36-CT/TW ngày 16/8/2019           -> ct:36-ct/tw:2019
    văn bản số 275/LĐTBXH-PCTNXH ngày 26/01/2021 -> cv:275/ldtbxh-pctnxh:2021
    Luật phòng, chống ma túy                     -> luat:phong-chong-ma-tuy:
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .normalize import fold, fold_key
from .paths import MODELS

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_YEAR_SEGMENT = re.compile(r"(?:^|[/\-])((?:19|20)\d\d)(?=[/\-]|$)")


@lru_cache(maxsize=1)
def _codes() -> tuple[dict[str, str], dict[str, str]]:
    """(folded type name -> code, folded symbol -> code), from the doc-type lexicon."""
    import yaml

    data = yaml.safe_load(Path(MODELS, "citations", "doc_types.yaml").read_text(encoding="utf-8"))
    by_name: dict[str, str] = {}
    by_symbol: dict[str, str] = {}
    for entry in data["types"]:
        by_name[fold_key(entry["name"])] = entry["code"]
        for form in entry.get("forms", []):
            by_name.setdefault(fold_key(form), entry["code"])
        for sym in entry.get("symbols", []):
            by_symbol.setdefault(fold(sym), entry["code"])
    return by_name, by_symbol


def normalize_number(number: str) -> str:
    """The number part of a key: folded, lower case, one dash, no spaces, no leading "số"."""
    s = _DASHES.sub("-", fold(number))
    s = re.sub(r"^\s*so\b\s*:?", "", s)
    s = re.sub(r"\s+", "", s)
    return s.strip(".,;:")


def symbol_of(number: str) -> str | None:
    """The type symbol inside a number: "27/KH-UBND" -> "kh", "36-CT/TW" -> "ct" (folded)."""
    s = normalize_number(number)
    # state form: <n>[/<year>]/<TYPE>-<AUTHORITY>
    m = re.match(r"^[0-9a-z.]+(?:/(?:19|20)\d\d)?/([a-z&]+)(?:-|$)", s)
    if m:
        return m.group(1)
    # party form: <n>-<TYPE>/<AUTHORITY>
    m = re.match(r"^\d+[a-z]?-([a-z]+)/", s)
    if m:
        return m.group(1)
    return None


def type_code(type_name: str | None, number: str | None = None) -> str:
    """The type code: from the number's symbol when it names a known type, else the type name."""
    by_name, by_symbol = _codes()
    if number:
        sym = symbol_of(number)
        if sym and sym in by_symbol:
            return by_symbol[sym]
    return by_name.get(fold_key(type_name), fold_key(type_name).replace(" ", "-") or "vb")


def year_of(number: str | None, date: str | None = None) -> str:
    """The year segment of a number, else the year of an ISO date, else ''."""
    if number:
        m = _YEAR_SEGMENT.search(normalize_number(number))
        if m:
            return m.group(1)
    if date and re.match(r"^\d{4}", date):
        return date[:4]
    return ""


def citation_key(type_name: str | None, number: str | None, date: str | None = None,
                 name: str | None = None) -> str:
    """The canonical key of a cited document (see the module docstring)."""
    code = type_code(type_name, number)
    if number:
        return f"{code}:{normalize_number(number)}:{year_of(number, date)}"
    slug = fold_key(name).replace(" ", "-")
    return f"{code}:{slug}:{year_of(None, date)}"
