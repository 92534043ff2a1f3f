"""The team's own plans (corpora/plans) and their gold (corpora/gold/plans) pass the gold checker.

The checker is corpora/gold/check.py, the same one the seed gold passes; these tests run it on the
plans, and also make sure it can fail on them (a corrupted copy must be rejected), so a green run
means something.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from kehoach.extract.paths import CORPORA

PLANS = CORPORA / "plans"
GOLD = CORPORA / "gold" / "plans"
CHECK = CORPORA / "gold" / "check.py"
KINDS = ("citations", "agencies", "targets", "deadlines")


def run_check(src: Path, files: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), "--src", str(src), *map(str, files)],
                          capture_output=True, text=True, timeout=60)


def gold_files() -> list[Path]:
    return sorted(GOLD.glob("*.json"))


def test_every_plan_has_gold_and_back():
    plans = {p.stem for p in PLANS.glob("*.txt")}
    golds = {g.stem for g in gold_files()}
    assert len(plans) >= 4
    assert plans == golds
    for g in gold_files():
        assert json.loads(g.read_text(encoding="utf-8"))["doc"] == g.stem + ".txt"


def test_checker_passes_on_the_plans():
    res = run_check(PLANS, gold_files())
    assert res.returncode == 0, res.stdout + res.stderr
    assert "ALL CHECKS PASSED" in res.stdout
    assert "warning" not in res.stdout


@pytest.mark.parametrize("plan", sorted(PLANS.glob("*.txt")), ids=lambda p: p.stem)
def test_plan_text_is_clean_nfc_utf8(plan: Path):
    text = plan.read_bytes().decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "\ufeff" not in text and "\r" not in text
    assert "KẾ HOẠCH" in text and "Nơi nhận" in text


@pytest.mark.parametrize("gold", gold_files(), ids=lambda p: p.stem)
def test_every_kind_is_annotated(gold: Path):
    """Each plan is annotated for all four kinds (no "scope" restriction) with real content."""
    data = json.loads(gold.read_text(encoding="utf-8"))
    assert "scope" not in data
    for kind in KINDS:
        assert len(data[kind]) >= 5, kind
    assert data["metadata"]["number"] and data["metadata"]["issued_date"]


def test_the_set_covers_the_genre():
    """The four plans between them exercise the forms the extractors must handle."""
    docs = [json.loads(g.read_text(encoding="utf-8")) for g in gold_files()]
    years = {d["metadata"]["issued_year"] for d in docs}
    assert min(years) < 2015 and max(years) >= 2026
    assert len({d["metadata"]["province"] for d in docs}) == len(docs)
    targets = [t for d in docs for t in d["targets"]]
    assert {t["comparator"] for t in targets} == {"=", ">=", "<=", "range"}
    assert any(isinstance(t["value"], float) for t in targets)         # "4,5%" style decimals
    assert any(t["value"] >= 1000 and "." in t["text"] for t in targets)  # "1.200 hộ"
    assert any(f"{t['value']}/{t['value']}" in t["text"] for t in targets)  # "8/8 huyện"
    kinds = {d["kind"] for doc in docs for d in doc["deadlines"]}
    assert kinds == {"absolute", "recurring", "period_end"}
    types = {c["type"] for d in docs for c in d["citations"]}
    assert {"Luật", "Nghị quyết", "Nghị định", "Quyết định", "Chỉ thị", "Thông tư",
            "Kế hoạch", "Công văn", "Kết luận", "Tờ trình"} <= types


def test_checker_rejects_a_corrupted_copy(tmp_path: Path):
    """A non-verbatim target text and a wrong value must make the checker fail."""
    gold = gold_files()[0]
    data = json.loads(gold.read_text(encoding="utf-8"))
    data["targets"][0]["text"] += " (không có trong văn bản)"
    data["targets"][1]["value"] = 987654
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(PLANS / data["doc"], src / data["doc"])
    bad = tmp_path / gold.name
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    res = run_check(src, [bad])
    assert res.returncode != 0
    assert "NOT FOUND" in res.stdout and "not visible" in res.stdout
