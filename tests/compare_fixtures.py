"""A store holding the sample corpus (corpora/seeds), for the comparison-table tests.

The seeds are parsed and extracted by the real pipeline once per test process
(store_fixtures.seed_pairs) and loaded with the store's own API.
"""
from __future__ import annotations

import pytest

from kehoach.store.db import open_store
from kehoach.store.load import save_parsed_and_extracted
from store_fixtures import run_info, seed_pairs

# The cells the issue names: (province, year) -> the figure and the words of its sentence.
AWARENESS = {
    ("Ninh Bình", 2017): ("75%", "75% xã, phường, thị trấn tổ chức được ít nhất một hình thức tuyên truyền", "31/KH-BCĐ"),
    ("Quảng Ninh", 2021): ("100%", "100% các xã, phường, thị trấn tổ chức được ít nhất 1 hoạt động truyền thông",
                           "27/KH-UBND"),
    ("Ninh Thuận", 2023): ("100%", "100% xã, phường, thị trấn và các cơ quan, đơn vị tổ chức tuyên truyền", None),
    ("An Giang", 2011): ("100%", "100% xã, phường, thị trấn tổ chức tuyên truyền bằng hình thức phù hợp", None),
}
AWARENESS_ID = "communes_awareness_share"


def make_seed_store(path):
    store = open_store(path)
    for doc, ext in seed_pairs():
        save_parsed_and_extracted(store, doc, ext, run_info(ext))
    return store


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    store = make_seed_store(tmp_path_factory.mktemp("compare") / "kehoach.db")
    yield store
    store.close()
