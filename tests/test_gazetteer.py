"""The agency gazetteer: canonical names, variants and abbreviations, fuzzy resolution, scanning."""
from __future__ import annotations

import json

import pytest

from kehoach.extract.gazetteer import fold_aligned, load_agencies, resolve_agency
from kehoach.extract.normalize import fold
from kehoach.extract.paths import CORPORA


@pytest.mark.parametrize("written, canonical", [
    ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
    ("Sở Lao động - TB&XH", "Sở Lao động - Thương binh và Xã hội"),
    ("Sở Lao động-Thương binh và xã hội", "Sở Lao động - Thương binh và Xã hội"),
    ("ngành Lao động - Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
    ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở Văn hóa và Thể thao", "Sở Văn hóa và Thể thao"),
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("Sở Nông nghiệp và Môi trường", "Sở Nông nghiệp và Môi trường"),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("UBMTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    ("Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    ("Đoàn TNCS Hồ Chí Minh tỉnh", "Tỉnh đoàn"),
    ("Hội LHPN tỉnh", "Hội Liên hiệp Phụ nữ tỉnh"),
    ("Đài PT-TH tỉnh", "Đài Phát thanh và Truyền hình tỉnh"),
    ("Đài Phát thanh–Truyền hình tỉnh", "Đài Phát thanh và Truyền hình tỉnh"),
    ("UBND các huyện, TP", "Ủy ban nhân dân các huyện, thị xã, thành phố"),
    ("Ủy ban nhân dân cấp xã", "Ủy ban nhân dân các xã, phường, thị trấn"),
    ("Bộ LĐTB&XH", "Bộ Lao động - Thương binh và Xã hội"),
    ("Ban Chỉ đạo 138", "Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân "
                        "bảo vệ an ninh Tổ quốc tỉnh"),
    ("Đội KTLN 178", "Đội kiểm tra liên ngành phòng, chống mại dâm tỉnh"),
    ("Cục THADS tỉnh", "Cục Thi hành án dân sự tỉnh"),
    ("VKSND tỉnh", "Viện Kiểm sát nhân dân tỉnh"),
    ("Báo Quảng Ngãi", "Báo Quảng Ngãi"),
    # a province after the name, and OCR noise in diacritics, are not a different body
    ("Sở Công Thương tỉnh Lào Cai", "Sở Công Thương"),
    ("Ủy ban nhân dân tỉnh Lào Cai", "Ủy ban nhân dân tỉnh"),
    ("Sở Tư phap", "Sở Tư pháp"),
    ("Sử Thông tin và Truyền thông", "Sở Thông tin và Truyền thông"),
])
def test_resolve_variants(written: str, canonical: str) -> None:
    found = resolve_agency(written)
    assert found is not None, written
    assert found[0] == canonical
    assert 90 <= found[1] <= 100


@pytest.mark.parametrize("written", [
    "Phòng Quản lý Công nghiệp", "Hiệp hội Du lịch", "các sở, ban, ngành", "Sở", "Tổng công ty Trường Sơn",
])
def test_unknown_names_are_not_forced(written: str) -> None:
    assert resolve_agency(written) is None


def test_ministry_and_department_stay_apart() -> None:
    assert resolve_agency("Bộ Y tế")[0] == "Bộ Y tế"
    assert resolve_agency("Sở Y tế")[0] == "Sở Y tế"
    assert resolve_agency("Bộ Tư pháp")[0] == "Bộ Tư pháp"


def test_scan_finds_names_with_offsets_and_place() -> None:
    text = ("Phối hợp với Công an tỉnh, Tòa án nhân dân tỉnh; báo cáo Ủy ban nhân dân tỉnh Lào Cai "
            "(qua Sở Lao động-Thương binh và Xã hội) và Bộ LĐTB&XH; công an địa phương.")
    found = [(text[m.start:m.end], m.entry.name) for m in load_agencies().scan(text)]
    assert found == [
        ("Công an tỉnh", "Công an tỉnh"),
        ("Tòa án nhân dân tỉnh", "Tòa án nhân dân tỉnh"),
        ("Ủy ban nhân dân tỉnh Lào Cai", "Ủy ban nhân dân tỉnh"),
        ("Sở Lao động-Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
        ("Bộ LĐTB&XH", "Bộ Lao động - Thương binh và Xã hội"),
    ]  # "công an địa phương" in lowercase is a generic, not Công an tỉnh


def test_scan_reads_through_ocr_noise() -> None:
    text = "9. Viện kiểm sát, Tòa.án nhân dân tỉnh. Sở Y tế. Phối hợp Sớ Tư pháp"
    found = [(text[m.start:m.end], m.entry.name) for m in load_agencies().scan(text)]
    assert found == [("Viện kiểm sát", "Viện Kiểm sát nhân dân tỉnh"),
                     ("Tòa.án nhân dân tỉnh", "Tòa án nhân dân tỉnh"),
                     ("Sở Y tế", "Sở Y tế"), ("Sớ Tư pháp", "Sở Tư pháp")]


def test_city_forms() -> None:
    gaz = load_agencies()
    assert gaz.resolve("Công an thành phố")[0] == "Công an tỉnh"
    assert gaz.resolve("Ủy ban nhân dân thành phố Cần Thơ")[0] == "Ủy ban nhân dân tỉnh"
    assert gaz.resolve("Ủy ban nhân dân thành phố Ninh Bình") is None  # a province's own city
    assert gaz.resolve("Thành đoàn")[0] == "Tỉnh đoàn"


def test_scan_prefers_the_longest_name() -> None:
    text = "Ủy ban nhân dân các huyện, thị xã, thành phố và Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"
    names = [m.entry.name for m in load_agencies().scan(text)]
    assert names == ["Ủy ban nhân dân các huyện, thị xã, thành phố", "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"]


def test_open_names_yield_to_a_proper_name() -> None:
    text = "Ban Quản lý Khu kinh tế Dung Quất rà soát; Ban Quản lý Khu kinh tế tỉnh báo cáo"
    found = [text[m.start:m.end] for m in load_agencies().scan(text)]
    assert found == ["Ban Quản lý Khu kinh tế tỉnh"]


def test_fold_aligned_keeps_offsets() -> None:
    text = "Sở Văn hóa, Thể thao và Du lịch; ĐOÀN; İstanbul"
    folded = fold_aligned(text)
    assert len(folded) == len(text)
    assert folded.startswith(fold("Sở Văn hóa"))


def test_gazetteer_file_is_consistent() -> None:
    data = json.loads((CORPORA / "gazetteers" / "agencies.json").read_text(encoding="utf-8"))
    levels = {"central", "provincial", "district", "commune"}
    names = [a["name"] for a in data["agencies"]]
    assert len(names) == len(set(names))
    for a in data["agencies"]:
        assert a["level"] in levels, a["name"]
        assert set(a.get("cased", [])) <= set(a["aliases"]) | {a["name"]}, a["name"]
    gaz = load_agencies()
    # every alias leads back to its own body (no alias is shadowed by another body's)
    for entry in gaz.entries:
        for alias in entry.aliases:
            assert gaz.resolve(alias)[0] == entry.name, (alias, entry.name)
