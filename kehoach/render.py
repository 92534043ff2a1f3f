"""Human views of results: score tables, facts over the text, displaCy HTML."""
from __future__ import annotations

from rich.table import Table as RichTable
from rich.text import Text

from kehoach.extract.document import Document
from kehoach.extract.evaluate import KINDS, Report
from kehoach.extract.model import Extraction

COLOURS = {"citations": "cyan", "agencies": "green", "targets": "magenta", "deadlines": "yellow"}


def score_table(report: Report, title: str) -> RichTable:
    table = RichTable(title=title)
    for col in ("kind", "gold", "pred", "tp", "P", "R", "F1"):
        table.add_column(col, justify="left" if col == "kind" else "right")

    def fmt(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    for kind in KINDS:
        t = report.total(kind)
        table.add_row(kind, str(t.gold), str(t.pred), str(t.tp),
                      fmt(t.precision if t.scored else None), fmt(t.recall if t.scored else None), fmt(t.f1))
    right = sum(d.meta_right for d in report.docs)
    total = sum(d.meta_total for d in report.docs)
    table.add_row("metadata", str(total), "", str(right), "", "", fmt(report.meta_accuracy))
    return table


def doc_breakdown(report: Report) -> Text:
    """Per document: counts per kind (tp/gold/pred), then what was missed and what was extra."""
    out = Text()
    for d in report.docs:
        counts = "  ".join(f"{k} {t.tp}/{t.gold}/{t.pred}" for k, t in d.kinds.items())
        out.append(f"{d.doc}", style="bold")
        out.append(f"  {counts}  metadata {d.meta_right}/{d.meta_total}\n")
        for k, t in d.kinds.items():
            for m in t.missed:
                out.append(f"  missed {k}: ", style="red")
                out.append(f"{m[:160]}\n")
            for e in t.extra:
                out.append(f"  extra  {k}: ", style="yellow")
                out.append(f"{e[:160]}\n")
        for w in d.meta_wrong:
            out.append("  wrong metadata: ", style="red")
            out.append(f"{w['field']}: gold {w['gold']!r}, predicted {w['pred']!r}\n")
    return out


def facts_view(document: Document, found: Extraction) -> Text:
    """The document text with every fact's span highlighted, then a legend."""
    text = Text(document.text)
    for kind in KINDS:
        for fact in getattr(found, kind):
            text.stylize(f"bold {COLOURS[kind]}", fact.provenance.start, fact.provenance.end)
    m = found.metadata
    text.append("\n\n")
    text.append(f"{m.doc_type or '?'} {m.number or '(no number)'} · {m.province or '?'} · "
                f"{m.issued_date or m.issued_year or '?'} · {m.title or ''}\n", style="bold")
    for kind in KINDS:
        text.append(f"{kind}: {len(getattr(found, kind))}  ", style=COLOURS[kind])
    return text


def html_view(sdoc, found: Extraction) -> str:
    """displaCy's entity view of the document text, every kind of fact in its own colour.

    The text is shown exactly as stored (displaCy's span view would put a space between every
    word). Where facts overlap (a target inside a deadline's sentence) the one that starts first
    is shown; all of them are in the JSON."""
    from spacy import displacy

    spans = sorted(((f.provenance.start, f.provenance.end, kind) for kind in KINDS
                    for f in getattr(found, kind)), key=lambda s: (s[0], -s[1]))
    ents, end = [], -1
    for start, stop, kind in spans:
        if start >= end:
            ents.append({"start": start, "end": stop, "label": kind})
            end = stop
    colors = dict(zip(KINDS, ("#7fdbff", "#2ecc40", "#f012be", "#ffdc00")))
    return displacy.render({"text": sdoc.text, "ents": ents, "title": found.doc}, style="ent",
                           manual=True, page=True, options={"colors": colors})
