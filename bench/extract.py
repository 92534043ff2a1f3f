"""Extraction speed and accuracy against simple baselines.

    .venv/bin/python bench/extract.py [--repeat 3] [--profile]

Prints, for the seeds and our own plans (parsed text in, facts out, one core):
- documents/s and tokens/s of the whole extraction, beside underthesea's bare word_tokenize on
  the same text, and the time per component;
- F1 of our agencies beside underthesea's CRF ner (ORG spans) as a baseline, and of our
  deadlines beside a plain date-regex baseline.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract_baselines import date_regex_deadlines  # noqa: E402

from kehoach.doccache import cached_parse  # noqa: E402
from kehoach.evaluation import GOLD_SETS, source_for  # noqa: E402
from kehoach.extract.evaluate import load_gold, score  # noqa: E402
from kehoach.extract.nlp import pipeline  # noqa: E402
from kehoach.extract.nlp.base import Context  # noqa: E402
from kehoach.extract.paths import CORPORA  # noqa: E402


def ner_agencies(text: str) -> list[dict]:
    """Baseline: every ORG span underthesea's CRF ner tags, as an agency."""
    from underthesea import ner

    found: dict[str, dict] = {}
    for line in text.split("\n"):
        if not line.strip():
            continue
        words, current = ner(line), []
        for word, _, _, tag in words + [("", "", "", "O")]:
            if tag.endswith("ORG") and not (tag.startswith("B-") and current):
                current.append(word)
                continue
            if current:
                name = " ".join(current)
                found.setdefault(name, {"name": name, "aliases_in_text": [], "roles": [], "mention": name})
            current = [word] if tag.startswith("B-") and tag.endswith("ORG") else []
    return list(found.values())


def gold_documents() -> list[tuple[dict, Path]]:
    out = []
    for name in ("seeds", "plans"):
        folder = GOLD_SETS.get(name, CORPORA / "gold" / name)
        if not folder.exists():
            continue
        for g in load_gold(folder):
            src = source_for(g["doc"], "source", folder)
            if src is not None and src.suffix in (".txt", ".html", ".docx"):
                out.append((g, src))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="print the 25 most expensive functions")
    args = ap.parse_args()

    from underthesea import word_tokenize

    docs = gold_documents()
    parsed = [(g, cached_parse(src)) for g, src in docs]
    nlp = pipeline.load()
    pipeline.extract(parsed[0][1], nlp)  # warm up: models and lexicons load once

    # bare tokenisation, the yardstick
    t0 = time.perf_counter()
    tokens = 0
    for _ in range(args.repeat):
        for _, d in parsed:
            tokens += sum(len(word_tokenize(line, use_token_normalize=False))
                          for line in d.text.split("\n") if line.strip())
    tok_s = time.perf_counter() - t0

    # the whole extraction, and each component
    per_component: dict[str, float] = {}
    t0 = time.perf_counter()
    preds = {}
    for _ in range(args.repeat):
        for g, d in parsed:
            started = time.perf_counter()
            sdoc = nlp.make_doc(d.text)
            per_component["tokenizer"] = per_component.get("tokenizer", 0) + time.perf_counter() - started
            found = pipeline.Extraction(doc=g["doc"])
            sdoc._.ctx = Context(document=d, found=found, tokens=sdoc)
            for name, proc in nlp.pipeline:
                started = time.perf_counter()
                proc(sdoc)
                per_component[name] = per_component.get(name, 0) + time.perf_counter() - started
            preds[g["doc"]] = found.to_gold_dict()
    ext_s = time.perf_counter() - t0
    n = len(parsed) * args.repeat
    pages = sum(max(1, len(d.text) // 3000) for _, d in parsed) * args.repeat  # ~3,000 chars a page

    print(f"documents: {len(parsed)} x {args.repeat} runs, {tokens // args.repeat:,} tokens per run")
    print(f"underthesea word_tokenize: {tokens / tok_s:,.0f} tokens/s")
    print(f"kehoach extraction:        {tokens / ext_s:,.0f} tokens/s, {n / ext_s:.1f} documents/s, "
          f"{1000 * ext_s / pages:.0f} ms per page ({ext_s / tok_s:.2f}x bare tokenisation)")
    for name, secs in per_component.items():
        print(f"  {name:<10} {1000 * secs / n:7.1f} ms/doc  {100 * secs / ext_s:5.1f}%")

    golds = [g for g, _ in parsed]
    ours = score(golds, preds)
    ner_preds = {g["doc"]: {"agencies": ner_agencies(d.text)} for g, d in parsed}
    date_preds = {g["doc"]: {"deadlines": date_regex_deadlines(d.text)} for g, d in parsed}
    base_ag = score(golds, ner_preds).total("agencies")
    base_dl = score(golds, date_preds).total("deadlines")
    print("\nF1 on the same documents   ours    baseline")
    print(f"agencies (underthesea ner) {ours.total('agencies').f1:.3f}   {base_ag.f1:.3f}")
    print(f"deadlines (date regex)     {ours.total('deadlines').f1:.3f}   {base_dl.f1:.3f}")

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for _, d in parsed:
            pipeline.extract(d, nlp)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
