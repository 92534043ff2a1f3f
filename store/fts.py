"""Full-text search over targets and document text, diacritics folded for search only.

Stored text keeps its diacritics; only the search index and the query are folded, so
"cai nghien" finds "cai nghiện" and "Đồng" is found by "dong".

- SQLite: FTS5 tables (tokenize 'unicode61 remove_diacritics 2': it lowercases and strips every
  Vietnamese tone and vowel mark itself, a test checks each letter) fed with the text with đ
  made d, the one letter FTS5 does not fold (``fts5_text``: two string replaces, where a full
  fold would cost more than the rest of a document's load). ``target_fts`` (rowid =
  target.id) keeps its small content; ``document_fts`` (rowid = document.id) is contentless, so
  a document's text is not stored twice.
- PostgreSQL: ``search`` tsvector columns (GIN-indexed) written by the loader from
  ``pg_tsvector``: the folded words and their positions, made here in Python (migration 0007).
  The server's own parser (``to_tsvector``) cost more than the rest of a document's load, and
  it splits words differently from the query side (it keeps "ld-tb" whole as well as its
  parts, which shifts positions and breaks phrases). Vector and query (``pg_tsquery``) now
  come from the same words, so they always agree. ``kehoach_fold`` (an SQL fold) remains for
  ad-hoc SQL.

Queries are phrases: the folded words of the query, in order.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from itertools import chain, repeat

from kehoach.extract.normalize import fold

TOKENIZE = "unicode61 remove_diacritics 2"
_WORDS = re.compile(r"[^\W_]+")
_LATIN = [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]
_MARKS = range(0x0300, 0x0370)


@lru_cache(maxsize=1)
def fold_pairs() -> tuple[str, str]:
    """(from, to): every precomposed Latin letter whose fold is one letter, and that letter.

    The same pairs drive the Python fold below and PostgreSQL's ``kehoach_fold``, so the two
    always agree."""
    src, dst = [], []
    for cp in _LATIN:
        ch = chr(cp)
        f = fold(ch)
        if f != ch and len(f) == 1:
            src.append(ch)
            dst.append(f)
    return "".join(src), "".join(dst)


@lru_cache(maxsize=1)
def _table() -> dict[int, str | None]:
    src, dst = fold_pairs()
    table: dict[int, str | None] = {ord(s): d for s, d in zip(src, dst)}
    table.update(dict.fromkeys(_MARKS, None))
    return table


def search_fold(text: str | None) -> str:
    """``extract.normalize.fold`` for NFC text, by one translate: fast enough for whole documents."""
    if not text:
        return ""
    return text.translate(_table()).lower()


def fts5_text(text: str | None) -> str:
    """What the SQLite index is fed: the text with đ/Đ as d/D (FTS5 folds the rest)."""
    return (text or "").replace("đ", "d").replace("Đ", "D")


def query_words(query: str | None) -> list[str]:
    return _WORDS.findall(search_fold(unicodedata.normalize("NFC", query or "")))


def fts5_phrase(query: str | None) -> str | None:
    """An FTS5 MATCH expression: the folded words of the query as one phrase (None if empty)."""
    words = query_words(query)
    return '"' + " ".join(words) + '"' if words else None


def pg_tsquery(query: str | None) -> str | None:
    """A tsquery literal (for ``CAST(:q AS tsquery)``): the folded words as one phrase."""
    words = query_words(query)
    return " <-> ".join(f"'{w}'" for w in words) if words else None


# PostgreSQL's limits on a tsvector: positions above 16383 are stored as 16383, at most 256
# positions per word, words at most 2047 bytes (to_tsvector applies the same ones).
_PG_MAX_POS = 16383
_PG_MAX_POSITIONS = 256
_PG_MAX_WORD = 2047


def pg_tsvector(text: str | None) -> str:
    """A tsvector literal: every folded word of ``text`` with its positions ("'cai':3 'nghien':4").

    Words are ``query_words``' words ([^\\W_]+ of the folded text), so "cai nghien" as a query
    is exactly the phrase of positions here. Words hold no quote or backslash: no escaping."""
    words = _WORDS.findall(search_fold(text))
    # positions as ready strings: the per-word loop is most of this function's time
    numbers = _pg_positions()[1:] if len(words) <= _PG_MAX_POS else \
        chain(_pg_positions()[1:], repeat(str(_PG_MAX_POS)))
    positions: defaultdict[str, list[str]] = defaultdict(list)
    for w, p in zip(words, numbers):
        positions[w].append(p)
    return " ".join([f"'{w}':{','.join(_distinct(ps[:_PG_MAX_POSITIONS]))}"
                     for w, ps in positions.items() if len(w) * 4 <= _PG_MAX_WORD
                     or len(w.encode()) <= _PG_MAX_WORD])


@lru_cache(maxsize=1)
def _pg_positions() -> tuple[str, ...]:
    return tuple(map(str, range(_PG_MAX_POS + 1)))


def _distinct(ps: list[str]) -> list[str]:
    """Positions clamped to the last one repeat it: keep one."""
    if len(ps) > 1 and ps[-1] == ps[-2]:
        return [p for i, p in enumerate(ps) if i == 0 or p != ps[i - 1]]
    return ps


def pg_phrase(query: str | None) -> str | None:
    """The query's folded words, space-separated (None if it has none); PostgreSQL uses
    ``pg_tsquery`` instead."""
    words = query_words(query)
    return " ".join(words) if words else None


def target_body(subject: str | None, text: str | None) -> str:
    return fts5_text(f"{subject or ''} {text or ''}")


# -- SQL --------------------------------------------------------------------------------------
# The PostgreSQL vectors: expression indexes in migration 0002, generated ``search`` columns
# from migration 0004 on.
def pg_target_vector() -> str:
    return "to_tsvector('simple'::regconfig, kehoach_fold(coalesce(subject, '') || ' ' || text))"


def pg_document_vector() -> str:
    return "to_tsvector('simple'::regconfig, kehoach_fold(text))"


def pg_fold_function_sql() -> str:
    """``kehoach_fold(text)``: fold in SQL, equal to ``fold`` on Latin text (a test checks it).

    NFD, combining marks dropped, đ -> d, lower case. (``translate`` over all precomposed
    letters gives the same result but is ten times slower: it scans its whole map per
    character.)"""
    return (
        "CREATE OR REPLACE FUNCTION kehoach_fold(t text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
        "$$ SELECT lower(regexp_replace(normalize(replace(replace(t, 'đ', 'd'), 'Đ', 'D'), NFD), "
        "'[\\u0300-\\u036f]+', '', 'g')) $$"
    )


def sqlite_index_targets(conn, rows: list[tuple[int, str | None, str | None]]) -> None:
    """Add targets (id, subject, text) to the SQLite index. ``conn``: a DB-API or SA connection."""
    if rows:
        _exec_many(conn, "INSERT INTO target_fts(rowid, body) VALUES (?, ?)",
                   [(i, target_body(s, t)) for i, s, t in rows])


def sqlite_unindex_targets(conn, document_id: int) -> None:
    _exec(conn, "DELETE FROM target_fts WHERE rowid IN (SELECT id FROM target WHERE document_id = ?)",
          (document_id,))


def sqlite_index_document(conn, document_id: int, text: str) -> None:
    sqlite_index_documents(conn, [(document_id, text)])


def sqlite_index_documents(conn, rows: list[tuple[int, str]]) -> None:
    """Add documents (id, text) to the SQLite index."""
    if rows:
        _exec_many(conn, "INSERT INTO document_fts(rowid, body) VALUES (?, ?)",
                   [(i, fts5_text(t)) for i, t in rows])


def sqlite_unindex_document(conn, document_id: int, text: str) -> None:
    # Contentless FTS5 forgets a row only when given the exact values it indexed.
    _exec(conn, "INSERT INTO document_fts(document_fts, rowid, body) VALUES ('delete', ?, ?)",
          (document_id, fts5_text(text)))


def _exec(conn, sql: str, params: tuple) -> None:
    if hasattr(conn, "exec_driver_sql"):
        conn.exec_driver_sql(sql, params)
    else:
        conn.execute(sql, params)


def _exec_many(conn, sql: str, rows: list[tuple]) -> None:
    if hasattr(conn, "exec_driver_sql"):
        conn.exec_driver_sql(sql, rows)
    else:
        conn.executemany(sql, rows)


__all__ = ["fts5_phrase", "fts5_text", "pg_phrase", "pg_tsquery", "pg_tsvector", "query_words", "search_fold", "target_body",
           "fold_pairs"]
