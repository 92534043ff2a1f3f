"""Document metadata: issuer, type, number, date, title, plan period, signer, province, topics.

``find_metadata(ctx) -> Metadata`` reads the header block of a Vietnamese administrative
document (the layout of Nghị định 30/2020/NĐ-CP): the issuing bodies top left, "Số: .../..."
under them, the national motto and "<place>, ngày ... tháng ... năm ..." top right, the document
type and its title in the middle, and the signature block at the end. It uses the header spans
found by extract/outline.py when there are some and searches the first part of the text itself
for whatever is missing, so web copies and DOCX tables whose header the outline missed still work.

Rules (corpora/gold/README.md): a blank number ("Số: /KH-UBND") gives null; a blank day or month
gives no date but keeps the year; a field a reader flagged as unreadable (a handwritten number)
is null, never guessed; the issuer expands "UBND" and names the province; the signer position
is the signing capacity ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" -> "Phó Chủ tịch"); the plan period
comes from the title or scope ("năm 2021", "giai đoạn 2021-2025", "đến năm 2030").
Every field read is given a provenance.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..dates import WORDED_DATE, iso_date
from ..document import Document, Span
from ..model import Metadata, PlanPeriod, Provenance, Signer
from ..normalize import collapse_ws, fold, fold_key
from ..paths import MODELS
from . import citation_patterns as cp
from .base import Context, provenance
from .folding import fold_chars
from .places import Province, find_provinces, province_named, provinces
from .topics import classify_topics

ZONE = 1500  # the header fields sit in the first ~1500 characters after the national motto
TAIL = 6000  # the signature block sits in the last part of the body (annexes may follow)


@lru_cache(maxsize=1)
def _lex() -> dict:
    import yaml

    return yaml.safe_load(Path(MODELS, "header", "header.yaml").read_text(encoding="utf-8"))


def _phrase_rx(phrases: list[str]) -> str:
    """Folded phrases as an alternation, longest first, any whitespace between words."""
    items = sorted({fold_key(p) for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in items)


@dataclass
class _Found:
    """A field value and where it was read."""

    value: object
    start: int
    end: int


# --- zone ----------------------------------------------------------------------------------

_MOTTO = re.compile(r"cong\s+hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam")


def _anchor(folded: str) -> int:
    """Where the header starts: the national motto if it is near the top, else the start."""
    m = _MOTTO.search(folded, 0, 6000)
    return m.start() if m else 0


# --- number --------------------------------------------------------------------------------

# "Số: 27/KH-UBND" anywhere in the header zone; "Số 35-NQ/TU" (party style, no colon) at a line start
_NUMBER_FIELD = re.compile(r"(?<![^\W_])(?i:s[oố])\s*[:.]\s*|(?:^|(?<=\n)|(?<=\|))[ \t]*(?:Số|SỐ)[ \t]+(?=\d)")
_SERIAL = re.compile(r"[ \t]*(?P<serial>[^\s/|]*)[ \t]*(?P<sym>/[ \t]*[^\s|,;]+)?")


def _parse_number_field(field: str) -> tuple[str | None, str | None]:
    """("Số: 27/KH-UBND") -> ("27/KH-UBND", "/KH-UBND"); blank or unreadable serial -> (None, symbol)."""
    body = re.sub(r"^\s*(?:Số|SỐ|số|So|SO)\s*[:.]?\s*", "", field)
    body = re.sub(r"[\u2044\u2215]", "/", body)  # OCR's slash look-alikes
    m = _SERIAL.match(body)
    if not m:
        return None, None
    serial, sym = m.group("serial"), (m.group("sym") or "").replace(" ", "")
    if not sym:
        # party style "Số 35-NQ/TU": the whole value is one token
        if re.fullmatch(r"\d+[a-z]?-[^\W\d_][\w\-]*/[^\W\d_][\w\-]*", serial):
            return serial, serial[serial.index("-"):]
        return None, None
    if not serial:
        return None, sym
    if re.fullmatch(r"\d+[a-z]?-[^\W\d_][\w]*", serial):  # party style: 35-NQ/TU
        return serial + sym, serial[serial.index("-"):] + sym
    if not re.fullmatch(r"\d+[a-zA-Z]?(?:\.\d+)?", serial):
        return None, sym  # OCR junk where a handwritten number was: never guess
    return serial + sym, sym


def _read_number(doc: Document, anchor: int) -> tuple[_Found | None, str | None]:
    """The number field: (found number or None, its symbol part)."""
    span = doc.header.number
    if span is None:
        text = doc.text
        lo, hi = max(0, anchor - 600), min(len(text), anchor + ZONE)
        for m in _NUMBER_FIELD.finditer(text, lo, hi):
            end = m.end()
            while end < hi and text[end] not in "\n|" and end - m.end() < 40:
                end += 1
            value = text[m.start():end]
            # cut before the right column when a table row was flattened onto one line
            value = re.split(r"\s{2,}|(?=\b[A-ZĐ][^\W\d_]+(?:\s+[A-ZĐ][^\W\d_]+)*,\s*ngày)", value)[0]
            if "/" in value or re.search(r"\d+-[A-Z]", value):
                span = Span(value.rstrip(), m.start(), m.start() + len(value.rstrip()), doc.page_at(m.start()))
                break
    if span is None:
        return None, None
    number, sym = _parse_number_field(span.text)
    if number and any(f.kind == "handwritten_number" and (f.page in (None, span.page)) for f in doc.flags):
        number = None
    return _Found(number, span.start, span.end), sym


# --- date ----------------------------------------------------------------------------------

_PLACE_DATE = re.compile(
    r"(?P<place>[^\W\d_][^\n|,;:]{1,40}?)\s*,\s*ngày\s*(?P<d>[0-3]?\d)?\s*tháng\s*(?P<m>[01]?\d)?\s*"
    r"năm\s*(?P<y>(?:19|20)\d\d)",
    re.IGNORECASE,
)


_WEEKDAY = re.compile(r"\s*(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật|cập\s+nhật|ngày\s+đăng)", re.IGNORECASE)


def _read_place_date(doc: Document, anchor: int) -> tuple[_Found | None, str | None]:
    """((iso date or None, year) found, place as written)."""
    span = doc.header.place_date
    text = doc.text
    if span is not None and (_WEEKDAY.match(span.text) or span.start < anchor - 600):
        span = None  # a web page's own date line, not the document's
    if span is not None:
        m = _PLACE_DATE.search(span.text) or WORDED_DATE.search(span.text)
        base = span.start
    else:
        # after the motto first (a web page's own date may sit above the document)
        m = None
        for lo, hi in ((anchor, min(len(text), anchor + ZONE)), (max(0, anchor - 600), anchor)):
            m = next((c for c in _PLACE_DATE.finditer(text, lo, hi) if not _WEEKDAY.match(c.group("place"))), None)
            if m:
                break
        base = 0
    if not m:
        return None, None
    d, mo, y = m.group("d"), m.group("m"), m.group("y")
    unreadable = any(f.kind == "unreadable_field" and f.page in (None, doc.page_at(base + m.start()))
                     for f in doc.flags)
    iso = None if unreadable else iso_date(d, mo, y)
    place = m.groupdict().get("place")
    return _Found((iso, int(y)), base + m.start(), base + m.end()), (place.strip() if place else None)


# --- type and title ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _type_line_rx() -> re.Pattern[str]:
    """A line starting with a document type, on folded text: OCR'd capitals lose their marks and
    gain stray punctuation ("QUYẾT: ĐỊNH", "CHÍ THỊ")."""
    forms = sorted({fold_key(f) for t in cp.doc_types() for f in (t.name, *t.forms)}, key=len, reverse=True)
    alt = "|".join(r"[\s:.,;]+".join(re.escape(w) for w in f.split()) for f in forms)
    return re.compile(rf"(?m)(?:^|\|)[ \t*#]*(?P<type>{alt})(?![a-z0-9])[ \t*]*(?P<rest>[^\n|]*)")


@lru_cache(maxsize=1)
def _title_stop_rx() -> re.Pattern[str]:
    lex = _lex()
    return re.compile(rf"^(?:{_phrase_rx(lex['title_stops'])})(?![a-z0-9])")


@lru_cache(maxsize=1)
def _authority_rx() -> re.Pattern[str]:
    return re.compile(rf"^(?:{_phrase_rx(_lex()['authority_starts'])})(?![a-z0-9])")


def _is_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


_WORDLIKE = re.compile(r"^[^\W\d_]+[,.;:]?$")


def _is_junk(segment: str) -> bool:
    """Stamp and seal noise OCR puts next to the title ("#RUNG-T2M-ĐÔNG BẢO +4 T1 HỌC")."""
    words = segment.split()
    if not words:
        return True
    good = sum(1 for w in words if _WORDLIKE.match(w) and not (len(w) > 1 and w[1:].isupper() and w[:1].islower()))
    return good < 0.75 * len(words) or bool(re.search(r"[#+<>€^~@$]", segment))


def _type_line(doc: Document, anchor: int, folded: str) -> tuple[int, int, str, int] | None:
    """(type start, type end, canonical type, where the rest of the line starts)."""
    text = doc.text
    span = doc.header.doc_type
    limit = min(len(text), anchor + ZONE + 1500)
    first_body = re.search(r"(?m)^\s*(?:Căn\s+cứ|Thực\s+hiện|Để|Theo|Xét)\b", text[anchor:limit])
    body_at = anchor + first_body.start() if first_body else limit
    if span is not None and span.start <= body_at and not span.text.rstrip().endswith(":"):
        t = cp.type_named(span.text)
        if t is not None:
            return span.start, span.end, t.name, span.end
    for m in _type_line_rx().finditer(folded, anchor, min(limit, len(folded))):
        if m.start() > body_at:
            break
        original = text[m.start("type"):m.end("type")]
        rest = text[m.start("rest"):m.end("rest")]
        if not _is_caps(original) or (not rest.strip() and text[m.end("type"):m.end("type") + 1] == ":"):
            continue  # "QUYẾT ĐỊNH:" heads the operative part, it is not the type line
        t = cp.type_named(fold_key(original))
        if t is None:
            continue
        rest_start = m.start("rest") if rest.strip(" :") else m.end()
        return m.start("type"), m.end("type"), t.name, rest_start
    return None


_BODY_INSIDE = re.compile(
    r"\s(?=(?:Căn\s+cứ|Thực\s+hiện\s+(?:Quyết|Nghị|Chỉ|Kế|Công|Thông|Chương|văn)|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị"
    r"|Trên\s+cơ\s+sở|Để\s)(?![^\W_]*[A-ZĐ]{2}))")


def _cut_at_body(line: str) -> str:
    """A title line with the body run into it (a layout that joined them) cut where the body
    starts: at "Căn cứ ..." / "Thực hiện Quyết định ...", or where capitals give way to
    ordinary text after an all-caps title."""
    m = _BODY_INSIDE.search(line)
    if m and m.start() > 10:
        line = line[:m.start()]
    words = line.split(" ")
    if len(words) > 3 and _is_caps(" ".join(words[:3])):
        for k in range(3, len(words)):
            w = words[k]
            if any(ch.islower() for ch in w) and k + 1 < len(words) and any(ch.islower() for ch in words[k + 1]):
                return " ".join(words[:k])
    return line


def _read_type_and_title(doc: Document, anchor: int, folded: str) -> tuple[_Found | None, _Found | None]:
    text = doc.text
    found = _type_line(doc, anchor, folded)
    if found is None:
        return None, None
    t_start, t_end, t_name, rest_start = found
    type_found = _Found(t_name, t_start, t_end)
    # the title: the rest of the type's line, then continuation lines; "|"-separated pieces
    # of a flattened table or an OCR'd stamp are judged one by one
    pieces: list[tuple[int, str]] = []
    for m in re.finditer(r"[^\n|]+", text[rest_start:min(len(text), rest_start + 1200)]):
        raw = m.group(0)
        stripped = raw.strip(" \t*#:")
        if not stripped:
            continue
        pieces.append((rest_start + m.start() + raw.find(stripped), stripped))
        if len(pieces) > 10:
            break
    title_parts: list[tuple[int, str]] = []
    for start, whole in pieces:
        line = _cut_at_body(whole)
        f = fold_key(line)
        if line.startswith("(") or _title_stop_rx().match(f) or re.match(r"^(?:[IVXLC]+|\d+|[A-ZĐ])[.)]\s", line):
            break
        if _is_junk(line):
            if title_parts:
                break
            continue
        if title_parts:
            first_caps = _is_caps(title_parts[0][1])
            if first_caps and _authority_rx().match(f):
                break
            if not (line[:1].islower() or (first_caps and _is_caps(line))):
                break
        title_parts.append((start, line))
        if len(line) < len(whole) or len(" ".join(p[1] for p in title_parts)) > 400:
            break  # the body starts on this line
    if not title_parts:
        return type_found, None
    t_start = title_parts[0][0]
    t_end = title_parts[-1][0] + len(title_parts[-1][1])
    title = collapse_ws(" ".join(p[1] for p in title_parts)).rstrip(" .;:")
    if _is_caps(title):
        title = sentence_case(title)
    return type_found, _Found(title, t_start, t_end)


@lru_cache(maxsize=1)
def _proper_rx() -> tuple[re.Pattern[str], dict[str, str]]:
    names = [n for p in provinces() for n in (p.name, *p.aliases)] + list(_lex()["proper_nouns"])
    table = {n.lower(): n for n in names}
    keys = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![^\W_])"), table


def sentence_case(text: str) -> str:
    """An all-caps title in sentence case, proper nouns and codes kept ("... tỉnh Quảng Ninh")."""
    out = []
    for word in text.split(" "):
        keep = any(ch.isdigit() for ch in word) or "/" in word or (
            len(word) >= 2 and word.isupper() and not any(ch in "AĂÂEÊIOÔƠUƯYaăâeêioôơuưy" for ch in fold(word).upper()))
        out.append(word if keep else word.lower())
    s = " ".join(out)
    rx, table = _proper_rx()
    s = rx.sub(lambda m: table[m.group(0)], s)
    return s[:1].upper() + s[1:]


# --- issuer --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _unit_rx() -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9])(?:{_phrase_rx(_lex()['unit_heads'])})(?![a-z0-9])")


_NOT_A_UNIT = re.compile(r"^(?:phong\s*,?\s*chong|phong\s+ngua|phong\s+chay|ban\s+hanh|to\s+quoc|hoi\s+dong\s+nhan\s+dan\s+va)")


def _split_units(block: str) -> list[tuple[int, int]]:
    """Spans of the organisational units named in an issuer block, top (parent) first."""
    folded = fold_chars(block)
    starts = []
    last_end = -1
    for m in _unit_rx().finditer(folded):
        if m.start() < last_end:
            continue
        if _NOT_A_UNIT.match(folded[m.start():]):
            continue
        if block[m.start():m.end()].lower().startswith("số"):
            continue  # "SỐ 1050/QĐ-SCT" folds like "SỞ"
        # "XÃ HỘI" is not a unit head: a unit starts at a head only after a word boundary
        # that is not inside the current unit's own name (", " or "VÀ" before it)
        prev = folded[:m.start()].rstrip()
        if prev.endswith((",", "-", "va", "–")) and starts:
            continue
        starts.append(m.start())
        last_end = m.end()
    spans = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(block)
        seg = block[s:e].rstrip(" \t\n-–—_|")
        if seg.strip():
            spans.append((s, s + len(seg)))
    return spans


_RIGHT_COLUMN = re.compile(
    r"CỘNG\s*HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|CỘNG\s+HOÀ\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM"
    r"|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+[Pp]húc"
    r"|(?:Số|SỐ)\s*:[^\n|]*|(?:^|(?<=\n))[ \t]*(?:Số|SỐ)[ \t]+\d+-[^\n|]*"
    r"|[^\W\d_][^\n|,;:]{1,40}?,\s*ngày\s*\d{0,2}\s*tháng\s*\d{0,2}\s*năm\s*\d{4}"
    r"|[-_=*]{3,}",
    re.IGNORECASE,
)


def _issuer_block(doc: Document, anchor: int, type_start: int | None) -> Span | None:
    """The top-left issuer block as one span: the capitalised pieces of the header before the
    document type, with the right column (motto, place and date) and the number left out. The
    outline's issuer span, when there is one, is where the search starts; it is not trusted to
    hold every line (a second line "ĐOÀN KIỂM TRA ..." is easily missed)."""
    text = doc.text
    lo = max(0, anchor - 300)
    if doc.header.issuer is not None:
        lo = min(lo, doc.header.issuer.start)
    hi = type_start if type_start is not None and type_start > lo else min(len(text), anchor + 400)
    region = text[lo:hi]
    region = _RIGHT_COLUMN.sub(lambda m: " " * len(m.group(0)), region)
    segs = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n|]+", region) if m.group(0).strip()]
    caps = [(s, g) for s, g in segs if _is_caps(g) and len(g.strip()) >= 3]
    if not caps:
        return doc.header.issuer
    first = caps[0][0] + (len(caps[0][1]) - len(caps[0][1].lstrip()))
    last_s, last_g = caps[-1]
    end = last_s + len(last_g.rstrip())
    joined = " ".join(" ".join(g.split()) for _, g in caps)
    return Span(joined, lo + first, lo + end, doc.page_at(lo + first))


@lru_cache(maxsize=1)
def _canonical_heads() -> list[tuple[tuple[str, ...], str]]:
    heads = [h for h in _lex()["unit_heads"] if not h.isupper()]
    return sorted(((tuple(fold_key(h).split()), h) for h in heads), key=lambda x: len(x[0]), reverse=True)


def _canonical_head(name: str) -> str:
    """The head of a unit name written the canonical way ("ỦY BAN NHÂN DẦN" -> "Ủy ban nhân dân")."""
    words = name.split()
    folded = tuple(fold_key(w) for w in words)
    for key, head in _canonical_heads():
        if folded[:len(key)] == key and all(folded[:len(key)]):
            return " ".join([head, *words[len(key):]])
    return name


def _expand_abbrev(text: str) -> str:
    """Header abbreviations (UBND, HĐND, BCĐ, ...) written out."""
    table = cp.issuer_abbreviations()
    return " ".join(table.get(w.strip(","), w) if w.strip(",") in ("UBND", "HĐND", "BCĐ", "UBMTTQ", "MTTQ")
                    else w for w in text.split())


def _align_abbreviation(caps_name: str, text: str) -> str | None:
    """An abbreviated unit name expanded from the body ("BAN CHỈ ĐẠO PCTP, TNXH ..." ->
    "Ban Chỉ đạo phòng chống tội phạm; tệ nạn xã hội ..."): full words must match, each
    abbreviation must match the initials of as many body words. Returns the body's wording."""
    tokens = [t for t in re.findall(r"[^\W_]+", caps_name)]
    if len(tokens) < 3:
        return None
    ftoks = [fold(t) for t in tokens]
    head = ftoks[:2]
    words = [(m.start(), m.end(), fold(m.group(0))) for m in re.finditer(r"[^\W_]+", text)]
    for i in range(len(words) - len(tokens)):
        if [w[2] for w in words[i:i + 2]] != head:
            continue
        j = i
        ok = True
        for tok in ftoks:
            if j < len(words) and words[j][2] == tok:
                j += 1
                continue
            n = len(tok)
            if j + n <= len(words) and "".join(w[2][0] for w in words[j:j + n]) == tok:
                j += n
                continue
            ok = False
            break
        if ok and j - i > len(tokens):
            return collapse_ws(text[words[i][0]:words[j - 1][1]])
    return None


_PLACE_WORDS = frozenset({"tinh", "huyen", "quan", "xa", "phuong", "thi xa", "thi tran", "thanh pho"})


def _case_unit(name: str) -> str:
    """An all-caps unit name in the usual casing ("SỞ CÔNG THƯƠNG" -> "Sở Công thương")."""
    if not _is_caps(name):
        return name
    words = name.split()
    out = []
    cap_next = True
    place = False  # after "TỈNH", "HUYỆN", ... every word is part of a place name
    for k, w in enumerate(words):
        if any(ch.isdigit() for ch in w) or "/" in w:
            out.append(w)
        elif cap_next or place:
            out.append(w[:1] + w[1:].lower())
        else:
            out.append(w.lower())
        cap_next = w in ("-", "–", "VÀ") or w.endswith(",") or w in ("SỞ", "BỘ", "CỤC", "Sở", "Bộ", "Cục")
        pair = fold(" ".join(words[max(0, k - 1):k + 1]))
        nxt = fold(words[k + 1]) if k + 1 < len(words) else ""
        place = place or ((fold(w) in _PLACE_WORDS or pair in _PLACE_WORDS) and nxt != "hoi")  # not "XÃ HỘI"
    s = " ".join(out)
    rx, table = _proper_rx()
    s = rx.sub(lambda m: table[m.group(0)], s)
    # document types keep their capital ("theo Quyết định số 1050/QĐ-SCT")
    return cp.type_rx().sub(lambda m: cp.type_named(m.group(0)).name if cp.type_named(m.group(0)) and
                            m.group("form") else m.group(0), s)


_LOCAL = re.compile(r"(?<![^\W_])(?:tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn|TỈNH|HUYỆN|XÃ)\s+[A-ZĐÀ-Ỹ]")


def _with_province(name: str, province: Province | None) -> str:
    """Add "tỉnh <X>" to a provincial body's name that does not say where it is."""
    if province is None:
        return name
    f = fold(name)
    central = _phrase_rx(_lex()["central_heads"])
    if re.match(rf"(?:{central})(?![a-z])", f):
        return name
    if find_provinces(name):
        return name
    if _LOCAL.search(name):
        return name
    if re.search(r"(?:tinh|thanh pho)$", f):
        return f"{name} {province.name}"
    return f"{name} {province.kind} {province.name}"


_PREAMBLE_VERB = re.compile(
    r"[ \t]+(?:ban\s+hành|xây\s+dựng|lập|triển\s+khai)\s+(?:các\s+)?(?:kế\s+hoạch|chương\s+trình)(?![^\W_])",
    re.IGNORECASE,
)


def _issuer_from_preamble(text: str, start: int, end: int) -> _Found | None:
    """"... Sở Lao động - Thương binh và Xã hội xây dựng kế hoạch ..." -> that body.

    The issuer is the phrase (an issuer head, by the citation grammar) that ends right before
    "ban hành / xây dựng Kế hoạch"; an issuer of a cited document ("của UBND tỉnh về việc ban
    hành Kế hoạch") does not end there and is not taken.
    """
    for verb in _PREAMBLE_VERB.finditer(text, start, end):
        lo = max(start, verb.start() - 160)
        for k in range(lo, verb.start()):
            if k > 0 and text[k - 1].isalnum():
                continue
            span = cp.issuer_at(text, k)
            if (span and span[1] == verb.start() and not re.search(r"của\s*$", text[max(0, k - 6):k])
                    and len(text[span[0]:span[1]].split()) >= 2):
                return _Found(collapse_ws(text[span[0]:span[1]]), span[0], span[1])
    return None


def _issuer_from_symbol(sym: str | None) -> str | None:
    """"/KH-UBND" -> "Ủy ban nhân dân" (the authority part of the number's symbol)."""
    if not sym or "-" not in sym:
        return None
    auth = sym.rsplit("-", 1)[1]
    table = cp.issuer_abbreviations()
    name = table.get(auth)
    if name in ("Ủy ban nhân dân", "Hội đồng nhân dân"):
        return name + " tỉnh"
    return None


# --- signer --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _signature_rx() -> re.Pattern[str]:
    """A signing block on the folded text: prefixes, capacity titles, (then a name, checked apart)."""
    lex = _lex()
    titles = _phrase_rx(list(lex["positions"]))
    prefixes = "|".join(re.escape(fold(p)) for p in sorted(lex["signing_prefixes"], key=len, reverse=True))
    return re.compile(
        rf"(?<![a-z0-9])(?P<block>(?:(?:{prefixes})\s*\.\s*[a-z][a-z ]{{1,40}}?\s+)*)"
        rf"(?P<title>{titles})(?![a-z0-9])"
    )


_JUNK = re.compile(r"(?:\s|\*|\||\[[^\]\n]{0,60}\]|\((?:đã\s+ký|Đã\s+ký|ký[^)\n]{0,30})\)|Đã\s+ký|đã\s+ký|[^\w\n]{1,3})*")
_FIRST = r"[A-ZĐÀ-Ỹ](?:[a-zà-ỹđ]+|')?"  # a family name, or an Ê Đê / Jrai prefix ("Y", "H'")
_NAME = re.compile(rf"(?P<name>{_FIRST}(?:[ \t]+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){{1,4}})(?![\w])")
_NAME_CAPS = re.compile(r"(?P<name>[A-ZĐÀ-Ỹ]{1,7}(?:[ \t]+[A-ZĐÀ-Ỹ]{1,7}){1,4})(?![\w])")


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset(fold(s) for s in _lex()["surnames"])


@lru_cache(maxsize=1)
def _positions() -> dict[str, str]:
    return {fold_key(k): v for k, v in _lex()["positions"].items()}


def _name_after(text: str, after: int) -> re.Match[str] | None:
    """The signer's name after a signing title: past seal/signature noise and the signer's
    other roles in capitals; it starts with a known family name."""
    k = after
    for _ in range(8):
        j = _JUNK.match(text, k).end()
        nm = _NAME.match(text, j)
        if nm and fold(nm.group("name").split()[0]) in _surnames():
            return nm
        nc = _NAME_CAPS.match(text, j)
        if nc and fold(nc.group("name").split()[0]) in _surnames() and re.match(r"\s*(?:\n|$)", text[nc.end():nc.end() + 3]):
            return nc
        caps = re.match(r"[A-ZĐÀ-Ỹ0-9.,/&()\- ]{2,80}?(?=\n|$|\s{2}|[A-ZĐ][a-zà-ỹ])", text[j:j + 90])
        if caps and caps.end() > 0:
            k = j + caps.end()
            continue
        break
    return None


_NAME_AT_EOL = re.compile(
    rf"(?P<name>(?<![^\W_]){_FIRST}(?:[ \t]+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){{1,4}})[ \t*.]*$", re.MULTILINE)
_PARTIAL_AT_EOL = re.compile(
    r"(?P<tail>[A-ZĐÀ-Ỹ][a-zà-ỹđ]+[ \t]+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+)[ \t*.]*$", re.MULTILINE)
# A name opening a line, with a seal's or stamp's text run on after it by OCR
# ("Nguyễn Tuấn Anh Ủy ban nhân dân tỉnh Lào Cai)"): the name stops before a capital that
# starts a lowercase phrase.
_NAME_AT_BOL = re.compile(
    rf"^[ \t*]*(?P<name>{_FIRST}(?:[ \t]+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){{1,3}})(?=[ \t]+[A-ZĐÀ-Ỹ][a-zà-ỹđ]*[ \t]+[a-zà-ỹđ]|[ \t*.]*$)",
    re.MULTILINE)
_ANNEX = re.compile(r"(?m)^\s*(?:PHỤ\s+LỤC|Phụ\s+lục|PHỤ\s+BIỂU|Phụ\s+biểu|BIỂU\s+MẪU|Biểu\s+\d)")


def _known_name(text: str, tail: str) -> str | None:
    """A full name elsewhere in the document that ends with ``tail`` ("Văn Thuân" ->
    "Hoàng Văn Thuân"): mends a family name OCR garbled in the signature block."""
    rx = re.compile(r"(?<![^\W_])(?P<name>(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+[ \t]+){1,3}"
                    + r"[ \t]+".join(map(re.escape, tail.split())) + r")(?![^\W_])")
    for m in rx.finditer(text):
        words = m.group("name").split()
        while words and fold(words[0]) in _HONORIFICS:
            words = words[1:]
        if len(words) > len(tail.split()) and fold(words[0]) in _surnames():
            return " ".join(words)
    return None


_HONORIFICS = frozenset({"ong", "ba", "anh", "chi", "dong"})


def _read_signer(doc: Document, body_end: int) -> tuple[_Found | None, _Found | None]:
    """(position, name) of the signature block, the first one after the body's end.

    The position is the capacity title after any "TM. <body>" / "KT. <title>" prefixes
    ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" -> Phó Chủ tịch; "TRƯỞNG BAN / PHÓ CHỦ TỊCH UBND TỈNH" ->
    Trưởng ban). The name follows, possibly after the signer's other role in capitals. When a
    two-column layout (or OCR) interleaves the block with "Nơi nhận", the name is the first line
    in the block that ends in a name with a known family name; a family name OCR garbled is
    mended from the same name written elsewhere in the document.
    """
    text = doc.text
    lo = max(0, body_end - 300) if body_end < len(text) else max(0, len(text) - TAIL)
    annex = _ANNEX.search(text, body_end) if body_end < len(text) else None
    hi = annex.start() if annex else min(len(text), lo + 3000)
    folded = fold_chars(text[lo:hi])
    titles: list[_Found] = []
    for m in _signature_rx().finditer(folded):
        ts, te = lo + m.start("title"), lo + m.end("title")
        title_orig = text[ts:te]
        if not _is_caps(title_orig):
            continue
        here = _Found(_positions().get(fold_key(title_orig), title_orig.title()), ts, te)
        name_m = _name_after(text, te)
        if name_m is not None:
            return here, _Found(_name_case(name_m.group("name")), name_m.start("name"), name_m.end("name"))
        titles.append(here)
    # the name on a line of its own (or ending a line) in the signature block
    name: _Found | None = None
    if body_end < hi:
        for m in _NAME_AT_EOL.finditer(text, body_end, hi):
            if fold(m.group("name").split()[0]) in _surnames():
                name = _Found(m.group("name"), m.start("name"), m.end("name"))
                break
        if name is None:
            for m in _NAME_AT_BOL.finditer(text, body_end, hi):
                if fold(m.group("name").split()[0]) in _surnames():
                    name = _Found(m.group("name"), m.start("name"), m.end("name"))
                    break
        if name is None:
            for m in _PARTIAL_AT_EOL.finditer(text, body_end, hi):
                known = _known_name(text, m.group("tail"))
                if known is not None:
                    name = _Found(known, m.start("tail"), m.end("tail"))
                    break
    if name is None:
        return None, None
    # the capacity is a title above the name (one below it is the signer's other role)
    before = [t for t in titles if t.start < name.start]
    return (before[-1] if before else None), name


def _name_case(name: str) -> str:
    return " ".join(w[:1] + w[1:].lower() for w in name.split()) if name.isupper() else name


_BODY_END = re.compile(r"\./\.|^\s*Nơi\s+nhận\s*:?|\bNơi\s+nhận\s*:", re.MULTILINE)


def _body_end(text: str) -> int:
    m = _BODY_END.search(text, len(text) // 3)
    return m.start() if m else len(text)


# --- plan period ---------------------------------------------------------------------------

_RANGE = re.compile(r"(?:giai\s+doan|thoi\s+ky|nhiem\s+ky)?\s*\(?\s*(?:tu\s+nam\s+)?((?:19|20)\d\d)\s*(?:-|–|—|den(?:\s+nam)?)\s*((?:19|20)\d\d)\)?")
_UNTIL = re.compile(r"(?:den|toi)\s+nam\s+((?:19|20)\d\d)")
_YEAR = re.compile(r"(?<!den )(?<!toi )(?<!tam nhin )nam\s+((?:19|20)\d\d)(?!\s*(?:-|–|den))")


def plan_period(title: str | None, doc_type: str | None, issued_year: int | None) -> PlanPeriod:
    """The period a plan covers, from its title: a range, one year, or up to a year."""
    def sane(y: int) -> bool:
        return issued_year is None or issued_year - 2 <= y <= issued_year + 16

    f = fold(title or "")
    f = re.sub(r"tam\s+nhin\s+(?:den\s+)?nam\s+\d{4}", " ", f)  # a vision is not the period
    for m in _RANGE.finditer(f):
        a, b = int(m.group(1)), int(m.group(2))
        if a < b and sane(a) and sane(b):
            return PlanPeriod(a, b)
    years = [int(m.group(1)) for m in _YEAR.finditer(f) if sane(int(m.group(1)))]
    if years:
        return PlanPeriod(years[-1], years[-1])
    m = _UNTIL.search(f)
    if m and sane(int(m.group(1))):
        return PlanPeriod(issued_year, int(m.group(1)))
    if doc_type in ("Kế hoạch", "Chương trình", "Chương trình hành động", "Kế hoạch liên tịch") and issued_year:
        return PlanPeriod(issued_year, issued_year)  # a one-off plan runs in its year
    return PlanPeriod(None, None)


# --- province ------------------------------------------------------------------------------

def _read_province(text: str, block: Span | None, place: str | None, anchor: int) -> Province | None:
    if block is not None:
        found = find_provinces(block.text)
        if found:
            return found[-1][1]
    if place:
        p = province_named(place)
        if p:
            return p
    counts: dict[str, tuple[int, Province]] = {}
    window = text[anchor:anchor + 8000]
    for m in re.finditer(r"(?:tỉnh|thành\s+phố|TỈNH|THÀNH\s+PHỐ)\s+", window):
        found = find_provinces(window[m.end():m.end() + 30])
        if found and found[0][0] == 0:
            p = found[0][1]
            n, _ = counts.get(p.name, (0, p))
            counts[p.name] = (n + 1, p)
    if counts:
        return max(counts.values(), key=lambda v: v[0])[1]
    return None


# --- the component -------------------------------------------------------------------------

_CHAIRMAN = re.compile(
    r"Chủ\s+tịch\s+(?:Ủy\s+ban\s+nhân\s+dân|UBND|Uỷ\s+ban\s+nhân\s+dân)\s+(?:tỉnh|thành\s+phố)"
    r"(?:\s+[A-ZĐ][^\W\d_]+){0,3}\s+(?:yêu\s+cầu|chỉ\s+thị|quyết\s+định)",
)
_CHAIRMAN_LINE = re.compile(r"(?m)^\s*CHỦ\s+TỊCH\s+(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN")


def find_metadata(ctx: Context) -> Metadata:
    """The metadata of the document in ``ctx`` (one Metadata, with provenance per field)."""
    doc = ctx.document
    text = doc.text
    folded_head = fold_chars(text[:12000])
    anchor = _anchor(folded_head)
    prov: dict[str, Provenance] = {}

    def keep(field: str, found: _Found | None) -> object:
        if found is None:
            return None
        prov[field] = provenance(doc, found.start, found.end)
        return found.value

    number_found, symbol = _read_number(doc, anchor)
    number = keep("number", number_found)
    date_found, place = _read_place_date(doc, anchor)
    date_value = keep("issued_date", date_found)
    issued_date, issued_year = date_value if date_value else (None, None)
    type_found, title_found = _read_type_and_title(doc, anchor, folded_head)
    doc_type = keep("doc_type", type_found)
    title = keep("title", title_found)

    block = _issuer_block(doc, anchor, type_found.start if type_found else None)
    province = _read_province(text, block, place, anchor)

    issuer: str | None = None
    if block is not None:
        units = _split_units(block.text)
        if units:
            s, e = units[-1]
            caps = block.text[s:e]
            unit = (_align_abbreviation(caps, text[block.end:block.end + 6000])
                    if re.search(r"\b[A-ZĐ]{4,}\b", caps) else None)
            unit = _canonical_head(unit or _case_unit(_expand_abbrev(collapse_ws(caps))))
            issuer = _with_province(unit, province)
            if len(units) > 1 and re.match(rf"(?:{_phrase_rx(_lex()['temporary_units'])})(?![a-z])", fold(caps)):
                ps, pe = units[-2]
                parent = _with_province(_canonical_head(_case_unit(_expand_abbrev(collapse_ws(block.text[ps:pe])))),
                                        province)
                issuer = f"{_canonical_head(_case_unit(collapse_ws(caps)))} ({parent})"
            prov["issuer"] = Provenance(block.page, block.start, block.end, text[block.start:block.end])
    if issuer is None:
        body_start = title_found.end if title_found else (type_found.end if type_found else anchor)
        pre = _issuer_from_preamble(text, body_start, min(len(text), body_start + 2500))
        if pre is not None:
            issuer = _with_province(cp.expand_issuer(str(pre.value)), province)
            keep("issuer", pre)
        else:
            guess = _issuer_from_symbol(symbol)
            if guess:
                issuer = _with_province(guess, province)

    body_end = _body_end(text)
    position_found, name_found = _read_signer(doc, body_end)
    position = keep("signer.position", position_found)
    name = keep("signer.name", name_found)

    # a directive or decision given by the chairman in person ("Chủ tịch Ủy ban nhân dân tỉnh
    # yêu cầu", an authority line "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ..."), not on behalf of the body
    if issuer and fold(issuer).startswith("uy ban nhan dan") and doc_type in ("Chỉ thị", "Quyết định"):
        head = text[anchor:anchor + ZONE + 2500]
        tm = re.search(r"\bT\.?/?M\.?\s+(?:ỦY|UỶ)\s+BAN", text[body_end:body_end + 2000])
        if (_CHAIRMAN_LINE.search(head) or _CHAIRMAN.search(head)) and not tm:
            issuer = "Chủ tịch " + issuer

    if issued_year is None and title:
        pp = plan_period(title, doc_type, None)
        issued_year = pp.start
    period = plan_period(title, doc_type, issued_year)
    if title_found is not None and (period.start or period.end):
        prov["plan_period"] = prov["title"]

    meta = Metadata(
        province=province.name if province else None,
        issuer=issuer,
        doc_type=doc_type,
        number=number,
        issued_date=issued_date,
        issued_year=issued_year,
        plan_period=period,
        title=title,
        signer=Signer(name=name, position=position),
        topics=classify_topics(doc, title),
        provenance=prov,
    )
    if province is not None and block is not None:
        prov.setdefault("province", prov.get("issuer"))
    elif province is not None and date_found is not None:
        prov.setdefault("province", prov["issued_date"])
    return meta
