"""Vietnamese numbers as written in administrative documents, with their offsets.

- digits: "01" (leading zeros are usual), "1.200" and "226.000.000" (dots group thousands),
  "2,5" and "72,4" (a comma marks decimals), "0.5" (a dot before one or two digits is a decimal
  point in sloppy copies), "10%", "10 %", "10 phần trăm";
- words: "một", "hai mươi lăm", "một trăm linh năm", "ba nghìn", "hai chục";
- quantities: a number, a percentage, a range ("10 - 20%", "từ 01 - 02", "từ 150 đến 200",
  "từ 10% đến 15%") or a ratio ("10/10").

This module only reads numerals. Whether a number is a commitment, a date, a year, a citation
or part of a name ("Ban Chỉ đạo 138") is decided by the caller, which knows the context.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# --- numbers written in words ------------------------------------------------------------
_DIGITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5,
           "lăm": 5, "nhăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
_SCALES = {"nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000,
           "tỉ": 1_000_000_000}
# Words that can open a number. "năm" (also "year"), "tư", "lăm", "mốt" and "không" (also
# "not") only count inside a longer numeral: see _word_ok.
_OPENERS = ["một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "bẩy", "tám", "chín", "mười"]
_ALL_WORDS = sorted({*_DIGITS, *_SCALES, "mười", "mươi", "trăm", "linh", "lẻ", "chục", "rưỡi"},
                    key=len, reverse=True)
_WORD = "(?:" + "|".join(_ALL_WORDS) + ")"
WORD_NUMBER = re.compile(
    r"(?<![^\W\d_])(?:" + "|".join(_OPENERS) + r")(?:[ \t]+" + _WORD + r")*(?![^\W\d_])",
    re.IGNORECASE,
)
# "một số" (some), "một trong" (one of), "một cách" (adverb): not numbers.
_NOT_AFTER_MOT = re.compile(r"\s*(?:số|trong|cách|phần|vài|khi|lúc|mặt|bên|loạt|thời)\b", re.I)


def words_value(words: str) -> float | None:
    """The value of a numeral in words ("hai mươi lăm" -> 25), or None if it is not one."""
    toks = words.lower().split()
    if not toks:
        return None
    total = 0.0
    hundreds = 0.0
    small = 0.0
    seen = False
    prev = ""
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if tok in _DIGITS:
            if tok == "năm" and not (nxt in ("mươi", "trăm", *_SCALES) or prev in ("linh", "lẻ")):
                return None  # "năm" alone is "year"
            if tok in ("lăm", "nhăm", "mốt", "tư") and prev not in ("mươi", "mười"):
                if not (tok == "tư" and nxt in ("mươi", "trăm", *_SCALES)):
                    return None
            small += _DIGITS[tok]
        elif tok == "mười":
            small += 10
        elif tok == "mươi":
            if not 1 <= small <= 9:
                return None
            small *= 10
        elif tok == "chục":
            small = (small or 1) * 10
        elif tok == "trăm":
            hundreds = (small or 1) * 100
            small = 0
        elif tok in ("linh", "lẻ"):
            pass
        elif tok in _SCALES:
            total += ((hundreds + small) or 1) * _SCALES[tok]
            hundreds = small = 0
        elif tok == "rưỡi":  # "hai triệu rưỡi" = 2.5 million; "mười rưỡi" = 10.5
            if prev in _SCALES:
                total += _SCALES[prev] / 2
            else:
                small += 0.5
        else:
            return None
        seen = True
        prev = tok
    return total + hundreds + small if seen else None


# --- numbers written in digits --------------------------------------------------------------
# Not glued to a word before it ("F0", "KH05") nor to "<letter>-" ("Covid-19"); separators
# inside are "." or "," followed by a digit (a ", " with a space is a list separator).
DIGITS = re.compile(r"(?<![\w.,])(?<![^\W\d_]-)\d+(?:[.,]\d+)*")
_PERCENT_AFTER = re.compile(r"[ \t]?(?:%|phần trăm\b)", re.IGNORECASE)
_SCALE_AFTER = re.compile(r"[ \t]+(nghìn|ngàn|triệu|tỷ|tỉ)(?![^\W\d_])", re.IGNORECASE)


def digits_value(s: str) -> float | None:
    """The value of a numeral in digits, Vietnamese style ("1.200" -> 1200, "2,5" -> 2.5)."""
    s = s.strip()
    if not s or not s[0].isdigit():
        return None
    if "." in s and "," in s:  # the separator written last is the decimal one
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        grp = "," if dec == "." else "."
        whole, _, frac = s.rpartition(dec)
        return float(whole.replace(grp, "") + "." + frac)
    for sep in (".", ","):
        if sep in s:
            parts = s.split(sep)
            thousands = len(parts) > 2 or (sep == "." and len(parts[1]) == 3 and parts[0] != "0")
            if thousands and all(len(p) == 3 for p in parts[1:]):
                return float("".join(parts))
            if len(parts) > 2:
                return None  # "1.2.3": a section label, not a number
            return float(parts[0] + "." + parts[1])
    return float(s)


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int  # after the "%" when there is one
    percent: bool = False
    words: bool = False  # written in words ("ít nhất một")


def find_numbers(text: str, words: bool = True) -> list[Number]:
    """Every numeral in the text, in order: digits (with "%" / scale words) and words."""
    out: list[Number] = []
    for m in DIGITS.finditer(text):
        value = digits_value(m.group())
        if value is None:
            continue
        end = m.end()
        scale = _SCALE_AFTER.match(text, end)
        if scale:
            value *= _SCALES[scale.group(1).lower()]
            end = scale.end()
        pct = _PERCENT_AFTER.match(text, end)
        if pct:
            end = pct.end()
        out.append(Number(value, m.start(), end, percent=bool(pct)))
    if words:
        for m in WORD_NUMBER.finditer(text):
            num = _word_number(text, m)
            if num is not None:
                out.append(num)
        out.sort(key=lambda n: n.start)
    return out


def _word_number(text: str, m: re.Match[str]) -> Number | None:
    toks = m.group().split()
    # Trim trailing words that break the numeral ("hai năm" = two years): longest valid prefix.
    while toks:
        value = words_value(" ".join(toks))
        if value is not None:
            break
        toks.pop()
    else:
        return None
    end = m.start() + _prefix_len(m.group(), len(toks))
    if toks[0].lower() == "một" and len(toks) == 1 and _NOT_AFTER_MOT.match(text, end):
        return None
    pct = _PERCENT_AFTER.match(text, end)
    if pct:
        end = pct.end()
    return Number(value, m.start(), end, percent=bool(pct), words=True)


def _prefix_len(s: str, n_words: int) -> int:
    """Length of the first n whitespace-separated words of s, spaces between them included."""
    found = list(re.finditer(r"\S+", s))
    return found[n_words - 1].end()


# --- quantities: single numbers, ranges, ratios -------------------------------------------
@dataclass(frozen=True)
class Quantity:
    value: float
    value_max: float | None  # upper bound of a range
    start: int
    end: int
    percent: bool
    words: bool = False
    ratio_of: float | None = None  # "10/10 huyện": the denominator
    open_start: int | None = None  # offset of a leading "từ" of a range, when written


_RANGE_SEP = re.compile(r"[ \t]*(?:-|–|—|~|đến|tới|đến hết)[ \t]*", re.IGNORECASE)
_RATIO_SEP = re.compile(r"[ \t]*/[ \t]*")
_FROM_BEFORE = re.compile(r"(?:^|(?<=\s))từ[ \t]+$", re.IGNORECASE)


def find_quantities(text: str, words: bool = True) -> list[Quantity]:
    """Numbers grouped into quantities: "10 - 20%" and "từ 150 đến 200" are one range each,
    "10/10" is a ratio. Percent signs on either bound make the range a percentage."""
    nums = find_numbers(text, words=words)
    out: list[Quantity] = []
    i = 0
    while i < len(nums):
        a = nums[i]
        b = nums[i + 1] if i + 1 < len(nums) else None
        if b is not None:
            gap = text[a.end:b.start]
            if _RANGE_SEP.fullmatch(gap) and a.value < b.value and (a.percent <= b.percent):
                before = text[max(0, a.start - 8):a.start]
                frm = _FROM_BEFORE.search(before)
                out.append(Quantity(a.value, b.value, a.start, b.end, a.percent or b.percent,
                                    a.words or b.words,
                                    open_start=a.start - (len(before) - frm.start()) if frm else None))
                i += 2
                continue
            if (_RATIO_SEP.fullmatch(gap) and not a.percent and not b.percent and not a.words
                    and not b.words and 0 < a.value <= b.value and not _slash_follows(text, b.end)
                    and not _GLUED_BEFORE.search(text, max(0, a.start - 4), a.start)):
                out.append(Quantity(a.value, None, a.start, b.end, False, ratio_of=b.value))
                i += 2
                continue
        out.append(Quantity(a.value, None, a.start, a.end, a.percent, a.words))
        i += 1
    return out


# "36-CT/TW 12/2020", "NQ/15/20": a slash or dash glued to a word before the first number makes
# it a piece of a reference; a list dash at the start of a line ("- 102/102 xã") does not.
_GLUED_BEFORE = re.compile(r"(?:[^\W_]|/)[/-][ \t]*$")


def _slash_follows(text: str, end: int) -> bool:
    """"10/02/2021" and "27/KH-UBND" continue after the second number: not a ratio."""
    return bool(re.match(r"[ \t]*[/-]", text[end:end + 3]))
