"""Province names, old and new, resolve (Nghị quyết 202/2025/QH15), in Python and in the store.

The lists below are written out here, not read from corpora/gazetteers/provinces.json, so the
test checks the data file as well as the code.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from kehoach.store.provinces import load_provinces, province_key, resolve_province
from kehoach.store.query import UnknownProvince, province_ids
from kehoach.store.schema import Province
from store_fixtures import DIALECTS, make_store

OLD_63 = [
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre",
    "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
    "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên",
    "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
    "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
    "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Hồ Chí Minh",
    "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
]

# The 34 units from 1 July 2025 and the old units merged into each (besides itself).
NEW_34 = {
    "Hà Nội": [], "Huế": ["Thừa Thiên Huế"], "Cao Bằng": [], "Điện Biên": [], "Lai Châu": [],
    "Sơn La": [], "Lạng Sơn": [], "Quảng Ninh": [], "Thanh Hóa": [], "Nghệ An": [], "Hà Tĩnh": [],
    "Tuyên Quang": ["Hà Giang"], "Lào Cai": ["Yên Bái"], "Thái Nguyên": ["Bắc Kạn"],
    "Phú Thọ": ["Vĩnh Phúc", "Hòa Bình"], "Bắc Ninh": ["Bắc Giang"], "Hưng Yên": ["Thái Bình"],
    "Hải Phòng": ["Hải Dương"], "Ninh Bình": ["Hà Nam", "Nam Định"], "Quảng Trị": ["Quảng Bình"],
    "Đà Nẵng": ["Quảng Nam"], "Quảng Ngãi": ["Kon Tum"], "Gia Lai": ["Bình Định"],
    "Khánh Hòa": ["Ninh Thuận"], "Lâm Đồng": ["Đắk Nông", "Bình Thuận"], "Đắk Lắk": ["Phú Yên"],
    "Hồ Chí Minh": ["Bình Dương", "Bà Rịa - Vũng Tàu"], "Đồng Nai": ["Bình Phước"],
    "Tây Ninh": ["Long An"], "Cần Thơ": ["Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Bến Tre", "Trà Vinh"], "Đồng Tháp": ["Tiền Giang"], "Cà Mau": ["Bạc Liêu"],
    "An Giang": ["Kiên Giang"],
}


def test_lists_are_complete():
    assert len(OLD_63) == len(set(OLD_63)) == 63
    assert len(NEW_34) == 34
    merged = [o for olds in NEW_34.values() for o in olds]
    assert len(merged) == len(set(merged)) == 30  # 63 old = 33 kept names + 30 merged away
    assert set(OLD_63) == set(merged) | (set(NEW_34) - {"Huế"})


@pytest.mark.parametrize("name", OLD_63)
def test_every_pre_2025_name_resolves(name):
    info = resolve_province(name)
    assert info is not None and info.name == name and info.until_2025
    # the spelling a plan might use: "tỉnh"/"TP." prefix, capitals, old tone marks
    prefix = "Thành phố" if info.kind == "thành phố" else "tỉnh"
    assert resolve_province(f"{prefix} {name}").name == name
    assert resolve_province(name.upper()).name == name
    assert resolve_province(name.replace("òa", "oà")).name == name
    successor = load_provinces().successor(name).name
    assert successor in NEW_34 and (successor == name or name in NEW_34[successor])


@pytest.mark.parametrize("name", list(NEW_34))
def test_every_current_name_resolves(name):
    info = resolve_province(name)
    assert info is not None and info.name == name and info.current
    assert info.merged_into is None
    assert sorted(p.name for p in load_provinces().merged_from(name)) == sorted(NEW_34[name])


@pytest.mark.parametrize("written,name", [
    ("TP. HCM", "Hồ Chí Minh"), ("TP.HCM", "Hồ Chí Minh"), ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
    ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"), ("Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("BR-VT", "Bà Rịa - Vũng Tàu"), ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
    ("thành phố Huế", "Huế"), ("Khánh Hoà", "Khánh Hòa"), ("Đắc Lắc", "Đắk Lắk"),
    ("Bắc Cạn", "Bắc Kạn"), ("UBND tỉnh Quảng Ninh", "Quảng Ninh"),
    ("ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "Ninh Bình"), ("Quảng Nỉnh", "Quảng Ninh"),  # an OCR slip
])
def test_common_spellings(written, name):
    assert resolve_province(written).name == name


def test_thua_thien_hue_became_hue():
    assert resolve_province("Thừa Thiên Huế").merged_into == "Huế"
    assert not resolve_province("Huế").until_2025


@pytest.mark.parametrize("written", ["Paris", "", None, "Sở Y tế", "Quảng"])
def test_non_provinces_do_not_resolve(written):
    assert resolve_province(written) is None


def test_keys_fold_diacritics_and_prefixes():
    assert province_key("Tỉnh Đắk Lắk") == "dak lak"
    assert province_key("TP. Hồ Chí Minh") == "ho chi minh"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_province_table(dialect, tmp_path):
    store = make_store(dialect, tmp_path)
    with store.session() as s:
        rows = {p.name: p for p in s.exec(select(Province)).scalars()}
    assert len([p for p in rows.values() if p.until_2025]) == 63
    assert len([p for p in rows.values() if p.current]) == 34
    by_id = {p.id: p.name for p in rows.values()}
    for new, olds in NEW_34.items():
        for old in olds:
            assert by_id[rows[old].merged_into_id] == new
    for name in OLD_63:
        assert province_ids(store, name) == [rows[name].id]
    for name, olds in NEW_34.items():
        assert sorted(province_ids(store, name, as_of_2025=True)) == \
            sorted(rows[n].id for n in [name, *olds])
    with pytest.raises(UnknownProvince):
        province_ids(store, "Atlantis")
    store.close()
