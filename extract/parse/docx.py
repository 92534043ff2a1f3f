"""DOCX reader: ``read_docx(data, path, settings) -> RawDocument``.

Body paragraphs and tables come out in reading order (content controls are looked into,
page headers, footers, footnotes, comments and deleted text are not). Each paragraph keeps
what layout and outline need: bold (every run with text is bold), centred, and the label a
Word list would draw in front of it ("1.", "a)", "-"), computed from numbering.xml the way
Word counts. Tables keep their grid: a merged cell gives its text once, the columns it
spans or continues are empty strings.

Text typed in legacy fonts (TCVN3 .VnTime, VNI-Times) is converted to Unicode: by the run's
font where the document names one, otherwise by what the text looks like (``legacy``).

Page numbers are those Word recorded when the file was last saved (``lastRenderedPageBreak``),
or, for files never laid out by Word, those of explicit page and section breaks.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import Counter
from itertools import groupby
from dataclasses import dataclass, field

from lxml import etree

from .. import errors
from ..document import Flag
from ..settings import ParseSettings
from . import legacy
from .raw import RawBlock, RawDocument

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_BIG_MEMBER = 1024 * 1024  # the compression-ratio limit applies to members inflating past this
_OFF = ("0", "false", "off", "none")
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _val(el: etree._Element | None, attr: str = "val") -> str | None:
    return None if el is None else el.get(_q(attr))


def _on(el: etree._Element | None) -> bool | None:
    """A w:b-style toggle: absent -> None, present without val or with a true val -> True."""
    if el is None:
        return None
    value = _val(el)
    return value is None or value.lower() not in _OFF


# --- the container -------------------------------------------------------------------------

def check_container(data: bytes, path: str, settings: ParseSettings) -> None:
    """Refuse a zip that is broken, encrypted, or would unpack past the limits (zip bombs),
    from the sizes in its directory, before anything is inflated."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise errors.CorruptFile(path, f"broken zip container: {exc}") from None
    if any(m.flag_bits & 0x1 for m in members):
        raise errors.EncryptedFile(path, "zip members are encrypted")
    total = sum(m.file_size for m in members)
    if total > settings.max_unzipped_bytes:
        raise errors.TooLarge(path, f"unpacks to {total:,} bytes > {settings.max_unzipped_bytes:,}")
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > _BIG_MEMBER and ratio > settings.max_zip_ratio:
            raise errors.TooLarge(
                path, f"{m.filename} is compressed {ratio:,.0f}:1 > {settings.max_zip_ratio:,.0f}:1"
            )


def _open(data: bytes, path: str):
    import docx  # python-docx

    try:
        return docx.Document(io.BytesIO(data))
    except ValueError as exc:
        if "content type" not in str(exc):
            raise errors.CorruptFile(path, str(exc)) from None
        # A macro-enabled document or a template (.docm, .dotx): the same body, another label.
        try:
            return docx.Document(io.BytesIO(_as_document(data)))
        except Exception as exc2:  # noqa: BLE001 - any failure here means an unreadable file
            raise errors.CorruptFile(path, str(exc2)) from None
    except errors.ParseError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx, lxml and zipfile raise many kinds
        raise errors.CorruptFile(path, f"{type(exc).__name__}: {exc}") from None


def _as_document(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "[Content_Types].xml":
                body = re.sub(
                    rb"application/vnd\.(?:ms-word\.(?:document|template)\.macroEnabled|"
                    rb"openxmlformats-officedocument\.wordprocessingml\.template)\.main\+xml",
                    _WORD_MAIN.encode(),
                    body,
                )
            dst.writestr(info, body)
    return out.getvalue()


# --- styles --------------------------------------------------------------------------------

class _Styles:
    """Paragraph and character properties through the style chain (basedOn) to the defaults."""

    def __init__(self, root: etree._Element | None) -> None:
        self.by_id: dict[str, etree._Element] = {}
        self.default_paragraph: str | None = None
        self.default_rpr: etree._Element | None = None
        self.default_ppr: etree._Element | None = None
        if root is None:
            return
        for style in root.iter(_q("style")):
            sid = style.get(_q("styleId"))
            if sid:
                self.by_id[sid] = style
                default = style.get(_q("default"))
                if style.get(_q("type")) == "paragraph" and default and default.lower() not in _OFF:
                    self.default_paragraph = sid
        defaults = root.find(_q("docDefaults"))
        if defaults is not None:
            self.default_rpr = defaults.find(f"{_q('rPrDefault')}/{_q('rPr')}")
            self.default_ppr = defaults.find(f"{_q('pPrDefault')}/{_q('pPr')}")

    def chain(self, style_id: str | None) -> list[etree._Element]:
        """The style and the styles it is based on, nearest first (cycles cut)."""
        out: list[etree._Element] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            out.append(style)
            style_id = _val(style.find(_q("basedOn")))
        return out

    def paragraph_style(self, p: etree._Element) -> str | None:
        return _val(p.find(f"{_q('pPr')}/{_q('pStyle')}")) or self.default_paragraph

    def ppr_chain(self, p: etree._Element) -> list[etree._Element]:
        """pPr elements that apply to a paragraph, strongest first."""
        out = [p.find(_q("pPr"))]
        out += [s.find(_q("pPr")) for s in self.chain(self.paragraph_style(p))]
        out.append(self.default_ppr)
        return [x for x in out if x is not None]

    def rpr_chain(self, r: etree._Element, p_style: str | None) -> list[etree._Element]:
        """rPr elements that apply to a run, strongest first."""
        rpr = r.find(_q("rPr"))
        out = [rpr]
        if rpr is not None:
            out += [s.find(_q("rPr")) for s in self.chain(_val(rpr.find(_q("rStyle"))))]
        out += [s.find(_q("rPr")) for s in self.chain(p_style)]
        out.append(self.default_rpr)
        return [x for x in out if x is not None]


def _first(chain: list[etree._Element], tag: str) -> etree._Element | None:
    for props in chain:
        found = props.find(_q(tag))
        if found is not None:
            return found
    return None


def _run_font(chain: list[etree._Element]) -> str | None:
    """The font Word draws Latin-1 letters with (hAnsi), else the ASCII font."""
    for props in chain:
        fonts = props.find(_q("rFonts"))
        if fonts is not None:
            name = fonts.get(_q("hAnsi")) or fonts.get(_q("ascii"))
            if name:
                return name
            if fonts.get(_q("hAnsiTheme")) or fonts.get(_q("asciiTheme")):
                return None  # a theme font: a modern document, never a legacy font
    return None


# --- numbering -------------------------------------------------------------------------------

@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    legal: bool = False  # isLgl: every component shown as a decimal
    style: str | None = None  # a paragraph style bound to this level


@dataclass
class _Num:
    abstract: str
    overrides: dict[int, int] = field(default_factory=dict)  # level -> start


class _Numbering:
    """Word's list counters: one set per abstract list, restarted by a startOverride the
    first time a list instance that carries it is used; a level restarts its deeper levels."""

    def __init__(self, root: etree._Element | None, styles: _Styles) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}  # abstract id -> style name it takes its levels from
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        self.styles = styles
        if root is None:
            return
        for abstract in root.iter(_q("abstractNum")):
            aid = abstract.get(_q("abstractNumId"))
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(_q("lvl")):
                ilvl = _int(lvl.get(_q("ilvl")), 0)
                levels[ilvl] = _Level(
                    start=_int(_val(lvl.find(_q("start"))), 1),
                    fmt=_val(lvl.find(_q("numFmt"))) or "decimal",
                    text=_val(lvl.find(_q("lvlText"))) or "",
                    legal=bool(_on(lvl.find(_q("isLgl")))),
                    style=_val(lvl.find(_q("pStyle"))),
                )
            self.levels[aid] = levels
            link = _val(abstract.find(_q("numStyleLink")))
            if link:
                self.links[aid] = link
        for num in root.iter(_q("num")):
            overrides = {}
            for over in num.iter(_q("lvlOverride")):
                start = _val(over.find(_q("startOverride")))
                if start is not None:
                    overrides[_int(over.get(_q("ilvl")), 0)] = _int(start, 1)
            self.nums[num.get(_q("numId"))] = _Num(_val(num.find(_q("abstractNumId"))) or "", overrides)

    def _abstract(self, num_id: str) -> str | None:
        num = self.nums.get(num_id)
        if num is None:
            return None
        aid = num.abstract
        # A list that takes its levels from a numbering style (numStyleLink): follow it once.
        link = self.links.get(aid)
        if link and not self.levels.get(aid):
            for style in self.styles.chain(link):
                linked = _val(style.find(f"{_q('pPr')}/{_q('numPr')}/{_q('numId')}"))
                if linked and linked in self.nums and self.nums[linked].abstract != aid:
                    return self.nums[linked].abstract
        return aid

    def level_for_style(self, num_id: str, style_id: str | None) -> int:
        aid = self._abstract(num_id)
        for ilvl, level in self.levels.get(aid or "", {}).items():
            if style_id and level.style == style_id:
                return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> str | None:
        """Advance the counter of this list at this level and return the label drawn."""
        aid = self._abstract(num_id)
        levels = self.levels.get(aid or "")
        if not levels or ilvl not in levels:
            return None
        num = self.nums[num_id]
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl in num.overrides:
                counters.pop(lvl, None)

        def start(lvl: int) -> int:
            return num.overrides.get(lvl, levels.get(lvl, _Level()).start)

        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start(ilvl)
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        level = levels[ilvl]
        if level.fmt == "bullet":
            return "+" if level.text.strip() == "+" else "-"
        if level.fmt == "none" or not level.text:
            return None

        def component(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            fmt = "decimal" if level.legal else levels.get(k, _Level()).fmt
            return _format_number(counters.get(k, start(k)), fmt)

        label = re.sub(r"%([1-9])", component, level.text).strip()
        return label or None


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        # Word repeats the letter past z: aa, bb, ...
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


def _roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = []
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


# --- reading the body --------------------------------------------------------------------------

@dataclass
class _Piece:
    text: str
    font: tuple[legacy.Encoding, bool] | None  # legacy encoding named by the run's font
    bold: bool


@dataclass
class _Para:
    pieces: list[_Piece]
    page: int
    centered: bool = False
    label: str | None = None
    level: int | None = None
    text: str = ""  # filled once legacy text is converted

    @property
    def bold(self) -> bool:
        inked = [p for p in self.pieces if p.text.strip()]
        return bool(inked) and all(p.bold for p in inked)


@dataclass
class _Table:
    rows: list[list[list[_Para]]]  # row -> cell -> paragraphs
    page: int


# Elements inside a paragraph whose runs are body text; anything else (deleted text, fields'
# instructions, drawings) is not.
_DESCEND = frozenset(map(_q, ("hyperlink", "smartTag", "ins", "moveTo", "sdt", "sdtContent",
                              "customXml", "fldSimple", "dir", "bdo")))


class _Reader:
    def __init__(self, document) -> None:
        part = document.part
        self.styles = _Styles(_root(lambda: part.styles.element))
        self.numbering = _Numbering(_root(lambda: part.numbering_part.element), self.styles)
        body = document.element.body
        # Files saved by Word carry the page breaks of its own layout; prefer those.
        self.rendered = next(body.iter(_q("lastRenderedPageBreak")), None) is not None
        self.page = 1
        self.units: list[_Para | _Table] = []
        self.body = body

    def read(self) -> list[_Para | _Table]:
        for kind, el in _content(self.body):
            unit = self._paragraph(el) if kind == "p" else self._table(el)
            if unit is not None:
                self.units.append(unit)
        return self.units

    # paragraphs
    def _paragraph(self, p: etree._Element) -> _Para | None:
        ppr_chain = self.styles.ppr_chain(p)
        if not self.rendered and _on(_first(ppr_chain, "pageBreakBefore")) and self.units:
            self.page += 1
        p_style = self.styles.paragraph_style(p)
        pieces: list[_Piece] = []
        page: list[int] = []  # the page the first inked text is on
        self._collect(p, p_style, pieces, page)
        para = _Para(pieces, page[0] if page else self.page)
        para.centered = _val(_first(ppr_chain, "jc")) == "center"
        numbering = self._list_of(p, ppr_chain, p_style)
        if numbering is not None:
            para.label = self.numbering.next_label(*numbering)
            para.level = numbering[1] if para.label else None
        ppr = p.find(_q("pPr"))
        sect = ppr.find(_q("sectPr")) if ppr is not None else None
        if sect is not None and not self.rendered and _val(sect.find(_q("type"))) != "continuous":
            self.page += 1  # a section break ends the page (unless it is a continuous one)
        if not "".join(x.text for x in pieces).strip() and not para.label:
            return None
        return para

    def _list_of(self, p, ppr_chain, p_style) -> tuple[str, int] | None:
        direct = p.find(f"{_q('pPr')}/{_q('numPr')}")
        for props in ([direct] if direct is not None else []) + [
            pp.find(_q("numPr")) for pp in ppr_chain[1 if direct is not None else 0:]
        ]:
            if props is None:
                continue
            num_id = _val(props.find(_q("numId")))
            if num_id is None:
                continue
            if num_id == "0":
                return None  # numbering switched off for this paragraph
            ilvl = _val(props.find(_q("ilvl")))
            level = int(ilvl) if ilvl and ilvl.isdigit() else (
                0 if props is direct else self.numbering.level_for_style(num_id, p_style)
            )
            return num_id, level
        return None

    def _collect(self, el, p_style, pieces: list[_Piece], page: list[int]) -> None:
        for child in el:
            tag = child.tag
            if tag == _q("r"):
                self._run(child, p_style, pieces, page)
            elif tag in _DESCEND:
                self._collect(child, p_style, pieces, page)

    def _run(self, r, p_style, pieces: list[_Piece], page: list[int]) -> None:
        chain = self.styles.rpr_chain(r, p_style)
        font = legacy.font_encoding(_run_font(chain))
        bold = bool(_on(_first(chain, "b")))
        out: list[str] = []

        def flush() -> None:
            text = "".join(out)
            out.clear()
            if text:
                if not page and text.strip():
                    page.append(self.page)
                pieces.append(_Piece(text, font, bold))

        for child in r:
            tag = child.tag
            if tag == _q("t"):
                out.append(child.text or "")
            elif tag in (_q("tab"), _q("ptab"), _q("cr")):
                out.append(" ")
            elif tag == _q("br"):
                if _val(child, "type") == "page":
                    flush()
                    if not self.rendered:
                        self.page += 1
                elif _val(child, "type") != "column":
                    out.append(" ")  # a soft line break inside a paragraph
            elif tag == _q("noBreakHyphen"):
                out.append("-")
            elif tag == _q("lastRenderedPageBreak"):
                flush()
                self.page += 1
        flush()

    # tables
    def _table(self, tbl: etree._Element) -> _Table | None:
        start_page = self.page
        rows: list[list[list[_Para]]] = []
        for tr in _children(tbl, "tr"):
            row: list[list[_Para]] = []
            for tc in _children(tr, "tc"):
                tcpr = tc.find(_q("tcPr"))
                span = _int(_val(tcpr.find(_q("gridSpan"))) if tcpr is not None else None, 1)
                vmerge = tcpr.find(_q("vMerge")) if tcpr is not None else None
                continued = vmerge is not None and (_val(vmerge) or "continue") == "continue"
                paras = [] if continued else self._cell(tc)
                if continued:
                    self._cell(tc)  # keep page and numbering counts right; the text was given above
                row.append(paras)
                row.extend([] for _ in range(max(span, 1) - 1))
            rows.append(row)
        if not rows:
            return None
        return _Table(rows, start_page)

    def _cell(self, tc: etree._Element) -> list[_Para]:
        paras: list[_Para] = []
        for kind, el in _content(tc):
            if kind == "p":
                para = self._paragraph(el)
                if para is not None:
                    paras.append(para)
            else:  # a table inside a cell: its cells as paragraphs of this one
                inner = self._table(el)
                for row in inner.rows if inner else []:
                    for cell in row:
                        paras.extend(cell)
        return paras


def _root(get):
    try:
        return get()
    except (KeyError, NotImplementedError, AttributeError, ValueError):
        return None


def _children(el: etree._Element, tag: str):
    """Direct children with a tag, looking through content controls and custom XML."""
    for child in el:
        if child.tag == _q(tag):
            yield child
        elif child.tag in (_q("sdt"), _q("sdtContent"), _q("customXml")):
            yield from _children(child, tag)


def _content(container: etree._Element):
    """("p", el) and ("tbl", el) in reading order, through content controls."""
    for child in container:
        if child.tag == _q("p"):
            yield "p", child
        elif child.tag == _q("tbl"):
            yield "tbl", child
        elif child.tag in (_q("sdt"), _q("sdtContent"), _q("customXml")):
            yield from _content(child)


# --- legacy text ----------------------------------------------------------------------------------

def _convert(units: list[_Para | _Table]) -> Counter:
    """Fill every paragraph's text, converting legacy-font runs; count what was converted."""
    paras = list(_all_paras(units))
    # Text not marked by a legacy font is judged as a whole first: a short paragraph proves
    # nothing alone ("Sè: 27"), but fits the encoding the document turned out to be in.
    plain = "\n".join(p.text for para in paras for p in para.pieces if p.font is None)
    hint = legacy.detect_legacy(plain[:200_000])
    converted: Counter = Counter()
    for para in paras:
        out: list[str] = []
        # Consecutive runs in one font are converted together: Word splits runs at every
        # editing session, even between a VNI base letter and its mark byte.
        for font, group in groupby(para.pieces, key=lambda p: p.font):
            text = "".join(p.text for p in group)
            if font is None:
                text, enc = legacy.convert(text, hint)
            elif legacy.has_unicode_vietnamese(text):
                enc = None  # already converted; only the old font name was kept
            else:
                enc, upper = font
                text = legacy.to_unicode(text, enc, upper=upper)
            if enc:
                converted[enc] += 1
            out.append(text)
        para.text = "".join(out)
    return converted


def _all_paras(units):
    for unit in units:
        if isinstance(unit, _Para):
            yield unit
        else:
            for row in unit.rows:
                for cell in row:
                    yield from cell


def _labelled(para: _Para) -> str:
    """A paragraph inside a table cell, with its list label written out ("1." in an STT column)."""
    text = " ".join(para.text.split())
    return f"{para.label} {text}".strip() if para.label else text


def read_docx(data: bytes, path: str, settings: ParseSettings) -> RawDocument:
    """Read a DOCX file's body into a RawDocument, or raise a ParseError naming the file."""
    from .guard import check

    check_container(data, path, settings)
    document = _open(data, path)
    try:
        units = _Reader(document).read()
    except (etree.XMLSyntaxError, ValueError, KeyError, zlib.error) as exc:
        raise errors.CorruptFile(path, f"{type(exc).__name__}: {exc}") from None
    check()
    converted = _convert(units)
    blocks: list[RawBlock] = []
    for unit in units:
        if isinstance(unit, _Para):
            blocks.append(RawBlock(
                "paragraph", unit.text, page=unit.page, bold=unit.bold, centered=unit.centered,
                list_label=unit.label, list_level=unit.level,
            ))
        else:
            rows = [["\n".join(_labelled(p) for p in cell) for cell in row] for row in unit.rows]
            blocks.append(RawBlock("table", page=unit.page, rows=rows))
    if not any(b.text.strip() or any(any(c.strip() for c in r) for r in (b.rows or [])) for b in blocks):
        raise errors.NoText(path, "the document body has no text")
    raw = RawDocument(format="docx", blocks=blocks, page_count=max((b.page for b in blocks), default=1))
    if converted:
        encoding, count = converted.most_common(1)[0]
        raw.legacy_encoding = encoding
        raw.flags.append(Flag(
            "legacy_encoding",
            f"{sum(converted.values())} runs of {'/'.join(sorted(converted)).upper()} legacy-font "
            "text converted to Unicode",
        ))
    return raw


__all__ = ["read_docx", "check_container"]
