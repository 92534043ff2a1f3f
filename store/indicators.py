"""Stored targets and the indicator each measures.

``ensure_indicators(store)`` matches every target that has no indicator yet, or was matched by
another version of the taxonomy (models/indicators.yaml), and stores the result on the target
row (``indicator_id``, ``indicator_score``, ``indicator_version``). It is cheap when nothing is
stale, so the comparison tables call it before they read; targets loaded by any version of the
loader, or re-extracted, are matched the next time.

``ensure_functions(store)`` does the same for assignments: the functions (communication,
inspection, rehabilitation, ...) each one's tasks are about, with the agency's role in each, in
the table assignment_function (the agency x function table reads it).

``indicator_counts(store)`` is the taxonomy with how many targets, plans and provinces each
indicator has (``kehoach indicators``); unmatched targets are counted under "other".
"""
from __future__ import annotations

from typing import Any

import json
import re
from functools import lru_cache

from sqlalchemy import bindparam, delete, func, insert, or_, select, update

from kehoach.extract.indicators import OTHER, Taxonomy, functions_of, load_taxonomy, match_fields

from .db import Store
from .schema import Assignment, AssignmentFunction, Document, DocumentTopic, Target

T = Target.__table__
D = Document.__table__
TOPIC = DocumentTopic.__table__
A = Assignment.__table__
AF = AssignmentFunction.__table__
CHUNK = 5000  # rows per write transaction: short locks, and a kill loses little


def _stale(version: str):
    return or_(T.c.indicator_version.is_(None), T.c.indicator_version != version)


def ensure_indicators(store: Store, rematch: bool = False, taxonomy: Taxonomy | None = None) -> int:
    """Match the targets not matched by this taxonomy yet (every target with ``rematch``).
    Returns how many were (re)matched."""
    tax = taxonomy or load_taxonomy()
    where = T.c.id.isnot(None) if rematch else _stale(tax.version)
    with store.read() as conn:
        if not rematch and conn.execute(select(T.c.id).where(where).limit(1)).first() is None:
            return 0
        rows = conn.execute(select(T.c.id, T.c.document_id, T.c.subject, T.c.text, T.c.unit, T.c.verbatim)
                            .where(where).order_by(T.c.id)).all()
        docs = {r.document_id for r in rows}
        topics: dict[int, set[str]] = {}
        for doc_id, topic in conn.execute(select(TOPIC.c.document_id, TOPIC.c.topic)):
            if doc_id in docs:
                topics.setdefault(doc_id, set()).add(topic)
    updates = []
    for r in rows:
        m = match_fields(r.subject, r.text, r.unit, r.verbatim, topics.get(r.document_id, ()), tax)
        updates.append({"tid": r.id, "iid": m.indicator_id, "score": m.score, "ver": tax.version})
    stmt = (update(T).where(T.c.id == bindparam("tid"))
            .values(indicator_id=bindparam("iid"), indicator_score=bindparam("score"),
                    indicator_version=bindparam("ver")))
    for i in range(0, len(updates), CHUNK):
        with store.write() as conn:
            conn.execute(stmt, updates[i:i + CHUNK])
    return len(updates)


_LEAD_CUE = re.compile(r"\bchủ trì\b", re.IGNORECASE)
_COORD_CUE = re.compile(r"\bphối hợp\b", re.IGNORECASE)
ROLE_RANK = {"lead": 0, "responsible": 1, "coordinate": 2, "report_to": 3}


@lru_cache(maxsize=65536)
def task_functions(task: str, roles: tuple[str, ...], tax: Taxonomy) -> tuple[str, tuple[str, ...]]:
    """(role, functions) of one task. "chủ trì" leads, "phối hợp" partners; otherwise what the
    plan said of the agency as a whole (a heading agency is responsible for what is under it).
    A task about no function is "general"; receiving reports is "reporting"."""
    if _LEAD_CUE.search(task[:160]):
        role = "lead"
    elif _COORD_CUE.search(task[:40]):
        role = "coordinate"
    elif roles == ("report_to",):
        role = "report_to"
    else:
        role = "lead" if roles == ("lead",) else "responsible"
    fns = tuple(functions_of(task, tax)) or ("general",)
    if role == "report_to" and any(f.id == "reporting" for f in tax.functions):
        fns = ("reporting",)
    return role, fns


def assignment_functions(tasks: list[str], sentence: str, roles: tuple[str, ...], tax: Taxonomy) -> str:
    """{"function": [role, first task index], ...} as stored: per function the strongest role
    any task gives, and the first task giving it (its sentence is the source)."""
    out: dict[str, list] = {}
    for k, task in enumerate([t for t in tasks if t] or [sentence or ""]):
        role, fns = task_functions(task, roles, tax)
        for fn in fns:
            have = out.get(fn)
            if have is None or ROLE_RANK[role] < ROLE_RANK[have[0]]:
                out[fn] = [role, k]
    return json.dumps(out, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def ensure_functions(store: Store, rematch: bool = False, taxonomy: Taxonomy | None = None) -> int:
    """Classify the assignments not classified by this taxonomy yet; returns how many."""
    tax = taxonomy or load_taxonomy()
    joined = A.outerjoin(AF, AF.c.assignment_id == A.c.id)
    stale = A.c.id.isnot(None) if rematch else or_(AF.c.assignment_id.is_(None), AF.c.version != tax.version)
    with store.read() as conn:
        if not rematch and conn.execute(select(A.c.id).select_from(joined).where(stale).limit(1)).first() is None:
            return 0
        rows = conn.execute(select(A.c.id, A.c.roles, A.c.tasks, A.c.sentence).select_from(joined)
                            .where(stale).order_by(A.c.id)).all()
    values = [{"assignment_id": r.id, "version": tax.version,
               "functions": assignment_functions(list(r.tasks or []), r.sentence, tuple(r.roles or ()), tax)}
              for r in rows]
    for i in range(0, len(values), CHUNK):
        chunk = values[i:i + CHUNK]
        with store.write() as conn:
            conn.execute(delete(AF).where(AF.c.assignment_id.in_([v["assignment_id"] for v in chunk])))
            conn.execute(insert(AF), chunk)
    return len(values)


def indicator_counts(store: Store, taxonomy: Taxonomy | None = None, lang: str = "vi") -> list[dict[str, Any]]:
    """One row per indicator, in taxonomy order, then "other": targets, plans and provinces."""
    tax = taxonomy or load_taxonomy()
    ensure_indicators(store, taxonomy=tax)
    with store.read() as conn:
        counts = {r.indicator_id: r for r in conn.execute(
            select(T.c.indicator_id, func.count().label("targets"),
                   func.count(func.distinct(T.c.document_id)).label("documents"),
                   func.count(func.distinct(D.c.province_id)).label("provinces"))
            .select_from(T.join(D, T.c.document_id == D.c.id)).group_by(T.c.indicator_id))}
    out = []
    for ind in tax.indicators:
        c = counts.get(ind.id)
        out.append({"id": ind.id, "topic": ind.topic, "label": ind.label(lang), "unit": ind.unit,
                    "targets": c.targets if c else 0, "documents": c.documents if c else 0,
                    "provinces": c.provinces if c else 0})
    c = counts.get(OTHER)
    out.append({"id": OTHER, "topic": "", "label": "Khác (chưa phân loại)" if lang != "en" else "Other (unclassified)",
                "unit": "", "targets": c.targets if c else 0, "documents": c.documents if c else 0,
                "provinces": c.provinces if c else 0})
    return out


__all__ = ["assignment_functions", "ensure_functions", "ensure_indicators", "indicator_counts", "task_functions"]
