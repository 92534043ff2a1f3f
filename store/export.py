"""Comparison tables (store/compare.py) out: terminal, Markdown, CSV, XLSX, standalone HTML.

Every format keeps the way back from a figure to its sentence: a cell's entries carry source
numbers ([12]) that lead to a sources list (document number, page, sentence, file).

- ``print_report(report, console)``: rich tables; a table wider than it is long is turned.
- ``to_markdown(report)``: GitHub tables, refs linking to the sources list.
- ``write_csv(report, out)``: one grid per table and one sources table (files, or a stream).
- ``write_xlsx(report, path)``: a sheet per table (title, notes, frozen header, wrapped cells, a
  link and a comment on every figure) and a sources sheet behind them.
- ``to_html(report)``: one page with every table, a chart per indicator (matplotlib, embedded
  as PNG or SVG) and the sources, each figure linking to its sentence.
"""
from __future__ import annotations

import base64
import csv
import html
import re
from pathlib import Path
from typing import Iterable, TextIO

from .compare import Entry, Report, Source, Table
from .labels import label

FORMATS = ("table", "md", "csv", "xlsx", "html")
TERMINAL_ENTRIES = 6  # entries of one cell shown in a terminal; the rest are counted
SNIPPET = 160


def page_label(lang: str) -> str:
    return "p." if lang == "en" else "tr."


def refs(entry: Entry) -> str:
    return ", ".join(str(s.ref) for s in entry.sources)


def entry_text(entry: Entry, with_refs: bool = True) -> str:
    if with_refs and entry.sources:
        return f"{entry.text} [{refs(entry)}]"
    return entry.text


def cell_text(cell: list[Entry], sep: str = "\n", limit: int | None = None) -> str:
    shown = cell if limit is None or len(cell) <= limit else cell[:limit]
    text = sep.join(entry_text(e) for e in shown)
    if len(shown) < len(cell):
        text += f"{sep}… (+{len(cell) - len(shown)})"
    return text


def source_line(s: Source, lang: str) -> str:
    return f"[{s.ref}] {s.document}, {page_label(lang)} {s.page}: “{s.sentence}”"


def _title(report: Report) -> str:
    return label("report", report.lang)


# -- terminal ------------------------------------------------------------------------------
def print_report(report: Report, console) -> None:
    from rich.table import Table as RichTable

    lang = report.lang
    for t in report.tables:
        transpose = len(t.columns) > max(6, len(t.rows)) and len(t.row_headers) == 1
        rt = RichTable(title=t.title, caption="\n".join(t.notes) or None, show_lines=True,
                       title_justify="left", caption_justify="left")
        if transpose:
            rt.add_column(label("indicator", lang) if t.kind == "indicators" else "", overflow="fold")
            for r in t.rows:
                rt.add_column(r.labels[0], overflow="fold")
            for j, col in enumerate(t.columns):
                rt.add_row(col, *[cell_text(r.cells[j], limit=TERMINAL_ENTRIES) for r in t.rows])
        else:
            for h in t.row_headers:
                rt.add_column(h, overflow="fold")
            for col in t.columns:
                rt.add_column(col, overflow="fold")
            for r in t.rows:
                rt.add_row(*r.labels, *[cell_text(c, limit=TERMINAL_ENTRIES) for c in r.cells])
        if not t.rows:
            console.print(f"{t.title}: {label('no_data', lang)}", markup=False, highlight=False)
            continue
        console.print(rt)
    if report.sources:
        console.rule(label("sources", lang))
        for s in report.sources:
            line = source_line(s, lang)
            console.print(line if len(line) <= SNIPPET + 40 else line[:SNIPPET + 40] + "…”",
                          markup=False, highlight=False)


# -- Markdown --------------------------------------------------------------------------------
def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_cell(cell: list[Entry]) -> str:
    parts = []
    for e in cell:
        links = ", ".join(f"[{s.ref}](#src-{s.ref})" for s in e.sources)
        parts.append(_md(e.text) + (f" {links}" if links else ""))
    return "<br>".join(parts)


def to_markdown(report: Report) -> str:
    lang = report.lang
    out = [f"# {_title(report)}", ""]
    for t in report.tables:
        out += [f"## {_md(t.title)}", ""]
        out += [f"_{_md(n)}_  " for n in t.notes]
        if t.notes:
            out.append("")
        if not t.rows:
            out += [label("no_data", lang), ""]
            continue
        header = [*t.row_headers, *t.columns]
        out.append("| " + " | ".join(_md(h) for h in header) + " |")
        out.append("|" + "|".join("---" for _ in header) + "|")
        for r in t.rows:
            out.append("| " + " | ".join([*(_md(x) for x in r.labels), *(_md_cell(c) for c in r.cells)]) + " |")
        out.append("")
    if report.sources:
        out += [f"## {label('sources', lang)}", ""]
        for s in report.sources:
            out.append(f'<a id="src-{s.ref}"></a>{s.ref}. **{_md(s.document)}**, {page_label(lang)} {s.page}: '
                       f'“{_md(s.sentence)}” ({_md(s.file)})  ')
        out.append("")
    return "\n".join(out)


# -- CSV -------------------------------------------------------------------------------------
def _sources_header(lang: str) -> list[str]:
    return [label(k, lang) for k in ("ref", "cell", "province", "document", "issued", "page", "sentence",
                                     "verbatim", "file", "start", "end")]


def _source_row(s: Source) -> list:
    return [s.ref, s.context, s.province or "", s.document, s.issued or "", s.page, s.sentence, s.verbatim,
            s.file, s.start, s.end]


def _grid(t: Table) -> list[list[str]]:
    rows = [[*t.row_headers, *t.columns]]
    rows += [[*r.labels, *(cell_text(c, sep="; ") for c in r.cells)] for r in t.rows]
    return rows


def write_csv(report: Report, out: Path | None = None, stream: TextIO | None = None) -> list[Path]:
    """To ``out`` (one table: that file; several: <stem>-<sheet>.csv each) plus
    <stem>-sources.csv; without ``out``, every table and the sources to ``stream``."""
    lang = report.lang
    if out is None:
        w = csv.writer(stream)
        for t in report.tables:
            w.writerow([t.title])
            w.writerows(_grid(t))
            w.writerow([])
        w.writerow([label("sources", lang)])
        w.writerow(_sources_header(lang))
        w.writerows(_source_row(s) for s in report.sources)
        return []
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stem = out.with_suffix("")
    written = []
    names = _unique_names([t.sheet for t in report.tables], limit=80)
    for t, name in zip(report.tables, names):
        path = out if len(report.tables) == 1 else Path(f"{stem}-{_file_safe(name)}.csv")
        with path.open("w", encoding="utf-8-sig", newline="") as f:  # BOM: Excel opens it as UTF-8
            csv.writer(f).writerows(_grid(t))
        written.append(path)
    path = Path(f"{stem}-sources.csv")
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(_sources_header(lang))
        w.writerows(_source_row(s) for s in report.sources)
    written.append(path)
    return written


def _file_safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "table"


def _unique_names(names: Iterable[str], limit: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = name[:limit]
        candidate, k = base, 2
        while candidate.lower() in seen:
            suffix = f"~{k}"
            candidate = base[: limit - len(suffix)] + suffix
            k += 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


# -- XLSX ------------------------------------------------------------------------------------
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_names(report: Report) -> list[str]:
    """The sheet name of each table, then of the sources sheet (Excel: 31 characters, unique)."""
    raw = [_SHEET_BAD.sub("-", t.sheet) for t in report.tables] + [label("s_sources", report.lang)]
    return _unique_names(raw, limit=31)


def write_xlsx(report: Report, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.hyperlink import Hyperlink

    lang = report.lang
    wb = Workbook()
    wb.remove(wb.active)
    names = sheet_names(report)
    src_sheet = names[-1]
    src_row = {s.ref: i + 2 for i, s in enumerate(report.sources)}  # row 1 is the header
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    link_font = Font(color="1F4E8C")
    top = Alignment(wrap_text=True, vertical="top")

    for t, name in zip(report.tables, names):
        ws = wb.create_sheet(name)
        ws["A1"] = t.title
        ws["A1"].font = Font(bold=True, size=13)
        r = 2
        for note in t.notes:
            ws.cell(row=r, column=1, value=note).font = Font(italic=True, color="555555")
            r += 1
        if not t.rows:
            ws.cell(row=r + 1, column=1, value=label("no_data", lang))
            continue
        head = r + 1
        for j, h in enumerate([*t.row_headers, *t.columns], start=1):
            c = ws.cell(row=head, column=j, value=h)
            c.font, c.fill, c.alignment = bold, head_fill, Alignment(wrap_text=True, vertical="center")
        nlab = len(t.row_headers)
        widths = [max(14, min(34, max((len(x.labels[k]) for x in t.rows), default=10) + 2)) for k in range(nlab)]
        widths += [max(12, min(40, len(col) // 2 + 4)) for col in t.columns]
        for i, row in enumerate(t.rows, start=head + 1):
            for k, lab in enumerate(row.labels, start=1):
                c = ws.cell(row=i, column=k, value=lab)
                c.font, c.alignment = bold, top
            for j, cell in enumerate(row.cells, start=nlab + 1):
                if not cell:
                    continue
                c = ws.cell(row=i, column=j, value=cell_text(cell))
                c.alignment = top
                widths[j - 1] = max(widths[j - 1], min(48, max(len(line) for line in c.value.split("\n")) + 2))
                srcs = [s for e in cell for s in e.sources]
                if srcs:
                    c.hyperlink = Hyperlink(ref=c.coordinate, location=f"{quote_sheetname(src_sheet)}!A{src_row[srcs[0].ref]}",
                                            display=c.value)
                    c.font = link_font
                    note = "\n".join(source_line(s, lang)[:400] for s in srcs[:8])
                    if len(srcs) > 8:
                        note += f"\n… (+{len(srcs) - 8})"
                    c.comment = Comment(note, "kehoach", width=420, height=min(400, 60 + 40 * min(len(srcs), 8)))
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = w
        ws.freeze_panes = ws.cell(row=head + 1, column=nlab + 1)
        ws.auto_filter.ref = f"A{head}:{get_column_letter(nlab + len(t.columns))}{head + len(t.rows)}"

    ws = wb.create_sheet(src_sheet)
    header = _sources_header(lang)
    for j, h in enumerate(header, start=1):
        c = ws.cell(row=1, column=j, value=h)
        c.font, c.fill = bold, head_fill
    for i, s in enumerate(report.sources, start=2):
        for j, v in enumerate(_source_row(s), start=1):
            ws.cell(row=i, column=j, value=v).alignment = top
    for col, w in zip("ABCDEFGHIJK", (6, 40, 16, 22, 12, 6, 90, 18, 28, 8, 8)):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "B2"
    if report.sources:
        ws.auto_filter.ref = f"A1:K{len(report.sources) + 1}"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# -- HTML ------------------------------------------------------------------------------------
_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:1.5rem;color:#1b1b1b;font-size:14px}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2.2rem;border-bottom:1px solid #ccd}
.note{color:#555;font-style:italic;margin:.2rem 0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:.6rem 0}
th,td{border:1px solid #c8cdd6;padding:.3rem .45rem;vertical-align:top;text-align:left}
thead th{background:#dce6f1;position:sticky;top:0}
tbody th{background:#f5f7fa;white-space:nowrap}
.entry{white-space:nowrap}.entry a{color:#1f4e8c;text-decoration:none}
sup a{color:#777;text-decoration:none;font-size:.75em}
figure{margin:.6rem 0}figure img{max-width:100%;border:1px solid #e2e5ea}
table.sources td:nth-child(4){min-width:30rem}
mark{background:#fff1a8}
nav li{margin:.1rem 0}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_cell(cell: list[Entry], lang: str) -> str:
    parts = []
    for e in cell:
        if e.sources:
            first = e.sources[0]
            tip = "\n".join(f"{s.document}, {page_label(lang)} {s.page}: {s.sentence}" for s in e.sources[:5])
            sups = ",".join(f'<a href="#src-{s.ref}">{s.ref}</a>' for s in e.sources)
            parts.append(f'<div class="entry"><a href="#src-{first.ref}" title="{_e(tip)}">{_e(e.text)}</a>'
                         f"<sup>{sups}</sup></div>")
        else:
            parts.append(f'<div class="entry">{_e(e.text)}</div>')
    return "".join(parts)


def _highlight(sentence: str, verbatim: str) -> str:
    at = sentence.find(verbatim) if verbatim else -1
    if at < 0:
        return _e(sentence)
    return _e(sentence[:at]) + f"<mark>{_e(verbatim)}</mark>" + _e(sentence[at + len(verbatim):])


def chart_image(t: Table, lang: str, fmt: str = "png") -> str | None:
    """An <img> with the table's chart embedded, or None when there is nothing to draw."""
    from .charts import indicator_chart

    data = indicator_chart(t, lang, fmt)
    if data is None:
        return None
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    alt = f"{t.indicator.label(lang) if t.indicator else t.title}: {label('chart_bar', lang)}, {label('chart_line', lang)}"
    return f'<img src="data:{mime};base64,{base64.b64encode(data).decode()}" alt="{_e(alt)}">'


def to_html(report: Report, chart_format: str = "png") -> str:
    lang = report.lang
    title = _title(report)
    out = [f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">',
           f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{_e(title)}</h1>", "<nav><ul>"]
    out += [f'<li><a href="#t-{_e(t.key)}">{_e(t.title)}</a></li>' for t in report.tables]
    if report.sources:
        out.append(f'<li><a href="#sources">{_e(label("sources", lang))}</a></li>')
    out.append("</ul></nav>")
    for t in report.tables:
        out.append(f'<section id="t-{_e(t.key)}" class="table" data-kind="{t.kind}">')
        out.append(f"<h2>{_e(t.title)}</h2>")
        out += [f'<p class="note">{_e(n)}</p>' for n in t.notes]
        if t.kind == "years":
            img = chart_image(t, lang, chart_format)
            if img:
                out.append(f'<figure class="chart">{img}</figure>')
        if not t.rows:
            out.append(f"<p>{_e(label('no_data', lang))}</p></section>")
            continue
        out.append('<div class="scroll"><table><thead><tr>')
        out += [f'<th scope="col">{_e(h)}</th>' for h in [*t.row_headers, *t.columns]]
        out.append("</tr></thead><tbody>")
        for r in t.rows:
            out.append("<tr>" + "".join(f'<th scope="row">{_e(x)}</th>' for x in r.labels)
                       + "".join(f"<td>{_html_cell(c, lang)}</td>" for c in r.cells) + "</tr>")
        out.append("</tbody></table></div></section>")
    if report.sources:
        out.append(f'<section id="sources"><h2>{_e(label("sources", lang))}</h2><table class="sources"><thead><tr>')
        out += [f"<th>{_e(label(k, lang))}</th>" for k in ("ref", "document", "page", "sentence", "province", "file")]
        out.append("</tr></thead><tbody>")
        for s in report.sources:
            out.append(f'<tr id="src-{s.ref}"><td>{s.ref}</td><td>{_e(s.document)}</td><td>{s.page}</td>'
                       f"<td>{_highlight(s.sentence, s.verbatim)}</td><td>{_e(s.province or '')}</td>"
                       f"<td>{_e(s.file)}</td></tr>")
        out.append("</tbody></table></section>")
    out.append("</body></html>\n")
    return "\n".join(out)


def write_html(report: Report, path: Path, chart_format: str = "png") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_html(report, chart_format), encoding="utf-8")
    return path


def export(report: Report, fmt: str, out: Path | None, console=None, stream: TextIO | None = None) -> list[Path]:
    """Write the report in ``fmt``; returns the files written (none when printed)."""
    import sys

    stream = stream or sys.stdout
    if fmt == "table":
        if out is not None:
            from rich.console import Console

            with Path(out).open("w", encoding="utf-8") as f:
                print_report(report, Console(file=f, width=200, color_system=None))
            return [Path(out)]
        print_report(report, console)
        return []
    if fmt == "md":
        text = to_markdown(report)
        if out is None:
            stream.write(text)
            return []
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
        return [Path(out)]
    if fmt == "csv":
        return write_csv(report, out, stream)
    if fmt == "xlsx":
        return [write_xlsx(report, out or Path("kehoach-compare.xlsx"))]
    if fmt == "html":
        if out is None:
            stream.write(to_html(report))
            return []
        return [write_html(report, out)]
    raise ValueError(f"--format must be one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "cell_text", "chart_image", "entry_text", "export", "print_report", "sheet_names",
           "to_html", "to_markdown", "write_csv", "write_html", "write_xlsx"]
