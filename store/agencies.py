"""Agency names -> canonical agency rows, through the gazetteer (kehoach.extract.gazetteer).

An extracted agency is usually canonical already; the store resolves every name again (exact
folded lookup, then rapidfuzz) so that rows from older extractor versions, hand-made
extractions and deadline agencies land on the same canonical row. A name nobody knows is
kept as written with ``known = False`` and shows up in ``unknown_agencies()`` for review.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kehoach.extract.gazetteer import load_agencies
from kehoach.extract.normalize import fold_key


@dataclass(frozen=True)
class AgencyRef:
    name: str
    folded: str
    level: str | None
    kind: str | None
    aliases: tuple[str, ...]
    known: bool
    score: float  # 100 = exact, lower = fuzzy, 0 = unknown


@lru_cache(maxsize=65536)  # plans repeat the same few hundred names
def resolve(written: str) -> AgencyRef:
    """The canonical agency for a name as written (unknown names come back as written)."""
    gaz = load_agencies()
    entry = gaz.entry(written)
    score = 100.0
    if entry is None:
        hit = gaz.resolve(written)
        if hit is not None:
            entry, score = gaz.entry(hit[0]), hit[1]
    if entry is None:
        name = " ".join(written.split())
        return AgencyRef(name=name, folded=fold_key(name), level=None, kind=None, aliases=(),
                         known=False, score=0.0)
    return AgencyRef(name=entry.name, folded=fold_key(entry.name), level=entry.level,
                     kind=entry.kind, aliases=tuple(entry.aliases), known=True, score=score)


def resolve_known(written: str | None) -> AgencyRef | None:
    """Like ``resolve`` but None for unknown names (deadline agencies are free text)."""
    if not written:
        return None
    ref = resolve(written)
    return ref if ref.known else None


__all__ = ["AgencyRef", "resolve", "resolve_known"]
