"""Targets from annex tables that reached us as flat text (OCR without table structure).

A scanned "PHỤ BIỂU 01 — CHỈ TIÊU ..." whose grid OCR lost reads as runs of words and figures,
either glued ("Thành phố Cẩm | 225 175 50 Phả Thành phố Uông | 55 45 10 Bí ...") or a row a
line with wrapped cells on the next ("3 Thành phố Uông | 55\n45 10\nBí"). Each run of two or
more figures is one row; the words before it (from the last place word: "Thành phố",
"Huyện", ...) are its label, and a label of a single name word takes the next capitalised word
(on the row's line or alone on the next) as the end of its name. A row labelled "Cộng", or
one without a place whose first figure sums the rows above it, is the total. The row number
column ("1 2 3 4 5 6", "11 Huyện ...") and years are not figures of a row.

Only annex sections whose title speaks of targets and that hold no parsed table are read, so
a document whose tables were recovered is never read twice. Figures keep their column
position, not a header: the header cells are too scrambled in such text to assign.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..document import Document, Section
from ..model import Target
from ..normalize import fold
from ..numbers import digits_value
from .base import Context, provenance
from .target_lexicon import Lexicon
from .target_tables import row_area

# a figure standing alone between spaces or "|": "225", "2,5", "95%", "-" (an empty cell)
_FIGURE = r"(?<![\w/.,:+-])(?:\d+(?:[.,]\d+)*%?|[-–])(?![\w/])"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
_YEAR = re.compile(r"(?:19|20)\d\d")
_WORD = re.compile(r"[^\W\d_][\w.]*")
_NEXT_ANNEX = re.compile(r"^(?:phu\s*(?:bieu|luc)|bieu\s*(?:so|mau))\b")
# "ĐVT: Lượt người": up to three words, not the "TT" of a header OCR put on the same line
_UNIT = re.compile(r"(?:ĐVT|Đơn vị tính)\s*:\s*([^\W\d_]+\.?(?:[ \t]+(?=[^\W\d_A-ZĐ])[^\W\d_]+){0,2})")
_MIN_ROWS = 3  # rows labelled with a place needed before figures are read as a table
_MAX_LABEL = 60  # characters of words before a run kept as its label
_MAX_TEXT = 300


@dataclass(frozen=True)
class _Grammar:
    label_start: re.Pattern[str]  # where a row label starts: a place word or a total's label
    total: re.Pattern[str]
    run: re.Pattern[str]  # figures side by side


@lru_cache(maxsize=4)
def _grammar(places: tuple[str, ...], totals: tuple[str, ...]) -> _Grammar:
    def alt(words: tuple[str, ...]) -> str:
        return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))

    # place words as written in a row label (capitalised); total labels in any case
    words = f"(?:{alt(places)}|(?i:{alt(totals)}))" + r"(?![^\W\d_])"
    # across a line break too ("| 55\n45 10"), but not the row number that opens the next
    # line's row ("2 12\n11 Huyện Bình Liêu")
    line_cell = _FIGURE + r"(?![ \t|]+" + words + ")"
    return _Grammar(
        label_start=re.compile(r"(?<![^\W\d_])" + words),
        total=re.compile(f"(?i:{alt(totals)})" + r"(?![^\W\d_])"),
        run=re.compile(_FIGURE + r"(?:[ \t|]+" + _FIGURE + r"|[ \t|]*\n[ \t|]*" + line_cell + r")+"),
    )


def _grammar_of(lex: Lexicon) -> _Grammar:
    return _grammar(tuple(lex.tables["row_place_words"]), tuple(lex.tables["total_rows"]))


@dataclass
class _RowRun:
    start: int  # of the label (or of the figures when there is none)
    end: int  # of the figures and a wrapped label's tail
    label: str
    figures: list[tuple[int, int, float | None]]  # (start, end, value or None for "-")
    labelled: bool  # the label starts with a place or total word


def flat_table_targets(ctx: Context, lex: Lexicon, plan: tuple[int | None, int | None],
                       period: str | None) -> tuple[list[Target], list[tuple[int, int]]]:
    """The targets of flattened annex tables, and the spans read as such tables (any other
    reading of a number inside them, as a sentence, is to be dropped)."""
    doc = ctx.document
    if doc.outline is None:
        return [], []
    out: list[Target] = []
    spans: list[tuple[int, int]] = []
    cues = _words(lex.tables["flat_target_cues"])
    review = _words(lex.tables["review_cues"])
    for section in doc.outline.children:
        if section.kind != "annex" or any(section.start <= t.start < section.end for t in doc.tables):
            continue
        title = section.title.lower()
        if not cues.search(title) or review.search(title):
            continue
        found = _read_section(doc, section, lex, plan, period)
        if found:
            out.extend(found)
            spans.append((section.start, _region_end(doc, section)))
    return out, spans


def _read_section(doc: Document, section: Section, lex: Lexicon,
                  plan: tuple[int | None, int | None], period: str | None) -> list[Target]:
    text = doc.text
    end = _region_end(doc, section)
    head = text[section.start:end]
    m = _UNIT.search(head)
    unit = m.group(1).strip(" .") if m else None
    years = [int(y) for y in _YEAR.findall(section.title)]
    inside = [y for y in years if plan[0] is not None and plan[0] <= y <= (plan[1] or plan[0])]
    row_period = str(inside[-1]) if inside else period
    g = _grammar_of(lex)
    rows = _rows(g, text, section.start, end)
    places = sum(r.labelled for r in rows)
    if places < _MIN_ROWS or places * 2 < len(rows):
        return []  # not a table of localities: too little to tell rows from stray figures
    out: list[Target] = []
    sums: list[float] = []
    for row in rows:
        values = [v for _, _, v in row.figures]
        # "Cộng ...", or a row without a place whose first figure sums the rows above it
        total = bool(g.total.match(row.label)) or (
            not row.labelled and len(sums) >= 2 and values[0] is not None
            and abs(values[0] - sum(sums)) < 1e-6)
        if values[0] is not None:
            sums.append(values[0])
        area = None if total else _area(g, row.label, lex)
        # a total row whose label OCR lost: its figures alone, not the previous row's words
        first = row.figures[0][0] if total and not row.labelled else row.start
        excerpt = text[first:row.end][:_MAX_TEXT]
        for col, (start, stop, value) in enumerate(row.figures):
            if value is None:
                continue
            raw = text[start:stop]
            out.append(Target(
                value=value,
                value_max=None,
                unit="%" if raw.endswith("%") else unit,
                comparator="=",
                subject=f"{section.title} (cột {col + 1})",
                area=area,
                period=row_period,
                text=excerpt,
                provenance=provenance(doc, start, stop),
                confidence=0.5,  # read from flattened cells: columns and labels are guesses
            ))
    return out


def _region_end(doc: Document, section: Section) -> int:
    """The section's end, or the next annex heading OCR did not recognise ("PHỤ BIẾU 02")."""
    for b in doc.blocks:
        if section.start < b.start < section.end and b.kind == "heading" \
                and _NEXT_ANNEX.match(fold(b.text)):
            return b.start
    return section.end


def _rows(g: _Grammar, text: str, start: int, end: int) -> list[_RowRun]:
    runs = [_cells(text, m) for m in g.run.finditer(text, start, end) if _is_row(m.group())]
    runs = _trim_row_numbers(g, text, runs)
    rows: list[_RowRun] = []
    prev_end = start
    for i, cells in enumerate(runs):
        run_start, run_end = cells[0][0], cells[-1][1]
        before = text[prev_end:run_start]
        label_at = _label_start(g, before)
        if label_at is None:
            prev_end = run_end
            continue  # figures with no words before them: header numbering, not a row
        label_start = prev_end + label_at
        label = " ".join(text[label_start:run_start].split()).strip(" |")
        next_start = runs[i + 1][0][0] if i + 1 < len(runs) else end
        tail_end = _wrapped_tail(g, text, run_end, next_start)
        label = _mend_label(g, label, text[run_end:tail_end], _next_line(text, tail_end, next_start))
        rows.append(_RowRun(label_start, tail_end, label, cells, bool(g.label_start.match(label))))
        prev_end = run_end
    return rows


def _cells(text: str, run: re.Match[str]) -> list[tuple[int, int, float | None]]:
    return [(run.start() + f.start(), run.start() + f.end(), _value(f.group()))
            for f in re.finditer(_FIGURE, run.group())]


def _trim_row_numbers(g: _Grammar, text: str, runs: list[list[tuple[int, int, float | None]]]) \
        -> list[list[tuple[int, int, float | None]]]:
    """Rows glued into one line ("80 60 20 3 Huyện Đạ Huoai"): a run one figure longer than
    most, whose last figure opens the next row's label, gives that figure back as a row number."""
    if not runs:
        return runs
    widths = [len(r) for r in runs]
    usual = max(set(widths), key=widths.count)
    out = []
    for cells in runs:
        if len(cells) == usual + 1 and g.label_start.match(text, _skip_space(text, cells[-1][1])):
            cells = cells[:-1]
        out.append(cells)
    return out


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t|":
        pos += 1
    return pos


def _is_row(run: str) -> bool:
    figs = re.findall(_FIGURE, run)
    nums = [f for f in figs if _NUMBER.fullmatch(f)]
    if not nums or any(_YEAR.fullmatch(n) for n in nums):
        return False
    ints = [int(n) for n in nums if n.isdigit()]
    # "1 2 3 4 5 6": the row number column read across
    return not (len(ints) == len(figs) >= 3 and ints == list(range(ints[0], ints[0] + len(ints))))


def _label_start(g: _Grammar, before: str) -> int | None:
    """Offset in ``before`` where the row's label starts: its last place word, else the
    last few words; None when no words stand there."""
    tail = before[-_MAX_LABEL:]
    offset = len(before) - len(tail)
    found = list(g.label_start.finditer(tail))
    if found:
        return offset + found[-1].start()
    words = list(_WORD.finditer(tail))
    if not words:
        return None
    return offset + words[max(0, len(words) - 4)].start()


def _mend_label(g: _Grammar, label: str, tail: str, next_line: str) -> str:
    """A place name cut by a narrow column: one name word before the figures ("Thành phố
    Cẩm"), its last word after them on the row's line ("Phả") or alone on the next line."""
    m = g.label_start.match(label)
    if not m or len(label[m.end():].split()) != 1:
        return label
    words = tail.split()
    if not (1 <= len(words) <= 2 and all(w[:1].isupper() for w in words)):
        words = next_line.split()
        if not words or g.label_start.match(next_line.strip()) or len(words) > 3:
            return label
    word = words[0].strip(" .,;|")
    return f"{label} {word}" if word[:1].isupper() and word.isalpha() else label


def _next_line(text: str, start: int, stop: int) -> str:
    """The line after ``start`` when it holds words only (no figures) before ``stop``."""
    nl = text.find("\n", start, stop)
    if nl == -1:
        return ""
    end = text.find("\n", nl + 1, stop)
    line = text[nl + 1:end if end != -1 else stop]
    return "" if re.search(r"\d", line) else line


def _wrapped_tail(g: _Grammar, text: str, start: int, next_run: int) -> int:
    """Where a row's text ends: after the words up to the next row's label (its note, a
    wrapped label's last word), within the same line."""
    line_end = text.find("\n", start)
    stop = min(next_run, line_end if line_end != -1 else len(text))
    nxt = g.label_start.search(text, start, stop)
    stop = nxt.start() if nxt else stop
    piece = re.sub(r"(?:\s+\d{1,3})?[\s|]*$", "", text[start:stop])  # the next row's number
    return start + len(piece)


def _area(g: _Grammar, label: str, lex: Lexicon) -> str | None:
    if not g.label_start.match(label):
        return None
    return row_area(label.rstrip(" ;,.|"), lex.tables) or None


def _words(phrases: list[str]) -> re.Pattern[str]:
    alt = "|".join(re.escape(p.lower()) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(r"(?<![^\W\d_])(?:" + alt + r")(?![^\W\d_])")


def _value(fig: str) -> float | None:
    return digits_value(fig.rstrip("%")) if _NUMBER.fullmatch(fig) else None
