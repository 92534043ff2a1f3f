"""Ruled tables on OCR'd pages, rebuilt from the page image's rules and Tesseract's word boxes.

Tesseract reads a table as loose lines (often one block per column), so its cells are lost.
The table's rules are still in the image, and they are cheap to find: on a coarse ink mask
a run of dark pixels many text heights long is a rule, never a letter. A group of at least
four vertical rules standing side by side over the same height (a frame and two inner rules:
three columns or more) is a table; the vertical rules give the column bounds, the horizontal
rules across most of its width the row bands, and each word goes to the cell holding its
centre. A text page (header block, signature block, paragraphs) draws no such group, so it
is left alone. Unruled tables are not rebuilt: word gaps alone are too easy to misread.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INK = 140  # gray level below which a pixel is ink
CELL = 4  # the mask is pooled in blocks of CELL x CELL pixels: a rule tilted up to ~1° stays in one column
MIN_RULES = 4  # vertical rules: the frame's two and two inside, i.e. at least three columns
ROW_RULE_SHARE = 0.6  # a horizontal rule this share of the table's width or more bounds a row


@dataclass(frozen=True)
class Box:
    """A word Tesseract read, with its box in page pixels."""

    text: str
    left: int
    top: int
    width: int
    height: int

    @property
    def cx(self) -> float:
        return self.left + self.width / 2

    @property
    def cy(self) -> float:
        return self.top + self.height / 2


@dataclass
class OcrTable:
    """A table found on a page: its box (pixels) and its rows of cell texts."""

    left: int
    top: int
    right: int
    bottom: int
    rows: list[list[str]]

    def holds(self, box: Box) -> bool:
        return self.left <= box.cx <= self.right and self.top <= box.cy <= self.bottom


@dataclass(frozen=True)
class _Rule:
    pos: int  # x of a vertical rule, y of a horizontal one (pixels)
    start: int  # extent along the rule (pixels)
    end: int


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in a 1-d bool array, end exclusive."""
    padded = np.concatenate(([0], flags.astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _rules(mask: np.ndarray, length: int, extent: int) -> list[_Rule]:
    """Vertical rules of a pooled mask (transpose it for horizontal ones), positions in pooled
    cells: runs of ink at least ``length`` cells long, runs in neighbouring columns that touch
    joined (a slightly tilted rule steps from column to column), kept if ``extent`` long."""
    if mask.shape[0] <= length:
        return []
    sums = np.cumsum(np.vstack([np.zeros((1, mask.shape[1]), np.int32), mask.astype(np.int32)]), axis=0)
    full = (sums[length:] - sums[:-length]) >= length - 1  # one missing cell: a faint scan
    pieces: list[tuple[int, int, int]] = []
    for x in np.flatnonzero(full.any(axis=0)).tolist():
        for start, end in _runs(full[:, x]):
            pieces.append((x, start, end + length - 1))
    merged: list[list[int]] = []  # [x_sum, count, start, end, last_x]
    for x, start, end in sorted(pieces):
        for rule in merged:
            if x - rule[4] <= 2 and start <= rule[3] + 2 and end >= rule[2] - 2:
                rule[0] += x
                rule[1] += 1
                rule[2], rule[3], rule[4] = min(rule[2], start), max(rule[3], end), x
                break
        else:
            merged.append([x, 1, start, end, x])
    return [_Rule(round(r[0] / r[1]), r[2], r[3]) for r in merged if r[3] - r[2] >= extent]


def _pooled(gray: np.ndarray) -> np.ndarray:
    """Ink mask pooled by CELL: a cell is ink when any of its pixels is."""
    height, width = (gray.shape[0] // CELL) * CELL, (gray.shape[1] // CELL) * CELL
    ink = gray[:height, :width] < INK
    return ink.reshape(height // CELL, CELL, width // CELL, CELL).any(axis=(1, 3))


def _groups(rules: list[_Rule]) -> list[list[_Rule]]:
    """Vertical rules that stand over mostly the same height, in groups."""
    groups: list[list[_Rule]] = []
    for rule in sorted(rules, key=lambda r: r.end - r.start, reverse=True):
        for group in groups:
            top, bottom = group[0].start, group[0].end  # the tallest rule of the group
            if min(bottom, rule.end) - max(top, rule.start) >= 0.5 * (rule.end - rule.start):
                group.append(rule)
                break
        else:
            groups.append([rule])
    return groups


def _is_text(text: str) -> bool:
    """A word, a number or a dash ("-" stands for nothing in a cell), not a rule read as "|"."""
    return any(c.isalnum() for c in text) or text.strip() in {"-", "–", "—", "x", "+"}


def _cell_text(words: list[Box]) -> str:
    """The words of one cell in reading order: visual lines top-down, each left to right."""
    lines: list[list[Box]] = []
    for word in sorted(words, key=lambda w: w.cy):
        if lines and abs(word.cy - np.mean([w.cy for w in lines[-1]])) < 0.5 * max(word.height, 1):
            lines[-1].append(word)
        else:
            lines.append([word])
    return " ".join(w.text for line in lines for w in sorted(line, key=lambda w: w.left))


def _line_bands(words: list[Box], top: int, bottom: int) -> list[int]:
    """Row bounds of a table without inner horizontal rules: a row starts at each visual line."""
    starts: list[float] = []
    for word in sorted(words, key=lambda w: w.top):
        if not starts or word.top > starts[-1] + 0.8 * word.height:
            starts.append(word.top)
    return [top] + [round(s) - 2 for s in starts[1:]] + [bottom]


def find_tables(gray: np.ndarray, words: list[Box], text_height: float) -> list[OcrTable]:
    """The ruled tables of a page image (0-255 gray array, the image Tesseract read) with the
    words inside them placed in cells; rows with no word are dropped."""
    if gray.ndim != 2 or min(gray.shape) < 200:
        return []
    mask = _pooled(gray)
    tall = max(6, round(3 * text_height / CELL))  # a rule is at least three text heights long
    vertical = _rules(mask, tall, tall)
    tables: list[OcrTable] = []
    for group in _groups(vertical):
        if len(group) < MIN_RULES:
            continue
        xs = sorted({r.pos * CELL + CELL // 2 for r in group})
        top, bottom = min(r.start for r in group) * CELL, max(r.end for r in group) * CELL + CELL
        left, right = xs[0], xs[-1]
        # horizontal rules inside the table and across most of it: the row bounds
        band = mask[top // CELL: bottom // CELL + 1, left // CELL: right // CELL + 1]
        across = _rules(band.T, tall, round(ROW_RULE_SHARE * band.shape[1]))
        ys = sorted({top + r.pos * CELL + CELL // 2 for r in across} | {top, bottom})
        inside = [w for w in words if left <= w.cx <= right and top <= w.cy <= bottom and _is_text(w.text)]
        if len(ys) <= 3:  # only the frame: one row per visual line
            ys = _line_bands(inside, top, bottom)
        cells: dict[tuple[int, int], list[Box]] = {}
        for word in inside:
            row = int(np.searchsorted(ys, word.cy)) - 1
            col = int(np.searchsorted(xs, word.cx)) - 1
            cells.setdefault((max(0, row), max(0, min(col, len(xs) - 2))), []).append(word)
        rows = [[_cell_text(cells.get((r, c), [])) for c in range(len(xs) - 1)] for r in range(len(ys) - 1)]
        rows = [row for row in rows if any(row)]
        filled = [c for c in range(len(xs) - 1) if any(row[c] for row in rows)]  # stray rules make empty columns
        rows = [[row[c] for c in filled] for row in rows]
        if len(rows) >= 2 and len(filled) >= 2:
            tables.append(OcrTable(left, top, right, bottom, rows))
    return tables


__all__ = ["Box", "OcrTable", "find_tables"]
