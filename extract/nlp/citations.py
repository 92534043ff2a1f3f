"""Legal citations: every document a plan cites, once each, with number, date, issuer and key.

Two public verbs, in the manner of eyecite:

- ``get_citations(text)`` finds every citation *occurrence* in a text, in order
  (``CitationHit``: type, number or law name, date, issuer, mention span);
- ``find_citations(ctx)`` is the pipeline component: it resolves occurrences into one
  ``Citation`` per distinct document (later repetitions merge into the first, which gives the
  mention), drops the document's own number, and attaches provenance and a canonical key.

The grammar (types, numbers, dates, issuers, law names) lives in ``citation_patterns``; the
lexicons in models/citations/. The rules implemented are those of corpora/gold/README.md:
numbered documents of every type, plus laws, codes and ordinances cited by name; mention =
type + "số" + number (+ "ngày <date>" when it follows immediately); issuer and date only when
the text states them; unnumbered programmes, plans and projects are not citations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..citekey import citation_key, normalize_number, symbol_of, year_of
from ..document import Document
from ..model import Citation, Metadata
from ..normalize import collapse_ws, fold, fold_key
from . import citation_patterns as cp
from .base import Context, provenance


@dataclass
class CitationHit:
    """One occurrence of a citation in a text."""

    type: str  # canonical type name
    code: str  # type code (doc_types.yaml)
    number: str | None  # spaces removed, as written otherwise
    shape: str | None  # "symbol", "truncated", "bare" (numbers), None for named laws
    name: str | None  # the law's name ("Đầu tư công"), for laws cited by name (or with one)
    date: str | None
    issuer: str | None
    start: int  # mention span
    end: int
    confidence: float
    year: int | None = None  # "Luật ... năm 2015": the year a law is named with


_PHAP_BEFORE = re.compile(r"(?:pháp|dự\s+thảo|Dự\s+thảo)[ \t\n]*$", re.IGNORECASE)
_CONTINUE = re.compile(r"[ \t\n]*(?:,|;|và)[ \t\n]*(?:(?:số|Số)[ \t\n]+)?")
_WS = re.compile(r"[ \t\n]+")
_NAMED_YEAR = re.compile(r"[ \t\n]+năm[ \t\n]+((?:19|20)\d\d)(?!\d)")


def _number_after(text: str, t: cp.DocType, pos: int) -> tuple[int, int, str, str] | None:
    """The number cited after a type word ending at ``pos``: (start, end, number, shape)."""
    so = cp.SO_RX.match(text, pos)
    if so and "s" in fold(text[pos:so.end()]):
        found = cp.scan_number(text, so.end())
        if found:
            shape = cp.number_shape(found[2])
            if shape == "bare" and not cp.date_after(text, found[1]):
                return None  # "Đề án số 08": a bare number needs its date to be a citation
            return (*found, shape) if shape else None
        return None
    if t.max_qualifier:
        q = cp.qualifier_rx(t.max_qualifier).match(text, pos)
        if q:
            so = cp.SO_RX.match(text, q.end())
            found = cp.scan_number(text, so.end()) if so else None
            if found:
                shape = cp.number_shape(found[2])
                if shape == "bare" and not cp.date_after(text, found[1]):
                    return None
                return (*found, shape) if shape else None
    ws = _WS.match(text, pos)
    if ws and ws.end() - pos <= 3:
        found = cp.scan_number(text, ws.end())
        if found and found[2][0].isdigit() and cp.number_shape(found[2]) in ("symbol", "truncated"):
            if cp.number_shape(found[2]) == "truncated" and "/" not in found[2]:
                return None
            return (*found, cp.number_shape(found[2]))  # type: ignore[return-value]
    return None


def _issuer_and_date(text: str, pos: int, type_start: int) -> tuple[str | None, str | None, int]:
    """Issuer and (late) date after a citation's number/date ending at ``pos``; the end consumed."""
    issuer, date, end = None, None, pos
    span = cp.issuer_after(text, pos)
    if span:
        issuer = cp.expand_issuer(text[span[0]:span[1]])
        end = span[1]
        late = cp.date_after(text, end)
        if late and late[2]:
            date, end = late[2], late[1]
    else:
        before = cp.issuer_before(text, type_start)
        if before:
            issuer = cp.expand_issuer(text[before[0]:before[1]])
    return issuer, date, end


def get_citations(text: str) -> list[CitationHit]:
    """Every citation occurrence in a text, in order of position (repetitions included)."""
    hits: list[CitationHit] = []
    rx = cp.type_rx()
    pos = 0
    while True:
        m = rx.search(text, pos)
        if not m:
            break
        pos = m.end()
        t = cp.type_named(m.group(0))
        if t is None:
            continue
        num = _number_after(text, t, m.end())
        if num:
            n_start, n_end, number, shape = num
            name = None
            if t.named:  # "Luật Đầu tư số 143/2025/QH15": the words before "số" are its name
                q = text[m.end():n_start]
                q = re.sub(r"(?:\s*(?:số|Số|SỐ)\s*[:.]?\s*)+$", "", q).strip(" ,\t\n")
                name = collapse_ws(q) or None
            end = n_end
            date = None
            d = cp.date_after(text, n_end)
            if d and d[2]:
                date, end = d[2], d[1]
            issuer, late_date, consumed = _issuer_and_date(text, end, m.start())
            date = date or late_date
            conf = {"symbol": 0.95, "truncated": 0.75, "bare": 0.75}.get(shape, 0.8)
            if not cp.SO_RX.match(text, m.end()) and not name:
                conf -= 0.05
            hits.append(CitationHit(t.name, t.code, number, shape, name, date, issuer, m.start(), end, conf))
            pos = max(pos, n_end)
            more = _continuations(text, t, max(consumed, end))
            if more and more[-1].issuer:  # "các Nghị định số A, B và C của Chính phủ"
                for h in [hits[-1], *more[:-1]]:
                    h.issuer = h.issuer or more[-1].issuer
            hits.extend(more)
            continue
        if t.named and not m.group(0).isupper():
            if _PHAP_BEFORE.search(text, max(0, m.start() - 12), m.start()):
                continue
            ws = _WS.match(text, m.end())
            if not ws:
                continue
            if t.code == "hp":
                named = (m.start(), m.end(), "")
            else:
                named = cp.law_name_at(text, ws.end(), t.code)
                if not named:
                    continue
            end = named[1]
            date = None
            d = cp.date_after(text, end)
            if d and d[2]:
                date, end = d[2], d[1]
            y = _NAMED_YEAR.match(text, end)
            hits.append(CitationHit(t.name, t.code, None, None, named[2] or None, date, None,
                                    m.start(), end, 0.8, int(y.group(1)) if y else None))
            pos = max(pos, named[1])
    return hits


def _continuations(text: str, t: cp.DocType, pos: int) -> list[CitationHit]:
    """Further numbers of the same type in a list: "Nghị định số 163/2003/NĐ-CP, 94/2009/NĐ-CP"."""
    out: list[CitationHit] = []
    while True:
        sep = _CONTINUE.match(text, pos)
        if not sep:
            break
        found = cp.scan_number(text, sep.end())
        if not found or not found[2][0].isdigit() or cp.number_shape(found[2]) != "symbol":
            break
        st = cp.type_of_symbol(symbol_of(found[2]))
        if st is None or st.code != t.code:
            break
        end = found[1]
        date = None
        d = cp.date_after(text, end)
        if d and d[2]:
            date, end = d[2], d[1]
        issuer, late, consumed = _issuer_and_date(text, end, found[0])
        out.append(CitationHit(t.name, t.code, found[2], "symbol", None, date or late, issuer,
                               found[0], end, 0.85))
        pos = max(consumed, end)
    return out


_DOUBLED_D = re.compile(r"Đ{2,}")


def mend_ocr_number(number: str) -> str:
    """Tesseract reads a bold "Đ" in a symbol as two or three ("QĐĐ-UBND", "LĐĐĐTBXH");
    no document symbol repeats it."""
    return _DOUBLED_D.sub("Đ", number)


# --- resolution ----------------------------------------------------------------------------

_KEM_THEO = re.compile(r"k[eè]m\s+theo[\s:]*$", re.IGNORECASE)


def _suffix(number: str | None) -> str:
    """The symbol part after the serial number: "27/KH-UBND" -> "/kh-ubnd"."""
    if not number:
        return ""
    s = normalize_number(number)
    i = s.find("/")
    j = s.find("-")
    cut = min(k for k in (i, j, len(s)) if k >= 0)
    return s[cut:]


class _Entry:
    def __init__(self, hit: CitationHit) -> None:
        self.hit = hit
        self.date = hit.date
        self.issuer = hit.issuer
        self.number = hit.number
        self.name = hit.name
        self.year = hit.year


def resolve(hits: list[CitationHit], text: str, own_number: str | None = None,
            own_type: str | None = None, own_symbol: str | None = None) -> list[_Entry]:
    """One entry per distinct document, in order of first mention; the document itself dropped."""
    own_key = normalize_number(own_number) if own_number else None
    own_code = cp.type_named(own_type).code if own_type and cp.type_named(own_type) else None
    own_suffix = _suffix(own_number) or (normalize_number(own_symbol) if own_symbol else "")
    entries: list[_Entry] = []
    by_number: dict[str, _Entry] = {}
    by_name: dict[tuple[str, str], _Entry] = {}
    for hit in hits:
        if hit.number:
            key = normalize_number(hit.number)
            if own_key and key == own_key:
                continue
            if (not own_key and own_code and hit.code == own_code
                    and _KEM_THEO.search(text, max(0, hit.start - 30), hit.start)
                    and (not own_suffix or _suffix(hit.number) == own_suffix)):
                continue  # own number unreadable; "Kèm theo Kế hoạch số ...": this very document's annex
            entry = (by_number.get(key) or _prefix_match(by_number, key, hit.code)
                     or _ocr_variant(by_number, key, hit.code))
            if entry is None and hit.name:
                entry = by_name.get((hit.code, fold_key(hit.name)))
                if entry is not None and entry.number:
                    entry = None
            if entry is None:
                entry = _Entry(hit)
                entries.append(entry)
            else:
                entry.date = entry.date or hit.date
                entry.issuer = entry.issuer or hit.issuer
                if not entry.number:
                    entry.number = hit.number
            by_number.setdefault(key, entry)
            if hit.name:
                by_name.setdefault((hit.code, fold_key(hit.name)), entry)
        else:
            nkey = (hit.code, fold_key(hit.name))
            entry = by_name.get(nkey)
            if entry is None:
                entry = _Entry(hit)
                entries.append(entry)
                by_name[nkey] = entry
            else:
                entry.date = entry.date or hit.date
                entry.year = entry.year or hit.year
    return entries


_TRUNC_KEY = re.compile(r"^\d+/(?:19|20)\d\d(?:/[a-z]+)?$")


def _prefix_match(by_number: dict[str, _Entry], key: str, code: str) -> _Entry | None:
    """A truncated repetition ("01/2008") of a full number ("01/2008/nqlt-..."), or the reverse."""
    for other, entry in by_number.items():
        if entry.hit.code != code:
            continue
        short, long = sorted((key, other), key=len)
        if _TRUNC_KEY.match(short) and long.startswith(short) and long[len(short):][:1] in ("/", "-"):
            return entry
    return None


_SERIAL_RX = re.compile(r"^[0-9.]+")


def _ocr_variant(by_number: dict[str, _Entry], key: str, code: str) -> _Entry | None:
    """The same number misread by OCR ("1050/qđđ-sctt" for "1050/qđ-sct"): same type, same
    serial and year, and a symbol that differs by a letter or two."""
    from rapidfuzz.fuzz import ratio

    serial = _SERIAL_RX.match(key)
    if not serial:
        return None
    year = year_of(key)
    for other, entry in by_number.items():
        if entry.hit.code != code or not other.startswith(serial.group(0)) or year_of(other) != year:
            continue
        if _SERIAL_RX.match(other).group(0) == serial.group(0) and abs(len(other) - len(key)) <= 2 \
                and ratio(other, key) >= 85:
            return entry
    return None


def to_citations(document: Document, entries: list[_Entry]) -> list[Citation]:
    out = []
    for e in entries:
        h = e.hit
        out.append(Citation(
            type=h.type,
            number=e.number,
            date=e.date,
            issuer=e.issuer,
            mention=collapse_ws(document.text[h.start:h.end]),
            key=citation_key(h.type, e.number, e.date or (str(e.year) if e.year else None), name=e.name),
            provenance=provenance(document, h.start, h.end),
            confidence=round(h.confidence, 2),
        ))
    return out


def find_citations(ctx: Context) -> list[Citation]:
    """The pipeline component: distinct cited documents, own number excluded."""
    meta: Metadata = ctx.found.metadata
    if not meta.doc_type and not meta.number and not meta.provenance:
        from .header import find_metadata

        meta = find_metadata(ctx)
    own_symbol = None
    field = meta.provenance.get("number")
    if field is not None:
        own_symbol = _suffix(re.sub(r"^\s*(?:Số|SỐ|số)\s*[:.]?\s*", "0", field.text)) or None
    text = ctx.document.text
    hits = get_citations(text)
    ocr_pages = {p.number for p in ctx.document.pages if p.ocr}
    if ocr_pages:
        for h in hits:
            if h.number and ctx.document.page_at(h.start) in ocr_pages:
                h.number = mend_ocr_number(h.number)
    entries = resolve(hits, text, meta.number, meta.doc_type, own_symbol)
    return to_citations(ctx.document, entries)
