"""Is a PDF text layer worth reading, and which of its lines are content at all?

Two ways a page can have characters yet no usable text:

- a *garbled* layer: fonts with a broken or private encoding turn every accented letter into
  something else ("6Ӣ CÔNG 7+ѬѪ1*" for "SỞ CÔNG THƯƠNG", TCVN3 "Uû ban nh©n d©n"). Vietnamese
  is written in syllables of a tight shape (onset, vowel cluster, final consonant, one tone
  mark), so the share of words that are well-formed syllables separates real text (> 0.9)
  from mojibake (< 0.5) without knowing the broken encoding;
- a *signature stamp*: a scanned page whose only characters are those of the digital
  signature ("Ký bởi: ... Thời gian ký: ...", an e-mail, a time stamp).

And lines that are page furniture, not content: running headers and footers, page numbers.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_TONES = set("\u0300\u0301\u0303\u0309\u0323")
_MODIFIERS = set("\u0302\u0306\u031b")  # circumflex, breve, horn
_BASE = set("abcdeghiklmnopqrstuvxyđ")
_FOREIGN = set("fjwz")  # Latin letters of loan words and names: neither good nor bad

_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|nh|ng|[cmnpt])?"
)
_WORD = re.compile(r"[^\W\d_]+")

# A number field of the signature, a time stamp or an e-mail: what stamps are made of.
_STAMP_MARK = re.compile(
    r"ký bởi|thời gian ký|người ký|signed by|signature|cơ quan\s*:|email\s*:|"
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|"
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\s+\d{1,2}:\d{2}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TextScore:
    good: int  # well-formed Vietnamese syllables (or their capitalised forms)
    bad: int  # words that cannot be Vietnamese: wrong letters, shapes or case
    neutral: int  # abbreviations (UBND), loan words: say nothing either way

    @property
    def share(self) -> float:
        """Share of the judged words that are well-formed; 1.0 when nothing could be judged."""
        judged = self.good + self.bad
        return self.good / judged if judged else 1.0


@lru_cache(maxsize=1 << 16)  # syllables repeat: most words of a page were seen before
def _word_kind(word: str) -> int:
    """1 for a Vietnamese syllable, -1 for a word no Vietnamese text has, 0 for undecided."""
    if not (word.islower() or word.isupper() or word.istitle()):
        return -1  # "QăP", "OXuW": mixed case inside one syllable
    lower = unicodedata.normalize("NFD", word.lower())
    base = []
    tones = 0
    for char in lower:
        if char in _TONES:
            tones += 1
        elif char in _MODIFIERS:
            if not base:
                return -1
            base[-1] = unicodedata.normalize("NFC", base[-1] + char)
        elif char in _BASE:
            base.append(char)
        elif char in _FOREIGN:
            return 0
        else:
            return -1  # Cyrillic, Latin-1 symbols of legacy fonts (©, Ø, û, ÿ), ...
    if tones > 1:
        return -1
    if _SYLLABLE.fullmatch("".join(base)):
        return 1
    if word.isupper() and tones == 0 and len(word) <= 8:
        return 0  # UBND, HĐND, KH, PCTNXH
    return -1


def score_text(text: str) -> TextScore:
    """Count the words of ``text`` that are and are not well-formed Vietnamese syllables."""
    counts = [0, 0, 0]  # neutral, good, bad (indexed by kind)
    for word in _WORD.findall(unicodedata.normalize("NFC", text)):
        counts[_word_kind(word)] += 1
    return TextScore(good=counts[1], bad=counts[-1], neutral=counts[0])


def is_garbled(text: str, min_words: int = 8, threshold: float = 0.6) -> bool:
    """True when ``text`` has enough words to judge and too few of them are Vietnamese."""
    score = score_text(text)
    return score.good + score.bad >= min_words and score.share < threshold


def is_signature_stamp(text: str, max_chars: int = 400, max_lines: int = 12) -> bool:
    """True when all of ``text`` is short and reads like a digital-signature stamp."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or len(lines) > max_lines or sum(len(line) for line in lines) > max_chars:
        return False
    return bool(_STAMP_MARK.search(text))


# --- page furniture: lines of a page that are not content ---------------------------------------

@dataclass
class PlacedLine:
    """A line of a page with its box, top-down coordinates (points for PDF, pixels for OCR)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    bold: bool = False
    centered: bool = False
    block: int = 0  # OCR text block (a column, a header cell); a new block is a new paragraph
    unsure: tuple[str, ...] = ()  # OCR words read with low confidence


_PAGE_NUMBER = re.compile(r"(?:-\s*)?(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?", re.IGNORECASE)


def is_page_number(text: str) -> bool:
    """A bare page number: "2", "- 3 -", "Trang 4", "4/12" (but not the list label "2.")."""
    return bool(_PAGE_NUMBER.fullmatch(text.strip()))


def drop_page_numbers(lines: list[PlacedLine], page_height: float, band: float = 0.12) -> list[PlacedLine]:
    """Remove a bare page number that is the top-most or bottom-most line, within the margins."""
    if not lines:
        return lines
    top = min(lines, key=lambda line: line.top)
    bottom = max(lines, key=lambda line: line.bottom)
    drop = {
        id(line) for line, near in ((top, top.bottom <= band * page_height),
                                    (bottom, bottom.top >= (1 - band) * page_height))
        if near and is_page_number(line.text)
    }
    return [line for line in lines if id(line) not in drop]


def _furniture_key(text: str) -> str:
    return " ".join(re.sub(r"\d+", "#", text).split()).casefold()


def drop_running_lines(pages: list[list[PlacedLine]], heights: list[float], edge: int = 2,
                       band: float = 0.15, share: float = 0.5) -> list[list[PlacedLine]]:
    """Remove running headers and footers: lines that come back at the top or bottom of most pages.

    A line is furniture when the same text (digits ignored, so "Trang 3 / 9" matches) is among
    the ``edge`` first or last lines, inside the top or bottom ``band`` of the page, on at least
    ``share`` of the pages (and on 3 pages at least).
    """
    if len(pages) < 3:
        return pages

    def candidates(lines: list[PlacedLine], height: float) -> list[PlacedLine]:
        ordered = sorted(lines, key=lambda line: line.top)
        head = [l for l in ordered[:edge] if l.bottom <= band * height]
        foot = [l for l in ordered[-edge:] if l.top >= (1 - band) * height]
        return head + foot

    counts: dict[str, int] = {}
    per_page = [candidates(lines, height) for lines, height in zip(pages, heights)]
    for found in per_page:
        for key in {_furniture_key(line.text) for line in found}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(3, share * len(pages))
    running = {key for key, count in counts.items() if count >= needed and key}
    if not running:
        return pages
    result = []
    for lines, found in zip(pages, per_page):
        drop = {id(line) for line in found if _furniture_key(line.text) in running}
        result.append([line for line in lines if id(line) not in drop])
    return result


def paragraph_gaps(lines: list[PlacedLine], factor: float = 1.5) -> list[bool]:
    """For each line, whether a paragraph gap precedes it: a new OCR block, or a vertical step
    clearly larger than the page's usual line pitch."""
    steps = [b.top - a.top for a, b in zip(lines, lines[1:]) if b.top > a.top]
    pitch = sorted(steps)[len(steps) // 2] if steps else 0.0
    gaps = [False]
    for a, b in zip(lines, lines[1:]):
        gaps.append(b.block != a.block or (pitch > 0 and b.top - a.top > factor * pitch))
    return gaps


def mark_centered(lines: list[PlacedLine], page_width: float) -> None:
    """Set ``centered`` on short lines whose middle is the middle of the text body."""
    long = [line for line in lines if len(line.text) >= 30]
    if long:
        lefts = sorted(line.left for line in long)
        rights = sorted(line.right for line in long)
        body_left, body_right = lefts[len(lefts) // 5], rights[-1 - len(rights) // 5]
    else:
        body_left, body_right = 0.1 * page_width, 0.9 * page_width
    middle, width = (body_left + body_right) / 2, body_right - body_left
    for line in lines:
        line_width = line.right - line.left
        line.centered = (
            line_width < 0.85 * width
            and abs((line.left + line.right) / 2 - middle) <= 0.03 * page_width
            and line.left > body_left + 0.04 * page_width
        )


# --- reading order of lines with columns --------------------------------------------------------

# Gaps that are blanks left for a hand-written number or date ("Số:      /KH-SCT",
# "ngày      tháng 4 năm 2026"), not the space between two columns.
_BLANK_BEFORE = re.compile(r"(?:\b[Ss]ố\s*:?|\bngày|\btháng|\bnăm)$")
_BLANK_AFTER = re.compile(r"^(?:/|tháng|năm\b)")


def is_fill_in_gap(before: str, after: str) -> bool:
    """Whether a wide gap between ``before`` and ``after`` on one line is a blank to fill in."""
    return bool(_BLANK_BEFORE.search(before.rstrip()) or _BLANK_AFTER.match(after.lstrip()))


def merge_segments(segments: list[PlacedLine]) -> PlacedLine:
    """Pieces of one line read together again: text joined by a space, boxes united."""
    return PlacedLine(
        text=" ".join(s.text for s in segments),
        left=min(s.left for s in segments), top=min(s.top for s in segments),
        right=max(s.right for s in segments), bottom=max(s.bottom for s in segments),
        bold=all(s.bold for s in segments), block=segments[0].block,
        unsure=tuple(word for s in segments for word in s.unsure),
    )


def reading_order(items: list[list[PlacedLine] | int]) -> list[PlacedLine | int]:
    """Flatten rows (a visual line as its column segments) into lines in reading order.

    Where consecutive rows have two columns (the header block, the signature block) the left
    column is read first, then the right; the segments of one row that fall in one column
    become one line again. Rows of three or more pieces (an unruled table) are read row by
    row, left to right. An ``int`` item (a table in its place) passes through and ends a band.
    """
    out: list[PlacedLine | int] = []

    def multi(k: int) -> bool:
        return k < len(items) and not isinstance(items[k], int) and len(items[k]) == 2

    def single(k: int) -> bool:
        return k < len(items) and not isinstance(items[k], int) and len(items[k]) == 1

    i = 0
    while i < len(items):
        item = items[i]
        if isinstance(item, int) or len(item) != 2:
            out.extend([item] if isinstance(item, int) else item)
            i += 1
            continue
        # A band: rows with columns, and single rows only between two of them.
        j = i + 1
        while multi(j) or (single(j) and multi(j + 1)):
            j += 1
        gap = max(range(len(item) - 1), key=lambda k: item[k + 1].left - item[k].right)
        split = (item[gap].right + item[gap + 1].left) / 2
        for left_side in (True, False):
            for row in items[i:j]:
                side = [s for s in row if ((s.left + s.right) / 2 < split) == left_side]  # type: ignore[union-attr]
                if side:
                    out.append(merge_segments(side))
        i = j
    return out
