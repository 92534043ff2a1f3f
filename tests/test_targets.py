"""Targets: quantified commitments, in sentences of many domains, and scored on the seed gold."""
from __future__ import annotations

import importlib.util
import json

import pytest

from kehoach.extract.model import Extraction, PlanPeriod
from kehoach.extract.nlp.base import Context
from kehoach.extract.nlp.targets import MAX_TEXT, find_targets
from kehoach.extract.parse import parse
from kehoach.extract.paths import CORPORA


def targets_in(tmp_path, body: str, year: int = 2023, head: str = "I. MỤC TIÊU\n"):
    """The targets of a small plan whose section I holds the body lines."""
    path = tmp_path / "plan.txt"
    path.write_text(f"KẾ HOẠCH\nThực hiện nhiệm vụ năm {year}\n{head}{body}\n", encoding="utf-8")
    doc = parse(path)
    found = Extraction(doc=path.name)
    found.metadata.plan_period = PlanPeriod(year, year)
    found.metadata.issued_year = year
    out = find_targets(Context(document=doc, found=found))
    for t in out:  # provenance is verbatim, the text a slice of the document
        assert doc.text[t.provenance.start:t.provenance.end] == t.provenance.text
        assert t.text in doc.text and len(t.text) <= MAX_TEXT
    return out


def summary(targets):
    return [(t.value, t.value_max, t.unit, t.comparator) for t in targets]


# --- sentences from other domains ---------------------------------------------------------

def test_poverty_range_per_year_and_strive(tmp_path):
    ts = targets_in(tmp_path, "- Phấn đấu giảm tỷ lệ hộ nghèo bình quân từ 1,5 - 2%/năm; giảm 1.200 hộ nghèo.")
    assert summary(ts) == [(1.5, 2, "%", "range"), (1200, None, "hộ nghèo", ">=")]
    assert ts[0].period == "hàng năm" and ts[1].period == "2023"


def test_digital_transformation_percentages(tmp_path):
    ts = targets_in(tmp_path, "- 100% hồ sơ công việc tại cấp tỉnh được xử lý trên môi trường mạng; "
                              "tối thiểu 80% dịch vụ công trực tuyến toàn trình.")
    assert summary(ts) == [(100, None, "%", "="), (80, None, "%", ">=")]
    assert ts[0].subject.startswith("hồ sơ công việc")


def test_gender_equality_at_least_after(tmp_path):
    ts = targets_in(tmp_path, "- Tỷ lệ nữ tham gia cấp ủy các cấp đạt từ 20% trở lên.")
    assert summary(ts) == [(20, None, "%", ">=")]


def test_health_counts_with_units(tmp_path):
    ts = targets_in(tmp_path, "- Đạt 12 bác sĩ và 35 giường bệnh trên 10.000 dân.")
    assert summary(ts) == [(12, None, "bác sĩ", "="), (35, None, "giường bệnh", "=")]


def test_education_ratio_and_age(tmp_path):
    ts = targets_in(tmp_path, "- Có ít nhất 10/10 huyện đạt chuẩn phổ cập giáo dục mầm non cho trẻ em 5 tuổi.")
    assert summary(ts) == [(10, None, "huyện", ">=")]


def test_upper_bound(tmp_path):
    ts = targets_in(tmp_path, "- Tỷ lệ suy dinh dưỡng thể thấp còi ở trẻ em dưới 5 tuổi không quá 18%.")
    assert summary(ts) == [(18, None, "%", "<=")]


def test_words_after_a_bound_and_quarterly(tmp_path):
    ts = targets_in(tmp_path, "- Mỗi quý tổ chức ít nhất hai cuộc kiểm tra liên ngành về an toàn thực phẩm.")
    assert summary(ts) == [(2, None, "cuộc kiểm tra", ">=")]
    assert ts[0].period == "hàng quý"


def test_words_without_a_bound_are_not_targets(tmp_path):
    assert targets_in(tmp_path, "- Tổ chức một hội nghị sơ kết; là một trong ba địa phương dẫn đầu.") == []


def test_ranges_in_words_and_dashes(tmp_path):
    ts = targets_in(tmp_path, "- Tổ chức từ 3 đến 5 hội nghị; giảm 10 - 15% số vụ tai nạn giao thông.")
    assert summary(ts) == [(3, 5, "hội nghị", "range"), (10, 15, "%", "range")]


def test_several_targets_in_one_bullet(tmp_path):
    ts = targets_in(tmp_path, "- Duy trì 25 Đội công tác xã hội; 06 Điểm tư vấn; 10 Câu lạc bộ; 04 mô hình.")
    assert [(t.value, t.unit) for t in ts] == [(25, "Đội"), (6, "Điểm tư vấn"), (10, "Câu lạc bộ"), (4, "mô hình")]
    assert all(t.text.startswith("Duy trì 25") for t in ts)  # the bullet mark is not kept


def test_per_unit_minimum_inside_a_percentage(tmp_path):
    ts = targets_in(tmp_path, "- Phấn đấu 100% xã tổ chức được ít nhất 1 hoạt động truyền thông.")
    assert summary(ts) == [(100, None, "%", ">="), (1, None, "hoạt động truyền thông", ">=")]


def test_monthly_quota(tmp_path):
    ts = targets_in(tmp_path, "- Hằng tháng có ít nhất một bài hoặc tin trên Cổng thông tin điện tử.")
    assert summary(ts) == [(1, None, "bài hoặc tin", ">=")]
    assert ts[0].period == "hàng tháng"


def test_target_year_inside_a_longer_plan(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("KẾ HOẠCH\nChuyển đổi số giai đoạn 2021-2025\nI. MỤC TIÊU\n"
                    "- Đến năm 2025, 90% người dân có tài khoản định danh điện tử.\n", encoding="utf-8")
    found = Extraction(doc=path.name)
    found.metadata.plan_period = PlanPeriod(2021, 2025)
    ts = find_targets(Context(document=parse(path), found=found))
    assert [(t.value, t.period) for t in ts] == [(90, "2025")]


# --- what is not a target -------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "- Kiện toàn Ban Chỉ đạo 138 và Đội kiểm tra liên ngành 178 các cấp.",
    "- Thực hiện Quyết định số 1234/QĐ-UBND ngày 15/3/2022 và Nghị định 116/2021/NĐ-CP.",
    "- Triển khai giai đoạn 2021-2025, sơ kết sau 2 năm, định kỳ 6 tháng báo cáo.",
    "- Hỗ trợ trẻ em dưới 6 tuổi và người từ 60 tuổi trở lên.",
    "- Kinh phí thực hiện 2,5 tỷ đồng, trong đó ngân sách tỉnh 70%.",
    "- Phòng, chống dịch Covid-19 và HIV/AIDS theo Phụ lục 02 kèm theo.",
    "- Thực hiện Chương trình 100% bao cao su tại các cơ sở lưu trú.",
    "- Quyết định này được lập thành 05 bản: 01 bản lưu tại Văn phòng.",
    "- Thí điểm lần thứ 2 tại Phường 3, thành phố.",
])
def test_not_targets(tmp_path, line):
    assert targets_in(tmp_path, line) == []


def test_reported_results_are_not_targets(tmp_path):
    body = ("- Năm 2022, toàn tỉnh tổ chức 45 lớp tập huấn cho 3.000 lượt người.\n"
            "- Các địa phương đã lập hồ sơ cho 486 người nghiện.\n"
            "- Hiện nay toàn tỉnh có 1.846 doanh nghiệp sử dụng hóa đơn điện tử.\n"
            "- Phấn đấu 100% doanh nghiệp sử dụng hóa đơn điện tử.")
    assert summary(targets_in(tmp_path, body)) == [(100, None, "%", ">=")]


def test_review_section_is_skipped_and_plan_section_kept(tmp_path):
    body = ("1. Kết quả đạt được\n- Tổ chức 822 cuộc tuyên truyền với 39.456 lượt người tham dự.\n"
            "II. NHIỆM VỤ NĂM 2023\n- Tổ chức 800 cuộc tuyên truyền.")
    ts = targets_in(tmp_path, body, head="I. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NĂM 2022\n")
    assert summary(ts) == [(800, None, "cuộc tuyên truyền", "=")]


def test_baseline_year_does_not_make_a_report(tmp_path):
    ts = targets_in(tmp_path, "- Giảm 5% số vụ tai nạn giao thông so với năm 2022.")
    assert summary(ts) == [(5, None, "%", "=")]


# --- the seed gold ------------------------------------------------------------------------

def _scorer():
    spec = importlib.util.spec_from_file_location("score", CORPORA / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_gold_f1(tmp_path):
    scorer = _scorer()
    gold_dir = CORPORA / "gold"
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    for gold_file in sorted(gold_dir.glob("*.json")):
        name = json.loads(gold_file.read_text(encoding="utf-8"))["doc"]
        doc = parse(CORPORA / "seeds" / name)
        found = Extraction(doc=name)
        found.targets = find_targets(Context(document=doc, found=found))
        (pred_dir / gold_file.name).write_text(json.dumps(found.to_gold_dict(), ensure_ascii=False),
                                               encoding="utf-8")
    result = scorer.score(gold_dir, pred_dir)["targets"]
    assert result["f1"] >= 0.95, result


def test_annex_table_rows(tmp_path):
    doc = parse(CORPORA / "seeds" / "001_8da94503c03abd19.txt")
    found = Extraction(doc=doc.source.name)
    rows = [t for t in find_targets(Context(document=doc, found=found)) if t.area or " | " in t.text]
    ha_long = [t for t in rows if t.area == "Thành phố Hạ Long"]
    assert [(t.value, t.unit) for t in ha_long] == [(225, "Lượt người"), (170, "Lượt người"), (55, "Lượt người")]
    assert ha_long[0].subject == "Tổng số"
    assert {t.area for t in rows if t.text.startswith("7 |")} == {"Thị xã Quảng Yên"}  # "Thi xã" typo
    total = [t.value for t in rows if t.text.startswith("Cộng")]
    assert total == [900, 700, 200]
