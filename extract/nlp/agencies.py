"""Agencies: every organisation a plan makes responsible, with its roles and tasks.

``find_agencies(ctx)`` follows corpora/gold/README.md "Agencies". An organisation is kept when

- a heading or an "X:" opening names it ("2. Công an tỉnh:", "d) Ủy ban nhân dân các huyện,
  thành phố:", "- Đối với Cơ sở cai nghiện ma túy tỉnh:"): everything under the heading is its
  tasks, and a combined heading gives one entry per organisation, sharing the heading;
- a clause gives it a task ("Giao Sở Xây dựng ...", "X chủ trì ...", "X có trách nhiệm ...");
- it is a named partner ("phối hợp với X, Y") -> coordinate;
- it receives reports ("báo cáo ... về X", "gửi X", "(qua X)") -> report_to;
- it is in the chủ trì / phối hợp column of a task table.

Not kept: generic addressees ("các sở, ban, ngành"), bodies only advised ("Tham mưu X") or only
issuing or funding something, the recipients list, the header, and sections reviewing past
results. Names are read by extract/nlp/orgnames.py against the gazetteer (extract/gazetteer.py);
a name the gazetteer does not know is kept as written with ``known=False``. Cues are data:
models/agencies/cues.json.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..document import Document, Section
from ..gazetteer import load_agencies
from ..model import Agency, Role
from ..normalize import collapse_ws, fold, fold_key
from ..paths import MODELS
from .base import Context, provenance
from .orgnames import AFTER_PREFIX, HEADING, NameReader, Org, Phrases, words_of

_ROLE_ORDER: tuple[Role, ...] = ("lead", "coordinate", "report_to")
_LABEL = re.compile(r"\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*[.,)]?|[a-zđ][).]|[-+•*])\s+")
_INLINE_LABEL = re.compile(r"(?<=[.;:])\s+(?:\d+(?:\.\d+)*\.|[a-zđ]\))\s")
_LEAD_WITH = re.compile(r"\bchu tri\s*,?\s*(?:va\s+)?phoi hop\b")
_CLAUSE_BREAK = re.compile(r"(?:[.;:(][ \t]*(?:[-+][ \t]*)?|\n\s*)(?=\w)")


# -- the cues ----------------------------------------------------------------------------------

def _alternation(phrases: list[str]) -> re.Pattern[str]:
    """One regex over folded text for a list of phrases, longest first, on word boundaries."""
    alts = []
    for p in sorted({" ".join(fold(p).split()) for p in phrases}, key=len, reverse=True):
        body = r"\s*".join(re.escape(w) for w in re.findall(r"\w+|[^\w\s]", p))
        alts.append((r"\b" if p[0].isalnum() else "") + body + (r"\b" if p[-1].isalnum() else ""))
    return re.compile("|".join(alts))


@dataclass(frozen=True)
class _Cues:
    heading_prefixes: Phrases
    lead: re.Pattern[str]
    coordinate: re.Pattern[str]
    partner: re.Pattern[str]
    role_labels: tuple[tuple[Role, re.Pattern[str]], ...]
    report: re.Pattern[str]
    not_before_submit: frozenset[str]
    report_direct: Phrases
    report_preps: Phrases
    report_window: int
    assign: Phrases
    handover: frozenset[str]
    agent_verbs: Phrases
    subject_verbs: Phrases
    columns: dict[str, tuple[str, ...]]
    skip_sections: tuple[re.Pattern[str], ...]
    resume_sections: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    raw = json.loads((MODELS / "agencies" / "cues.json").read_text(encoding="utf-8"))
    labels = raw["role_labels"]
    return _Cues(
        heading_prefixes=Phrases(words_of(raw["heading_prefixes"])),
        lead=_alternation(raw["lead_cues"]),
        coordinate=_alternation(raw["coordinate_cues"]),
        partner=_alternation(words_of(raw["partner_cues"])),
        role_labels=tuple((role, re.compile(_alternation(labels[role]).pattern + r"[ \t]*:[ \t]*"))
                          for role in ("lead", "coordinate")),  # type: ignore[misc]
        report=_alternation(words_of(raw["report_verbs"])),
        not_before_submit=frozenset(fold_key(w) for w in words_of(raw["report_verb_not_after"])),
        report_direct=Phrases(raw["report_direct_skips"]),
        report_preps=Phrases(raw["report_preps"]),
        report_window=int(raw["report_window_words"]),
        assign=Phrases(words_of(raw["assign_cues"])),
        handover=frozenset(fold_key(w) for w in words_of(raw["handover_words"])),
        agent_verbs=Phrases(words_of(raw["agent_verbs"])),
        subject_verbs=Phrases(words_of(raw["subject_verbs"])),
        columns={k: tuple(fold_key(v) for v in vs) for k, vs in raw["table_columns"].items()},
        skip_sections=tuple(re.compile(p) for p in raw["skip_sections"]["patterns"]),
        resume_sections=tuple(re.compile(p) for p in raw["skip_sections"]["resume"]["patterns"]),
    )


# -- one document ----------------------------------------------------------------------------

@dataclass
class _Hit:
    """One reason to keep an organisation."""

    org: Org
    roles: set[Role]
    mention: tuple[int, int]
    heading: bool = False
    tasks: list[str] = field(default_factory=list)


class _Scan:
    """A document being read: its names, and the regions where nothing is assigned."""

    def __init__(self, document: Document) -> None:
        self.doc = document
        self.cues = _cues()
        self.r = NameReader(document.text, load_agencies())
        self.excluded, self.quiet = _excluded_spans(document)
        self.skipped = _skipped_spans(document, self.cues)
        self._blocks = [b.start for b in document.blocks]

    def silent(self, pos: int) -> bool:
        """Nothing at ``pos`` assigns anything (header, recipients, signature, a review of
        past results)."""
        return any(s <= pos < e for s, e in self.excluded) or any(s <= pos < e for s, e in self.skipped)

    def roles_in(self, folded: str) -> set[Role]:
        """The roles an organisation's own assignment text gives it (README: mechanical). In
        "chủ trì, phối hợp với X" the subject leads and X coordinates: that "phối hợp" is not
        the subject's."""
        roles: set[Role] = set()
        if self.cues.lead.search(folded):
            roles.add("lead")
        if self.cues.coordinate.search(_LEAD_WITH.sub(" ", folded)):
            roles.add("coordinate")
        return roles

    def item_end(self, pos: int) -> int:
        """End of the item holding ``pos``: its block, or the next numbering run into it."""
        bi = bisect.bisect_right(self._blocks, pos) - 1
        block = self.doc.blocks[bi] if bi >= 0 else None
        end = block.end if block is not None and block.start <= pos < block.end else len(self.doc.text)
        m = _INLINE_LABEL.search(self.doc.text, pos, end)
        return m.start() if m else end


def _excluded_spans(document: Document) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(where nothing assigns a responsibility: header, recipients, signature;
    where names are not even aliases: header and signature)."""
    quiet: list[tuple[int, int]] = []
    h = document.header
    parts = [s for s in (h.issuer, h.number, h.place_date, h.doc_type, h.title) if s is not None]
    if parts:
        quiet.append((min(s.start for s in parts), max(s.end for s in parts)))
    recipients: list[tuple[int, int]] = []
    for section in _sections(document.outline):
        if section.kind == "recipients":
            recipients.append((section.start, section.end))
        elif section.kind == "signature":
            quiet.append((section.start, section.end))
    if document.outline is None:  # no outline: the recipients list runs to the end
        m = re.search(r"(?m)^\s*Nơi nhận\s*:?", document.text)
        if m:
            recipients.append((m.start(), len(document.text)))
    return quiet + recipients, quiet


def _skipped_spans(document: Document, cues: _Cues) -> list[tuple[int, int]]:
    """Sections reviewing past results ("A. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN ... NĂM 2010"), up to a
    heading that starts the plan again ("Mục tiêu", "Tổ chức thực hiện") in case the outline
    missed where the review ends."""
    out: list[tuple[int, int]] = []
    for section in _sections(document.outline):
        if section.kind == "section" and any(p.search(fold_key(section.title)) for p in cues.skip_sections):
            if not any(s <= section.start < e for s, e in out):
                end = section.end
                for block in document.blocks:
                    inside = section.start < block.start < end
                    if inside and (block.kind == "heading" or (block.label and block.level > 0)) \
                            and any(p.search(fold_key(block.text)) for p in cues.resume_sections):
                        end = block.start
                        break
                out.append((section.start, end))
    return out


def _sections(node: Section | None) -> list[Section]:
    """Every section of the outline, in document order."""
    out: list[Section] = []
    for child in node.children if node is not None else []:
        out.append(child)
        out.extend(_sections(child))
    return out


def _label_end(block_text: str, label: str | None) -> int:
    """Offset, within a block, where the text after its numbering starts (0 if none); also for
    numbering OCR misread ("7, UBND các huyện ...") that layout did not label."""
    if label and block_text.startswith(label):
        k = len(label)
    else:
        m = _LABEL.match(block_text)
        k = m.end() if m else 0
    while k < len(block_text) and block_text[k] in " \t":
        k += 1
    return k


# -- headings ------------------------------------------------------------------------------------

def _headings(s: _Scan) -> list[_Hit]:
    """Blocks that open with the organisations they assign: '2. Công an tỉnh:', '- Đối với X:'."""
    doc, r = s.doc, s.r
    sections = {sec.start: sec for sec in reversed(_sections(doc.outline))}
    hits: list[_Hit] = []
    scopes: list[tuple[int, int, list[_Hit], int]] = []  # (start, end, hits, end of the names)
    for bi, block in enumerate(doc.blocks):
        if block.kind == "table_cell" or s.silent(block.start):
            continue
        label_end = _label_end(block.text, block.label)
        numbered = label_end > 0 and (block.label or block.text[:label_end]).strip()[:1] not in "-+•*"
        i = r.word_at(block.start + label_end)
        if i >= r.n or r.ws[i] >= block.end:
            continue
        prefix = r.phrase(i, s.cues.heading_prefixes)
        first = prefix or i
        orgs, _ = r.chain(first, limit=block.end, where=AFTER_PREFIX if prefix else HEADING)
        orgs = [o for o in orgs if o.end <= block.end]
        if orgs and orgs[0].first not in (first, r.skip(first)) and r.generic_at(r.skip(first)) is None:
            orgs = []  # the block does not open with the organisation
        orgs = orgs or _fuzzy_heading(r, first, block.end)
        if not orgs:
            continue
        colon = _colon_after(doc.text[orgs[-1].end:block.end])
        if not numbered and (colon is None or not _opens_assignment(s, orgs[-1], colon)):
            continue  # a plain paragraph or bullet assigns only as "X: ..." / "X có trách nhiệm:"
        mention = (block.start, orgs[-1].end + colon + 1 if colon is not None else orgs[-1].end)
        scope_end = _scope_end(doc, bi, sections.get(block.start))
        inline_end = s.item_end(mention[1])
        if inline_end < block.end:  # layout ran the next item into this block: stop before it
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
        end = scope_end if inline_end < block.end else max(scope_end, block.end)
        scopes.append((block.start, end, group, orgs[-1].end))  # "X (cơ quan thường trực):" counts
    # the roles come from each heading's own text, without the agency headings nested in it;
    # a clause opening with a body is that body's alone ("9. ... Hội Liên hiệp Phụ nữ, Thành
    # đoàn: ...; Thành đoàn chủ trì ...", "- Hội Liên hiệp Phụ nữ tỉnh chủ trì Dự án 8")
    for start, end, group, own in scopes:
        nested = [(s2, e2) for s2, e2, _, _ in scopes if start < s2 < end]
        for a, b in _minus((own, end), nested):
            for clause in re.finditer(r"[^.;\n]+", r.folded[a:b]):
                ca, cb = a + clause.start(), a + clause.end()
                roles = s.roles_in(r.folded[ca:cb])
                if not roles:
                    continue
                targets = group
                named, _ = r.chain(r.word_at(ca), limit=cb)
                if named and r.ws[named[0].first] - ca < 4:  # the clause has its own subject
                    keys = {_key(o) for o in named}
                    targets = [h for h in group if _key(h.org) in keys]
                for hit in targets:
                    hit.roles |= roles
    return hits


def _opens_assignment(s: _Scan, org: Org, colon: int) -> bool:
    """Between the name and the colon only a parenthesis or a duty: "Các thành viên Ban Chỉ đạo
    (Ban Chỉ đạo 138):", "Sở Y tế có trách nhiệm:"; not "UBND tỉnh ban hành Kế hoạch như sau:"."""
    between = s.doc.text[org.end:org.end + colon]
    if re.fullmatch(r"\s*(?:\([^()]*\)\s*)?", between):
        return True
    k = s.r.word_at(org.end)
    return k < s.r.n and s.r.phrase(s.r.skip(k), s.cues.subject_verbs) is not None and len(between) <= 80


def _fuzzy_heading(r: NameReader, i: int, limit: int) -> list[Org]:
    """A heading name the gazetteer walk missed, read fuzzily ('2. Sử Thông tin và Truyền
    thông:' from OCR); every comma-separated part must resolve."""
    start = r.ws[i]
    m = re.match(r"[^:.;\n]{3,120}?(?=\s*:)", r.text[start:limit])
    if not m:
        return []
    orgs = []
    for piece in re.finditer(r"[^,;]+", m.group()):
        written = re.sub(r"^(?:và|cùng)\s+", "", piece.group().strip())
        found = r.gaz.resolve(written) if len(written.split()) >= 2 else None
        if found is None:
            return []
        a = start + piece.start() + piece.group().find(written)
        orgs.append(Org(r.word_at(a), r.word_at(a + len(written)), a, a + len(written), found[0], True,
                        min(found[1], 95.0)))
    return orgs


def _scope_end(doc: Document, bi: int, section: Section | None) -> int:
    """Where the items under a heading end: its outline section, or the deeper blocks after it."""
    block = doc.blocks[bi]
    if section is not None and section.end > block.end:
        return section.end
    end = block.end
    if block.level <= 0:
        if not block.text.rstrip().endswith(":"):
            return end
        for other in doc.blocks[bi + 1:]:  # "Sở Y tế có trách nhiệm:" and its bullets
            if other.kind != "list_item" or not other.label or other.label[:1] not in "-+•*":
                break
            end = other.end
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
    """Offset of the colon closing a heading name ('Công an tỉnh:', 'X (Ban chỉ đạo 138):',
    'Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các sở, ngành:')."""
    m = re.match(r"\s*(?:\([^()\n]{0,80}\)\s*)?:", rest) or re.match(r"[^:\n.;]{0,160}:", rest)
    return m.end() - 1 if m else None


# -- sentences -----------------------------------------------------------------------------------

def _clause_starts(s: _Scan) -> list[int]:
    """Word indexes that open a clause: block starts, and words after '.', ';', ':' or '('."""
    r = s.r
    out = {r.word_at(b.start + _label_end(b.text, b.label)) for b in s.doc.blocks if b.kind != "table_cell"}
    out.update(r.word_at(m.end()) for m in _CLAUSE_BREAK.finditer(r.folded))
    return sorted(out)


def _after_label(r: NameReader, i: int) -> int:
    """Skip numbering met inside a block ('... số. 5. Văn phòng ...', '...; b) Sở ...')."""
    if i >= r.n:
        return i
    m = re.match(r"(?:\d+(?:\.\d+)*[.)]|[a-zđ]\))[ \t]+", r.text[r.ws[i]:r.ws[i] + 16])
    return r.word_at(r.ws[i] + m.end()) if m else i


def _clauses(s: _Scan) -> list[_Hit]:
    """Organisations opening a clause with a task ('Sở Y tế chủ trì ...', 'X có trách nhiệm',
    'Đối với X:', 'X: ...' of an item run into another)."""
    r, cues = s.r, s.cues
    hits: list[_Hit] = []
    for i in _clause_starts(s):
        if i >= r.n or s.silent(r.ws[i]):
            continue
        i = _after_label(r, i)
        cue = r.phrase(i, cues.assign)
        if cue is not None and r.fw[i] != "doi":
            continue  # "Giao X", "Đề nghị X": read wherever they stand (_assignments)
        orgs, k = r.chain(cue if cue is not None else i)
        if not orgs or k >= r.n:
            continue
        gap = r.gap(k - 1)
        if cue is not None:
            if ":" in gap:  # "Đối với X:"; elsewhere "đối với" is a preposition
                hits.extend(_Hit(o, set(), (r.ws[i], orgs[-1].end)) for o in orgs)
            continue
        verb = r.phrase(k, cues.subject_verbs) if re.fullmatch(r"[ \t]*,?[ \t]*", gap) else None
        if verb is not None:  # "Sở Y tế chủ trì", "Chi cục ..., là cơ quan chuyên trách"
            roles = s.roles_in(_clause_rest(s, r.ws[k]))
            hits.extend(_Hit(o, roles, (r.ws[i], r.we[verb - 1])) for o in orgs)
        elif gap.lstrip(" ").startswith(":"):  # "5. Văn phòng UBND tỉnh: Chủ trì ..." run into an item
            end = s.item_end(r.we[k - 1])
            hits.extend(_Hit(o, s.roles_in(r.folded[r.ws[k]:end]), (r.ws[i], r.we[k - 1] + 1),
                             tasks=[collapse_ws(r.text[r.ws[k]:end])]) for o in orgs)
    return hits


def _clause_rest(s: _Scan, pos: int) -> str:
    """The folded text from ``pos`` to the end of its clause (next '.' or ';', or item end)."""
    end = s.item_end(pos)
    stop = re.search(r"[.;](?:\s|$)", s.r.folded[pos:end])
    return s.r.folded[pos:pos + stop.start() if stop else end]


def _assignments(s: _Scan) -> list[_Hit]:
    """'Giao X ...', 'UBND tỉnh giao X chủ trì', 'Đề nghị X ...', 'do X bố trí': X has a task."""
    r, cues = s.r, s.cues
    hits: list[_Hit] = []
    for i in range(r.n):
        if r.fw[i] not in cues.assign.by_first or r.fw[i] == "doi" or s.silent(r.ws[i]):
            continue
        cue = r.phrase(i, cues.assign)
        if cue is None or (i > 0 and r.fw[i] == "giao" and r.fw[i - 1] in cues.handover):
            continue  # "bàn giao", "chuyển giao": handing over, not assigning
        orgs, _ = r.chain(cue)
        if orgs:
            # "Giao X là cơ quan thường trực, chủ trì ...": the roles in its own clause
            roles = s.roles_in(_clause_rest(s, orgs[-1].end))
            hits.extend(_Hit(o, set(roles), (r.ws[i], orgs[-1].end)) for o in orgs)
    for m in re.finditer(r"\bdo\s", r.folded):
        if s.silent(m.start()):
            continue
        orgs, k = r.chain(r.word_at(m.end()))
        if orgs and k < r.n and r.phrase(k, cues.agent_verbs) is not None:
            hits.extend(_Hit(o, set(), (m.start(), orgs[-1].end)) for o in orgs)
    return hits


def _partners(s: _Scan) -> list[_Hit]:
    """'phối hợp với X, Y' -> coordinate; 'Đơn vị chủ trì: X; Đơn vị phối hợp: Y' -> lead,
    coordinate."""
    r = s.r
    hits: list[_Hit] = []
    cued = [(m, "coordinate") for m in s.cues.partner.finditer(r.folded)]
    cued += [(m, role) for role, pat in s.cues.role_labels for m in pat.finditer(r.folded)]
    for m, role in cued:
        if s.silent(m.start()):
            continue
        orgs, _ = r.chain(r.word_at(m.end()))
        hits.extend(_Hit(o, {role}, (m.start(), orgs[-1].end)) for o in orgs)  # type: ignore[arg-type]
    return hits


def _reports(s: _Scan) -> list[_Hit]:
    """'báo cáo ... về X', 'gửi X', 'báo cáo và đề xuất X', '(qua X)' -> report_to."""
    r, cues = s.r, s.cues
    hits: list[_Hit] = []
    for m in cues.report.finditer(r.folded):
        if s.silent(m.start()):
            continue
        if r.folded.startswith("trinh", m.start()):
            # "quá trình", "chương trình"; and "tham mưu trình X": X is advised, not reported to
            before = r.folded[max(0, m.start() - 12):m.start()].split()
            if before and (before[-1] in cues.not_before_submit
                           or " ".join(before[-2:]) in cues.not_before_submit):
                continue
        i = r.word_at(m.end())
        orgs, _ = r.chain(r.phrase(i, cues.report_direct) or i)
        k = i
        while not orgs and k < min(r.n, i + cues.report_window):
            if k > i and re.search(r"[.;:\n]|\((?!\s*qua)", r.gap(k - 1)):
                break  # the clause ends
            p = r.phrase(k, cues.report_preps)
            if p is not None:
                orgs, _ = r.chain(p)
            k += 1
        hits.extend(_Hit(o, {"report_to"}, (m.start(), orgs[-1].end)) for o in orgs)
    for m in re.finditer(r"\(\s*qua\s+", r.folded):
        if s.silent(m.start()):
            continue
        orgs, _ = r.chain(r.word_at(m.end()))
        if orgs:
            close = r.text.find(")", orgs[-1].end, orgs[-1].end + 3)
            end = close + 1 if close >= 0 else orgs[-1].end
            hits.extend(_Hit(o, {"report_to"}, (m.start(), end)) for o in orgs)
    return hits


# -- tables --------------------------------------------------------------------------------------

def _tables(s: _Scan) -> list[_Hit]:
    """Task tables: the chủ trì column leads, the phối hợp column coordinates, an 'đơn vị thực
    hiện' column assigns; the nhiệm vụ cell is the task."""
    r, columns = s.r, s.cues.columns
    hits: list[_Hit] = []
    for table in s.doc.tables:
        if not table.rows or s.silent(table.start):
            continue
        kinds: dict[int, str] = {}
        for ci, head in enumerate(fold_key(c) for c in table.rows[0]):
            for kind in ("lead", "coordinate", "assignee", "task"):
                if any(head == w or head.startswith(w + " ") or head.endswith(" " + w) for w in columns[kind]):
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
                if kind in ("lead", "coordinate", "assignee"):
                    roles: set[Role] = {kind} if kind != "assignee" else set()  # type: ignore[assignment]
                    hits.extend(_Hit(o, set(roles), (at, at + len(cell)), tasks=[task] if task else [])
                                for o in _orgs_in(r, at, at + len(cell)))
    return hits


def _orgs_in(r: NameReader, start: int, end: int) -> list[Org]:
    """Every organisation named in a table cell."""
    orgs, _ = r.chain(r.word_at(start), limit=end)
    seen = {o.start for o in orgs}
    for m in r.matches:
        if start <= m.start < end and m.start not in seen:
            org = r.org_at(r.word_at(m.start))
            if org is not None:
                orgs.append(org)
    return [o for o in orgs if o.end <= end]


# -- one entry per organisation --------------------------------------------------------------------

def _key(org: Org) -> str:
    return org.name if org.known else fold_key(org.name)


def _merge_short(hits: list[_Hit]) -> None:
    """Two unknown names of which one extends the other are one organisation: a short reference
    ('Đoàn' -> 'Đoàn kiểm tra') or a name read too far. The name a heading gives wins; otherwise
    the longer one."""
    names: dict[str, tuple[Org, bool]] = {}
    for h in hits:
        org, headed = names.get(_key(h.org), (h.org, False))
        names[_key(h.org)] = (org, headed or h.heading)
    for h in hits:
        if h.org.known:
            continue
        key = _key(h.org)
        related = [(k, o, hd) for k, (o, hd) in names.items()
                   if k != key and (k.startswith(key + " ") or key.startswith(k + " "))]
        if len(related) == 1:
            k, target, target_headed = related[0]
            mine_headed = names[key][1]
            if (target_headed and not mine_headed) or (target_headed == mine_headed and len(k) > len(key)):
                h.org = h.org.renamed(target)


def _merge_renamed(hits: list[_Hit]) -> None:
    """A body named with more words than one that has its own heading, with the same head word,
    is that body under another name: a plan with '3. Sở Văn hóa và Thể thao' that asks to
    cooperate with 'Sở Văn hóa, Thể thao và Du lịch' means the department it gave a heading."""
    headed = {_key(h.org): h.org for h in hits if h.heading}
    for h in hits:
        if h.heading or _key(h.org) in headed:
            continue
        words = fold_key(h.org.name).split()
        best: Org | None = None
        for org in headed.values():
            owords = fold_key(org.name).split()
            if owords[0] == words[0] and set(owords) < set(words) \
                    and (best is None or len(owords) > len(fold_key(best.name).split())):
                best = org
        if best is not None:
            h.org = h.org.renamed(best)


def _surfaces(s: _Scan, hits: list[_Hit]) -> dict[str, list[str]]:
    """Every verbatim form of each organisation anywhere in the document (recipients too)."""
    out: dict[str, list[str]] = {}

    def add(key: str, start: int, end: int) -> None:
        if not any(a <= start < b for a, b in s.quiet):
            form = collapse_ws(s.r.text[start:end])
            forms = out.setdefault(key, [])
            if form not in forms:
                forms.append(form)

    for m in s.r.matches:
        add(m.entry.name, m.start, m.end)
    for h in sorted(hits, key=lambda h: h.org.start):
        add(_key(h.org), h.org.start, h.org.end)
    return out


def find_agencies(ctx: Context) -> list[Agency]:
    """Every organisation the document makes responsible, in order of first assignment."""
    document = ctx.document
    if not document.text.strip():
        return []
    s = _Scan(document)
    hits = _headings(s) + _clauses(s) + _assignments(s) + _partners(s) + _reports(s) + _tables(s)
    _merge_short(hits)
    _merge_renamed(hits)
    groups: dict[str, list[_Hit]] = {}
    for h in sorted(hits, key=lambda h: h.mention[0]):
        groups.setdefault(_key(h.org), []).append(h)
    surfaces = _surfaces(s, hits)
    out: list[Agency] = []
    for key, group in groups.items():
        org = group[0].org
        headed = [h for h in group if h.heading]
        start, end = (headed or group)[0].mention
        tasks: list[str] = []
        for h in headed or group:
            for t in h.tasks:
                if t and t not in tasks:
                    tasks.append(t)
        roles = set().union(*(h.roles for h in group))
        out.append(Agency(
            name=org.name,
            aliases_in_text=[f for f in surfaces.get(key, []) if f != org.name],
            roles=[x for x in _ROLE_ORDER if x in roles],
            mention=collapse_ws(document.text[start:end]),
            provenance=provenance(document, start, end),
            tasks=tasks,
            known=org.known,
            # a heading is the surest assignment; a name read fuzzily or unknown is less sure
            confidence=round(min(1.0, org.score / 100) * (1.0 if headed else 0.9), 2),
        ))
    out.sort(key=lambda a: a.provenance.start)
    return out


__all__ = ["find_agencies"]
