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
    assert ha_long[0].subject.startswith("Tổng số")
    assert {t.area for t in rows if t.text.startswith("7 |")} == {"Thị xã Quảng Yên"}  # "Thi xã" typo
    total = [t.value for t in rows if t.text.startswith("Cộng")]
    assert total == [900, 700, 200]


def test_two_bounds_joined_by_and(tmp_path):
    ts = targets_in(tmp_path, "- Phấn đấu 50% cán bộ và trên 45% người dân hiểu biết pháp luật.")
    assert summary(ts) == [(50, None, "%", ">="), (45, None, "%", ">=")]


def test_unknown_noun_in_objectives(tmp_path):
    ts = targets_in(tmp_path, "- Cấp 5.000 thẻ bảo hiểm y tế cho người nghèo.\n- Tiêm 20.000 liều vắc xin.")
    assert [(t.value, t.unit) for t in ts] == [(5000, "thẻ bảo hiểm y tế"), (20000, "liều")]


def test_indicator_table_in_docx(tmp_path):
    import docx

    d = docx.Document()
    for line in ["KẾ HOẠCH", "Phát triển giáo dục giai đoạn 2021-2025", "I. MỤC TIÊU",
                 "- Phấn đấu 100% trường học có kết nối Internet.", "PHỤ LỤC", "CÁC CHỈ TIÊU CHỦ YẾU"]:
        d.add_paragraph(line)
    rows = [["TT", "Chỉ tiêu", "ĐVT", "Thực hiện năm 2020", "Kế hoạch năm 2025"],
            ["1", "Tỷ lệ trường đạt chuẩn quốc gia", "%", "60", "80"],
            ["2", "Số phòng học được kiên cố hóa", "phòng học", "1.200", "1.500"]]
    table = d.add_table(rows=3, cols=5)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    path = tmp_path / "plan.docx"
    d.save(path)
    found = Extraction(doc=path.name)
    found.metadata.plan_period = PlanPeriod(2021, 2025)
    ts = find_targets(Context(document=parse(path), found=found))
    got = [(t.value, t.unit, t.subject, t.area, t.period) for t in ts]
    assert got == [(100, "%", "trường học có kết nối Internet", None, "2021-2025"),
                   (80, "%", "Tỷ lệ trường đạt chuẩn quốc gia", None, "2025"),  # 2020 is a baseline
                   (1500, "phòng học", "Số phòng học được kiên cố hóa", None, "2025")]


def test_strive_lead_in_covers_its_list(tmp_path):
    ts = targets_in(tmp_path, "Phấn đấu đến hết năm 2023 đạt các chỉ tiêu sau:\n"
                              "- 95% trẻ em được tiêm chủng đầy đủ;\n- Giảm 2% tỷ lệ sinh con thứ ba.")
    assert summary(ts) == [(95, None, "%", ">="), (2, None, "%", ">=")]


def test_comparison_signs(tmp_path):
    ts = targets_in(tmp_path, "- Tỷ lệ hộ dùng nước sạch ≥ 98%; tỷ lệ hộ nghèo ≤ 3%.")
    assert summary(ts) == [(98, None, "%", ">="), (3, None, "%", "<=")]


def test_table_cells_with_bounds_and_ranges(tmp_path):
    import docx

    d = docx.Document()
    for line in ["KẾ HOẠCH", "Y tế cơ sở năm 2024", "I. MỤC TIÊU", "CHỈ TIÊU GIAO CÁC HUYỆN"]:
        d.add_paragraph(line)
    rows = [["TT", "Địa phương", "Tỷ lệ tiêm chủng", "Số trạm y tế đạt chuẩn"],
            ["1", "Huyện A", "≥ 95%", "10 - 12"],
            ["2", "Huyện B", "Trên 90%", "8"]]
    table = d.add_table(rows=3, cols=4)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    path = tmp_path / "plan.docx"
    d.save(path)
    found = Extraction(doc=path.name)
    found.metadata.plan_period = PlanPeriod(2024, 2024)
    ts = find_targets(Context(document=parse(path), found=found))
    got = [(t.value, t.value_max, t.unit, t.comparator, t.area, t.subject) for t in ts]
    assert got == [(95, None, "%", ">=", "Huyện A", "Tỷ lệ tiêm chủng"),
                   (10, 12, None, "range", "Huyện A", "Số trạm y tế đạt chuẩn"),
                   (90, None, "%", ">=", "Huyện B", "Tỷ lệ tiêm chủng"),
                   (8, None, None, "=", "Huyện B", "Số trạm y tế đạt chuẩn")]


def test_results_and_plan_table_keeps_plan_columns(tmp_path):
    import docx

    d = docx.Document()
    for line in ["KẾ HOẠCH", "Phát triển nông nghiệp năm 2024", "I. NHIỆM VỤ",
                 "KẾT QUẢ THỰC HIỆN NĂM 2023 VÀ KẾ HOẠCH NĂM 2024"]:
        d.add_paragraph(line)
    rows = [["TT", "Chỉ tiêu", "ĐVT", "Thực hiện 2023", "Kế hoạch 2024"],
            ["1", "Diện tích lúa", "ha", "5.200", "5.000"]]
    table = d.add_table(rows=2, cols=5)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    path = tmp_path / "plan.docx"
    d.save(path)
    found = Extraction(doc=path.name)
    found.metadata.plan_period = PlanPeriod(2024, 2024)
    ts = find_targets(Context(document=parse(path), found=found))
    assert [(t.value, t.unit, t.subject, t.period) for t in ts] == [(5000, "ha", "Diện tích lúa", "2024")]


def test_sentences_in_task_table_cells(tmp_path):
    import docx

    d = docx.Document()
    for line in ["KẾ HOẠCH", "Phòng, chống dịch bệnh năm 2024", "I. NHIỆM VỤ"]:
        d.add_paragraph(line)
    rows = [["TT", "Nhiệm vụ", "Chỉ tiêu", "Cơ quan chủ trì"],
            ["1", "Tiêm chủng mở rộng", "Ít nhất 95% trẻ em dưới 1 tuổi được tiêm đủ", "Sở Y tế"]]
    table = d.add_table(rows=2, cols=4)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    path = tmp_path / "plan.docx"
    d.save(path)
    found = Extraction(doc=path.name)
    found.metadata.plan_period = PlanPeriod(2024, 2024)
    ts = find_targets(Context(document=parse(path), found=found))
    assert summary(ts) == [(95, None, "%", ">=")]
    assert ts[0].text == "Ít nhất 95% trẻ em dưới 1 tuổi được tiêm đủ"


def test_criteria_of_a_method_are_not_targets(tmp_path):
    body = ("- Chấm điểm, đánh giá 6 nội dung, 15 tiêu chí theo hướng dẫn.\n"
            "- Phấn đấu 5 xã đạt 19/19 tiêu chí nông thôn mới.")
    ts = targets_in(tmp_path, body, head="II. NHIỆM VỤ\n")
    assert [(t.value, t.unit, t.comparator) for t in ts] == [(5, "xã", ">="), (19, "tiêu chí", ">=")]


def test_plan_heading_lost_under_a_review_still_counts():
    # OCR can drop "B. KẾ HOẠCH ..." and leave the plan's items nested under part A
    from kehoach.extract.document import Block, Document, Page, Section, Source

    lines = ["A. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NĂM 2010",
             "1. Tổ chức 822 cuộc tuyên truyền.",
             "II. CÔNG TÁC TỔ CHỨC THỰC HIỆN",
             "2. Triển khai nhân rộng tổ chức Đội tại 11 huyện, thị, thành phố."]
    text = "\n".join(lines)
    starts = [text.index(line) for line in lines]
    blocks = [Block("heading" if i in (0, 2) else "list_item", line, 1, s, s + len(line))
              for i, (line, s) in enumerate(zip(lines, starts))]
    item = [Section(line.split()[0], line[3:], 2, 1, s, s + len(line))
            for line, s in zip(lines, starts)]
    part_a = Section("A.", lines[0][3:], 1, 1, 0, len(text), children=item[1:])
    doc = Document(source=Source("x.txt", "x.txt", "0", "text", len(text), 1), text=text,
                   pages=[Page(1, 0, len(text))], blocks=blocks,
                   outline=Section(None, "", 0, 1, 0, len(text), children=[part_a], kind="root"))
    found = Extraction(doc="x.txt")
    found.metadata.plan_period = PlanPeriod(2011, 2011)
    assert summary(find_targets(Context(document=doc, found=found))) == [(11, None, "huyện, thị, thành phố", "=")]


def test_odd_tables_do_not_crash():
    from kehoach.extract.document import Document, Page, Source, Table

    text = "I. MỤC TIÊU\nChỉ tiêu"
    doc = Document(source=Source("x.txt", "x.txt", "0", "text", len(text), 1), text=text,
                   pages=[Page(1, 0, len(text))], blocks=[],
                   tables=[Table(1, 12, len(text), []), Table(1, 12, len(text), [[], ["A", "5"]])])
    assert find_targets(Context(document=doc, found=Extraction(doc="x.txt"))) == []


# --- generalisation: the grammar of targets across domains ------------------------------
# (value, value_max, unit, comparator) for each sentence; written for y tế, giáo dục, nông thôn
# mới, môi trường and kinh tế plans, none taken from the corpora.

@pytest.mark.parametrize("line, expected", [
    # ratios "N/N <unit>" at the head of a bullet: the numerator is the value
    ("- 15/15 xã đạt chuẩn nông thôn mới nâng cao.", [(15, None, "xã", "=")]),
    ("- 9/9 huyện, thị xã có trung tâm y tế đạt chuẩn quốc gia.", [(9, None, "huyện, thị xã", "=")]),
    ("- 45/45 trường trung học cơ sở có phòng học bộ môn tin học.", [(45, None, "trường", "=")]),
    ("- 10/10 huyện và 100% xã có Tổ công nghệ số cộng đồng.",
     [(10, None, "huyện", "="), (100, None, "%", "=")]),
    # "đạt trên": "kết quả" inside a noun phrase is not a report
    ("- Tỷ lệ hồ sơ, kết quả xét nghiệm được liên thông giữa các bệnh viện đạt trên 90%.",
     [(90, None, "%", ">=")]),
    # steps on a scale, governed by a verb of movement
    ("- Chỉ số PCI của tỉnh tăng ít nhất 02 bậc so với năm 2023.", [(2, None, "bậc", ">=")]),
    ("- Chỉ số cải cách hành chính PAR Index cải thiện 5 hạng.", [(5, None, "hạng", "=")]),
    ("- Điểm trung bình thi tốt nghiệp trung học phổ thông tăng 0,5 điểm.", [(0.5, None, "điểm", "=")]),
    # levels reached by a change: the starting point is a baseline
    ("- Tỷ lệ suy dinh dưỡng thể nhẹ cân ở trẻ em dưới 5 tuổi giảm từ 12,5% năm 2023 "
     "xuống dưới 11% năm 2025.", [(11, None, "%", "<=")]),
    ("- Tỷ lệ che phủ rừng tăng từ 45% lên 47%.", [(47, None, "%", "=")]),
    ("- Lượng rác thải nhựa giảm 20% so với mức 1.500 tấn của năm 2023.", [(20, None, "%", "=")]),
    ("- Nâng tỷ lệ thu gom chất thải rắn sinh hoạt lên trên 95%.", [(95, None, "%", ">=")]),
    ("- Tỷ lệ học sinh bỏ học giảm xuống còn dưới 0,5%.", [(0.5, None, "%", "<=")]),
    ("- Giảm 10% số ca mắc sốt xuất huyết so với năm 2024.", [(10, None, "%", "=")]),
    ("- Đến năm 2025 100% xã đạt tiêu chí về môi trường.", [(100, None, "%", "=")]),  # no comma
    # a number after a model's noun is counted only when a preposition makes it an object
    ("- Nhân rộng mô hình ở 12 xã vùng ven biển.", [(12, None, "xã", "=")]),
    ("- Xây dựng mô hình sinh kế cho 500 hộ nghèo.", [(500, None, "hộ nghèo", "=")]),
    # lists of counted nouns, and "lượt" + noun
    ("- Đào tạo cho ít nhất 500 lượt cán bộ, công chức cấp xã.",
     [(500, None, "lượt cán bộ, công chức", ">=")]),
    ("- Phấn đấu tối thiểu 3.000 lượt hộ được vay vốn ưu đãi.", [(3000, None, "lượt hộ", ">=")]),
])
def test_target_grammar(tmp_path, line, expected):
    assert summary(targets_in(tmp_path, line, year=2025)) == expected


@pytest.mark.parametrize("line", [
    "- Năm 2023, toàn tỉnh có 12/15 xã đạt chuẩn nông thôn mới.",  # a result
    "- Kết quả, tỷ lệ che phủ rừng đạt 55%.",  # "Kết quả," leads a report
    "- Hỗ trợ 3 bậc học mầm non, tiểu học, trung học cơ sở.",  # grades, no movement
    "- Nâng lương trước thời hạn cho công chức bậc 3.",
    "- Triển khai mô hình bảo vệ 4 lớp cho hệ thống thông tin.",  # numbers naming a model
    "- Áp dụng phương châm 4 tại chỗ trong phòng, chống thiên tai.",
    "- Xây dựng chính quyền điện tử 2 cấp.",
    "- Thu nhập bình quân đầu người tăng từ 60 triệu đồng lên 75 triệu đồng.",  # money
    "- Biểu tổng hợp 1 2 3 4 Địa phương Tổng số",  # a flattened table's numbering
    "- Xóa trắng các nhóm từ 20 hộ trở lên chưa có nước sạch.",  # a size defining a class
])
def test_not_targets_in_other_domains(tmp_path, line):
    assert targets_in(tmp_path, line, year=2025) == []


def test_per_year_rate_and_approximation(tmp_path):
    ts = targets_in(tmp_path, "- Tốc độ tăng trưởng GRDP bình quân đạt 7,5%/năm, tương ứng tăng thêm "
                              "khoảng 300 doanh nghiệp.", year=2025)
    assert summary(ts) == [(7.5, None, "%", "="), (300, None, "doanh nghiệp", "=")]
    assert [t.period for t in ts] == ["hàng năm", "2025"]
    assert ts[0].note is None and "khoảng" in ts[1].note


def test_reduction_with_baseline_and_level(tmp_path):
    # a rate per year, the level it leads to, the count it means; the start is a baseline
    ts = targets_in(tmp_path, "- Tỷ lệ hộ cận nghèo giảm 2%/năm (từ 8,4% cuối năm 2024 xuống dưới 6,4% "
                              "vào cuối năm 2025), tương ứng giảm khoảng 1.200 hộ.", year=2025)
    assert summary(ts) == [(2, None, "%", "="), (6.4, None, "%", "<="), (1200, None, "hộ", "=")]
    assert [t.period for t in ts] == ["hàng năm", "2025", "2025"]


def test_strive_note(tmp_path):
    ts = targets_in(tmp_path, "- Phấn đấu 98% dân số nông thôn sử dụng nước hợp vệ sinh.")
    assert summary(ts) == [(98, None, "%", ">=")] and "phấn đấu" in ts[0].note


FLAT_ANNEX = """KẾ HOẠCH
Tiêm chủng mở rộng năm 2024
I. MỤC TIÊU
- 95% trẻ em dưới 1 tuổi được tiêm đủ các loại vắc xin.
II. TỔ CHỨC THỰC HIỆN
Sở Y tế chủ trì triển khai.
PHỤ LỤC 01 CHỈ TIÊU TIÊM CHỦNG MỞ RỘNG NĂM 2024
ĐVT: Trẻ em
TT
1 2 3 4
Địa phương Tổng số Trong đó | Tiêm tại trạm Tiêm lưu động Huyện Lâm | 120 100 20 Hà Huyện Bảo Lâm 80 60 20
Thành phố Bảo | 200 150 50 Lộc 400 310 90
"""


def test_annex_table_flattened_by_ocr(tmp_path):
    # OCR without table structure: rows are runs of figures after a place, labels wrap
    path = tmp_path / "plan.txt"
    path.write_text(FLAT_ANNEX, encoding="utf-8")
    found = Extraction(doc=path.name)
    found.metadata.plan_period = PlanPeriod(2024, 2024)
    ts = find_targets(Context(document=parse(path), found=found))
    assert [t.value for t in ts] == [95, 120, 100, 20, 80, 60, 20, 200, 150, 50, 400, 310, 90]
    rows = ts[1:]
    assert [t.area for t in rows[::3]] == ["Huyện Lâm Hà", "Huyện Bảo Lâm", "Thành phố Bảo Lộc", None]
    assert {t.unit for t in rows} == {"Trẻ em"} and {t.period for t in rows} == {"2024"}
    assert rows[-1].text == "400 310 90"  # the total row, recognised by its sums


def test_flattened_schedule_is_not_a_target_table(tmp_path):
    # a schedule annex ("KẾ HOẠCH KIỂM TRA") with dates and phone numbers yields nothing
    text = FLAT_ANNEX.replace("CHỈ TIÊU TIÊM CHỦNG MỞ RỘNG", "KẾ HOẠCH KIỂM TRA") \
        .replace("ĐVT: Trẻ em\n", "Liên hệ: Ông Nguyễn Văn A, SĐT: 0983 134 682\n")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    found = Extraction(doc=path.name)
    found.metadata.plan_period = PlanPeriod(2024, 2024)
    assert summary(find_targets(Context(document=parse(path), found=found))) == [(95, None, "%", "=")]


def test_flattened_rows_glued_into_one_paragraph(tmp_path):
    # a text reader that reflows lines glues each row number to the row before it
    text = FLAT_ANNEX.split("ĐVT")[0] + (
        "ĐVT: Trẻ em\nĐịa phương Tổng số Trong đó | Tiêm tại trạm Tiêm lưu động\n"
        "1 Huyện Lâm | 120 100 20\nHà\n2 Huyện Bảo Lâm | 80\n60 20\n3 Huyện Đạ Huoai 40 - 40\n"
        "Cộng 240 160 60\n")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    found = Extraction(doc=path.name)
    found.metadata.plan_period = PlanPeriod(2024, 2024)
    rows = find_targets(Context(document=parse(path), found=found))[1:]
    assert [(t.value, t.area) for t in rows] == [
        (120, "Huyện Lâm Hà"), (100, "Huyện Lâm Hà"), (20, "Huyện Lâm Hà"),
        (80, "Huyện Bảo Lâm"), (60, "Huyện Bảo Lâm"), (20, "Huyện Bảo Lâm"),
        (40, "Huyện Đạ Huoai"), (40, "Huyện Đạ Huoai"), (240, None), (160, None), (60, None)]


def test_flattened_rows_one_per_line():
    # OCR that keeps lines: row numbers open lines, wrapped names and figures go to the next
    from kehoach.extract.document import Block, Document, Page, Section, Source

    lines = ["PHỤ LỤC CHỈ TIÊU KHÁM SÀNG LỌC NĂM 2025", "ĐVT: Người",
             "Địa phương Tổng số Trong đó Nam Nữ",
             "1 Thành phố Tam | 300 140 160 Có bệnh viện", "Kỳ tuyến tỉnh.",
             "2 Huyện Núi Thành | 150", "70 80", "3 Huyện Phú Ninh | 90 - 90",
             "Cộng 540 210 330"]
    text = "\n".join(lines)
    starts = [text.index(line) for line in lines]
    blocks = [Block("heading" if i == 0 else "paragraph", line, 1, s, s + len(line))
              for i, (line, s) in enumerate(zip(lines, starts))]
    annex = Section("PHỤ LỤC", "CHỈ TIÊU KHÁM SÀNG LỌC NĂM 2025", 1, 1, 0, len(text), kind="annex")
    doc = Document(source=Source("x.txt", "x.txt", "0", "text", len(text), 1), text=text,
                   pages=[Page(1, 0, len(text))], blocks=blocks,
                   outline=Section(None, "", 0, 1, 0, len(text), children=[annex], kind="root"))
    found = Extraction(doc="x.txt")
    found.metadata.plan_period = PlanPeriod(2025, 2025)
    ts = find_targets(Context(document=doc, found=found))
    assert [(t.value, t.area) for t in ts] == [
        (300, "Thành phố Tam Kỳ"), (140, "Thành phố Tam Kỳ"), (160, "Thành phố Tam Kỳ"),
        (150, "Huyện Núi Thành"), (70, "Huyện Núi Thành"), (80, "Huyện Núi Thành"),
        (90, "Huyện Phú Ninh"), (90, "Huyện Phú Ninh"), (540, None), (210, None), (330, None)]
    assert {t.unit for t in ts} == {"Người"} and {t.period for t in ts} == {"2025"}
