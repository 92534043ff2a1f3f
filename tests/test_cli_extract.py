"""`kehoach extract`: JSON per document in the gold shape with provenance; the HTML view."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from kehoach.extract.normalize import collapse_ws
from kehoach.extract.parse import parse
from kehoach.extract.paths import CORPORA

SEED = CORPORA / "seeds" / "002_b75564130da68d5c.txt"
KEHOACH = Path(sys.executable).with_name("kehoach")


class Marks(HTMLParser):
    """Collects the text inside every <mark> (a highlighted fact)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.marks = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "mark":
            self.depth += 1
            self.marks.append("")

    def handle_endtag(self, tag):
        if tag == "mark":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.marks[-1] += data


def test_extract_writes_gold_shaped_json_and_html(tmp_path: Path) -> None:
    src = tmp_path / SEED.name
    shutil.copy(SEED, src)
    out, html = tmp_path / "json", tmp_path / "html"
    subprocess.run([str(KEHOACH), "extract", str(src), "--out", str(out), "--html", str(html)],
                   check=True, capture_output=True, text=True, timeout=300)
    data = json.loads((out / f"{SEED.name}.json").read_text(encoding="utf-8"))
    assert data["doc"] == SEED.name
    assert data["metadata"]["number"] == "31/KH-BCĐ"
    text = parse(src).text
    for kind in ("citations", "agencies", "targets", "deadlines"):
        assert data[kind], kind
        for item in data[kind]:
            prov = item["provenance"]
            assert text[prov["start"]:prov["end"]] == prov["text"], (kind, item)
    parser = Marks()
    parser.feed((html / f"{SEED.name}.html").read_text(encoding="utf-8"))
    marked = {collapse_ws(m) for m in parser.marks}
    # the citation's verbatim span is highlighted, with the labels displaCy appends
    first = data["citations"][0]["provenance"]["text"]
    assert any(m.startswith(collapse_ws(first)) for m in marked), marked
