"""kehoach's scorer agrees with the team's reference scorer (corpora/eval/score.py)."""
from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kehoach.extract.evaluate import KINDS, load_gold, score
from kehoach.extract.paths import CORPORA

SCORER = CORPORA / "eval" / "score.py"


def perturb(gold: dict, rng: random.Random) -> dict:
    """A plausible imperfect prediction: items dropped, values and texts changed, extras added."""
    pred = copy.deepcopy(gold)
    pred.pop("scope", None)
    for kind in KINDS:
        items = pred.get(kind) or []
        kept = [it for it in items if rng.random() > 0.25]
        for it in kept:
            r = rng.random()
            if kind == "targets" and r < 0.2:
                it["value"] = (it.get("value") or 0) + 1
            elif kind == "citations" and r < 0.2 and it.get("number"):
                it["number"] = it["number"].replace("/", " / ", 1)  # spaces are not a difference
            elif kind == "agencies" and r < 0.2:
                it["name"] = it["name"] + " tỉnh"
            elif kind == "deadlines" and r < 0.2:
                it["text"] = "khác hẳn " + it["text"][::-1]
        if items and rng.random() < 0.5:
            kept.append(copy.deepcopy(rng.choice(items)))  # a duplicate is an extra
        pred[kind] = kept
    meta = pred.get("metadata") or {}
    if rng.random() < 0.5:
        meta["number"] = None
    if rng.random() < 0.5:
        meta["province"] = "Tỉnh " + str(meta.get("province"))
    return pred


@pytest.mark.parametrize("gold_dir", [CORPORA / "gold", CORPORA / "gold" / "real"], ids=["seeds", "real"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_agrees_with_reference_scorer(tmp_path: Path, gold_dir: Path, seed: int) -> None:
    rng = random.Random(seed)
    golds = load_gold(gold_dir)
    preds = {}
    for g in golds[1:]:  # the first document gets no prediction at all
        preds[g["doc"]] = perturb(g, rng)
        (tmp_path / f"{g['doc']}.json").write_text(json.dumps(preds[g["doc"]], ensure_ascii=False))
    ours = score(golds, preds).to_dict()
    ref = json.loads(subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold_dir), "--pred", str(tmp_path), "--json"],
        check=True, capture_output=True, text=True).stdout)
    for kind in KINDS:
        for key in ("tp", "gold", "pred", "f1"):
            assert ours[kind][key] == ref[kind][key], (kind, key)
    assert ours["metadata"]["accuracy"] == ref["metadata"]["accuracy"]


def test_perfect_prediction_scores_one() -> None:
    golds = load_gold(CORPORA / "gold")
    report = score(golds, {g["doc"]: g for g in golds})
    for kind in KINDS:
        assert report.total(kind).f1 == 1.0
    assert report.meta_accuracy == 1.0
