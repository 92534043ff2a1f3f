"""The same plan read from three formats gives the same text and the same outline.

corpora/rendered/<stem>.docx and .pdf are made from corpora/seeds/<stem>.txt by
scripts/render_seeds.py (committed; re-run it when a seed or the layout of the text reader
changes). Text is compared after whitespace is collapsed: line and paragraph breaks differ
between formats by nature, the words must not.
"""
from __future__ import annotations

import difflib
from functools import lru_cache

import pytest

from kehoach.extract.normalize import collapse_ws
from kehoach.extract.parse import parse
from kehoach.extract.paths import CORPORA

SEEDS = sorted((CORPORA / "seeds").glob("*.txt"))
RENDERED = CORPORA / "rendered"


@lru_cache(maxsize=None)
def _parsed(path):
    return parse(path)


def _sections(doc) -> list[tuple[str, str | None, str]]:
    return [(s.kind, s.label, s.title) for s in doc.outline.children]


def _first_difference(a: str, b: str) -> str:
    """Where two texts part, with some context: the message a failing test should give."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    diffs = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    tag, i1, i2, j1, j2 = diffs[0]
    return (f"{len(diffs)} differences; first ({tag}) near offset {i1}:\n"
            f"  seed:     {a[max(0, i1 - 60):i2 + 60]!r}\n  rendered: {b[max(0, j1 - 60):j2 + 60]!r}")


def _check(seed, suffix: str) -> None:
    rendered = RENDERED / f"{seed.stem}{suffix}"
    assert rendered.exists(), f"{rendered} missing: run scripts/render_seeds.py"
    want, got = _parsed(seed), _parsed(rendered)
    a, b = collapse_ws(want.text), collapse_ws(got.text)
    assert a == b, _first_difference(a, b)
    assert _sections(got) == _sections(want)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_docx_reads_like_the_text_copy(seed):
    _check(seed, ".docx")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_docx_keeps_tables_and_pages(seed):
    want, got = _parsed(seed), _parsed(RENDERED / f"{seed.stem}.docx")
    assert [t.rows for t in got.tables] == [t.rows for t in want.tables]
    # render_seeds puts every annex on a new page; the DOCX reader counts explicit breaks.
    annexes = sum(s.kind == "annex" for s in want.outline.children)
    assert len(got.pages) == 1 + annexes


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_digital_pdf_reads_like_the_text_copy(seed):
    _check(seed, ".pdf")
