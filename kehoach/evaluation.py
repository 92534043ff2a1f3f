"""`kehoach eval`: run extraction on each gold document from its source file and score it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kehoach.doccache import cached_parse
from kehoach.extract.evaluate import Report, load_gold, score
from kehoach.extract.paths import CORPORA

GOLD_SETS = {
    "seeds": CORPORA / "gold",
    "real": CORPORA / "gold" / "real",
    "plans": CORPORA / "gold" / "plans",  # written by the team, in other domains
    "heldout": CORPORA / "gold" / "heldout",  # written by the team, never used for tuning
}
SOURCE_DIRS = [CORPORA / "seeds", CORPORA / "real", CORPORA / "plans", CORPORA / "heldout"]
# Other renderings of the same document: --format picks one.
RENDERED = {"docx": ".docx", "pdf": ".pdf", "scan": ".scan.pdf"}


@dataclass
class Missing:
    doc: str
    reason: str


def source_for(doc: str, fmt: str, gold_dir: Path) -> Path | None:
    """The file a gold document was annotated on, or its rendering in another format."""
    stem = Path(doc).stem
    if fmt in RENDERED:
        path = CORPORA / "rendered" / f"{stem}{RENDERED[fmt]}"
        return path if path.exists() else None
    for folder in [gold_dir.parent / "sources", *SOURCE_DIRS]:
        if (folder / doc).exists():
            return folder / doc
    return None


def predict(gold_dir: Path, fmt: str = "source", out: Path | None = None, use_cache: bool = True,
            on_doc: Callable[[str], None] | None = None) -> tuple[dict[str, dict], list[Missing], list[dict]]:
    """Predictions (gold shape, keyed by the gold's doc name) for every gold document."""
    from kehoach.extract.nlp.pipeline import extract

    golds = load_gold(gold_dir)
    preds: dict[str, dict] = {}
    missing: list[Missing] = []
    for gold in golds:
        if on_doc is not None:
            on_doc(gold["doc"])
        src = source_for(gold["doc"], fmt, gold_dir)
        if src is None:
            missing.append(Missing(gold["doc"], "source file not found" if fmt == "source"
                                   else f"no {fmt} rendering in corpora/rendered/"))
            continue
        found = extract(cached_parse(src, use_cache=use_cache))
        found.doc = gold["doc"]  # a rendering is scored as the document it renders
        preds[gold["doc"]] = found.to_gold_dict()
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{Path(gold['doc']).name}.json").write_text(
                json.dumps(preds[gold["doc"]], ensure_ascii=False, indent=1), encoding="utf-8")
    return preds, missing, golds


def evaluate(gold_dir: Path, fmt: str = "source", out: Path | None = None, use_cache: bool = True,
             on_doc: Callable[[str], None] | None = None) -> tuple[Report, list[Missing]]:
    preds, missing, golds = predict(gold_dir, fmt, out, use_cache, on_doc)
    # a document whose source is missing in this format is not scored in this format
    present = [g for g in golds if g["doc"] in preds]
    return score(present, preds), missing
