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
_MAX_MENTION = 240  # characters of a heading kept as the mention when it has no colon


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
    advise: re.Pattern[str]
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
        heads=_Phrases(_words(raw["org_heads"])),
        lower_heads=_Phrases(_words(raw["lowercase_heads"])),
        stops=_Phrases(_words(raw["name_stops"]), folded=False),
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
        advise=_alternation(_words(raw["advise_verbs"])),
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
        self.excluded = _excluded_spans(document)
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
    def org_at(self, i: int, heading: bool = False) -> _Org | None:
        """The organisation named at word i: a gazetteer name, or an organisation-looking one."""
        if i >= self.n:
            return None
        m = self.match_at.get(self.ws[i])
        if m is not None:
            stop = self.word_at(m.end)
            return _Org(i, stop, m.start, m.end, m.entry.name, True, 100.0)
        return self._unknown_at(i, heading)

    def _unknown_at(self, i: int, heading: bool) -> _Org | None:
        lex = self.lex
        head_end = self.phrase(i, lex.heads)
        if head_end is None and heading:
            head_end = self.phrase(i, lex.lower_heads)
            if head_end is not None and not self.cap[i]:
                heading = True  # a lowercase collective head, allowed only here
        if head_end is None:
            return None
        if not self.cap[i] and not heading:
            if head_end >= self.n or not self.cap[head_end] or not _SPACES.fullmatch(self.gap(head_end - 1)):
                return None
        j = head_end
        while j < self.n and j - i < lex.max_name_words:
            if not re.fullmatch(r"[ \t\-\u2010-\u2015/&]*", self.gap(j - 1)):
                break
            if self.fw[j] in lex.continuations and not self.cap[j]:
                nxt = j + 1
                if (nxt < self.n and self.cap[nxt] and _SPACES.fullmatch(self.gap(j))
                        and self.phrase(nxt, lex.heads) is None and nxt not in self._match_words()):
                    j = nxt + 1
                    continue
                break
            if not self.cap[j] and self.phrase(j, lex.stops, lower=True) is not None:
                break
            if self.ws[j] in self.match_at and j > head_end:
                break  # another known organisation starts here
            j += 1
        if j == head_end:
            return None  # a bare head word ("Sở", "Ban") names nothing
        # a subordinate level ("Ban chỉ đạo cấp huyện") is reached through its parent
        if j < self.n and self.fw[j] == "cap" and j + 1 < self.n and self.fw[j + 1] in ("huyen", "xa", "co"):
            return None
        if self._upper(i) and self._upper(i + 1):
            return None  # a title in capitals ("V. TỔ CHỨC THỰC HIỆN"): capitals say nothing
        named = any(self.cap[k] for k in range(head_end, j)) or self.fw[j - 1] == "tinh"
        if not named and not (heading and self.gap(j - 1).lstrip(" ").startswith(":")):
            return None  # "Tổ chức tiếp nhận ...", "Phòng chuyên môn": a verb or a common noun
        start, end = self.ws[i], self.we[j - 1]
        written = self.text[start:end]
        found = self.gaz.resolve(written)
        if found is not None:
            return _Org(i, j, start, end, found[0], True, found[1])
        return _Org(i, j, start, end, _strip_place(self.gaz, written), False, 60.0)

    def _upper(self, i: int) -> bool:
        if i >= self.n:
            return False
        w = self.text[self.ws[i]:self.we[i]]
        return len(w) > 1 and w.isupper()

    def _match_words(self) -> set[int]:
        if not hasattr(self, "_mw"):
            self._mw = {self.word_at(m.start) for m in self.matches}
        return self._mw

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
        j = self.word_at(best)
        return j if j > i and self.we[j - 1] == best or j > i else None

    def skip(self, i: int) -> int:
        """Skip connectors and posts ("và", "các", "Thủ trưởng", "Chủ tịch") before an item."""
        while i < self.n:
            j = self.phrase(i, self.lex.chain_skips) or self.phrase(i, self.lex.person_prefixes)
            if j is None or j >= self.n or not _SPACES.fullmatch(self.gap(j - 1)):
                return i
            i = j
        return i

    def chain(self, i: int, limit: int | None = None, heading: bool = False) -> tuple[list[_Org], int]:
        """The organisations listed from word i ("Công an tỉnh, Tòa án nhân dân tỉnh và ...")."""
        orgs: list[_Org] = []
        k = i
        while k < self.n and (limit is None or self.ws[k] < limit):
            k2 = self.skip(k)
            org = self.org_at(k2, heading)
            if org is not None:
                orgs.append(org)
                k = org.stop
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
            if gap.strip() == ";" and self.org_at(self.skip(k), heading) is not None:
                continue
            break
        return orgs, k

    def _qualifiers(self, k: int) -> int:
        while k < self.n and _SPACES.fullmatch(self.gap(k - 1)):
            j = self.phrase(k, self.lex.qualifiers)
            if j is None:
                break
            k = j
        return k


def _strip_place(gaz: Gazetteer, written: str) -> str:
    """'Văn phòng Sở Công Thương tỉnh Lào Cai' -> 'Văn phòng Sở Công Thương' (unknown names)."""
    words = written.split()
    for cut in range(min(4, len(words) - 1), 0, -1):
        tail = " ".join(words[-cut:])
        key = fold_key(tail)
        if key.startswith("tinh "):
            key = key[5:]
        if key and gaz._walk(gaz._places, key.split()) == len(key.split()):
            head = words[:-cut]
            if head and fold_key(head[-1]) == "tinh" and len(words) - cut > 1:
                head = head[:-1]
            if len(head) >= 2:
                return " ".join(head).rstrip(" ,-")
    return written


def _excluded_spans(document: Document) -> list[tuple[int, int]]:
    """Recipients, signature and header: nothing there assigns a responsibility."""
    spans: list[tuple[int, int]] = []
    h = document.header
    parts = [s for s in (h.issuer, h.number, h.place_date, h.doc_type, h.title) if s is not None]
    if parts:
        spans.append((min(s.start for s in parts), max(s.end for s in parts)))

    def walk(node: Section | None) -> None:
        if node is None:
            return
        for child in node.children:
            if child.kind in ("recipients", "signature"):
                spans.append((child.start, child.end))
            walk(child)

    walk(document.outline)
    if not any(True for _ in spans[1:] if True) and document.outline is None:
        m = re.search(r"(?m)^\s*Nơi nhận\s*:?", document.text)
        if m:
            spans.append((m.start(), len(document.text)))
    return spans


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

def _label_end(text: str, block_text: str, label: str | None) -> int:
    """Offset, within the block, where the text after the numbering starts."""
    if label and block_text.startswith(label):
        k = len(label)
    else:
        m = re.match(r"\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ][).]|[-+•*])\s+", block_text)
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
    scopes: list[tuple[int, int, list[_Hit], int]] = []  # (start, end, hits, own-text end)
    for bi, block in enumerate(doc.blocks):
        if block.kind == "table_cell" or r.in_excluded(block.start) or r.in_skipped(block.start):
            continue
        body = block.start + _label_end(doc.text, block.text, block.label)
        numbered = bool(block.label) and block.label not in ("-", "+", "•", "*") or bool(
            re.match(r"\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ][).])\s", block.text))
        i = r.word_at(body)
        if i >= r.n or r.ws[i] >= block.end:
            continue
        j = r.phrase(i, lex.heading_prefixes)
        start_word = j if j is not None else i
        orgs, k = r.chain(start_word, limit=block.end, heading=True)
        orgs = [o for o in orgs if o.end <= block.end]
        if not orgs or r.skip(start_word) != orgs[0].first and r.generic_at(r.skip(start_word)) is None:
            continue
        after = r.ws[k] if k < r.n and r.ws[k] < block.end else block.end
        rest = doc.text[orgs[-1].end:block.end]
        colon = _colon_after(rest)
        if not numbered and colon is None:
            continue
        if numbered and colon is None and not _opens_task(r, k, block.end):
            # "3. UBND các huyện, thành phố tích cực hỗ trợ ...": the name is the subject
            pass
        if colon is not None:
            mention_end = orgs[-1].end + colon + 1
        else:
            mention_end = min(block.end, max(after, orgs[-1].end))
            mention_end = orgs[-1].end if mention_end - block.start > _MAX_MENTION else mention_end
        mention_end = orgs[-1].end if mention_end <= orgs[-1].end else mention_end
        mention = (block.start, mention_end if colon is not None else orgs[-1].end)
        section = sections.get(block.start)
        scope_end = section.end if section is not None and section.end > block.end else block.end
        tasks = []
        inline = collapse_ws(doc.text[mention[1]:block.end]).lstrip(": ").strip()
        if inline:
            tasks.append(inline)
        for other in doc.blocks[bi + 1:]:
            if other.start >= scope_end:
                break
            if other.kind != "table_cell":
                tasks.append(collapse_ws(other.text))
        group = [_Hit(o, set(), mention, heading=True, tasks=list(tasks)) for o in orgs]
        hits.extend(group)
        scopes.append((block.start, scope_end, group, mention[1]))
    # roles from each heading's own text (nested agency headings excluded)
    for n, (s, e, group, own_start) in enumerate(scopes):
        nested = [(s2, e2) for s2, e2, _, _ in scopes if s < s2 < e]
        own = "".join(r.folded[a:b] for a, b in _minus((own_start, e), nested))
        for hit in group:
            if r.lex.lead.search(own):
                hit.roles.add("lead")
            if r.lex.coordinate.search(own):
                hit.roles.add("coordinate")
    return hits


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


def _opens_task(r: _Reader, k: int, limit: int) -> bool:
    return k < r.n and r.ws[k] < limit and r.phrase(k, r.lex.subject_verbs) is not None


def _clause_starts(r: _Reader) -> list[int]:
    """Word indexes that open a clause: block starts and words after '.', ';', ':' or '('."""
    out: set[int] = set()
    for block in r.doc.blocks:
        if block.kind == "table_cell":
            continue
        out.add(r.word_at(block.start + _label_end(r.text, block.text, block.label)))
    for i in range(1, r.n):
        g = r.gap(i - 1)
        if re.search(r"[.;:(]\s*(?:[-+]\s*)?$", g) or "\n" in g:
            out.add(i)
    return sorted(out)


def _clauses(r: _Reader) -> list[_Hit]:
    """Assignments inside sentences: 'Giao X ...', 'X chủ trì ...', 'do X bố trí'."""
    lex = r.lex
    hits: list[_Hit] = []
    for i in _clause_starts(r):
        if i >= r.n or r.in_excluded(r.ws[i]) or r.in_skipped(r.ws[i]):
            continue
        cue = r.phrase(i, lex.assign)
        start = cue if cue is not None else i
        orgs, k = r.chain(start)
        if not orgs:
            continue
        if cue is None:
            verb = r.phrase(k, lex.subject_verbs) if k < r.n and _SPACES.fullmatch(r.gap(k - 1)) else None
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
        before = r.folded[max(0, m.start() - 20):m.start()]
        if lex.advise.search(before) and r.folded[m.start():m.end()].startswith("trinh"):
            continue  # "tham mưu trình X": X is advised, not reported to
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
    """A short unknown form of a fuller name found in the same document is that organisation
    ('Đoàn' -> 'Đoàn kiểm tra', 'Ban quản lý' -> 'Ban quản lý Khu kinh tế ...')."""
    names = {_key(h.org): h.org for h in hits}
    for h in hits:
        if h.org.known:
            continue
        key = fold_key(h.org.name)
        longer = [o for k, o in names.items() if k != _key(h.org)
                  and fold_key(o.name).startswith(key + " ") and not o is h.org]
        if len(longer) == 1:
            target = longer[0]
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
    header_end = r.excluded[0][1] if r.doc.header.issuer is not None and r.excluded else 0
    out: dict[str, list[str]] = {}
    for m in r.matches:
        if m.start < header_end:
            continue
        form = collapse_ws(r.text[m.start:m.end])
        lst = out.setdefault(m.entry.name, [])
        if form not in lst:
            lst.append(form)
    for h in sorted(hits, key=lambda h: h.org.start):
        form = collapse_ws(r.text[h.org.start:h.org.end])
        lst = out.setdefault(_key(h.org), [])
        if form not in lst:
            lst.append(form)
    return out


__all__ = ["find_agencies"]
