"""Parsed Documents cached on disk, keyed by file content and parser code.

OCR costs seconds a page; evaluation and development re-read the same files many times. The key
is the file's sha256 plus a hash of the parsing code, so a changed reader never serves stale
text. (The store keeps parsed text for production re-extraction; this is for the shell.)
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from kehoach.extract.document import Document
from kehoach.extract.parse import parse
from kehoach.extract.paths import REPO

CACHE = Path(os.environ.get("KEHOACH_CACHE", REPO / ".cache" / "documents"))


@lru_cache(maxsize=1)
def parser_hash() -> str:
    root = Path(__file__).resolve().parents[1] / "extract"
    files = sorted([*root.glob("parse/*.py"), root / "layout.py", root / "outline.py", root / "normalize.py"])
    h = hashlib.sha256()
    for f in files:
        if f.exists():
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def cached_parse(path: str | Path, use_cache: bool = True) -> Document:
    path = Path(path)
    if not use_cache:
        return parse(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    entry = CACHE / f"{digest}-{parser_hash()}.json"
    if entry.exists():
        doc = Document.from_dict(json.loads(entry.read_text(encoding="utf-8")))
        # same bytes under another name or folder: report the file as asked for
        doc.source.path, doc.source.name = str(path), path.name
        return doc
    doc = parse(path)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = entry.with_suffix(".tmp")
    tmp.write_text(doc.to_json(), encoding="utf-8")
    tmp.replace(entry)  # atomic: a crash never leaves half a cache entry
    return doc
