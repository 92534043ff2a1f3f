"""Search folding: the fast fold used for the index is extract.normalize.fold on stored text."""
from __future__ import annotations

from kehoach.extract.normalize import fold
from kehoach.store.fts import fts5_phrase, pg_phrase, query_words, search_fold
from store_fixtures import seed_pairs


def test_search_fold_is_fold_on_the_corpus():
    for doc, _ in seed_pairs():
        assert search_fold(doc.text) == fold(doc.text)


def test_every_vietnamese_letter_folds():
    letters = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
    for s in (letters, letters.upper()):
        assert search_fold(s) == fold(s)
        assert search_fold(s).isascii()


def test_queries_are_folded_phrases():
    assert query_words("Cai nghiện  ma túy!") == ["cai", "nghien", "ma", "tuy"]
    assert fts5_phrase('Đồng "Nai"') == '"dong nai"'
    assert pg_phrase("Sở LĐ-TB&XH") == "so ld tb xh"
    assert fts5_phrase(" ,.;") is None and pg_phrase("") is None
    # decomposed input (NFD) folds the same as composed
    assert query_words("nghie\u0302\u0323n") == ["nghien"]


def test_sqlite_fts5_folds_every_vietnamese_letter_but_d(tmp_path):
    """The index is fed text with only đ folded (fts5_text): FTS5's tokenizer must do the rest."""
    import sqlite3

    from kehoach.store.fts import TOKENIZE, fts5_text

    letters = "aàáảãạăằắẳẵặâầấẩẫậđeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
    words = [f"x{c}x" for c in letters + letters.upper()]
    con = sqlite3.connect(tmp_path / "f.db")
    con.execute(f"CREATE VIRTUAL TABLE f USING fts5(body, tokenize='{TOKENIZE}')")
    con.executemany("INSERT INTO f(rowid, body) VALUES (?, ?)", [(i, fts5_text(w)) for i, w in enumerate(words)])
    for i, w in enumerate(words):
        hits = {r for (r,) in con.execute("SELECT rowid FROM f WHERE f MATCH ?", (fts5_phrase(w),))}
        assert i in hits and hits == {j for j, v in enumerate(words) if fold(v) == fold(w)}


def test_pg_vector_literal_holds_folded_words_and_positions():
    from kehoach.store.fts import pg_tsquery, pg_tsvector

    assert pg_tsvector("Cai nghiện, cai nghiện!") == "'cai':1,3 'nghien':2,4"
    assert pg_tsvector("") == "" and pg_tsquery("!!!") is None
    assert pg_tsquery("Sở LĐ-TB&XH") == "'so' <-> 'ld' <-> 'tb' <-> 'xh'"
    # past PostgreSQL's last position (16383) every word is there once more at most
    vec = pg_tsvector("a " * 16383 + "b b b")
    assert vec.endswith("'b':16383")


def test_pg_search_finds_phrases_as_the_query_folds_them():
    """Vectors made in Python, queries cast to tsquery: the server agrees on what matches."""
    import pg
    import pytest
    from sqlalchemy import text

    from kehoach.store.db import open_store
    from kehoach.store.fts import pg_tsquery, pg_tsvector

    if not pg.available():
        pytest.skip("PostgreSQL server binaries not installed")
    store = open_store(pg.server().create_database())
    doc = "Giao Sở LĐ-TB&XH chủ trì công tác cai nghiện ma túy tại cộng đồng."
    with store.read() as conn:
        def hit(q):
            return conn.execute(text("SELECT CAST(:v AS tsvector) @@ CAST(:q AS tsquery)"),
                                {"v": pg_tsvector(doc), "q": pg_tsquery(q)}).scalar()
        assert hit("cai nghien") and hit("CAI NGHIỆN") and hit("so ld-tb&xh") and hit("cong dong")
        assert not hit("nghien cai") and not hit("ma tuy cai")
    store.close()
