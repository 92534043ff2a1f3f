"""Agencies: every organisation a plan makes responsible, with its role and tasks.

``find_agencies(ctx)`` follows corpora/gold/README.md "Agencies". An organisation is kept when

- a heading or an "X:" opening names it ("2. Công an tỉnh:", "d) Ủy ban nhân dân các huyện,
  thành phố:", "- Đối với Cơ sở cai nghiện ma túy tỉnh:"); everything under the heading is its
  tasks, and a combined heading gives one entry per organisation, sharing the heading;
- a clause gives it a task ("Giao Sở Xây dựng ...", "X chủ trì ...", "X có trách nhiệm ...");
- it is a named partner ("phối hợp với X, Y") -> coordinate;
- it receives reports ("báo cáo ... về X", "gửi X", "(qua X)") -> report_to;
- it is in the chủ trì / phối hợp column of a task table.

Not kept: generic addressees ("các sở, ban, ngành"), bodies only advised ("Tham mưu X"), the
recipients list, the header, and sections reviewing past results. Names are resolved against the
gazetteer (extract/gazetteer.py); an organisation-looking name the gazetteer does not know is
kept as written with ``known=False``. Cues are data: models/agencies/lexicon.json.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..document import Document, Section
from ..gazetteer import GazMatch, Gazetteer, fold_aligned, load_agencies
from ..model import Agency, Role
from ..normalize import collapse_ws, fold, fold_key
from ..paths import MODELS
from .base import Context, provenance

_WORD = re.compile(r"\w+")
_SEP = re.compile(r"[ \t,&/\-\u2010-\u2015]*")  # what may separate two listed organisations
_SPACES = re.compile(r"[ \t]*")
_ROLE_ORDER: tuple[Role, ...] = ("lead", "coordinate", "report_to")
_HEADING, _AFTER_PREFIX = 1, 2  # where a name is read: a heading; a heading after "Đối với"


# -- the lexicon -------------------------------------------------------------------------------

class _Phrases:
    """A set of word sequences, matched at a word index (longest first)."""

    def __init__(self, phrases: list[str], folded: bool = True) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            words = tuple(_WORD.findall(fold(p) if folded else p.lower()))
            if words:
                self.by_first.setdefault(words[0], []).append(words)
        for lst in self.by_first.values():
            lst.sort(key=len, reverse=True)


@dataclass(frozen=True)
class _Lexicon:
    heads: _Phrases
    lower_heads: _Phrases
    stops: _Phrases  # compared with diacritics
    stops_folded: _Phrases  # the multi-word stops, also without (OCR drops diacritics)
    continuations: frozenset[str]
    max_name_words: int
    heading_prefixes: _Phrases
    person_prefixes: _Phrases
    chain_skips: _Phrases
    qualifiers: _Phrases
    generic: tuple[re.Pattern[str], ...]
    lead: re.Pattern[str]
    coordinate: re.Pattern[str]
    partner: re.Pattern[str]
    report: re.Pattern[str]
    report_direct: _Phrases
    report_preps: _Phrases
    report_window: int
    assign: _Phrases
    agent_verbs: _Phrases
    subject_verbs: _Phrases
    not_before_submit: frozenset[str]
    not_names: _Phrases  # compared with diacritics
    column: dict[str, tuple[str, ...]]
    skip_sections: tuple[re.Pattern[str], ...]


def _words(section: dict | list) -> list[str]:
    return section["words"] if isinstance(section, dict) else section


def _alternation(phrases: list[str]) -> re.Pattern[str]:
    keys = sorted({fold_key(p) for p in phrases}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys) + r")\b")


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = json.loads((MODELS / "agencies" / "lexicon.json").read_text(encoding="utf-8"))
    return _Lexicon(
        heads=_Phrases(_words(raw["org_heads"]), folded=False),
        lower_heads=_Phrases(_words(raw["lowercase_heads"]), folded=False),
        stops=_Phrases(_words(raw["name_stops"]), folded=False),
        stops_folded=_Phrases([w for w in _words(raw["name_stops"]) if " " in w]),
        continuations=frozenset(fold(w) for w in _words(raw["name_continuations"])),
        max_name_words=int(raw["max_name_words"]),
        heading_prefixes=_Phrases(_words(raw["heading_prefixes"])),
        person_prefixes=_Phrases(_words(raw["person_prefixes"])),
        chain_skips=_Phrases(_words(raw["chain_skips"])),
        qualifiers=_Phrases(_words(raw["chain_qualifiers"])),
        generic=tuple(re.compile(p) for p in raw["generic_addressees"]["patterns"]),
        lead=_alternation(raw["lead_cues"]),
        coordinate=_alternation(raw["coordinate_cues"]),
        partner=_alternation(_words(raw["partner_cues"])),
        report=_alternation(_words(raw["report_verbs"])),
        report_direct=_Phrases(raw["report_direct_skips"]),
        report_preps=_Phrases(raw["report_preps"]),
        report_window=int(raw["report_window_words"]),
        assign=_Phrases(_words(raw["assign_cues"])),
        agent_verbs=_Phrases(raw["agent_verbs"]),
        subject_verbs=_Phrases(_words(raw["subject_verbs"])),
        not_before_submit=frozenset(fold_key(w) for w in _words(raw["report_verb_not_after"])),
        not_names=_Phrases(_words(raw["not_names"]), folded=False),
        column={k: tuple(fold_key(v) for v in vs) for k, vs in raw["table_columns"].items()},
        skip_sections=tuple(re.compile(p) for p in raw["skip_sections"]["patterns"]),
    )


# -- what is found ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Org:
    """An organisation named at one place: word range [first, stop) and character span."""

    first: int
    stop: int
    start: int
    end: int
    name: str  # canonical when known, else the written name without its place
    known: bool
    score: float


@dataclass
class _Hit:
    """One reason to keep an organisation."""

    org: _Org
    roles: set[Role]
    mention: tuple[int, int]
    heading: bool = False
    tasks: list[str] = field(default_factory=list)


# -- reading one document ---------------------------------------------------------------------

class _Reader:
    def __init__(self, document: Document, gaz: Gazetteer, lex: _Lexicon) -> None:
        self.doc = document
        self.text = document.text
        self.folded = fold_aligned(self.text)
        self.gaz = gaz
        self.lex = lex
        spans = [(m.start(), m.end()) for m in _WORD.finditer(self.folded)]
        self.ws = [s for s, _ in spans]
        self.we = [e for _, e in spans]
        self.fw = [self.folded[s:e] for s, e in spans]
        self.lw = [self.text[s:e].lower() for s, e in spans]
        self.cap = [self.text[s].isupper() for s, _ in spans]
        self.n = len(spans)
        self.matches: list[GazMatch] = gaz.scan(self.text, self.folded)
        self.match_at = {m.start: m for m in self.matches}
        self.excluded, self.quiet = _excluded_spans(document)
        self.skipped = _skipped_spans(document, lex)

    # word helpers
    def word_at(self, pos: int) -> int:
        """Index of the first word starting at or after ``pos``."""
        return bisect.bisect_left(self.ws, pos)

    def gap(self, i: int) -> str:
        """The text between word i and word i + 1."""
        return self.folded[self.we[i]:self.ws[i + 1]] if i + 1 < self.n else "\n"

    def phrase(self, i: int, table: _Phrases, lower: bool = False) -> int | None:
        """End (exclusive word index) of the longest phrase of ``table`` at word i."""
        if i >= self.n:
            return None
        words = self.lw if lower else self.fw
        for cand in table.by_first.get(words[i], ()):
            j = i + len(cand)
            if j > self.n or tuple(words[i:j]) != cand:
                continue
            if all(_SPACES.fullmatch(self.gap(k)) for k in range(i, j - 1)):
                return j
        return None

    def in_excluded(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.excluded)

    def in_skipped(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.skipped)

    # organisations
    def org_at(self, i: int, heading: int = 0) -> _Org | None:
        """The organisation named at word i: a gazetteer name, or an organisation-looking one."""
        if i >= self.n:
            return None
        m = self.match_at.get(self.ws[i])
        if m is not None:
            stop = self.word_at(m.end)
            return _Org(i, stop, m.start, m.end, m.entry.name, True, self._exactness(m))
        return self._unknown_at(i, heading)

    def _exactness(self, m: GazMatch) -> float:
        """100 when written as in the gazetteer; 95 when only the folded form matched (OCR or
        typing lost a diacritic: 'Sớ Tư pháp')."""
        forms = _forms(m.entry)
        written = " ".join(_WORD.findall(self.text[m.start:m.end].lower()))
        return 100.0 if any(written == f or written.startswith(f + " ") for f in forms) else 95.0

    def _unknown_at(self, i: int, heading: int) -> _Org | None:
        """An organisation-looking name the gazetteer may not know ('Phòng Quản lý Công nghiệp',
        'tổ chức CARE Quốc tế tại Việt Nam'): a head word, then words up to a verb or a stop."""
        lex = self.lex
        head_end = self.phrase(i, lex.heads, lower=True)
        lowercase_head = False
        if head_end is None and heading == _AFTER_PREFIX:
            head_end = self.phrase(i, lex.lower_heads, lower=True)
            lowercase_head = head_end is not None
        if head_end is None or (self._upper(i) and self._upper(i + 1)):
            return None  # no head; or a title in capitals ("V. TỔ CHỨC THỰC HIỆN")
        if self.phrase(i, lex.not_names, lower=True) is not None:
            return None  # "Hội nghị ...", "Kế hoạch ...": an event or a document
        if not self.cap[i] and not heading:
            # a lowercase head counts only before a capitalised name ("tổ chức CARE")
            if head_end >= self.n or not self.cap[head_end] or not _SPACES.fullmatch(self.gap(head_end - 1)) \
                    or self.phrase(head_end, lex.heads, lower=True) is not None \
                    or self.phrase(head_end, lex.not_names, lower=True) is not None:
                return None
        relaxed = heading == _AFTER_PREFIX  # "Đối với Đoàn kiểm tra:", "Đối với đơn vị ...:"
        j = self._colon_name(head_end) if relaxed else None
        if j is None:
            if lowercase_head:
                return None
            j = self._name_end(head_end, i)
        if j == head_end:
            return None  # a bare head word ("Sở", "Ban") names nothing
        # a subordinate level ("Ban chỉ đạo cấp huyện") is reached through its parent
        if j < self.n and self.fw[j] == "cap" and j + 1 < self.n and self.fw[j + 1] in ("huyen", "xa", "co"):
            return None
        named = any(self.cap[k] for k in range(head_end, j)) or self.fw[j - 1] == "tinh"
        if not named and not (relaxed and self.gap(j - 1).lstrip(" ").startswith(":")):
            return None  # "Tổ chức tiếp nhận ...", "Phòng chuyên môn": a verb or a common noun
        start, end = self.ws[i], self.we[j - 1]
        written = self.text[start:end]
        found = self.gaz.resolve(written)
        if found is not None:  # not a verbatim gazetteer form, so never fully sure
            return _Org(i, j, start, end, found[0], True, min(found[1], 95.0))
        head_words = len(self.text[self.ws[i]:self.we[head_end - 1]].split())
        return _Org(i, j, start, end, _strip_place(self.gaz, written, head_words + 1), False, 60.0)

    def _colon_name(self, j: int) -> int | None:
        """In a heading, a short name closed by a colon is taken whole ('Đối với Đoàn kiểm tra:')."""
        k = j
        while k < self.n and k - j < 6:
            gap = self.gap(k - 1) if k > j else ""
            if k > j and not _SPACES.fullmatch(gap):
                return None
            after = self.gap(k)
            if after.lstrip(" ").startswith(":"):
                return k + 1
            if not _SPACES.fullmatch(after):
                return None
            k += 1
        return None

    def _name_end(self, j: int, first: int) -> int:
        """Where an unknown name ends: at punctuation, a stop word, or 'và' + another body."""
        lex = self.lex
        while j < self.n and j - first < lex.max_name_words:
            if not re.fullmatch(r"[ \t\-\u2010-\u2015/&]*", self.gap(j - 1)):
                break
            if self.fw[j] in lex.continuations and not self.cap[j]:
                # "... Dung Quất và các Khu công nghiệp", "HIV/AIDS và Lao": one name goes on
                nxt = j + 1
                if nxt < self.n and self.fw[nxt] == "cac" and not self.cap[nxt] and self.fw[j] == "va":
                    nxt += 1
                if (nxt < self.n and self.cap[nxt] and not self._upper_title(nxt)
                        and all(_SPACES.fullmatch(self.gap(k)) for k in range(j, nxt))
                        and self.phrase(nxt, lex.heads, lower=True) is None
                        and self.ws[nxt] not in self.match_at):
                    j = nxt + 1
                    continue
                break
            if not self.cap[j] and (self.phrase(j, lex.stops, lower=True) is not None
                                    or self.phrase(j, lex.stops_folded) is not None):
                break
            place = self._place(j)
            if place:
                # a name ends with its province ('Đoàn nghệ thuật tỉnh Quảng Ninh'), or with
                # 'tại <province>' after it ('Phân hiệu Đại học Thái Nguyên tại Lào Cai')
                j += place
                if j + 1 < self.n and self.lw[j] == "tại" and self._place(j + 1):
                    j += 1 + self._place(j + 1)
                break
            j += 1
        return j

    def _place(self, j: int) -> int:
        if j >= self.n or not self.cap[j]:
            return 0
        length = self.gaz.place_length(self.fw[j:j + 4])
        if length and all(_SPACES.fullmatch(self.gap(k)) for k in range(j, j + length - 1)):
            return length
        return 0

    def _upper_title(self, i: int) -> bool:
        return self._upper(i) and self._upper(i - 1)

    def _upper(self, i: int) -> bool:
        if i >= self.n:
            return False
        w = self.text[self.ws[i]:self.we[i]]
        return len(w) > 1 and w.isupper()

    def generic_at(self, i: int) -> int | None:
        """End word of a generic addressee ("các sở, ban, ngành liên quan") at word i."""
        if i >= self.n:
            return None
        best = None
        for pat in self.lex.generic:
            m = pat.match(self.folded, self.ws[i])
            if m and m.end() > self.ws[i] and (best is None or m.end() > best):
                best = m.end()
        if best is None:
            return None
        j = i + 1
        while j < self.n and self.we[j] <= best and not self.cap[j]:
            j += 1  # a capitalised word is a name: "các sở, ngành và Sở Y tế" stops before it
        while j - 1 > i and self.fw[j - 1] in ("va", "cac"):
            j -= 1
        return j

    def _item_at(self, k: int, heading: int) -> tuple[int, _Org | None]:
        """The organisation at word k, or after connectors/posts ('và các', 'Chủ tịch')."""
        while True:
            org = self.org_at(k, heading)
            if org is not None:
                return k, org
            j = self.phrase(k, self.lex.chain_skips) or self.phrase(k, self.lex.person_prefixes)
            if j is None or j >= self.n or not _SPACES.fullmatch(self.gap(j - 1)):
                return k, None
            k = j

    def skip(self, i: int) -> int:
        """Skip connectors and posts ("và", "các", "Thủ trưởng", "Chủ tịch") before an item."""
        while i < self.n:
            j = self.phrase(i, self.lex.chain_skips) or self.phrase(i, self.lex.person_prefixes)
            if j is None or j >= self.n or not _SPACES.fullmatch(self.gap(j - 1)):
                return i
            i = j
        return i

    def chain(self, i: int, limit: int | None = None, heading: int = 0) -> tuple[list[_Org], int]:
        """The organisations listed from word i ("Công an tỉnh, Tòa án nhân dân tỉnh và ...").
        ``heading``: 0 in running text, _HEADING at a heading, _AFTER_PREFIX after 'Đối với'."""
        orgs: list[_Org] = []
        k = i
        sectors = False  # after a Sở: bare sector names are Sở too ("Sở Y tế, Giáo dục và Đào tạo")
        while k < self.n and (limit is None or self.ws[k] < limit):
            k2, org = self._item_at(k, heading)
            if org is None:
                head = self._sector_head(k2)
                if head is not None or sectors:
                    org = self._sector_org(head if head is not None else k2)
            generic = org is None
            if org is not None:
                orgs.append(org)
                k = org.stop
                sectors = org.name.startswith("Sở ")
            else:
                g = self.generic_at(k2)
                if g is None:
                    break
                k = g
            k = self._qualifiers(k)
            if k >= self.n or (limit is not None and self.ws[k] >= limit):
                break
            gap = self.gap(k - 1)
            if _SEP.fullmatch(gap):
                continue
            if gap.strip() in (";", "(" if generic else ";") and self._item_at(k, heading)[1] is not None:
                continue  # "...; Chủ tịch UBND các huyện", "các cơ sở đào tạo (Trường ..., ...)"
            break
        return orgs, k

    def _sector_head(self, k: int) -> int | None:
        """After 'các Sở:' / 'các sở' opening a list of sector names, the first name's index."""
        j = k + 2 if k + 1 < self.n and self.fw[k] == "cac" and self.fw[k + 1] == "so" else (
            k + 1 if k < self.n and self.fw[k] == "so" else None)
        if j is None or j >= self.n or not re.fullmatch(r"[ \t]*:?[ \t]*", self.gap(j - 1)):
            return None
        return j

    def _sector_org(self, k: int) -> _Org | None:
        """A bare sector name standing for its department ('Tài chính' in 'các Sở: Tài chính')."""
        if k >= self.n or not self.cap[k]:
            return None
        found = self.gaz.sector_at(self.fw[k:k + 8])
        if found is None:
            return None
        length, entry = found
        if not all(re.fullmatch(r"[ \t\-\u2010-\u2015,&]*", self.gap(x)) for x in range(k, k + length - 1)):
            return None
        return _Org(k, k + length, self.ws[k], self.we[k + length - 1], entry.name, True, 95.0)

    def _qualifiers(self, k: int) -> int:
        while k < self.n and _SPACES.fullmatch(self.gap(k - 1)):
            j = self.phrase(k, self.lex.qualifiers)
            if j is None:
                break
            k = j
        return k


@lru_cache(maxsize=4096)
def _forms(entry) -> tuple[str, ...]:
    return tuple(" ".join(_WORD.findall(f.lower())) for f in (entry.name, *entry.aliases))


def _strip_place(gaz: Gazetteer, written: str, min_words: int) -> str:
    """'Văn phòng Sở Công Thương tỉnh Lào Cai' -> 'Văn phòng Sở Công Thương': the canonical form
    of an unknown name drops its province (kept when only the head would remain)."""
    words = written.split()
    folded = [fold_key(w) for w in words]
    for cut in range(min(4, len(words) - 1), 0, -1):
        tail = [w for w in folded[-cut:] if w]
        if tail and gaz.place_length(tail) == len(tail):
            head = words[:-cut]
            # "Văn phòng Sở Công Thương tỉnh Lào Cai" -> "... Sở Công Thương"; but a generic name
            # keeps its level: "Đoàn nghệ thuật tỉnh Quảng Ninh" -> "Đoàn nghệ thuật tỉnh"
            if head and folded[len(head) - 1] == "tinh" and len(head) > 1 and head[-2][:1].isupper():
                head = head[:-1]
            if len(head) >= min_words:
                return " ".join(head).rstrip(" ,-")
            return written
    return written


def _excluded_spans(document: Document) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(Where nothing assigns a responsibility: header, recipients, signature;
    where names are not even aliases: header and signature)."""
    quiet: list[tuple[int, int]] = []
    h = document.header
    parts = [s for s in (h.issuer, h.number, h.place_date, h.doc_type, h.title) if s is not None]
    if parts:
        quiet.append((min(s.start for s in parts), max(s.end for s in parts)))
    recipients: list[tuple[int, int]] = []

    def walk(node: Section | None) -> None:
        if node is None:
            return
        for child in node.children:
            if child.kind == "recipients":
                recipients.append((child.start, child.end))
            elif child.kind == "signature":
                quiet.append((child.start, child.end))
            walk(child)

    walk(document.outline)
    if document.outline is None:  # no outline: the recipients list runs to the end
        m = re.search(r"(?m)^\s*Nơi nhận\s*:?", document.text)
        if m:
            recipients.append((m.start(), len(document.text)))
    return quiet + recipients, quiet


def _skipped_spans(document: Document, lex: _Lexicon) -> list[tuple[int, int]]:
    """Sections reviewing past results ("A. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN ... NĂM 2010")."""
    out: list[tuple[int, int]] = []

    def walk(node: Section | None) -> None:
        if node is None:
            return
        for child in node.children:
            key = fold_key(child.title)
            if child.kind == "section" and any(p.search(key) for p in lex.skip_sections):
                out.append((child.start, child.end))
            else:
                walk(child)

    walk(document.outline)
    return out


# -- the finders --------------------------------------------------------------------------------

_LABEL = re.compile(r"\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*[.,)]?|[a-zđ][).]|[-+•*])\s+")


def _label_end(block_text: str, label: str | None) -> int:
    """Offset, within a block, where the text after its numbering starts (0 if none).
    Also for numbering OCR misread ("7, UBND các huyện ...") that layout did not label."""
    if label and block_text.startswith(label):
        k = len(label)
    else:
        m = _LABEL.match(block_text)
        k = m.end() if m else 0
    while k < len(block_text) and block_text[k] in " \t":
        k += 1
    return k


def _sections_by_start(document: Document) -> dict[int, Section]:
    out: dict[int, Section] = {}

    def walk(node: Section | None) -> None:
        if node is None:
            return
        for child in node.children:
            out.setdefault(child.start, child)
            walk(child)

    walk(document.outline)
    return out


def _headings(r: _Reader) -> list[_Hit]:
    """Blocks that open with the organisations they assign: '2. Công an tỉnh:', '- Đối với X:'."""
    doc, lex = r.doc, r.lex
    sections = _sections_by_start(doc)
    hits: list[_Hit] = []
    scopes: list[tuple[int, int, list[_Hit], int]] = []  # (start, end, hits, end of the mention)
    for bi, block in enumerate(doc.blocks):
        if block.kind == "table_cell" or r.in_excluded(block.start) or r.in_skipped(block.start):
            continue
        label_end = _label_end(block.text, block.label)
        numbered = label_end > 0 and (block.label or block.text[:label_end]).strip()[:1] not in "-+•*"
        i = r.word_at(block.start + label_end)
        if i >= r.n or r.ws[i] >= block.end:
            continue
        prefix = r.phrase(i, lex.heading_prefixes)
        start_word = prefix or i
        orgs, _ = r.chain(start_word, limit=block.end, heading=_AFTER_PREFIX if prefix else _HEADING)
        orgs = [o for o in orgs if o.end <= block.end]
        if orgs and orgs[0].first not in (start_word, r.skip(start_word)) \
                and r.generic_at(r.skip(start_word)) is None:
            orgs = []  # the block does not open with the organisation
        if not orgs:
            orgs = _fuzzy_heading(r, start_word, block.end)
        if not orgs:
            continue
        colon = _colon_after(doc.text[orgs[-1].end:block.end])
        if not numbered and colon is None:
            continue  # a plain paragraph or bullet assigns only as "X: ..."
        mention = (block.start, orgs[-1].end + colon + 1 if colon is not None else orgs[-1].end)
        scope_end = _scope_end(doc, bi, sections.get(block.start))
        inline_end = _inline_item_end(r, mention[1])
        if inline_end < block.end:  # the next item was run into this block: stop before it
            scope_end = inline_end
        tasks = []
        inline = collapse_ws(doc.text[mention[1]:min(block.end, inline_end)]).lstrip(": ").strip()
        if inline:
            tasks.append(inline)
        for other in doc.blocks[bi + 1:]:
            if other.start >= scope_end:
                break
            if other.kind != "table_cell":
                tasks.append(collapse_ws(other.text))
        group = [_Hit(o, set(), mention, heading=True, tasks=list(tasks)) for o in orgs]
        hits.extend(group)
        scopes.append((block.start, scope_end if inline_end < block.end else max(scope_end, block.end),
                       group, mention[1]))
    # roles from each heading's own text (nested agency headings excluded)
    for s, e, group, own_start in scopes:
        nested = [(s2, e2) for s2, e2, _, _ in scopes if s < s2 < e]
        own = " ".join(r.folded[a:b] for a, b in _minus((own_start, e), nested))
        for hit in group:
            if lex.lead.search(own):
                hit.roles.add("lead")
            if lex.coordinate.search(own):
                hit.roles.add("coordinate")
    return hits


def _fuzzy_heading(r: _Reader, i: int, limit: int) -> list[_Org]:
    """A heading name the trie missed, read fuzzily ('2. Sử Thông tin và Truyền thông:' by OCR)."""
    start = r.ws[i]
    m = re.match(r"[^:.;\n]{3,120}?(?=\s*:)", r.text[start:limit])
    if not m:
        return []
    orgs = []
    for piece in re.finditer(r"[^,;]+", m.group()):
        written = piece.group().strip()
        written = re.sub(r"^(?:và|cùng)\s+", "", written)
        found = r.gaz.resolve(written) if len(written.split()) >= 2 else None
        if found is None:
            return []
        a = start + piece.start() + piece.group().find(written)
        first = r.word_at(a)
        stop = r.word_at(a + len(written))
        orgs.append(_Org(first, stop, a, a + len(written), found[0], True, min(found[1], 95.0)))
    return orgs


def _scope_end(doc: Document, bi: int, section: Section | None) -> int:
    """Where the items under a heading end: its outline section, or the deeper blocks after it."""
    block = doc.blocks[bi]
    if section is not None and section.end > block.end:
        return section.end
    end = block.end
    if block.level <= 0:
        return end
    for other in doc.blocks[bi + 1:]:
        if other.kind == "table_cell" or other.level <= block.level:
            break
        end = other.end
    return end


def _minus(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, pos = [], span[0]
    for s, e in sorted(holes):
        if s > pos:
            out.append((pos, min(s, span[1])))
        pos = max(pos, e)
    if pos < span[1]:
        out.append((pos, span[1]))
    return out


def _colon_after(rest: str) -> int | None:
    """Offset of the colon closing a heading name ('Công an tỉnh:', 'X (Ban chỉ đạo 138):')."""
    m = re.match(r"\s*(?:\([^()\n]{0,80}\)\s*)?:", rest)
    if m:
        return m.end() - 1
    m = re.match(r"[^:\n.;]{0,160}:", rest)
    return m.end() - 1 if m else None


_CLAUSE_BREAK = re.compile(r"(?:[.;:(][ \t]*(?:[-+][ \t]*)?|\n\s*)(?=\w)")


def _clause_starts(r: _Reader) -> list[int]:
    """Word indexes that open a clause: block starts and words after '.', ';', ':' or '('."""
    out: set[int] = set()
    for block in r.doc.blocks:
        if block.kind == "table_cell":
            continue
        out.add(r.word_at(block.start + _label_end(block.text, block.label)))
    for m in _CLAUSE_BREAK.finditer(r.folded):
        out.add(r.word_at(m.end()))
    return sorted(out)


_INLINE_LABEL = re.compile(r"(?<=[.;:])\s+(?:\d+(?:\.\d+)*\.|[a-zđ]\))\s")


def _after_label(r: _Reader, i: int) -> int:
    """Skip numbering met inside a block ('... số. 5. Văn phòng ...', '... ; b) Sở ...')."""
    j = i
    while j < r.n and (r.fw[j].isdigit() or (len(r.fw[j]) == 1 and r.fw[j].isalpha())):
        gap = r.gap(j)
        if re.match(r"[.)]\s", gap) or (r.fw[j].isdigit() and gap == "."):
            j += 1
            continue
        break
    return j if j > i and not r.fw[j - 1].isalpha() or re.match(r"\)", r.gap(j - 1) if j > i else "") else i


def _inline_item_end(r: _Reader, pos: int) -> int:
    """End of an item that layout ran into its neighbours: the next inline numbering."""
    end = next((b.end for b in r.doc.blocks if b.start <= pos < b.end), len(r.text))
    m = _INLINE_LABEL.search(r.text, pos, end)
    return m.start() if m else end


def _clauses(r: _Reader) -> list[_Hit]:
    """Assignments inside sentences: 'Giao X ...', 'X chủ trì ...', 'do X bố trí'."""
    lex = r.lex
    hits: list[_Hit] = []
    for i in _clause_starts(r):
        if i >= r.n or r.in_excluded(r.ws[i]) or r.in_skipped(r.ws[i]):
            continue
        i = _after_label(r, i)
        cue = r.phrase(i, lex.assign)
        if cue is not None and r.fw[i] != "doi":
            continue  # "Giao X", "Đề nghị X": read wherever they stand, below
        start = cue if cue is not None else i
        orgs, k = r.chain(start)
        if not orgs:
            continue
        if cue is None:
            # "Sở Y tế chủ trì", "Chi cục ..., là cơ quan chuyên trách"
            verb = r.phrase(k, lex.subject_verbs) if k < r.n and re.fullmatch(r"[ \t]*,?[ \t]*", r.gap(k - 1)) else None
            if verb is None and k < r.n and r.gap(k - 1).lstrip(" ").startswith(":"):
                # "5. Văn phòng UBND tỉnh: Chủ trì ..." run into the previous item
                end = _inline_item_end(r, r.we[k - 1])
                tail = r.folded[r.ws[k]:end]
                roles = {x for x, pat in (("lead", lex.lead), ("coordinate", lex.coordinate)) if pat.search(tail)}
                hits.extend(_Hit(o, set(roles), (r.ws[i], r.we[k - 1] + 1),
                                 tasks=[collapse_ws(r.text[r.ws[k]:end])]) for o in orgs)
                continue
            if verb is None:
                continue
            tail = r.folded[r.ws[k]:r.we[verb - 1]]
            roles: set[Role] = set()
            if lex.lead.search(tail):
                roles.add("lead")
            if lex.coordinate.search(tail):
                roles.add("coordinate")
            span = (r.ws[i], r.we[verb - 1])
        else:
            if r.fw[i] == "doi" and (k >= r.n or ":" not in r.gap(k - 1)):
                continue  # "đối với" assigns only as an opening "Đối với X:"
            roles = set()
            span = (r.ws[i], orgs[-1].end)
        hits.extend(_Hit(o, set(roles), span) for o in orgs)
    # "Giao X ...", "Ủy ban nhân dân tỉnh giao X chủ trì", "Đề nghị X ...": X is given a task
    for i in range(r.n):
        if r.fw[i] not in ("giao", "de", "yeu") or r.in_excluded(r.ws[i]) or r.in_skipped(r.ws[i]):
            continue
        cue = r.phrase(i, lex.assign)
        if cue is None or (i > 0 and r.fw[i] == "giao" and r.fw[i - 1] in ("ban", "chuyen", "tiep")):
            continue  # "bàn giao", "chuyển giao": handing over, not assigning
        orgs, _ = r.chain(cue)
        if orgs:
            # "Giao X là cơ quan thường trực, chủ trì ...": the roles in its own clause
            tail_end = _inline_item_end(r, orgs[-1].end)
            stop = re.search(r"[.;]\s", r.folded[orgs[-1].end:tail_end])
            tail = r.folded[orgs[-1].end:orgs[-1].end + stop.start() if stop else tail_end]
            roles = {x for x, pat in (("lead", lex.lead), ("coordinate", lex.coordinate)) if pat.search(tail)}
            hits.extend(_Hit(o, set(roles), (r.ws[i], orgs[-1].end)) for o in orgs)
    # "do X bố trí": the organisation that does it
    for m in re.finditer(r"\bdo\s", r.folded):
        if r.in_excluded(m.start()) or r.in_skipped(m.start()):
            continue
        i = r.word_at(m.end())
        orgs, k = r.chain(i)
        if orgs and k < r.n and r.phrase(k, lex.agent_verbs) is not None:
            hits.extend(_Hit(o, set(), (m.start(), orgs[-1].end)) for o in orgs)
    return hits


def _partners(r: _Reader) -> list[_Hit]:
    """'phối hợp với X, Y', 'Đơn vị phối hợp: X' -> coordinate; 'Đơn vị chủ trì: X' -> lead."""
    hits: list[_Hit] = []
    for m in r.lex.partner.finditer(r.folded):
        if r.in_excluded(m.start()) or r.in_skipped(m.start()):
            continue
        pos = m.end()
        colon = re.match(r"\s*:\s*", r.folded[pos:pos + 4])
        if colon:
            pos += colon.end()
        orgs, _ = r.chain(r.word_at(pos))
        orgs = [o for o in orgs if o.start < pos + 400]
        hits.extend(_Hit(o, {"coordinate"}, (m.start(), orgs[-1].end)) for o in orgs)
    for m in re.finditer(r"\b(?:don vi|co quan) chu tri\s*:\s*", r.folded):
        if r.in_excluded(m.start()):
            continue
        orgs, _ = r.chain(r.word_at(m.end()))
        hits.extend(_Hit(o, {"lead"}, (m.start(), orgs[-1].end)) for o in orgs)
    return hits


def _reports(r: _Reader) -> list[_Hit]:
    """'báo cáo ... về X', 'gửi X', '(qua X)' -> report_to."""
    lex = r.lex
    hits: list[_Hit] = []
    for m in lex.report.finditer(r.folded):
        if r.in_excluded(m.start()) or r.in_skipped(m.start()):
            continue
        if r.folded.startswith("trinh", m.start()):
            # "quá trình", "chương trình"; and "tham mưu trình X": X is advised, not reported to
            before = r.folded[max(0, m.start() - 12):m.start()].split()
            if before and (before[-1] in lex.not_before_submit or " ".join(before[-2:]) in lex.not_before_submit):
                continue
        i = r.word_at(m.end())
        j = r.phrase(i, lex.report_direct)
        orgs, _ = r.chain(j if j is not None else i)
        k = i
        while not orgs and k < min(r.n, i + lex.report_window):
            if re.search(r"[.;:\n]|\((?!\s*qua)", r.gap(k - 1)) and k > i:
                break
            p = r.phrase(k, lex.report_preps)
            if p is not None:
                orgs, _ = r.chain(p)
                if orgs:
                    break
            k += 1
        hits.extend(_Hit(o, {"report_to"}, (m.start(), orgs[-1].end)) for o in orgs)
    for m in re.finditer(r"\(\s*qua\s+", r.folded):
        if r.in_excluded(m.start()) or r.in_skipped(m.start()):
            continue
        orgs, _ = r.chain(r.word_at(m.end()))
        close = r.text.find(")", orgs[-1].end) if orgs else -1
        end = close + 1 if 0 <= close < (orgs[-1].end + 3 if orgs else 0) else (orgs[-1].end if orgs else 0)
        hits.extend(_Hit(o, {"report_to"}, (m.start(), end)) for o in orgs)
    return hits


def _tables(r: _Reader) -> list[_Hit]:
    """Task tables: the chủ trì column leads, the phối hợp column coordinates."""
    hits: list[_Hit] = []
    col = r.lex.column
    for table in r.doc.tables:
        if not table.rows or r.in_excluded(table.start):
            continue
        header = [fold_key(c) for c in table.rows[0]]
        kinds: dict[int, str] = {}
        for ci, h in enumerate(header):
            for kind in ("lead", "coordinate", "assignee", "task"):
                if any(h == w or h.startswith(w + " ") or h.endswith(" " + w) for w in col[kind]):
                    kinds.setdefault(ci, kind)
        if not any(k in ("lead", "coordinate", "assignee") for k in kinds.values()):
            continue
        pos = table.start
        for row in table.rows[1:]:
            task = next((collapse_ws(row[ci]) for ci, k in kinds.items() if k == "task" and ci < len(row)), None)
            for ci, cell in enumerate(row):
                at = r.text.find(cell, pos, table.end) if cell.strip() else -1
                if at < 0:
                    continue
                pos = at
                kind = kinds.get(ci)
                if kind not in ("lead", "coordinate", "assignee"):
                    continue
                orgs = _orgs_in(r, at, at + len(cell))
                roles: set[Role] = {kind} if kind in ("lead", "coordinate") else set()  # type: ignore[arg-type]
                hits.extend(_Hit(o, set(roles), (at, at + len(cell)), tasks=[task] if task else [])
                            for o in orgs)
    return hits


def _orgs_in(r: _Reader, start: int, end: int) -> list[_Org]:
    orgs, _ = r.chain(r.word_at(start), limit=end)
    seen = {o.start for o in orgs}
    for m in r.matches:
        if start <= m.start < end and m.start not in seen:
            org = r.org_at(r.word_at(m.start))
            if org is not None:
                orgs.append(org)
    return [o for o in orgs if o.end <= end]


# -- putting it together ---------------------------------------------------------------------------

def _key(org: _Org) -> str:
    return org.name if org.known else fold_key(org.name)


def _merge_short(hits: list[_Hit]) -> None:
    """Two unknown names of which one extends the other are one organisation: a short reference
    ('Đoàn' -> 'Đoàn kiểm tra') or a name read too far ('Phòng Kế hoạch - Tổng hợp trước ...').
    The name given by a heading wins; otherwise the longer one."""
    names: dict[str, tuple[_Org, bool]] = {}
    for h in hits:
        key = _key(h.org)
        org, headed = names.get(key, (h.org, False))
        names[key] = (org, headed or h.heading)
    for h in hits:
        if h.org.known:
            continue
        key = _key(h.org)
        related = [(k, o, hd) for k, (o, hd) in names.items()
                   if k != key and (k.startswith(key + " ") or key.startswith(k + " "))]
        if len(related) != 1:
            continue
        k, target, target_headed = related[0]
        mine_headed = names[key][1]
        if (target_headed and not mine_headed) or (target_headed == mine_headed and len(k) > len(key)):
            h.org = _Org(h.org.first, h.org.stop, h.org.start, h.org.end, target.name, target.known,
                         target.score)


def _merge_renamed(hits: list[_Hit]) -> None:
    """A body named with more words than one that has its own heading, and the same head, is
    that body under another name: a plan with '3. Sở Văn hóa và Thể thao' that asks to cooperate
    with 'Sở Văn hóa, Thể thao và Du lịch' means the department it gave the heading to."""
    headed = {_key(h.org): h.org for h in hits if h.heading}
    for h in hits:
        if h.heading or _key(h.org) in headed:
            continue
        words = fold_key(h.org.name).split()
        best = None
        for org in headed.values():
            owords = fold_key(org.name).split()
            if owords[0] == words[0] and set(owords) < set(words):
                if best is None or len(owords) > len(fold_key(best.name).split()):
                    best = org
        if best is not None:
            h.org = _Org(h.org.first, h.org.stop, h.org.start, h.org.end, best.name, best.known, best.score)


def find_agencies(ctx: Context) -> list[Agency]:
    """Every organisation the document makes responsible, in order of first assignment."""
    document = ctx.document
    if not document.text.strip():
        return []
    r = _Reader(document, load_agencies(), _lexicon())
    hits = _headings(r) + _clauses(r) + _partners(r) + _reports(r) + _tables(r)
    _merge_short(hits)
    _merge_renamed(hits)
    groups: dict[str, list[_Hit]] = {}
    for h in sorted(hits, key=lambda h: h.mention[0]):
        groups.setdefault(_key(h.org), []).append(h)
    surfaces = _surfaces(r, hits)
    out: list[Agency] = []
    for key, group in groups.items():
        org = group[0].org
        headed = [h for h in group if h.heading]
        first = headed[0] if headed else group[0]
        roles = set().union(*(h.roles for h in group))
        tasks: list[str] = []
        for h in headed or group:
            for t in h.tasks:
                if t and t not in tasks:
                    tasks.append(t)
        start, end = first.mention
        aliases = [s for s in surfaces.get(key, []) if s != org.name]
        out.append(Agency(
            name=org.name,
            aliases_in_text=aliases,
            roles=[x for x in _ROLE_ORDER if x in roles],
            mention=collapse_ws(document.text[start:end]),
            provenance=provenance(document, start, end),
            tasks=tasks,
            known=org.known,
            confidence=round(min(1.0, org.score / 100) * (1.0 if headed else 0.9), 2),
        ))
    out.sort(key=lambda a: a.provenance.start)
    return out


def _surfaces(r: _Reader, hits: list[_Hit]) -> dict[str, list[str]]:
    """Every verbatim form of each organisation anywhere in the document (recipients too)."""
    out: dict[str, list[str]] = {}

    def add(key: str, start: int, end: int) -> None:
        if any(a <= start < b for a, b in r.quiet):
            return
        form = collapse_ws(r.text[start:end])
        lst = out.setdefault(key, [])
        if form not in lst:
            lst.append(form)

    for m in r.matches:
        add(m.entry.name, m.start, m.end)
    for h in sorted(hits, key=lambda h: h.org.start):
        add(_key(h.org), h.org.start, h.org.end)
    return out


__all__ = ["find_agencies"]
