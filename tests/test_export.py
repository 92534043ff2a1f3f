"""Exports of the comparison tables, checked by opening what was written: openpyxl for XLSX,
html.parser for HTML, csv for CSV; and the CLI commands that write them."""
from __future__ import annotations

import base64
import csv
import io
import json
from html.parser import HTMLParser

import openpyxl
import pytest
from PIL import Image
from rich.console import Console
from typer.testing import CliRunner

from compare_fixtures import AWARENESS, AWARENESS_ID, seed_store  # noqa: F401 (fixture)
from kehoach.cli import app
from kehoach.store.charts import indicator_chart
from kehoach.store.compare import Selection, build_report
from kehoach.store.export import print_report, sheet_names, to_html, to_markdown, write_csv, write_xlsx


@pytest.fixture(scope="module")
def report(seed_store):
    return build_report(seed_store, Selection())


# -- XLSX ------------------------------------------------------------------------------------
def _header_row(ws, first: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == first)


def _xlsx_cell(ws, header: int, row_label: str, column: str):
    cols = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    row = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value == row_label)
    return ws.cell(row, cols[column])


def test_xlsx_awareness_cells_lead_to_their_sentences(report, tmp_path):
    path = write_xlsx(report, tmp_path / "compare.xlsx")
    wb = openpyxl.load_workbook(path)
    names = sheet_names(report)
    assert wb.sheetnames == names and len(names) == len(report.tables) + 1  # a sheet per table, then sources
    sources = wb[names[-1]]
    assert sources.freeze_panes == "B2"
    src_head = [c.value for c in sources[1]]
    ws = wb[AWARENESS_ID]
    assert ws["A1"].value.startswith("Tỷ lệ xã, phường, thị trấn tổ chức ít nhất một hoạt động tuyên truyền")
    header = _header_row(ws, "Tỉnh, thành phố")
    assert ws.freeze_panes == f"B{header + 1}"  # header and province names stay in view
    for (province, year), (figure, words, number) in AWARENESS.items():
        cell = _xlsx_cell(ws, header, province, str(year))
        assert figure in cell.value and "[" in cell.value
        assert cell.hyperlink is not None and cell.comment is not None
        sheet, _, ref = cell.hyperlink.location.partition("!")
        assert sheet.strip("'") == names[-1]
        src = dict(zip(src_head, [c.value for c in sources[int(ref.lstrip("A"))]]))
        assert words in src["Câu trích"]
        assert str(src["Nguồn"]) in cell.value
        assert src["Trang"] >= 1
        if number:
            assert src["Văn bản"] == number
            assert number in cell.comment.text
    assert _xlsx_cell(ws, header, "Ninh Bình", "2017").value.startswith("≥ 75%")
    # the province x indicator sheet says the year of each figure
    overview = wb[names[0]]
    head = _header_row(overview, "Tỉnh, thành phố")
    label = report.taxonomy.get(AWARENESS_ID).label_vi
    assert _xlsx_cell(overview, head, "Ninh Bình", label).value.startswith("≥ 75% (2017) [")


def test_xlsx_other_and_agency_sheets(report, tmp_path):
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "c.xlsx"))
    other = wb["Khác"]
    head = _header_row(other, "Tỉnh, thành phố")
    n_other = sum(1 for r in range(head + 1, other.max_row + 1) if other.cell(r, 1).value)
    assert n_other == len(next(t for t in report.tables if t.kind == "other").rows)
    agencies = wb["Cơ quan x lĩnh vực"]
    head = _header_row(agencies, "Tỉnh, thành phố")
    assert agencies.cell(head, 2).value == "Cơ quan"
    values = [agencies.cell(r, c).value for r in range(head + 1, agencies.max_row + 1)
              for c in range(3, agencies.max_column + 1)]
    assert any(v and v.startswith("Chủ trì") for v in values)


# -- HTML ------------------------------------------------------------------------------------
class _Page(HTMLParser):
    """Sections -> tables -> rows of cells (text and links); source rows by id; images."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[list[dict]]] = {}
        self.sources: dict[str, str] = {}
        self.images: list[str] = []
        self._section = None
        self._row: list[dict] | None = None
        self._cell: dict | None = None
        self._source: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self._section = a.get("id")
            self.sections.setdefault(self._section, [])
        elif tag == "tr":
            self._row = []
            self._source = a.get("id") if (a.get("id") or "").startswith("src-") else None
            if self._source:
                self.sources[self._source] = ""
        elif tag in ("td", "th") and self._row is not None:
            self._cell = {"text": "", "links": []}
        elif tag == "a" and self._cell is not None:
            self._cell["links"].append(a.get("href"))
        elif tag == "img":
            self.images.append(a.get("src", ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._section and not self._source:
                self.sections[self._section].append(self._row)
            self._row, self._source = None, None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data
        if self._source:
            self.sources[self._source] += data


def _html_cell(rows: list[list[dict]], row_label: str, column: str) -> dict:
    header = [c["text"] for c in rows[0]]
    row = next(r for r in rows[1:] if r[0]["text"] == row_label)
    return row[header.index(column)]


def test_html_awareness_cells_link_to_their_sentences(report):
    page = _Page()
    page.feed(to_html(report))
    rows = page.sections[f"t-years-{AWARENESS_ID}"]
    assert [c["text"] for c in rows[0]] == ["Tỉnh, thành phố", "2011", "2017", "2021", "2023"]
    for (province, year), (figure, words, number) in AWARENESS.items():
        cell = _html_cell(rows, province, str(year))
        assert figure in cell["text"]
        target = cell["links"][0]
        assert target.startswith("#src-")
        source = page.sources[target[1:]]
        assert words in source
        if number:
            assert number in source
    assert _html_cell(rows, "Ninh Bình", "2017")["text"].startswith("≥ 75%")
    assert {f"t-{t.key}" for t in report.tables} <= set(page.sections)
    assert len(page.sources) == len(report.sources)


def test_html_has_a_chart_per_indicator(seed_store):
    report = build_report(seed_store, Selection(indicators=[AWARENESS_ID, "rehab_centre"]))
    page = _Page()
    page.feed(to_html(report))
    charts = [s for s in page.images if s.startswith("data:image/png;base64,")]
    assert len(charts) == 2
    image = Image.open(io.BytesIO(base64.b64decode(charts[0].split(",", 1)[1])))
    assert image.format == "PNG" and image.width > 600 and image.height > 300
    svg = to_html(report, chart_format="svg")
    assert "data:image/svg+xml;base64," in svg


def test_chart_draws_every_target(seed_store):
    report = build_report(seed_store, Selection(indicators=[AWARENESS_ID], as_of=2025, lang="en"))
    png = indicator_chart(report.tables[0], "en")
    assert Image.open(io.BytesIO(png)).format == "PNG"
    svg = indicator_chart(report.tables[0], "en", "svg").decode()
    for text in ("Khánh Hòa", "Ninh Bình", "≥75%", "By province", "By year"):
        assert text in svg  # SVG keeps its text: the labels are there


# -- Markdown, CSV, terminal ---------------------------------------------------------------
def test_markdown(report):
    md = to_markdown(report)
    row = next(line for line in md.splitlines() if line.startswith("| Ninh Bình |") and "≥ 75%" in line)
    ref = row.split("≥ 75%")[1].split("](#src-")[1].split(")")[0]
    anchor = next(line for line in md.splitlines() if line.startswith(f'<a id="src-{ref}"></a>'))
    assert "31/KH-BCĐ" in anchor and "75% xã, phường, thị trấn" in anchor


def test_csv_files(report, tmp_path):
    written = write_csv(report, tmp_path / "compare.csv")
    assert len(written) == len(report.tables) + 1
    grid = list(csv.reader((tmp_path / f"compare-{AWARENESS_ID}.csv").open(encoding="utf-8-sig")))
    head = grid[0]
    ninh_binh = next(r for r in grid if r[0] == "Ninh Bình")
    value = ninh_binh[head.index("2017")]
    assert value.startswith("≥ 75% [")
    ref = value.split("[")[1].rstrip("]")
    sources = list(csv.reader((tmp_path / "compare-sources.csv").open(encoding="utf-8-sig")))
    src = next(r for r in sources[1:] if r[0] == ref)
    assert src[3] == "31/KH-BCĐ" and "75% xã, phường, thị trấn" in src[6]


def test_terminal(report):
    out = io.StringIO()
    print_report(report, Console(file=out, width=220, color_system=None))
    text = out.getvalue()
    assert "≥ 75%" in text and "31/KH-BCĐ, tr. 1" in text and "Nguồn" in text


# -- CLI ---------------------------------------------------------------------------------------
def test_cli_compare_and_indicators(seed_store, tmp_path):
    db = seed_store.url.split("///", 1)[1]
    runner = CliRunner()
    got = runner.invoke(app, ["compare", "--db", db, "--indicator", AWARENESS_ID, "--format", "csv"])
    assert got.exit_code == 0, got.output
    assert "Ninh Bình" in got.output and "≥ 75% [" in got.output
    got = runner.invoke(app, ["compare", "--db", db, "--indicator", AWARENESS_ID, "--as-of", "2025", "--lang", "en",
                              "--format", "md"])
    assert got.exit_code == 0 and "Ninh Thuận: 100%" in got.output and "Province" in got.output
    out = tmp_path / "c.xlsx"
    got = runner.invoke(app, ["compare", "--db", db, "--year", "2021", "--format", "xlsx", "--out", str(out)])
    assert got.exit_code == 0 and openpyxl.load_workbook(out).sheetnames[0] == "Tỉnh x chỉ tiêu"
    assert runner.invoke(app, ["compare", "--db", db, "--format", "xlsx"]).exit_code == 2  # needs --out
    assert runner.invoke(app, ["compare", "--db", db, "--indicator", "nope"]).exit_code == 2
    assert runner.invoke(app, ["compare", "--db", db, "--province", "Atlantis"]).exit_code == 2
    assert runner.invoke(app, ["compare", "--db", str(tmp_path / "none.db")]).exit_code == 2
    got = runner.invoke(app, ["indicators", "--db", db, "--format", "json"])
    rows = json.loads(got.output)
    assert {r["id"]: r["targets"] for r in rows}[AWARENESS_ID] == 4 and rows[-1]["id"] == "other"


def test_ingest_then_compare_end_to_end(tmp_path):
    """The issue's check through the commands a user runs: kehoach ingest, then compare."""
    from kehoach.extract.paths import CORPORA

    db = str(tmp_path / "kehoach.db")
    runner = CliRunner()
    got = runner.invoke(app, ["ingest", str(CORPORA / "seeds"), "--db", db, "--workers", "0"])
    assert got.exit_code == 0, got.output
    out = tmp_path / "awareness.html"
    got = runner.invoke(app, ["compare", "--db", db, "--indicator", AWARENESS_ID, "--format", "html", "--out", str(out)])
    assert got.exit_code == 0, got.output
    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    rows = page.sections[f"t-years-{AWARENESS_ID}"]
    for (province, year), (figure, words, _) in AWARENESS.items():
        cell = _html_cell(rows, province, str(year))
        assert figure in cell["text"] and words in page.sources[cell["links"][0][1:]]
    assert any(s.startswith("data:image/png;base64,") for s in page.images)
