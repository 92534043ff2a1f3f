"""Baselines that bench/extract.py scores beside our extractors.

``date_regex_deadlines(text)``: the plain date-regex baseline for deadlines. Every date that
``extract.dates.find_dates`` finds in a sentence holding a verb (underthesea's POS tagger says
so) is an absolute deadline, the sentence (at most 200 characters around the date) its text. No grammar: it
cannot tell a deadline from a citation's or a statistic's date, and it finds no recurring duty
or period end.

    .venv/bin/python bench/extract_baselines.py    # its F1 on the seed and real gold
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from kehoach.extract.dates import find_dates

_SENTENCE = re.compile(r"[^\n.!?;]+(?:[.!?;]|$)")


def _has_verb(sentence: str) -> bool:
    from underthesea import pos_tag

    return any(tag.startswith("V") for _, tag in pos_tag(sentence))


def date_regex_deadlines(text: str) -> list[dict]:
    """Deadlines in the gold shape: one absolute deadline per date in a sentence with a verb."""
    out = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0).strip()
        dates = [d for d in find_dates(sentence) if d.iso]
        if not dates or not _has_verb(sentence):
            continue
        for d in dates:  # the sentence, or the 200 characters that end with the date
            lo = max(0, min(d.start - 150, len(sentence) - 200))
            out.append({"kind": "absolute", "date": d.iso, "frequency": None, "action": None,
                        "agency": None, "text": sentence[lo:lo + 200]})
    return out


def main() -> None:
    """Score the baseline on the seed and real gold with the reference scorer."""
    import importlib.util
    import json
    import tempfile

    from kehoach.extract.parse import parse
    from kehoach.extract.paths import CORPORA

    spec = importlib.util.spec_from_file_location("gold_score", CORPORA / "eval" / "score.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    sets = {
        "seeds": (CORPORA / "gold", [(p, p.name) for p in sorted((CORPORA / "seeds").glob("*.txt"))]),
        "real (transcripts, docx)": (
            CORPORA / "gold" / "real",
            [(p, p.name[:-4]) for p in sorted((CORPORA / "real" / "transcripts").glob("*.txt"))]
            + [(p, p.name) for p in sorted((CORPORA / "real").glob("*.docx"))]),
    }
    for label, (gold, docs) in sets.items():
        with tempfile.TemporaryDirectory() as tmp:
            for path, name in docs:
                pred = {"doc": name, "deadlines": date_regex_deadlines(parse(path).text)}
                Path(tmp, name + ".json").write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
            r = scorer.score(gold, Path(tmp))["deadlines"]
        print(f"{label:<26} gold {r['gold']:>3} pred {r['pred']:>3} tp {r['tp']:>3}  "
              f"P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}")


if __name__ == "__main__":
    sys.exit(main())
