"""Folding that keeps offsets: ``fold`` (no case, no diacritics, đ -> d) one character for one.

``extract.normalize.fold`` may change a text's length (a stray combining mark disappears); the
finders search a folded copy and read the original at the same offsets, so they need a fold that
maps each character to exactly one. It is also fast: one ``str.translate`` with a table that
grows as new characters are seen.
"""
from __future__ import annotations

from ..normalize import fold

_TABLE: dict[int, str] = {}


def fold_chars(text: str) -> str:
    """``fold`` character by character: ``len(fold_chars(t)) == len(t)``."""
    for ch in set(text).difference(map(chr, _TABLE)):
        f = fold(ch)
        _TABLE[ord(ch)] = f[0] if f else " "
    return text.translate(_TABLE)
