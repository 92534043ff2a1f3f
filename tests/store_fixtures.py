"""Shared data for the store tests: the sample corpus parsed and extracted, and fresh stores.

``seed_pairs()`` parses corpora/seeds/*.txt and runs the real extraction pipeline once per
test process. Should the pipeline fail (it is being worked on in parallel), the facts come
from the gold files instead, each placed in the text by searching for it, so the store tests
still exercise real Documents and complete Extractions.
"""
from __future__ import annotations

import copy
import json
import re
import warnings
from functools import lru_cache
from pathlib import Path

import pytest

import pg
from kehoach.extract.document import Document
from kehoach.extract.model import Extraction
from kehoach.extract.paths import CORPORA
from kehoach.store.db import Store, open_store
from kehoach.store.load import RunInfo, save_parsed_and_extracted

DIALECTS = ["sqlite", "postgresql"]


@lru_cache(maxsize=1)
def _seed_pairs() -> tuple[tuple[Document, Extraction], ...]:
    from kehoach.extract.parse import parse

    pairs = []
    for path in sorted((CORPORA / "seeds").glob("*.txt")):
        doc = parse(path)
        try:
            from kehoach.extract.nlp.pipeline import extract
            ext = extract(doc)
        except Exception as exc:  # pragma: no cover - only while the pipeline is broken
            warnings.warn(f"extraction pipeline failed ({exc!r}); using gold facts for {path.name}")
            ext = _from_gold(doc, CORPORA / "gold" / f"{path.stem}.json")
        pairs.append((doc, ext))
    return tuple(pairs)


def seed_pairs() -> list[tuple[Document, Extraction]]:
    """Fresh copies (tests may change them)."""
    return copy.deepcopy(list(_seed_pairs()))


def _from_gold(doc: Document, gold: Path) -> Extraction:
    from kehoach.extract.citekey import citation_key

    data = json.loads(gold.read_text(encoding="utf-8"))

    def place(span: str) -> dict:
        # gold spans are verbatim up to whitespace runs
        m = re.search(r"\s+".join(map(re.escape, span.split())), doc.text) if span.split() else None
        start, end = (m.start(), m.end()) if m else (0, 0)
        return {"page": doc.page_at(start), "start": start, "end": end, "text": doc.text[start:end]}

    for kind, key in (("citations", "mention"), ("agencies", "mention"), ("targets", "text"),
                      ("deadlines", "text")):
        data[kind] = [{**item, "provenance": place(item.get(key) or "")} for item in data.get(kind, [])]
    for c in data["citations"]:
        c["key"] = citation_key(c.get("type"), c.get("number"), c.get("date"), name=c.get("mention"))
    data["extractor_version"] = "gold"
    return Extraction.from_dict(data)


def run_info(extraction: Extraction, version: str | None = None) -> RunInfo:
    return RunInfo(extractor_version=version or extraction.extractor_version or "test",
                   models_hash="test", seconds=extraction.seconds)


def make_store(dialect: str, tmp_path: Path) -> Store:
    """A new, empty, migrated store."""
    if dialect == "sqlite":
        return open_store(tmp_path / "kehoach.db")
    return open_store(pg.server().create_database(template=_pg_template()))


@lru_cache(maxsize=1)
def _pg_template() -> str:
    """A migrated database that each test's database is copied from (faster than migrating)."""
    if not pg.available():
        pytest.skip("PostgreSQL server binaries not installed (scripts/install-system.sh installs them)")
    url = pg.server().create_database("kehoach_template")
    open_store(url).close()  # a template must have no open connections
    return "kehoach_template"


def load_seeds(store: Store) -> list[int]:
    return [save_parsed_and_extracted(store, d, e, run_info(e)) for d, e in seed_pairs()]
