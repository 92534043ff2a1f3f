"""What every extraction component gets and gives.

A component is a pure function ``find_<kind>(ctx: Context) -> list[Fact]`` in its own module
(header, citations, agencies, targets, deadlines). ``extract.nlp.pipeline`` registers each as a
spaCy component, runs them in order, and fills ``ctx.found`` as it goes, so a later component can
read what earlier ones found (the plan year, the issuer, the agencies).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..document import Block, Document, Section
from ..model import Extraction, Provenance

if TYPE_CHECKING:  # spaCy is only needed by the pipeline, not by the pure finders
    from spacy.tokens import Doc


@dataclass
class Context:
    document: Document
    found: Extraction
    tokens: Doc | None = None  # underthesea words as a spaCy Doc over document.text (same offsets)
    cache: dict[str, Any] = field(default_factory=dict)  # shared scratch: section index, etc.


def provenance(document: Document, start: int, end: int) -> Provenance:
    """Where a span is: its page and the verbatim text."""
    return Provenance(page=document.page_at(start), start=start, end=end, text=document.text[start:end])


def sections_at(document: Document, offset: int) -> list[Section]:
    """The chain of outline sections holding an offset, outermost first (root excluded)."""
    chain: list[Section] = []
    node = document.outline
    while node is not None:
        inner = next((c for c in node.children if c.start <= offset < c.end), None)
        if inner is None:
            break
        chain.append(inner)
        node = inner
    return chain


def block_at(document: Document, offset: int) -> Block | None:
    """The block holding an offset (binary search over blocks in text order)."""
    blocks = document.blocks
    lo, hi = 0, len(blocks) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        b = blocks[mid]
        if offset < b.start:
            hi = mid - 1
        elif offset >= b.end:
            lo = mid + 1
        else:
            return b
    return None
