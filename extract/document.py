"""The Document contract: what every reader produces and everything downstream reads.

A Document is one source file turned into one normalised text (NFC, one tone-mark convention,
hard line wraps joined) plus structure that points into that text by character offsets:
pages, blocks (paragraphs, headings, list items, table cells), tables, the outline tree and the
header block. Offsets are always into ``Document.text``; ``text[block.start:block.end] ==
block.text`` holds for every block.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Literal

Format = Literal["text", "html", "docx", "pdf", "image"]
BlockKind = Literal["paragraph", "heading", "list_item", "table_cell"]


@dataclass
class Source:
    """Where a Document came from."""

    path: str
    name: str  # file name, the key evaluation and the store use
    sha256: str
    format: Format
    size: int
    page_count: int
    ocr_pages: list[int] = field(default_factory=list)  # 1-based numbers of pages read by OCR
    encoding: str | None = None  # text encoding detected for text/HTML sources
    legacy_encoding: str | None = None  # "tcvn3" / "vni" when legacy-font text was converted


@dataclass
class Page:
    number: int  # 1-based
    start: int
    end: int
    ocr: bool = False
    ocr_confidence: float | None = None  # Tesseract mean word confidence, 0-100


@dataclass
class Block:
    kind: BlockKind
    text: str
    page: int
    start: int
    end: int
    label: str | None = None  # the numbering as written: "I.", "1.1.", "a)", "-", "+"
    level: int = 0  # outline depth of a heading or list item (0 = body text)
    table: int | None = None  # index into Document.tables for table cells
    row: int | None = None
    col: int | None = None


@dataclass
class Table:
    page: int
    start: int
    end: int
    rows: list[list[str]]
    title: str | None = None  # e.g. "PHỤ BIỂU SỐ 01 CHỈ TIÊU CAI NGHIỆN MA TÚY NĂM 2021"


@dataclass
class Section:
    """A node of the outline tree: a numbered heading and everything under it."""

    label: str | None  # "I.", "2.", "1.1.", "a)", "PHỤ LỤC"; None for the root
    title: str
    level: int
    page: int
    start: int  # offset of the heading
    end: int  # offset where the section's content ends
    children: list[Section] = field(default_factory=list)
    kind: Literal["section", "annex", "recipients", "signature", "root"] = "section"


@dataclass
class Span:
    """A piece of the text, by offsets, with the page it is on."""

    text: str
    start: int
    end: int
    page: int


@dataclass
class Header:
    """The header block of a Vietnamese administrative document (Nghị định 30/2020 layout)."""

    issuer: Span | None = None  # "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"
    number: Span | None = None  # "Số: 27/KH-UBND" (the whole field, blank numbers included)
    place_date: Span | None = None  # "Quảng Ninh, ngày 02 tháng 02 năm 2021"
    doc_type: Span | None = None  # "KẾ HOẠCH"
    title: Span | None = None  # the line(s) after the document type


@dataclass
class Flag:
    """Something a reader could not read reliably: said, never invented."""

    kind: str  # e.g. "handwritten_number", "garbled_text_layer", "low_ocr_confidence"
    message: str
    page: int | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Document:
    source: Source
    text: str
    pages: list[Page]
    blocks: list[Block]
    tables: list[Table] = field(default_factory=list)
    outline: Section | None = None
    header: Header = field(default_factory=Header)
    flags: list[Flag] = field(default_factory=list)
    seconds: float = 0.0  # time spent parsing

    def page_at(self, offset: int) -> int:
        """The page number holding a character offset."""
        for page in self.pages:
            if page.start <= offset < page.end or (offset == page.end == len(self.text)):
                return page.number
        return self.pages[-1].number if self.pages else 1

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        def section(d: dict | None) -> Section | None:
            if d is None:
                return None
            return Section(**{**d, "children": [section(c) for c in d.get("children", [])]})

        def span(d: dict | None) -> Span | None:
            return Span(**d) if d else None

        return cls(
            source=Source(**data["source"]),
            text=data["text"],
            pages=[Page(**p) for p in data["pages"]],
            blocks=[Block(**b) for b in data["blocks"]],
            tables=[Table(**t) for t in data.get("tables", [])],
            outline=section(data.get("outline")),
            header=Header(**{k: span(v) for k, v in (data.get("header") or {}).items()}),
            flags=[Flag(**f) for f in data.get("flags", [])],
            seconds=data.get("seconds", 0.0),
        )
