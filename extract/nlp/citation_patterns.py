"""The grammar of Vietnamese legal citations, assembled once from the lexicons in models/citations/.

Kept apart from the finder (extract/nlp/citations.py) the way eyecite keeps its regexes apart:
this module knows what a document type, a document number, a date, an issuer phrase and a law
name look like; the finder decides what to do with them.

- ``TYPE_RX``: a document type as written ("Quyết định", "Nghị quyết liên tịch", "QĐ", ...).
- ``scan_number``: a document number starting at an offset, tolerant of the stray spaces
  and line breaks of real documents ("71/KH- UBND", "217/2025/NĐ-\\nCP", "2336 /QĐ-UBND").
- ``date_after``: a date that follows immediately ("ngày 07/3/2016", "ngày 02 tháng 02 năm 2021").
- ``issuer_at`` / ``issuer_before``: the issuer phrase after "của" or before "tại Văn bản số".
- ``law_name_at``: where the name of a law cited by name ends.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..dates import NUMERIC_DATE, WORDED_DATE, iso_date
from ..normalize import fold, fold_key
from ..paths import MODELS

CITATIONS = Path(MODELS, "citations")


@dataclass(frozen=True)
class DocType:
    name: str
    code: str
    forms: tuple[str, ...]
    abbrev: tuple[str, ...]
    symbols: tuple[str, ...]
    named: bool
    max_qualifier: int


def _yaml(name: str):
    import yaml

    return yaml.safe_load(Path(CITATIONS, name).read_text(encoding="utf-8"))


def _words_rx(phrase: str) -> str:
    """A phrase as a regex that allows any whitespace between its words."""
    return r"\s+".join(re.escape(w) for w in phrase.split())


@lru_cache(maxsize=1)
def doc_types() -> tuple[DocType, ...]:
    return tuple(
        DocType(
            name=e["name"], code=e["code"], forms=tuple(e.get("forms", [])),
            abbrev=tuple(e.get("abbrev", [])), symbols=tuple(e.get("symbols", [])),
            named=bool(e.get("named", False)), max_qualifier=int(e.get("max_qualifier", 0)),
        )
        for e in _yaml("doc_types.yaml")["types"]
    )


@lru_cache(maxsize=1)
def _type_index() -> tuple[dict[str, DocType], dict[str, DocType]]:
    """(folded form -> type, folded symbol -> type)."""
    forms: dict[str, DocType] = {}
    symbols: dict[str, DocType] = {}
    for t in doc_types():
        for f in (t.name, *t.forms, *t.abbrev):
            forms.setdefault(fold_key(f), t)
        for s in t.symbols:
            symbols.setdefault(fold(s), t)
    return forms, symbols


def type_named(written: str) -> DocType | None:
    """The type for a form as written ("QUYẾT ĐỊNH", "văn bản", "QĐ")."""
    return _type_index()[0].get(fold_key(written))


def type_of_symbol(symbol: str | None) -> DocType | None:
    """The type for a number's type symbol ("kh" -> Kế hoạch)."""
    return _type_index()[1].get(fold(symbol)) if symbol else None


@lru_cache(maxsize=1)
def type_rx() -> re.Pattern[str]:
    """Any document type as written: full forms case-insensitively, abbreviations as written."""
    forms = sorted({f for t in doc_types() for f in (t.name, *t.forms)}, key=len, reverse=True)
    abbrevs = sorted({a for t in doc_types() for a in t.abbrev}, key=len, reverse=True)
    full = "|".join(_words_rx(f) for f in forms)
    short = "|".join(re.escape(a) for a in abbrevs)
    return re.compile(
        rf"(?<![^\W_])(?:(?P<form>{full})|(?-i:(?P<abbr>{short})))(?![^\W_])", re.IGNORECASE
    )


# --- numbers -------------------------------------------------------------------------------

_SLASHES = "/\u2044\u2215"  # "/" and the look-alikes OCR produces ("1105⁄KH-ĐKT")
_JOIN_AFTER = _SLASHES + "-\u2013\u2010\u2011"  # separators after which a space or line break may be stray
_INNER = _JOIN_AFTER + ".&_"
_SPACED_SERIAL = re.compile(r"(\d{1,2}) (\d{2,5})(?=\s*[/\u2044\u2215][^\W\d_])")


def scan_number(text: str, pos: int) -> tuple[int, int, str] | None:
    """A document number starting at ``pos``: (start, end, number with spaces removed).

    Characters are letters, digits and the separators / - . & between them. A space or line
    break is taken as stray (and dropped) after a "/" or "-" when an upper-case or numeric run
    follows ("71/KH- UBND", "NĐ-\\nCP", a doubled "BC- -BQL"), and before a "/" ("2336 /QĐ-UBND");
    OCR's split serials ("1 1654/ANKT") and slash look-alikes ("⁄") are mended. Returns None
    when no number with a digit starts there.
    """
    n = len(text)
    i = pos
    if i >= n or not text[i].isalnum():
        return None
    spaced = _SPACED_SERIAL.match(text, pos)
    if spaced:
        i = spaced.end(1) + 1
    while i < n:
        c = text[i]
        if c.isalnum():
            i += 1
            continue
        if c in _INNER:
            j = i + 1
            if j < n and text[j].isalnum():
                i = j
                continue
            if c in _JOIN_AFTER:
                k = j
                while k < n and text[k] in " \t\n" and k - j < 3:
                    k += 1
                if k < n - 1 and text[k] == c and k > j:  # a doubled separator: "BC- -BQL"
                    k += 1
                if k > j and k < n and (text[k].isupper() or text[k].isdigit()) and _symbol_run(text, k):
                    i = k
                    continue
            break
        if c in " \t":
            k = i
            while k < n and text[k] in " \t" and k - i < 3:
                k += 1
            if (k < n and text[k] in _SLASHES and k + 1 < n and text[k + 1].isalnum()
                    and text[i - 1].isdigit()):
                i = k
                continue
        break
    end = i
    while end > pos and text[end - 1] in _INNER:
        end -= 1
    raw = text[pos:end]
    if not any(ch.isdigit() for ch in raw):
        return None
    number = re.sub(r"\s+", "", raw)
    number = re.sub(r"[\u2044\u2215]", "/", number)
    number = re.sub(r"-{2,}", "-", number)
    return pos, end, number


def _symbol_run(text: str, k: int) -> bool:
    """True when the run at k looks like a symbol part (no lower-case word like "ngày")."""
    j = k
    while j < len(text) and (text[j].isalnum() or text[j] in "&"):
        j += 1
    run = text[k:j]
    return bool(run) and not any(ch.islower() for ch in run[:1]) and sum(ch.islower() for ch in run) <= 2


_DATE_LIKE = re.compile(r"^[0-3]?\d[/.-][01]?\d[/.-](?:19|20)\d\d$")
_TRUNCATED = re.compile(r"^\d+/(?:19|20)\d\d$")


def number_shape(number: str) -> str | None:
    """'symbol' (has a letter and a / or -), 'truncated' ("01/2008"), 'bare' ("02"), or None."""
    if _DATE_LIKE.match(number):
        return None
    has_letter = any(ch.isalpha() for ch in number)
    if has_letter and ("/" in number or "-" in number):
        return "symbol"
    if _TRUNCATED.match(number):
        return "truncated"
    if number.isdigit() and len(number) <= 6:
        return "bare"
    if has_letter and any(ch.isdigit() for ch in number):
        return "symbol"
    return None


SO_RX = re.compile(r"\s*(?i:số)(?![^\W_])\s*[:.]?\s*(?:(?i:số)\s+)?")


def qualifier_rx(max_words: int) -> re.Pattern[str]:
    """Up to ``max_words`` words between a type and "số" (no digits, no other type, no "ngày")."""
    return _qualifier_rx(max_words)


@lru_cache(maxsize=None)
def _qualifier_rx(max_words: int) -> re.Pattern[str]:
    forms = sorted({f for t in doc_types() for f in (t.name, *t.forms)}, key=len, reverse=True)
    blocked = "|".join(_words_rx(f) for f in forms)
    word = rf"(?:,\s*|\s+)(?!(?:số|ngày|của|tại|theo|và)(?![^\W_]))(?!(?:{blocked})(?![^\W_]))[^\W\d_]+"
    return re.compile(rf"(?:{word}){{1,{max_words}}}?(?=\s+(?:số|SỐ)\s*[:.]?\s*(?:số\s+)?[^\W_])",
                      re.IGNORECASE)


# --- dates ---------------------------------------------------------------------------------

_DATE_LEAD = re.compile(r"[ \t\n]*,?[ \t\n]*(?:(?:được\s+)?ban\s+hành\s+)?(?=[nN]gày)")
_NGAY = re.compile(r"[nN]gày\s*")


def date_after(text: str, pos: int) -> tuple[int, int, str | None] | None:
    """A date that starts right after ``pos`` ("ngày 07/3/2016"): (start, end, iso or None)."""
    lead = _DATE_LEAD.match(text, pos)
    if not lead:
        return None
    start = lead.end()
    m = WORDED_DATE.match(text, start)
    if m:
        return start, m.end(), iso_date(m["d"], m["m"], m["y"])
    ngay = _NGAY.match(text, start)
    if ngay:
        m = NUMERIC_DATE.match(text, ngay.end())
        if m:
            return start, m.end(), iso_date(m["d"], m["m"], m["y"])
    return None


# --- issuers -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _issuer_lexicon() -> dict:
    return _yaml("issuers.yaml")


def issuer_abbreviations() -> dict[str, str]:
    """Abbreviation -> written-out form (UBND -> Ủy ban nhân dân), from issuers.yaml."""
    return _issuer_lexicon()["abbreviations"]


@lru_cache(maxsize=1)
def _head_rx() -> re.Pattern[str]:
    heads = sorted(_issuer_lexicon()["heads"], key=len, reverse=True)
    return re.compile(r"(?:" + "|".join(_words_rx(h) for h in heads) + r")(?![^\W_])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _stop_rx() -> re.Pattern[str]:
    """A stop word or phrase, or another document type, at the start of the remaining text."""
    stops = sorted(_issuer_lexicon()["stops"], key=len, reverse=True)
    forms = sorted({f for t in doc_types() for f in (t.name, *t.forms)}, key=len, reverse=True)
    words = "|".join(_words_rx(s) for s in stops)
    types = "|".join(_words_rx(f) for f in forms)
    # stop words are lower case (an issuer's own words are capitalised or follow a head);
    # document types in any case
    return re.compile(rf"(?:{words})(?![^\W_])|(?i:{types})(?![^\W_])")


@lru_cache(maxsize=1)
def _province_rx() -> re.Pattern[str]:
    from .places import province_names

    names = sorted(province_names(), key=len, reverse=True)
    return re.compile(
        r"(?:tỉnh|thành\s+phố|TP\.?)\s+(?:" + "|".join(_words_rx(n) for n in names) + r")(?![^\W_])",
        re.IGNORECASE,
    )


_ISSUER_MAX = 160
_ISSUER_WORDS = 24
_TOKEN = re.compile(r"[ \t]*(\n)?[ \t]*([,;:()\"“”\[\]]|[^\s,;:()\"“”\[\]]+)")


def issuer_at(text: str, pos: int) -> tuple[int, int] | None:
    """The issuer phrase starting at ``pos`` (just after "của"): its (start, end), or None.

    It starts with an issuer head ("Ủy ban nhân dân", "Bộ", "Sở", "Công ty", ...) and runs
    until a stop word ("về", "phê duyệt", ...), another document type, a line break, or
    punctuation; a comma or "và" continues it only before a capitalised word ("Bộ Lao động -
    Thương binh và Xã hội, Bộ Công an"), and "tỉnh <Province>" closes it.
    """
    head = _head_rx().match(text, pos)
    if not head:
        return None
    limit = min(len(text), pos + _ISSUER_MAX)
    end = head.end()
    i = head.end()
    words = 0
    stop_rx = _stop_rx()
    while i < limit and words < _ISSUER_WORDS:
        m = _TOKEN.match(text, i, limit)
        if not m or m.group(1):  # end of window, or a line break
            break
        tok = m.group(2)
        tok_start = m.start(2)
        if tok in ";:()\"“”[]":
            break
        if tok == ",":
            nxt = _TOKEN.match(text, m.end(), limit)
            phong_chong = (nxt is not None and fold(nxt.group(2)) == "chong"
                           and fold(text[max(pos, tok_start - 6):tok_start]).endswith("phong"))
            if not nxt or nxt.group(1) or stop_rx.match(text, nxt.start(2)) or not (
                    nxt.group(2)[:1].isupper() or phong_chong):
                break
            i = m.end()
            continue
        if tok == "và":
            nxt = _TOKEN.match(text, m.end(), limit)
            if not nxt or nxt.group(1) or not nxt.group(2)[:1].isupper() or stop_rx.match(text, nxt.start(2)):
                break
        elif stop_rx.match(text, tok_start):
            break
        if tok.endswith(".") and not re.fullmatch(r"(?:TP|Tp|TX|TT|P|Q|H)\.", tok):
            end = m.end() - 1  # a full stop ends the phrase
            break
        end = m.end()
        i = m.end()
        words += 1
    # a province name closes an issuer ("UBND tỉnh An Giang Kế hoạch hành động ...")
    prov = _province_rx().search(text, pos, end)
    if prov:
        end = prov.end()
    while end > pos and text[end - 1] in " \t\n,-–":
        end -= 1
    return (pos, end) if end - pos >= 2 else None


_CUA = re.compile(r"[ \t\n]*,?[ \t\n]*của[ \t\n]+", re.IGNORECASE)
_TAI_BEFORE = re.compile(r"[ \t\n]+tại[ \t\n]*$")


def issuer_after(text: str, pos: int) -> tuple[int, int] | None:
    """The issuer phrase introduced by "của" right after ``pos``."""
    m = _CUA.match(text, pos)
    if not m:
        return None
    return issuer_at(text, m.end())


def issuer_before(text: str, type_start: int) -> tuple[int, int] | None:
    """The issuer written before "tại <type> số" ("Sở X tại văn bản số ...", "Công ty Y tại ...")."""
    lo = max(0, type_start - _ISSUER_MAX)
    window = text[lo:type_start]
    tai = _TAI_BEFORE.search(window)
    if not tai:
        return None
    body = window[:tai.start()]
    cut = max(body.rfind(";"), body.rfind(":"), body.rfind("\n\n"))
    m = None
    for m in re.finditer(r"(?<![^\W_])(?:của|gồm)(?![^\W_])", body, re.IGNORECASE):
        pass
    if m and m.end() > cut:
        cut = m.end() - 1
    start = cut + 1
    while start < len(body) and body[start] in " \t\n":
        start += 1
    if not _head_rx().match(body, start):
        return None
    end = len(body)
    while end > start and body[end - 1] in " \t\n,":
        end -= 1
    return (lo + start, lo + end) if end - start >= 3 else None


@lru_cache(maxsize=1)
def _abbrev_rx() -> tuple[re.Pattern[str], dict[str, str]]:
    table = _issuer_lexicon()["abbreviations"]
    keys = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![^\W_&])"), table


def expand_issuer(issuer: str) -> str:
    """Whitespace collapsed, a leading abbreviation expanded: "UBND tỉnh" -> "Ủy ban nhân dân tỉnh"."""
    issuer = " ".join(issuer.split())
    rx, table = _abbrev_rx()
    m = rx.match(issuer)
    if m:
        issuer = table[m.group(0)] + issuer[m.end():]
    return issuer


# --- names of laws -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _law_names() -> dict[str, list[tuple[str, ...]]]:
    """type code -> known names as folded word tuples, longest first."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for line in Path(CITATIONS, "laws.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or ":" not in line:
            continue
        code, name = (part.strip() for part in line.split(":", 1))
        out.setdefault(code, []).append(tuple(fold_key(name).split()))
    for names in out.values():
        names.sort(key=len, reverse=True)
    return out


_NAME_WORD = re.compile(r"[ \t\n]*(,)?[ \t\n]*(\(?[^\W_][\w/&]*(?:-[^\W_][\w]*)?\)?)")
_NAME_STOPS = frozenset(
    "về và của theo năm ngày số để được đã đang trong tại cho với nhằm này đó các những có là thì mà khi "
    "trên đến từ do bởi như sau trước hiện hành quy định hướng dẫn sửa đổi bổ sung thi hành nêu cùng "
    "hoặc hay vào ra tới đối nay mới cũ".split()
)
_MAX_NAME_WORDS = 18


def law_name_at(text: str, pos: int, code: str) -> tuple[int, int, str] | None:
    """The name of a law (ordinance, code) starting at ``pos``, after the type word.

    A known name (models/citations/laws.txt) is matched first, ignoring case, diacritics and
    punctuation, so names with "và" or commas are taken whole. Otherwise the name runs until a
    word that cannot belong to a name ("về", "và", "năm", "của", ...) or punctuation; a comma
    is kept only in the "phòng, chống" pattern. The first word must be capitalised unless the
    name is known. Returns (start, end, name as written, whitespace collapsed).
    """
    words: list[tuple[int, int, str, bool]] = []  # (start, end, word, comma before)
    i = pos
    while len(words) < _MAX_NAME_WORDS:
        m = _NAME_WORD.match(text, i)
        if not m:
            break
        gap = text[i:m.start(2)]
        if "\n\n" in gap:
            break
        words.append((m.start(2), m.end(2), m.group(2), bool(m.group(1))))
        i = m.end()
    if not words or words[0][3] or words[0][2].startswith("("):
        return None
    folded = [fold_key(w[2]) for w in words]
    flat: list[tuple[str, int]] = [(sub, k) for k, f in enumerate(folded) for sub in f.split()]
    known = _law_names().get(code, []) + ([] if code == "luat" else _law_names().get("luat", []))
    for name in known:
        if len(name) <= len(flat) and tuple(w for w, _ in flat[:len(name)]) == name:
            k = flat[len(name) - 1][1]
            if len(name) < len(flat) and flat[len(name)][1] == k:
                continue  # the name ends inside a written word
            last = words[k]
            return words[0][0], last[1], " ".join(text[words[0][0]:last[1]].split())
    if not words[0][2][:1].isupper():
        return None
    n = 0
    for k, (_, _, w, comma) in enumerate(words):
        fw = fold_key(w)
        if k and comma and not (fw == "chong" and folded[k - 1] == "phong"):
            break
        if (any(ch.isdigit() for ch in w) or (k and fw in _NAME_STOPS) or (k and w.isupper() and len(w) > 1)
                or w.startswith("(")):
            break
        if w in _NAME_STOPS and k == 0:
            return None
        n = k + 1
    if n == 0:
        return None
    end = words[n - 1][1]
    return words[0][0], end, " ".join(text[words[0][0]:end].split())
