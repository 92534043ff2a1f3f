"""The extraction pipeline: a spaCy Language whose components each find one kind of fact.

``load()`` builds it from models/pipeline.json: the underthesea tokenizer, then one registered
component per kind (``kehoach_header``, ``kehoach_citations``, ...). Each component wraps a pure
finder ``find_<kind>(ctx)`` from its own module, stores the facts in the Extraction being built
(``doc._.found``) and their spans in ``doc.spans[<kind>]`` for displaCy. ``extract(document)``
runs it on a parsed Document.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import time
from functools import lru_cache
from typing import Callable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..document import Document
from ..model import Extraction
from ..paths import MODELS
from .base import Context

__version__ = "0.1.0"

for _name in ("ctx", "found"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def _finder(module: str, func: str) -> Callable[[Context], object]:
    return getattr(importlib.import_module(f"{__package__}.{module}"), func)


def _register(kind: str, module: str, func: str, store: Callable[[Extraction, object], None]) -> None:
    @Language.factory(f"kehoach_{kind}")
    def make(nlp: Language, name: str) -> Callable[[Doc], Doc]:
        find = _finder(module, func)

        def component(doc: Doc) -> Doc:
            ctx: Context = doc._.ctx
            result = find(ctx)
            store(ctx.found, result)
            spans = []
            for fact in result if isinstance(result, list) else []:
                prov = getattr(fact, "provenance", None)
                if prov is not None:
                    span = doc.char_span(prov.start, prov.end, label=kind, alignment_mode="expand")
                    if span is not None:
                        spans.append(span)
            doc.spans[kind] = spans
            return doc

        return component


_register("header", "header", "find_metadata", lambda f, r: setattr(f, "metadata", r))
for _kind in ("citations", "agencies", "targets", "deadlines"):
    _register(_kind, _kind, f"find_{_kind}", lambda f, r, k=_kind: setattr(f, k, r))


@lru_cache(maxsize=1)
def model_hash() -> str:
    """A hash of everything under models/: a changed lexicon is a changed extractor."""
    h = hashlib.sha256()
    for path in sorted(p for p in MODELS.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(MODELS)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def extractor_version() -> str:
    return f"{__version__}+{model_hash()}"


@lru_cache(maxsize=2)
def load(config_name: str = "pipeline.json") -> Language:
    """The pipeline described by models/<config_name>."""
    from .tokenize import VietnameseTokenizer

    config = json.loads((MODELS / config_name).read_text(encoding="utf-8"))
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    if config.get("tokenizer") == "underthesea":
        nlp.tokenizer = VietnameseTokenizer(nlp.vocab)
    for comp in config["components"]:
        nlp.add_pipe(comp["factory"], name=comp["name"])
    return nlp


def annotated(document: Document, nlp: Language | None = None) -> tuple[Doc, Extraction]:
    """The spaCy Doc with fact spans (for displaCy) and the Extraction."""
    nlp = nlp or load()
    started = time.perf_counter()
    found = Extraction(doc=document.source.name, extractor_version=extractor_version())
    doc = nlp.make_doc(document.text)
    doc._.ctx = Context(document=document, found=found, tokens=doc)
    doc._.found = found
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    found.seconds = round(time.perf_counter() - started, 4)
    return doc, found


def extract(document: Document, nlp: Language | None = None) -> Extraction:
    """All facts of a parsed Document, each with its provenance."""
    return annotated(document, nlp)[1]
