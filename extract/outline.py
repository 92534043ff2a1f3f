"""The outline of a document: block labels, the section tree and the header block.

Vietnamese administrative documents number their parts in a few styles — "A." parts, "I."
sections, "1." / "1.1." / "1.1.1." items, "a)" points, "-" / "+" bullets, "Điều 1." articles —
and nest them in the order the styles first appear. Levels come from that order (a stack of
styles, as a reader would infer it), not from a fixed table, so a plan that starts at "1."
gets "1." at level 1. The closing parts — "Nơi nhận" (recipients), the signature block
("KT. CHỦ TỊCH") and annexes ("PHỤ LỤC", "PHỤ BIỂU") — are top-level sections of their own
kind. The header (Nghị định 30/2020 layout) is read from the blocks before the first section.
"""
from __future__ import annotations

import re

from .document import Block, Document, Header, Section, Span
from .layout import DOC_TYPES, MARKER, is_doc_type, is_upper_line

_HEADING_MAX = 200
_RECIPIENTS = re.compile(r"^Nơi\s+nhận\b")
_ANNEX = re.compile(
    r"^(?P<label>(?:PHỤ\s+LỤC|PHỤ\s+BIỂU|Phụ\s+lục|Phụ\s+biểu)(?:\s+(?:SỐ|số))?(?:\s+(?:\d{1,3}|[IVXL]{1,6}|[A-Z]))?)\b\.?"
)
_SIGNATURE = re.compile(
    r"^(?:(?:KT|TM|TL|TUQ|Q)\.(?:\s|$)|(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|TRƯỞNG\s+BAN|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|CHÁNH\s+VĂN\s+PHÒNG)\b)"
)
_NUMBER = re.compile(r"\bSố\s*:\s*(?:[^\s/]*\s?/\s?)?[^\s,;]+")
_PLACE_DATE = re.compile(
    r"(?<![^\W\d_])(?:[^\W\d_]+\s+){0,3}[^\W\d_]+\s*,\s*ngày\s*(?:\d{1,2}\s*)?"
    r"tháng\s*(?:\d{1,2}\s*)?năm\s*\d{4}"
)
_CAPITAL_HEADER = re.compile(r"^(?:CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI|Độc\s+lập\s*[-–]\s*Tự\s+do)")
_HEADER_BLOCKS = 40  # the header sits in the first blocks; never scan a whole long document


def _starts_lower(text: str) -> bool:
    """The first letter is lowercase: "Phụ lục kèm theo ..." is a sentence, not an annex."""
    letter = next((c for c in text if c.isalnum()), "")
    return letter.isalpha() and letter.islower()


def _style(match: re.Match[str]) -> str:
    """A key for the numbering style: blocks with the same key are siblings."""
    kind = match.lastgroup or ""
    if kind in ("arabic", "arabicx"):
        number = match.group(kind)
        return f"arabic{number.count('.') + 1}"
    if kind == "article":
        return "article:" + match.group(kind).split()[0].lower()
    if kind == "bullet":
        mark = match.group(kind)
        return {"+": "plus", "-": "dash", "–": "dash", "—": "dash"}.get(mark, "bullet")
    return kind


def _title(text: str, label: str, heading: bool) -> str:
    title = text[len(label):].strip()
    if heading:
        return title.rstrip(" :.;")
    # A long numbered paragraph: its title is the part before the first colon or sentence end.
    cut = re.search(r":(?:\s|$)", title)
    if cut and cut.start() <= 150:
        return title[: cut.start()]
    cut = re.search(r"\.(?:\s|$)", title[20:])
    if cut and cut.start() <= 130:
        return title[: cut.start() + 20]
    return title[:120].rstrip() + ("…" if len(title) > 120 else "")


class _Builder:
    """Walks the blocks once, keeping a stack of numbering styles and one of open sections."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.root = Section(None, "", 0, 1, 0, len(doc.text), kind="root")
        self.open: list[Section] = [self.root]
        self.styles: list[str] = []  # hierarchical styles, outermost first
        self.bullets: list[str] = []  # bullet styles under the innermost section
        self.base = 0  # 1 inside an annex: its numbering nests under the annex
        self.closing = False  # in recipients or signature: numbering there is not an outline
        self.seen_section = False

    def close_to(self, level: int, at: int) -> None:
        while len(self.open) > 1 and self.open[-1].level >= level:
            section = self.open.pop()
            section.end = max(section.start, at)

    def push(self, block: Block, label: str | None, title: str, level: int, kind: str) -> None:
        self.close_to(level, block.start - 1)
        section = Section(label, title, level, block.page, block.start, len(self.doc.text), kind=kind)
        self.open[-1].children.append(section)
        self.open.append(section)
        self.seen_section = True

    def top_level(self, block: Block, label: str | None, title: str, kind: str) -> None:
        self.styles, self.bullets = [], []
        self.push(block, label, title, 1, kind)

    def visit(self, block: Block) -> None:
        text = block.text
        m = _ANNEX.match(text)
        if m and (is_upper_line(text[: m.end()]) or len(text) < 200 and not _starts_lower(text[m.end():])):
            label = " ".join(m.group("label").split())
            block.kind, block.label, block.level = "heading", label, 1
            self.top_level(block, label, text[m.end():].strip(" .:-") or label, "annex")
            self.base, self.closing = 1, False
            return
        if _RECIPIENTS.match(text):
            block.kind, block.level = "heading", 1
            self.top_level(block, None, "Nơi nhận", "recipients")
            self.base, self.closing = 1, True
            return
        if _SIGNATURE.match(text) and is_upper_line(text) and self.seen_section and self.open[-1].kind != "signature":
            block.kind, block.level = "heading", 1
            self.top_level(block, None, text, "signature")
            self.base, self.closing = 1, True
            return
        m = MARKER.match(text)
        if m is None:
            if is_upper_line(text) and len(text) <= _HEADING_MAX and not self.closing:
                block.kind = "heading"
                block.level = len(self.open)
            return
        label = m.group(0).strip()
        style = _style(m)
        if style in ("dash", "plus", "bullet"):
            if style in self.bullets:
                del self.bullets[self.bullets.index(style) + 1 :]
            else:
                self.bullets.append(style)
            block.kind, block.label = "list_item", label
            block.level = self.base + len(self.styles) + len(self.bullets)
            return
        if self.closing:
            block.kind, block.label = "list_item", label
            return
        self.bullets = []
        if style in self.styles:
            del self.styles[self.styles.index(style) + 1 :]
        else:
            self.styles.append(style)
        level = self.base + len(self.styles)
        body = text[m.end():]
        heading = len(text) <= _HEADING_MAX and (is_upper_line(text) or not re.search(r"[.;!?]\s+\S", body))
        block.kind = "heading" if heading else "list_item"
        block.label, block.level = label, level
        self.push(block, label, _title(text, m.group(0), heading), level, "section")


def build_outline(doc: Document) -> Section:
    """Label the paragraph blocks in place and return the section tree."""
    builder = _Builder(doc)
    header_end = _header_end(doc)
    for i, block in enumerate(doc.blocks):
        if block.kind == "table_cell":
            continue
        if i < header_end:
            if is_upper_line(block.text) and len(block.text) <= _HEADING_MAX:
                block.kind = "heading"
            continue
        builder.visit(block)
    builder.close_to(1, len(doc.text))
    return builder.root


def _header_end(doc: Document) -> int:
    """Index of the first block after the header: after the title that follows the document
    type, or at the first numbered block, whichever comes first."""
    limit = min(len(doc.blocks), _HEADER_BLOCKS)
    for i in range(limit):
        block = doc.blocks[i]
        if block.kind == "table_cell":
            return i
        if MARKER.match(block.text) and not MARKER.match(block.text).lastgroup == "bullet":
            return i
        end = _doc_type_end(block.text)
        if end is not None:
            return _title_end(doc, i) if end == len(block.text) else i + 1
    return 0


def _title_end(doc: Document, at: int) -> int:
    """Index after the title blocks that follow the document type at ``at``: one block, and
    the lowercase lines it runs on to when typed as separate paragraphs."""
    i = at + 1
    if i >= len(doc.blocks) or doc.blocks[i].kind == "table_cell" or not _is_title(doc.blocks[i].text):
        return at + 1
    i += 1
    while (i < len(doc.blocks) and i - at <= 3 and doc.blocks[i].kind != "table_cell"
           and _starts_lower(doc.blocks[i].text) and len(doc.blocks[i].text) <= 200):
        i += 1
    return i


_DOC_TYPE_PREFIX = re.compile(
    r"^(?:" + "|".join(sorted(map(re.escape, DOC_TYPES), key=len, reverse=True)) + r")(?=\s+\S)"
)


def _doc_type_end(text: str) -> int | None:
    """End of the document type in a header block: the whole block ("KẾ HOẠCH"), or its
    start when the title runs on in capitals ("QUYẾT ĐỊNH CHẤP THUẬN CHỦ TRƯƠNG ...")."""
    if is_doc_type(text):
        return len(text)
    m = _DOC_TYPE_PREFIX.match(text)
    if m and is_upper_line(text):
        return m.end()
    return None


_PREAMBLE = re.compile(r"^(?:Căn\s+cứ|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị|Trên\s+cơ\s+sở)")


def _is_title(text: str) -> bool:
    """The block after the document type is its title unless it is already the preamble
    ("Căn cứ ...;") or a numbered part."""
    if MARKER.match(text) or _CAPITAL_HEADER.match(text):
        return False
    if is_upper_line(text):
        return True
    return len(text) <= 300 and not _PREAMBLE.match(text) and not text.rstrip().endswith((";", ":"))


def _span(doc: Document, block: Block, start: int = 0, end: int | None = None) -> Span:
    end = len(block.text) if end is None else end
    text = doc.text[block.start + start:block.start + end]  # may run over into the next block
    # trim the spaces and stray punctuation at the edges, keeping offsets exact
    lead = len(text) - len(text.lstrip(" *"))
    text = text.strip(" *")
    s = block.start + start + lead
    return Span(text, s, s + len(text), doc.page_at(s))


def _place_start(text: str, match: re.Match[str]) -> int:
    """Where the place name begins: at the first of its capitalised words, skipping words
    in lowercase or in capitals before it (the end of the motto, a stray acronym)."""
    place = text[match.start():match.end()].split(",", 1)[0]
    start = match.start()
    motto = place.rfind("Hạnh phúc")  # a header flattened into one line: "... Hạnh phúc Lào Cai, ngày"
    if motto >= 0:
        start += motto + len("Hạnh phúc")
        place = place[motto + len("Hạnh phúc"):]
    for word in place.split():
        if word[:1].isupper() and not is_upper_line(word):
            break
        start = text.index(word, start) + len(word)
    while start < len(text) and text[start] == " ":
        start += 1
    return start if text[start:start + 1].isalpha() else match.start()


def build_header(doc: Document) -> Header:
    """Header fields from the blocks before the body (at most the first few dozen)."""
    header = Header()
    end = _header_end(doc) or min(12, len(doc.blocks))
    region = [i for i in range(end) if doc.blocks[i].kind != "table_cell"]
    doc_type_at = None
    for i in region:
        block = doc.blocks[i]
        if header.number is None:
            m = _NUMBER.search(block.text)
            if m and m.start() < 80:
                header.number = _span(doc, block, m.start(), len(m.group(0).rstrip(".;,")) + m.start())
        if header.place_date is None:
            m = _PLACE_DATE.search(block.text)
            if m:
                header.place_date = _span(doc, block, _place_start(block.text, m), m.end())
        if doc_type_at is None:
            type_end = _doc_type_end(block.text)
            if type_end is not None:
                header.doc_type = _span(doc, block, 0, type_end)
                doc_type_at = i
                if type_end < len(block.text):
                    header.title = _span(doc, block, type_end)
    if header.title is None and doc_type_at is not None:
        last = _title_end(doc, doc_type_at) - 1
        if last > doc_type_at:
            first, final = doc.blocks[doc_type_at + 1], doc.blocks[last]
            header.title = _span(doc, first, 0, final.end - first.start) if last > doc_type_at + 1 \
                else _span(doc, first)
    # The issuer: the first capitals block that is not the national motto or a field.
    for i in region:
        if doc_type_at is not None and i >= doc_type_at:
            break
        text = doc.blocks[i].text
        if _CAPITAL_HEADER.match(text) or text.startswith("Số") or not is_upper_line(text):
            continue
        if _PLACE_DATE.search(text) or _doc_type_end(text) is not None:
            continue
        header.issuer = _span(doc, doc.blocks[i])
        break
    return header


def annotate(doc: Document) -> Document:
    """Fill blocks' kind/label/level, ``doc.outline``, ``doc.header`` and table titles."""
    doc.outline = build_outline(doc)
    doc.header = build_header(doc)
    _title_tables(doc)
    return doc


def _title_tables(doc: Document) -> None:
    """A table right under an annex heading takes the heading as its title."""
    annexes = [s for s in (doc.outline.children if doc.outline else []) if s.kind == "annex"]
    heading_at = {s.start: None for s in annexes}
    for block in doc.blocks:
        if block.start in heading_at and heading_at[block.start] is None:
            heading_at[block.start] = block
    for table in doc.tables:
        for annex in annexes:
            if annex.start <= table.start < annex.end:
                if not any(t.title for t in doc.tables if t is not table and annex.start <= t.start < table.start):
                    heading = heading_at.get(annex.start)
                    table.title = heading.text if heading else annex.title
                break


def iter_sections(section: Section):
    """Depth-first, the root included."""
    yield section
    for child in section.children:
        yield from iter_sections(child)


def render_outline(doc: Document) -> str:
    """An indented text view: header fields, then the section tree with pages and tables."""
    lines: list[str] = []
    h = doc.header
    for name in ("issuer", "number", "place_date", "doc_type", "title"):
        span = getattr(h, name)
        if span is not None:
            lines.append(f"{name:>10}: {span.text}")
    if lines:
        lines.append("")

    tables_at = {t.start: (i, t) for i, t in enumerate(doc.tables)}
    table_starts = sorted(tables_at)

    def walk(section: Section, depth: int) -> None:
        for child in section.children:
            tag = "" if child.kind == "section" else f"[{child.kind}] "
            if child.label and child.title and child.title != child.label:
                head = f"{child.label} {child.title}"
            else:
                head = child.label or child.title
            lines.append(f"{'  ' * depth}{tag}{head}  (p.{child.page})")
            for start in table_starts:
                if child.start <= start < child.end and not any(
                    g.start <= start < g.end for g in child.children
                ):
                    i, t = tables_at[start]
                    width = max((len(r) for r in t.rows), default=0)
                    lines.append(f"{'  ' * (depth + 1)}table {i + 1}: {len(t.rows)} rows x {width} cols"
                                 + (f" — {t.title}" if t.title else ""))
            walk(child, depth + 1)

    if doc.outline is not None:
        walk(doc.outline, 0)
        loose = [s for s in table_starts if not any(c.start <= s < c.end for c in doc.outline.children)]
        for start in loose:
            i, t = tables_at[start]
            width = max((len(r) for r in t.rows), default=0)
            lines.append(f"table {i + 1}: {len(t.rows)} rows x {width} cols")
    return "\n".join(lines)


__all__ = ["annotate", "build_outline", "build_header", "render_outline", "iter_sections"]
