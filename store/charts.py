"""Charts of one indicator, drawn with matplotlib: a bar per target across provinces, and a
line per province across years. Every target is drawn; none is averaged.

``indicator_chart(table, lang, fmt)`` takes a province x year table (store/compare.py) and
returns the image as PNG or SVG bytes, or None when the table has no figure to draw.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt  # noqa: E402

from .compare import Entry, Table, format_number  # noqa: E402
from .labels import label  # noqa: E402

MAX_LEGEND = 12  # provinces named in the line chart's legend
SIDE_BY_SIDE = 12  # up to this many provinces the two charts sit side by side
MAX_LABELS = 24  # bars labelled with their figure; beyond, the axis says enough
plt.rcParams["font.family"] = "DejaVu Sans"  # has every Vietnamese letter
plt.rcParams["svg.fonttype"] = "none"  # SVG text stays text


@dataclass(frozen=True)
class _Point:
    province: str
    year: int
    entry: Entry


def _points(table: Table) -> list[_Point]:
    """Province-wide targets with a value (targets for single districts are left out)."""
    out = []
    for row in table.rows:
        for year, cell in zip(table.column_keys, row.cells):
            for e in cell:
                if e.value is not None and e.area is None and year is not None:
                    out.append(_Point(row.labels[0], int(year), e))
    return out


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _comparator(e: Entry) -> str:
    return {">=": "≥", "<=": "≤"}.get(e.comparator or "", "")


def indicator_chart(table: Table, lang: str = "vi", fmt: str = "png") -> bytes | None:
    points = _points(table)
    if not points:
        return None
    provinces = sorted({p.province for p in points}, key=lambda s: table_order(table, s))
    years = sorted({p.year for p in points})
    unit = table.indicator.unit if table.indicator else ""
    if len(provinces) <= SIDE_BY_SIDE:
        fig, (bar_ax, line_ax) = plt.subplots(
            1, 2, figsize=(11, 4.6), gridspec_kw={"width_ratios": [max(2, len(provinces)), max(3, len(years))]})
    else:  # many provinces: each chart gets the full width, one above the other
        fig, (bar_ax, line_ax) = plt.subplots(2, 1, figsize=(min(24, 6 + 0.28 * len(provinces)), 9.5))
    title = table.indicator.label(lang) if table.indicator else table.title
    fig.suptitle(_short(title, 110), fontsize=11)
    _bars(bar_ax, points, provinces, lang, unit)
    _lines(line_ax, points, provinces, years, lang, unit)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=100)
    plt.close(fig)
    return buf.getvalue()


def table_order(table: Table, province: str) -> int:
    for i, row in enumerate(table.rows):
        if row.labels[0] == province:
            return i
    return len(table.rows)


def _bars(ax, points: list[_Point], provinces: list[str], lang: str, unit: str) -> None:
    """Each province's most recent targets, one bar each; a range shows its upper end."""
    latest = {}
    for p in points:
        if p.year >= latest.get(p.province, -1):
            latest[p.province] = p.year
    for i, province in enumerate(provinces):
        mine = [p for p in points if p.province == province and p.year == latest[province]]
        width = 0.8 / len(mine)
        for k, p in enumerate(mine):
            x = i - 0.4 + width * (k + 0.5)
            e = p.entry
            ax.bar(x, e.value, width=width * 0.9, color="#2b6ca3")
            top = e.value
            if e.value_max is not None and e.value_max > e.value:
                ax.bar(x, e.value_max - e.value, bottom=e.value, width=width * 0.9, color="#9cc3e4")
                top = e.value_max
            text = _comparator(e) + format_number(e.value, lang)
            if e.value_max is not None and e.value_max != e.value:
                text += "–" + format_number(e.value_max, lang)
            if unit == "%":
                text += "%"
            where = f"{e.origin}, {p.year}" if e.origin else str(p.year)
            if len(provinces) <= MAX_LABELS:
                ax.annotate(f"{text}\n({where})", (x, top), ha="center", va="bottom", fontsize=7,
                            xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(range(len(provinces)))
    ax.set_xticklabels(provinces, rotation=90 if len(provinces) > 6 else 0, fontsize=8)
    ax.set_ylabel(unit)
    ax.set_title(label("chart_bar", lang), fontsize=10)
    ax.margins(y=0.2)
    ax.spines[["top", "right"]].set_visible(False)


def _lines(ax, points: list[_Point], provinces: list[str], years: list[int], lang: str, unit: str) -> None:
    """A line per province through its targets in year order (two targets in a year: both)."""
    for province in provinces:
        mine = sorted((p for p in points if p.province == province), key=lambda p: (p.year, p.entry.value))
        xs = [p.year for p in mine]
        ys = [p.entry.value for p in mine]
        few = len(provinces) <= MAX_LEGEND
        (line,) = ax.plot(xs, ys, marker="o", linewidth=1.2 if few else 0.8, markersize=4 if few else 2.5,
                          alpha=1 if few else 0.6, label=province if few else None)
        for p in mine:  # a range: a thick bar up to its upper end
            if p.entry.value_max is not None and p.entry.value_max != p.entry.value:
                ax.vlines(p.year, p.entry.value, p.entry.value_max, linewidth=4, alpha=0.35,
                          color=line.get_color())
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years], rotation=90 if len(years) > 8 else 0, fontsize=8)
    if len(years) == 1:
        ax.set_xlim(years[0] - 1, years[0] + 1)
    ax.set_ylabel(unit)
    ax.set_title(label("chart_line", lang), fontsize=10)
    ax.margins(y=0.2)
    ax.set_ylim(bottom=0)  # shares and counts compare from zero
    ax.spines[["top", "right"]].set_visible(False)
    if len(provinces) <= MAX_LEGEND:
        ax.legend(fontsize=7, frameon=False, loc="best")


__all__ = ["indicator_chart"]
