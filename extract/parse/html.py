"""Read a saved web page: paragraphs from block elements, lines from <br>, real tables.

The stdlib ``html.parser`` is enough: published plans are simple markup, and it never fails
on broken HTML. What is dropped: <head>, scripts, styles, forms, and page furniture (nav,
header/footer, menus, breadcrumbs, share bars — by element or by class/id/role). What is
kept: every block element (<p>, <div>, <li>, <h1>-<h6>, ...) as a paragraph whose <br>
breaks are its lines (``extract.layout`` joins hard wraps), and <table>s.

Tables are either data (annex tables: rows of cells) or layout (the two-column header with
the issuer and the national motto, the signature block, or a whole page wrapped in a table).
Layout tables give their cells' paragraphs in reading order; data tables give rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .. import errors
from ..settings import ParseSettings
from ..layout import is_layout_table
from .raw import RawBlock, RawDocument
from .text import decode

_SKIP = frozenset("head script style noscript template nav header footer aside form button select "
                  "textarea iframe svg canvas object embed menu".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_BLOCK = frozenset("p div li h1 h2 h3 h4 h5 h6 blockquote pre section article ul ol dl dd dt "
                   "center address figure figcaption caption main body html hr".split())
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|footer|sidebar|share|social|comments?|"
    r"banner|advert|ads|related|toolbar|cookie)(?:$|[\s_-])",
    re.I,
)
_NEVER_FURNITURE = frozenset("html body main article table tr td th p span".split())
_CENTER = re.compile(r"text-align\s*:\s*center", re.I)
_LAYOUT_CELL_CHARS = 600


@dataclass
class _Cell:
    blocks: list[RawBlock] = field(default_factory=list)
    colspan: int = 1


@dataclass
class _TableCtx:
    rows: list[list[_Cell]] = field(default_factory=list)
    row: list[_Cell] | None = None
    cell: _Cell | None = None


@dataclass
class _Buffer:
    lines: list[str] = field(default_factory=lambda: [""])
    bold_chars: int = 0
    chars: int = 0
    centered: bool = False
    list_label: str | None = None


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[RawBlock] = []
        self.skip_tag: str | None = None  # the element whose subtree is being dropped
        self.skip_depth = 0
        self.buf = _Buffer()
        self.tables: list[_TableCtx] = []
        self.bold = 0
        self.pre = 0
        self.lists: list[list] = []  # [tag, counter] for each open <ol>/<ul>
        self.centered: list[bool] = []

    # where finished paragraphs go: the innermost open cell, else the document
    def sink(self) -> list[RawBlock]:
        for table in reversed(self.tables):
            if table.cell is not None:
                return table.cell.blocks
            break
        return self.out

    def flush(self) -> None:
        buf = self.buf
        lines = [" ".join(ln.split()) for ln in buf.lines]
        while lines and not lines[-1]:
            lines.pop()
        while lines and not lines[0]:
            lines.pop(0)
        if not lines:
            # nothing to emit ("<li><p>..."): the list number waits for the text
            self.buf = _Buffer(list_label=buf.list_label)
            return
        if lines:
            self.sink().append(RawBlock(
                "paragraph", "\n".join(lines),
                bold=buf.chars > 0 and buf.bold_chars >= buf.chars,
                centered=buf.centered or any(self.centered),
                list_label=buf.list_label,
            ))
        self.buf = _Buffer()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag and tag not in _VOID:
                self.skip_depth += 1
            return
        a = {k: (v or "") for k, v in attrs}
        furniture = _FURNITURE.search(" ".join((a.get("class", ""), a.get("id", ""))))
        if tag in _SKIP or furniture and tag not in _NEVER_FURNITURE \
                or a.get("role") in ("navigation", "banner", "contentinfo", "menu"):
            if tag not in _VOID:
                self.skip_tag, self.skip_depth = tag, 1
            return
        if tag == "br":
            self.buf.lines.append("")
            return
        if tag in ("b", "strong"):
            self.bold += 1
        elif tag == "pre":
            self.pre += 1
        if tag in _BLOCK or tag in ("table", "tr", "td", "th"):
            self.flush()
        if tag in _BLOCK and tag not in _VOID:
            center = tag == "center" or a.get("align", "").lower() == "center" or bool(_CENTER.search(a.get("style", "")))
            self.centered.append(center)
        if tag in ("ol", "ul"):
            start = a.get("start", "1")
            self.lists.append([tag, int(start) - 1 if start.isdigit() else 0, a.get("type", "1")])
        elif tag == "li":
            self.buf.list_label = self._next_label()
        elif tag == "table":
            self.tables.append(_TableCtx())
        elif tag == "tr" and self.tables:
            t = self.tables[-1]
            self._end_row(t)
            t.row = []
        elif tag in ("td", "th") and self.tables:
            t = self.tables[-1]
            self._end_cell(t)
            if t.row is None:
                t.row = []
            span = a.get("colspan", "1")
            t.cell = _Cell(colspan=int(span) if span.isdigit() and 0 < int(span) < 50 else 1)

    def _next_label(self) -> str | None:
        if not self.lists:
            return None
        entry = self.lists[-1]
        entry[1] += 1
        if entry[0] == "ul":
            return "•"
        kind = entry[2]
        if kind == "a":
            return f"{chr(ord('a') + (entry[1] - 1) % 26)})"
        if kind == "I":
            return f"{_roman(entry[1])}."
        return f"{entry[1]}."

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        if tag in ("b", "strong"):
            self.bold = max(0, self.bold - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in _BLOCK or tag in ("table", "tr", "td", "th"):
            self.flush()
        if tag in _BLOCK and self.centered:
            self.centered.pop()
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        elif tag in ("td", "th") and self.tables:
            self._end_cell(self.tables[-1])
        elif tag == "tr" and self.tables:
            self._end_row(self.tables[-1])
        elif tag == "table" and self.tables:
            t = self.tables.pop()
            self._end_row(t)
            self.sink().extend(_table_blocks(t.rows))

    def _end_cell(self, t: _TableCtx) -> None:
        if t.cell is not None:
            if t.row is None:
                t.row = []
            t.row.append(t.cell)
            t.cell = None

    def _end_row(self, t: _TableCtx) -> None:
        self._end_cell(t)
        if t.row:
            t.rows.append(t.row)
        t.row = None

    def handle_data(self, data: str) -> None:
        if self.skip_tag is not None:
            return
        if self.pre:
            parts = data.split("\n")
            self.buf.lines[-1] += parts[0]
            for part in parts[1:]:
                self.buf.lines.append(part)
        else:
            self.buf.lines[-1] += re.sub(r"\s+", " ", data)
        n = sum(1 for c in data if not c.isspace())
        self.buf.chars += n
        if self.bold:
            self.buf.bold_chars += n

    def close(self) -> None:
        super().close()
        while self.tables:  # unclosed tables at the end of a broken page
            t = self.tables.pop()
            self._end_row(t)
            self.sink().extend(_table_blocks(t.rows))
        self.flush()


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _cell_text(cell: _Cell) -> str:
    parts = []
    for b in cell.blocks:
        if b.kind == "table":
            parts.extend(" | ".join(r) for r in b.rows or [])
        else:
            parts.append(" ".join(b.text.split()))
    return " ".join(p for p in parts if p)


def _is_layout(rows: list[list[_Cell]]) -> bool:
    """Header, signature or page-wrapper tables: few cells, or cells holding whole texts."""
    width = max((len(r) for r in rows), default=0)
    if width <= 1:
        return True
    for row in rows:
        for cell in row:
            if sum(len(b.text) for b in cell.blocks) > _LAYOUT_CELL_CHARS or len(cell.blocks) > 4:
                return True
    return is_layout_table([[_cell_text(c) for c in row] for row in rows])


def _table_blocks(rows: list[list[_Cell]]) -> list[RawBlock]:
    if not rows:
        return []
    if _is_layout(rows):
        return [b for row in rows for cell in row for b in cell.blocks]
    return [RawBlock("table", rows=[[_cell_text(c) for c in row] for row in rows])]


def read_html(data: bytes, path: str, settings: ParseSettings) -> RawDocument:
    """Decode a web page and turn its body into paragraphs and tables."""
    text, encoding, legacy = decode(data, path)
    reader = _Reader()
    try:
        reader.feed(text)
        reader.close()
    except (AssertionError, ValueError) as exc:  # html.parser's rare hard failures
        raise errors.CorruptFile(path, f"unparseable HTML: {exc}") from None
    blocks = reader.out
    if not any((b.text or "").strip() or b.rows for b in blocks):
        raise errors.NoText(path, "the page has no text outside menus and scripts")
    return RawDocument(format="html", blocks=blocks, encoding=encoding, legacy_encoding=legacy)


__all__ = ["read_html"]
