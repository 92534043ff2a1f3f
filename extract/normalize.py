"""Unicode normalisation for Vietnamese text: one form end to end, folding only for matching.

- ``clean_text``: NFC, one tone-mark convention, look-alike characters fixed, invisible
  characters dropped. Stored text goes through this and nothing stronger.
- ``fold``: lowercase, no diacritics, đ -> d. Only for matching and search keys.
"""
from __future__ import annotations

import re
import unicodedata

# Tone marks as combining characters (NFD): grave, acute, hook above, tilde, dot below.
_TONES = "\u0300\u0301\u0309\u0303\u0323"

# The convention kept here is the one underthesea, most current documents and our gold use:
# in an open syllable ending in oa / oe / uy the tone sits on the first vowel (hòa, khỏe, thúy,
# Ủy), not on the second (hoà, khoẻ, thuý, Uỷ). A following consonant (hoàng, thuận) keeps it
# on the second vowel in both conventions, and "qu" + vowel is a consonant cluster (quý).
_OLD_STYLE = re.compile(
    r"(?<![^\W\d_])"  # syllable start: not preceded by a letter
    r"((?:[^\W\d_](?<![qQ]))*?)"  # onset consonants (none may be q: "quỷ" stays)
    r"([oOuU])([aAeEyY])([" + _TONES + r"])"
    # syllable end: no final consonant, and no breve/circumflex after the tone (NFD puts a dot
    # below before them: "hoặc" is o, a, dot below, breve, c and must stay as it is)
    r"(?![^\W\d_\u0300-\u036f]|[\u0300-\u036f])",
)
_PAIRS = {"o": "ae", "u": "y"}

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_LOOKALIKE = str.maketrans({
    "\u00d0": "Đ",  # Icelandic Eth, common in OCR output and legacy conversions
    "\u0110": "Đ",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u3000": " ",
})


def _new_style(match: re.Match[str]) -> str:
    onset, first, second, tone = match.groups()
    if second.lower() not in _PAIRS[first.lower()]:
        return match.group(0)
    return onset + first + tone + second


def tone_marks(text: str) -> str:
    """Move tone marks to the one convention kept here (hoà -> hòa, thuý -> thúy)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OLD_STYLE.sub(_new_style, decomposed))


def clean_text(text: str) -> str:
    """The normalisation every stored text goes through: NFC and one tone-mark convention."""
    text = text.translate(_INVISIBLE).translate(_LOOKALIKE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return tone_marks(unicodedata.normalize("NFC", text))


def collapse_ws(text: str) -> str:
    """Every whitespace run as one space, trimmed: how verbatim spans are compared."""
    return " ".join(text.split())


def fold(text: str | None) -> str:
    """Lowercase, diacritics stripped, đ -> d: for matching and search keys only."""
    if not text:
        return ""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def fold_key(text: str | None) -> str:
    """``fold`` with punctuation dropped and spaces collapsed: a lookup key for names."""
    return " ".join(re.sub(r"[^\w%]+", " ", fold(text)).split())
