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
