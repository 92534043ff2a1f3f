"""Repairs of OCR output that are safe: confusions inside numbers and document numbers only.

Tesseract reads letters well but mixes up look-alikes where the context is a number:
"2O21" for 2021, "l6/KH" for 16/KH, "QÐ-UBND" or "QD-UBND" for QĐ-UBND, "Só:" for "Số:".
Each fix here applies only inside a number-like token, never to a word. Handwritten numbers
(filled in by hand in the printed blanks of "Số: .../XX-YY" and "ngày ... tháng ... năm")
come out as junk ("⁄‡6"): those fields are blanked and flagged, never guessed.
"""
from __future__ import annotations

import re

from ..document import Flag

_LETTER = r"[^\W\d_]"

# A run of digits and digit look-alikes with at least one real digit, not touching a letter
# (so "Il", "lO", "ol" in words are never touched).
_DIGIT_RUN = re.compile(rf"(?<!{_LETTER})(?=[0-9OoIl|]*\d)[0-9OoIl|]+(?!{_LETTER})")
_DIGIT_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})

# The code after a number: 27/KH-UBND, 123/2020/NĐ-CP, 36-CT/TW.
_CODE = re.compile(r"(?<=\d/)[A-ZĐa-z&]+(?:-[A-ZĐa-z&]+)*")
# Segments of document codes whose Đ Tesseract reads as D or O (and the reverse for UBND).
_CODE_SEGMENTS = {
    "QD": "QĐ", "OD": "QĐ", "OĐ": "QĐ", "0Đ": "QĐ",
    "ND": "NĐ", "HDND": "HĐND", "BCD": "BCĐ", "UBNĐ": "UBND",
}

# "Số:" as Tesseract misreads it: Só, Sô, So, S6, S0 (before a number or a blank number).
_SO_FIELD = re.compile(r"\bS[oó0òỏõọôồốổỗộơờớởỡợ6]\s?[:;](?=\s*(?:[\w⁄‡†*.]*\s*/|\d))")


def _fix_code(match: re.Match[str]) -> str:
    return "-".join(_CODE_SEGMENTS.get(part, part) for part in match.group(0).split("-"))


# The fraction slash Tesseract reads for "/" in "1105/KH-ĐKT", "19/10/2020".
_SLASH = re.compile(r"(?<=\d)\s?[⁄∕]\s?(?=[\dA-ZĐ])")


def fix_ocr_line(line: str) -> str:
    """Undo digit and document-number confusions in one OCR'd line (already clean_text'ed)."""
    line = _SO_FIELD.sub("Số:", line)
    line = _SLASH.sub("/", line)
    line = _DIGIT_RUN.sub(lambda m: m.group(0).translate(_DIGIT_LOOKALIKE), line)
    return _CODE.sub(_fix_code, line)


# The header fields a person fills in by hand.
_NUMBER_FIELD = re.compile(r"(?P<head>\bSố\s*:\s*)(?P<value>[^/\n]*?)(?P<tail>\s*/\s*[A-ZĐ])")
_DATE_FIELD = re.compile(
    r"(?P<head>\bngày\s*)(?P<day>\S{0,6}?)(?P<mid>\s*tháng\s*)(?P<month>\S{0,6}?)"
    r"(?P<tail>\s*năm\s)",
    re.IGNORECASE,
)
_NUMBER_VALUE = re.compile(r"\d+(?:[.,]\d+)?")


def check_handwritten_fields(line: str, page: int, unsure: set[str] | frozenset[str] = frozenset()
                             ) -> tuple[str, list[Flag]]:
    """Blank the number or day/month fields of a header line that OCR could not read.

    A field is unreadable when it is not a number, or when one of its words is in ``unsure``
    (read with low confidence: hand-written "20" read as "|2" passes as "12" otherwise).
    Returns the line (junk removed, readable look-alikes turned into digits) and a Flag for
    each field that was unreadable. A field left blank on the page stays blank, unflagged.
    """
    flags: list[Flag] = []

    def _readable(value: str) -> bool:
        value = value.strip()
        if not value:
            return True
        if any(word in unsure or word.translate(_DIGIT_LOOKALIKE) in unsure for word in value.split()):
            return False
        return bool(_NUMBER_VALUE.fullmatch(value.translate(_DIGIT_LOOKALIKE)))

    def _how(value: str) -> str:
        return ", low confidence" if any(w in unsure or w.translate(_DIGIT_LOOKALIKE) in unsure
                                         for w in value.split()) else ""

    def number(match: re.Match[str]) -> str:
        value = match.group("value")
        if _readable(value):
            return match.group("head") + value.translate(_DIGIT_LOOKALIKE) + match.group("tail")
        flags.append(Flag("handwritten_number", f"document number unreadable (OCR: {value.strip()!r}{_how(value)})", page))
        return match.group("head") + match.group("tail").lstrip()

    def date(match: re.Match[str]) -> str:
        parts = []
        for name in ("day", "month"):
            value = match.group(name)
            if _readable(value):
                parts.append(value.translate(_DIGIT_LOOKALIKE))
            else:
                flags.append(Flag("unreadable_field", f"{name} of the date unreadable (OCR: {value.strip()!r}{_how(value)})", page))
                parts.append("")
        head = match.group("head") + parts[0]
        mid = match.group("mid") if parts[0] else " " + match.group("mid").lstrip()
        text = (head.rstrip() if not parts[0] else head) + mid + parts[1] + match.group("tail")
        return re.sub(r" {2,}", " ", text)

    line = _NUMBER_FIELD.sub(number, line, count=1)
    line = _DATE_FIELD.sub(date, line, count=1)
    return line, flags
