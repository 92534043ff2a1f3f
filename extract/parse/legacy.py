"""Legacy Vietnamese font encodings: TCVN3 (ABC, .VnTime) and VNI (VNI-Times) to Unicode.

Before Unicode, Vietnamese text was typed with 8-bit fonts that drew Vietnamese letters at
the positions of Latin-1 characters. Word keeps the *code points* (as Windows decoded the
bytes), so such text reads as Latin-1 garbage once the font is gone:

    TCVN3  "Céng hoµ x· héi chñ nghÜa ViÖt Nam"
    VNI    "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"

- TCVN3 (TCVN 5712:1993, the VN3 font layout) gives every lowercase letter with its tone
  one byte in 0xA1-0xFE, plus the seven untoned capitals Ă Â Ê Ô Ơ Ư Đ. There are no toned
  capitals: those were typed with a second font (.VnTimeH, .VnArialH, ...) that draws the
  same bytes, and ASCII lowercase too, as capitals. ``to_unicode(..., upper=True)`` reads
  text set in such a font.
- VNI writes a base letter followed by one mark byte (á = "a" + "ù", ấ = "a" + "á"), with a
  few one-byte letters (đ = "ñ", ơ = "ô", ư = "ö", the toned i's, ỵ = "î").

Conversion must run before ``normalize.clean_text``: TCVN3 puts ư at 0xAD, the soft hyphen,
which clean_text drops as invisible.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Encoding = Literal["tcvn3", "vni"]
ENCODINGS: tuple[Encoding, ...] = ("tcvn3", "vni")

# --- TCVN3 (VN3) ------------------------------------------------------------------------
# One row per base letter: the byte of each tone in the order grave, hook, tilde, acute, dot.
# Gaps in the byte range (0xBA, 0xBF-0xC5, 0xCD, 0xD9-0xDB, 0xE0, 0xF0) hold no letter.
_TCVN3_ROWS = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_PLAIN = {  # untoned letters outside ASCII
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
}
# Combining tone marks in the column order of the rows above.
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def _tcvn3_table() -> dict[str, str]:
    table = {chr(byte): letter for byte, letter in _TCVN3_PLAIN.items()}
    for base, column in _TCVN3_ROWS.items():
        for tone, byte in zip(_TONES, column):
            table[chr(byte)] = unicodedata.normalize("NFC", base + tone)
    return table


# --- VNI --------------------------------------------------------------------------------
# Mark bytes (lowercase form; the capital form is the Latin-1 upper case of the same letter).
_VNI_TONE = dict(zip(_TONES, ("ø", "û", "õ", "ù", "ï")))  # grave, hook, tilde, acute, dot
_VNI_HAT = {"": "â", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0301": "á", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0301": "é", "\u0323": "ë"}
# Letters VNI writes as one byte of their own.
_VNI_SINGLE = {
    "đ": "ñ", "ơ": "ô", "ư": "ö", "ỵ": "î",
    "ì": "ì", "ỉ": "æ", "ĩ": "ó", "í": "í", "ị": "ò",
}


def _vni_lower_table() -> dict[str, str]:
    """Unicode lowercase letter -> its VNI spelling."""
    table = dict(_VNI_SINGLE)
    for base in "aeouy":
        for tone, mark in _VNI_TONE.items():
            table.setdefault(unicodedata.normalize("NFC", base + tone), base + mark)
    for base, marks in (("a", _VNI_HAT), ("e", _VNI_HAT), ("o", _VNI_HAT), ("a", _VNI_BREVE)):
        shape = "\u0302" if marks is _VNI_HAT else "\u0306"
        for tone, mark in marks.items():
            table[unicodedata.normalize("NFC", base + shape + tone)] = base + mark
    for base, own in (("ơ", "ô"), ("ư", "ö")):
        for tone, mark in _VNI_TONE.items():
            table[unicodedata.normalize("NFC", base + tone)] = own + mark
    return table


def _with_capitals(lower: dict[str, str]) -> dict[str, str]:
    table = dict(lower)
    for letter, spelled in lower.items():
        table[letter.upper()] = spelled.upper()
    return table


_TCVN3_DECODE = _tcvn3_table()
_TCVN3_ENCODE = {letter: byte for byte, letter in _TCVN3_DECODE.items()}
_VNI_ENCODE = _with_capitals(_vni_lower_table())
# Decoding accepts a mark byte in either case: the base letter decides the case.
_VNI_DECODE: dict[str, str] = {}
for _letter, _spelled in _VNI_ENCODE.items():
    _VNI_DECODE[_spelled] = _letter
    if len(_spelled) == 2:
        _VNI_DECODE[_spelled[0] + _spelled[1].swapcase()] = _letter
del _letter, _spelled
_VNI_PAIR = re.compile("|".join(sorted((re.escape(k) for k in _VNI_DECODE), key=len, reverse=True)))

# Characters each encoding uses: a text containing one of them outside its meaning cannot be
# encoded without becoming ambiguous.
_TCVN3_RESERVED = frozenset(_TCVN3_DECODE)
_VNI_RESERVED = frozenset(c for c in "".join(_VNI_DECODE) if c > "\x7f")


def to_unicode(text: str, encoding: str, *, upper: bool = False) -> str:
    """Convert legacy-encoded text to Unicode (NFC). ``upper``: the text was set in a TCVN3
    capitals font (.VnTimeH and kin), which draws every letter as a capital."""
    if encoding == "tcvn3":
        out = "".join(_TCVN3_DECODE.get(ch, ch) for ch in text)
        return unicodedata.normalize("NFC", out.upper() if upper else out)
    if encoding == "vni":
        out = _VNI_PAIR.sub(lambda m: _VNI_DECODE[m.group(0)], text)
        return unicodedata.normalize("NFC", out.upper() if upper else out)
    raise ValueError(f"unknown legacy encoding {encoding!r}")


class Unencodable(ValueError):
    """A character has no place in the legacy encoding (or would be misread as a letter)."""


def from_unicode(text: str, encoding: str) -> str:
    """The inverse of ``to_unicode``: Unicode text as it would be typed in a legacy font.

    TCVN3 has no toned capitals (Ấ, Ộ, ...): such text raises ``Unencodable``; use
    ``from_unicode_runs`` to split it between the normal and the capitals font.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        table, reserved = _TCVN3_ENCODE, _TCVN3_RESERVED
    elif encoding == "vni":
        table, reserved = _VNI_ENCODE, _VNI_RESERVED
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}")
    out = []
    for ch in text:
        if ch in table:
            out.append(table[ch])
        elif ch in reserved or _is_vietnamese_letter(ch):
            raise Unencodable(f"{ch!r} cannot be written in {encoding}")
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class LegacyRun:
    """A piece of legacy text and whether it is set in the TCVN3 capitals font."""

    text: str
    upper: bool = False


def from_unicode_runs(text: str, encoding: str) -> list[LegacyRun]:
    """Like ``from_unicode``, split into runs the way a TCVN3 typist did it: toned capitals
    go to a capitals-font run (typed lowercase), everything else stays in the normal font."""
    text = unicodedata.normalize("NFC", text)
    if encoding != "tcvn3":
        return [LegacyRun(from_unicode(text, encoding))]
    runs: list[LegacyRun] = []
    for ch in text:
        upper = ch not in _TCVN3_ENCODE and ch.lower() in _TCVN3_ENCODE
        piece = from_unicode(ch.lower() if upper else ch, encoding)
        if runs and runs[-1].upper == upper:
            runs[-1] = LegacyRun(runs[-1].text + piece, upper)
        else:
            runs.append(LegacyRun(piece, upper))
    return runs


# --- detection --------------------------------------------------------------------------
# Latin-1 letters that Unicode Vietnamese uses itself; any other Latin-1 letter in a word
# is a sign of a legacy font (or of another language).
_VIET_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
# Letters plus the Latin-1 symbols legacy fonts draw letters at (x· = xã, §éc = Độc).
_WORD = re.compile(r"(?:[^\W\d_]|[\u00a1-\u00ff])+")
_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
# Vowel groups (tones removed) that end a syllable, and those a final consonant may follow.
_OPEN = (
    "ai ao au ay âu ây eo êu ia iu iêu oai oay oao oeo oi ôi ơi ua ưa ui uôi uây ưi ưu ươi ươu uya uyu yêu"
)
_CLOSABLE = "a ă â e ê i o ô ơ u ư y oa oă oe uâ uê uô uơ ươ uy uyê iê yê"
_SYLLABLE = re.compile(
    _ONSET
    + "(?:(?:" + "|".join(sorted(_OPEN.split(), key=len, reverse=True)) + ")"
    + "|(?:" + "|".join(sorted(_CLOSABLE.split(), key=len, reverse=True)) + ")"
    + "(?:ch|ng|nh|[cmnpt])?)"
)
_TONE_SET = frozenset(_TONES)


def _is_vietnamese_letter(ch: str) -> bool:
    """A letter only Vietnamese uses (ă, đ, ơ, ư or any letter with a Vietnamese tone)."""
    if ch in "ăđơưĂĐƠƯ" or "\u1ea0" <= ch <= "\u1ef9":
        return True
    # ĩ, ũ and the like; Latin-1 letters (ñ = n + tilde) are left to _is_legacy_sign
    return len(ch) == 1 and ord(ch) > 0xFF and any(
        m in _TONE_SET for m in unicodedata.normalize("NFD", ch)
    )


def _is_legacy_sign(ch: str) -> bool:
    return "\u00a0" < ch <= "\u00ff" and ch not in _VIET_LATIN1


_STOPS = ("c", "ch", "p", "t")  # a syllable closed by one of these takes only acute or dot
_STOP_TONES = frozenset(("\u0301", "\u0323"))


def is_syllable(word: str) -> bool:
    """Whether a word is spelled like one Vietnamese syllable: onset, vowel group, final
    consonant, at most one tone, and only acute or dot before a final c/ch/p/t."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONE_SET]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_SET))
    if _SYLLABLE.fullmatch(bare) is None:
        return False
    if tones and bare.endswith(_STOPS) and tones[0] not in _STOP_TONES:
        return False
    return True


def _odd_case(word: str) -> bool:
    """A capital right after a small letter ("ViÖt", "MôC"): no Vietnamese word looks so."""
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))


def _is_odd(word: str) -> bool:
    """Evidence of a legacy font: a Latin-1 letter Vietnamese never uses (µ, Ö, ø), or Latin-1
    letters in a word that is no Vietnamese syllable as it stands (Yeâu, thùc, quyÒn)."""
    if len(word) < 2:  # a lone symbol ("©", "§ 5") is not evidence of anything
        return False
    if any(_is_legacy_sign(c) for c in word):
        return True
    return any(c > "\u00a0" for c in word) and (_odd_case(word) or not is_syllable(word))


def _reads_well(word: str) -> bool:
    return is_syllable(word) and not any(_is_legacy_sign(c) for c in word)


def detect_legacy(text: str) -> Encoding | None:
    """Name the legacy encoding the text was typed in, or None for Unicode (or not Vietnamese).

    Words that cannot be Unicode Vietnamese are the evidence; every word with a Latin-1
    letter is decoded both ways, and an encoding wins when more than half of them become
    Vietnamese syllables (ties go to the reading with sane letter case). Text with at least
    as many real Vietnamese letters (ă, ơ, ư, ạ, ...) as odd words is Unicode.
    """
    words = _WORD.findall(text)
    odd = sum(1 for w in words if _is_odd(w))
    if not odd:
        return None
    if sum(1 for w in words if any(_is_vietnamese_letter(c) for c in w)) >= odd:
        return None
    # "caùc" alone is plausible Unicode, yet it tells VNI (các) from TCVN3 (caực).
    latin = [w for w in words if len(w) > 1 and any(c > "\u00a0" for c in w)]
    best: Encoding | None = None
    best_key = (len(latin) / 2, 0)
    for encoding in ENCODINGS:
        decoded = [to_unicode(w, encoding) for w in latin]
        key = (
            sum(1 for w in decoded if _reads_well(w)),
            sum(1 for w in decoded if _reads_well(w) and not _odd_case(w)),
        )
        if key > best_key:
            best, best_key = encoding, key
    return best


def has_unicode_vietnamese(text: str) -> bool:
    """Whether text holds a letter only Unicode Vietnamese has (ă, đ, ơ, ư, ạ, ...)."""
    return any(_is_vietnamese_letter(c) for c in text)


def fits(text: str, encoding: str) -> bool:
    """Whether text could be in ``encoding`` though too short to prove it ("Sè: 27"):
    it uses some character of the encoding and no letter only Unicode has."""
    reserved = _TCVN3_RESERVED if encoding == "tcvn3" else _VNI_RESERVED
    return any(c in reserved for c in text) and not any(_is_vietnamese_letter(c) for c in text)


def convert(text: str, hint: str | None = None) -> tuple[str, Encoding | None]:
    """Unicode for a piece of text that may be legacy-encoded, with the encoding found.

    ``hint`` is the encoding the rest of the document was found in: a short piece that fits
    it is converted even when it proves nothing on its own. Readers of every format use this.
    """
    encoding: Encoding | None
    if hint in ENCODINGS and fits(text, hint):
        encoding = hint  # type: ignore[assignment]
    else:
        encoding = detect_legacy(text)
    if encoding is None:
        return text, None
    return to_unicode(text, encoding), encoding


def font_encoding(font: str | None) -> tuple[Encoding, bool] | None:
    """The legacy encoding a font name implies, with whether it is a TCVN3 capitals font:
    ".VnTime" -> ("tcvn3", False), ".VnTimeH" -> ("tcvn3", True), "VNI-Times" -> ("vni", False)."""
    if not font:
        return None
    name = font.strip()
    if name.lower().startswith(".vn"):
        return "tcvn3", name.endswith("H")
    if re.match(r"(?i)vni[- ]", name):
        return "vni", False
    return None


__all__ = [
    "ENCODINGS",
    "Encoding",
    "LegacyRun",
    "Unencodable",
    "convert",
    "detect_legacy",
    "fits",
    "font_encoding",
    "from_unicode",
    "from_unicode_runs",
    "has_unicode_vietnamese",
    "is_syllable",
    "to_unicode",
]
