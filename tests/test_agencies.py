"""Agencies and their roles: assignment grammar on plans of several domains, and the gold scores."""
from __future__ import annotations

from pathlib import Path

import pytest

from kehoach.extract.evaluate import load_gold, score
from kehoach.extract.model import Agency, Extraction
from kehoach.extract.nlp.agencies import find_agencies
from kehoach.extract.nlp.base import Context
from kehoach.extract.parse import parse
from kehoach.extract.paths import CORPORA


def agencies(tmp_path: Path, text: str) -> dict[str, Agency]:
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    doc = parse(path)
    found = find_agencies(Context(document=doc, found=Extraction(doc=path.name)))
    for a in found:  # provenance points at the mention in the document text
        assert doc.text[a.provenance.start:a.provenance.end] == a.provenance.text
    return {a.name: a for a in found}


def roles(found: dict[str, Agency]) -> dict[str, list[str]]:
    return {name: a.roles for name, a in found.items()}


def test_headings_in_the_implementation_section(tmp_path: Path) -> None:
    found = agencies(tmp_path, """KẾ HOẠCH
Chuyển đổi số năm 2024

III. TỔ CHỨC THỰC HIỆN
1. Sở Thông tin và Truyền thông
- Là cơ quan thường trực, chủ trì triển khai Kế hoạch.
- Tổng hợp kết quả, định kỳ báo cáo Ủy ban nhân dân tỉnh.
2. Sở Nội vụ: Chủ trì, phối hợp với Sở Tài chính tham mưu Ủy ban nhân dân tỉnh bố trí biên chế.
3. Báo Hà Tĩnh, Đài Phát thanh - Truyền hình tỉnh: Mở chuyên mục về chuyển đổi số.
4. Đề nghị Tòa án nhân dân, Viện Kiểm sát nhân dân tỉnh: Phối hợp xét xử nghiêm các vụ án.
""")
    assert roles(found) == {
        "Sở Thông tin và Truyền thông": ["lead"],
        "Ủy ban nhân dân tỉnh": ["report_to"],  # receives the reports; "tham mưu" alone would not count
        "Sở Nội vụ": ["lead"],  # "chủ trì, phối hợp với X": the subject leads, X coordinates
        "Sở Tài chính": ["coordinate"],
        "Báo Hà Tĩnh": [],
        "Đài Phát thanh và Truyền hình tỉnh": [],
        "Tòa án nhân dân tỉnh": ["coordinate"],
        "Viện Kiểm sát nhân dân tỉnh": ["coordinate"],
    }
    tttt = found["Sở Thông tin và Truyền thông"]
    assert tttt.mention == "1. Sở Thông tin và Truyền thông"
    assert tttt.tasks == ["- Là cơ quan thường trực, chủ trì triển khai Kế hoạch.",
                          "- Tổng hợp kết quả, định kỳ báo cáo Ủy ban nhân dân tỉnh."]
    assert found["Sở Nội vụ"].mention == "2. Sở Nội vụ:"
    assert found["Sở Nội vụ"].tasks[0].startswith("Chủ trì, phối hợp với Sở Tài chính")
    # a combined heading gives one entry per body, sharing the heading
    assert found["Báo Hà Tĩnh"].mention == found["Đài Phát thanh và Truyền hình tỉnh"].mention \
        == "3. Báo Hà Tĩnh, Đài Phát thanh - Truyền hình tỉnh:"
    assert found["Đài Phát thanh và Truyền hình tỉnh"].aliases_in_text == ["Đài Phát thanh - Truyền hình tỉnh"]
    assert all(a.known for a in found.values())


def test_partners_reports_and_assignments_in_sentences(tmp_path: Path) -> None:
    found = agencies(tmp_path, """KẾ HOẠCH
Thực hiện Chương trình giảm nghèo bền vững năm 2022

III. TỔ CHỨC THỰC HIỆN
Giao Sở Lao động - Thương binh và Xã hội là cơ quan thường trực, chủ trì theo dõi việc thực hiện.
Sở Y tế chịu trách nhiệm cấp thẻ bảo hiểm y tế cho người nghèo; Bảo hiểm xã hội tỉnh phối hợp thực hiện.
Ban Dân tộc tỉnh phối hợp với Sở Giáo dục và Đào tạo, Ngân hàng Chính sách xã hội chi nhánh tỉnh hỗ trợ học sinh.
Giao các Sở: Tài chính, Kế hoạch và Đầu tư thẩm định nhu cầu kinh phí.
Định kỳ 6 tháng, các đơn vị báo cáo kết quả về Ủy ban nhân dân tỉnh (qua Sở Lao động - Thương binh và Xã hội) để tổng hợp báo cáo Bộ Lao động - Thương binh và Xã hội.
""")
    assert roles(found) == {
        "Sở Lao động - Thương binh và Xã hội": ["lead", "report_to"],
        "Sở Y tế": [],
        "Bảo hiểm xã hội tỉnh": ["coordinate"],
        "Ban Dân tộc tỉnh": ["coordinate"],
        "Sở Giáo dục và Đào tạo": ["coordinate"],
        "Ngân hàng Chính sách xã hội chi nhánh tỉnh": ["coordinate"],
        "Sở Tài chính": [],  # 'các Sở: Tài chính, Kế hoạch và Đầu tư' names two departments
        "Sở Kế hoạch và Đầu tư": [],
        "Ủy ban nhân dân tỉnh": ["report_to"],
        "Bộ Lao động - Thương binh và Xã hội": ["report_to"],
    }


def test_what_is_not_an_assigned_agency(tmp_path: Path) -> None:
    found = agencies(tmp_path, """KẾ HOẠCH
Thực hiện công tác bình đẳng giới năm 2024

Căn cứ Quyết định số 12/QĐ-UBND ngày 05/01/2024 của Ủy ban nhân dân tỉnh; Thực hiện Công văn số 45/BYT-KCB của Bộ Y tế;
I. MỤC TIÊU
1. Tổ chức thực hiện:
Các sở, ban, ngành, địa phương căn cứ chức năng, nhiệm vụ xây dựng kế hoạch.
2. Báo cáo định kỳ:
Tham mưu Ủy ban nhân dân tỉnh ban hành quy chế phối hợp.
3. Hội nghị sơ kết: tổ chức Hội nghị sơ kết vào tháng 6.
Kinh phí do Tổ chức Tầm nhìn Thế giới tài trợ. Phối hợp tổ chức Hội thi tìm hiểu pháp luật.
Theo chỉ đạo của Thủ tướng Chính phủ, tăng cường phối hợp giữa các cơ quan chức năng.
Giao ban định kỳ hằng tháng tại Văn phòng.
Phòng, chống bạo lực gia đình: phối hợp chặt chẽ với chính quyền địa phương.
Đội ngũ cán bộ làm công tác bình đẳng giới được tập huấn.

Nơi nhận:
- Bộ Lao động - Thương binh và Xã hội;
- Sở Tư pháp;
- Lưu: VT.
""")
    assert found == {}


def test_unknown_bodies_are_kept_for_review(tmp_path: Path) -> None:
    found = agencies(tmp_path, """KẾ HOẠCH
Phát triển công nghiệp năm 2026

V. TỔ CHỨC THỰC HIỆN
1. Phòng Quản lý Công nghiệp: Là đầu mối chủ trì tham mưu thực hiện các nhiệm vụ.
2. Trung tâm Xúc tiến Đầu tư tỉnh: Tổ chức hội nghị xúc tiến đầu tư.
3. Đoàn nghệ thuật tỉnh Quảng Ninh: Biểu diễn phục vụ tuyên truyền.
Phối hợp với tổ chức CARE Quốc tế tại Việt Nam và Hội Chữ thập đỏ tỉnh triển khai dự án.
Các phòng báo cáo tình hình thực hiện về Phòng Kế hoạch - Tổng hợp trước ngày 18 hằng tháng.
""")
    assert {name: a.known for name, a in found.items()} == {
        "Phòng Quản lý Công nghiệp": False,
        "Trung tâm Xúc tiến Đầu tư tỉnh": False,
        "Đoàn nghệ thuật tỉnh": False,
        "tổ chức CARE Quốc tế tại Việt Nam": False,
        "Hội Chữ thập đỏ tỉnh": True,
        "Phòng Kế hoạch - Tổng hợp": False,
    }
    assert found["Đoàn nghệ thuật tỉnh"].aliases_in_text == ["Đoàn nghệ thuật tỉnh Quảng Ninh"]
    assert found["Phòng Kế hoạch - Tổng hợp"].roles == ["report_to"]
    assert found["Phòng Quản lý Công nghiệp"].roles == ["lead"]


def test_opening_clauses_collectives_and_ocr_noise(tmp_path: Path) -> None:
    found = agencies(tmp_path, """KẾ HOẠCH
Phòng, chống dịch bệnh năm 2025

III. TỔ CHỨC THỰC HIỆN
1. Sở Y tế: Là cơ quan thường trực, chủ trì tham mưu Ủy ban nhân dân tỉnh chỉ đạo phòng, chống dịch.
2. Sớ Tư pháp: Thẩm định các văn bản quy phạm pháp luật.
3. Ủy ban nhân dân các xã, phường: Tổ chức các biện pháp phòng, chống dịch; định kỳ hằng quý báo cáo kết quả về Sở Nông nghiệp và Môi trường.
- Đối với Ủy ban nhân dân cấp xã: rà soát đối tượng nguy cơ.
4. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh vận động nhân dân.
Sở Giáo dục và Đào tạo hướng dẫn các trường học bố trí phòng cách ly.
""")
    assert set(found) == {
        "Sở Y tế", "Sở Tư pháp", "Ủy ban nhân dân các xã, phường, thị trấn", "Sở Nông nghiệp và Môi trường",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Các tổ chức chính trị - xã hội tỉnh", "Sở Giáo dục và Đào tạo",
    }
    assert found["Sở Tư pháp"].aliases_in_text == ["Sớ Tư pháp"]  # read fuzzily, kept as written
    assert found["Sở Tư pháp"].confidence < 1.0
    communes = found["Ủy ban nhân dân các xã, phường, thị trấn"]
    assert communes.mention == "3. Ủy ban nhân dân các xã, phường:"
    assert "Ủy ban nhân dân cấp xã" in communes.aliases_in_text
    assert found["Sở Nông nghiệp và Môi trường"].roles == ["report_to"]


def test_task_table_columns(tmp_path: Path) -> None:
    found = agencies(tmp_path, """KẾ HOẠCH
Giảm nghèo năm 2022

II. NHIỆM VỤ
| TT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |
| --- | --- | --- | --- | --- |
| 1 | Rà soát hộ nghèo | Sở Lao động - Thương binh và Xã hội | Ủy ban nhân dân các huyện, thị xã, thành phố | Quý IV/2022 |
| 2 | Hỗ trợ vốn vay ưu đãi | Ngân hàng Chính sách xã hội chi nhánh tỉnh | Sở Tài chính; Hội Nông dân tỉnh | Năm 2022 |
""")
    assert roles(found) == {
        "Sở Lao động - Thương binh và Xã hội": ["lead"],
        "Ủy ban nhân dân các huyện, thị xã, thành phố": ["coordinate"],
        "Ngân hàng Chính sách xã hội chi nhánh tỉnh": ["lead"],
        "Sở Tài chính": ["coordinate"],
        "Hội Nông dân tỉnh": ["coordinate"],
    }
    assert found["Sở Tài chính"].tasks == ["Hỗ trợ vốn vay ưu đãi"]


def test_renamed_department_joins_its_heading(tmp_path: Path) -> None:
    found = agencies(tmp_path, """KẾ HOẠCH
Phòng, chống mại dâm năm 2017

IV. PHÂN CÔNG THỰC HIỆN
3. Sở Văn hóa và Thể thao
Tuyên truyền phòng, chống mại dâm.
7. Sở Thông tin và Truyền thông
Phối hợp với Sở Văn hóa, Thể thao và Du lịch đẩy mạnh thông tin tuyên truyền.
8. Sở Du lịch
Kiểm tra các cơ sở lưu trú du lịch.
""")
    assert set(found) == {"Sở Văn hóa và Thể thao", "Sở Thông tin và Truyền thông", "Sở Du lịch"}
    assert found["Sở Văn hóa và Thể thao"].roles == ["coordinate"]
    assert found["Sở Văn hóa và Thể thao"].aliases_in_text == ["Sở Văn hóa, Thể thao và Du lịch"]


def test_city_forms_and_the_2025_bodies(tmp_path: Path) -> None:
    found = agencies(tmp_path, """KẾ HOẠCH
Phòng, chống HIV/AIDS năm 2019

Ủy ban nhân dân thành phố Cần Thơ ban hành Kế hoạch như sau:
IV. TỔ CHỨC THỰC HIỆN
1. Công an thành phố: Chủ trì đấu tranh với tội phạm ma túy.
2. Thành đoàn, Hội Liên hiệp Phụ nữ thành phố: Tuyên truyền trong đoàn viên, hội viên.
3. Báo và Phát thanh, Truyền hình Đắk Lắk: Mở chuyên mục về bình đẳng giới.
4. Ủy ban nhân dân quận, huyện: Định kỳ báo cáo Ủy ban nhân dân thành phố (qua Sở Y tế).
5. Phối hợp với Ủy ban nhân dân thành phố Ninh Bình tổ chức hội thảo.
""")
    assert roles(found) == {
        "Công an tỉnh": ["lead"],
        "Tỉnh đoàn": [],
        "Hội Liên hiệp Phụ nữ tỉnh": [],
        "Báo và Phát thanh, Truyền hình Đắk Lắk": [],
        "Ủy ban nhân dân các huyện, thị xã, thành phố": [],
        "Ủy ban nhân dân tỉnh": ["report_to"],  # the city's own UBND; "ban hành" assigned it nothing
        "Sở Y tế": ["report_to"],
        "Ủy ban nhân dân thành phố Ninh Bình": ["coordinate"],  # a province's city, not the province
    }
    assert found["Công an tỉnh"].aliases_in_text == ["Công an thành phố"]
    assert not found["Ủy ban nhân dân thành phố Ninh Bình"].known


def test_review_of_past_results_is_skipped_until_the_plan_resumes(tmp_path: Path) -> None:
    text = """KẾ HOẠCH
Phòng, chống mại dâm năm 2011

A. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NĂM 2010
Sở Văn hóa, Thể thao và Du lịch phối hợp với Công an tỉnh kiểm tra 120 cơ sở.
B. KẾ HOẠCH NĂM 2011
I. MỤC TIÊU
Giảm 10% số cơ sở vi phạm.
II. TỔ CHỨC THỰC HIỆN
1. Phối hợp với Sở Y tế kiểm tra các cơ sở kinh doanh dịch vụ.
"""
    assert set(agencies(tmp_path, text)) == {"Sở Y tế"}
    # an outline read from a scan may miss "B." and run the review over the whole plan
    path = tmp_path / "plan.txt"
    doc = parse(path)
    review = next(sec for sec in doc.outline.children if sec.label == "A.")
    review.end = len(doc.text)
    doc.outline.children = [review]
    found = find_agencies(Context(document=doc, found=Extraction(doc=path.name)))
    assert [a.name for a in found] == ["Sở Y tế"]


def _score(golds: list[dict], sources: dict[str, Path]):
    preds = {}
    for gold in golds:
        doc = parse(sources[gold["doc"]])
        found = find_agencies(Context(document=doc, found=Extraction(doc=gold["doc"])))
        preds[gold["doc"]] = Extraction(doc=gold["doc"], agencies=found).to_gold_dict()
    return score(golds, preds).total("agencies")


def test_seed_plans_score() -> None:
    golds = load_gold(CORPORA / "gold")
    total = _score(golds, {g["doc"]: CORPORA / "seeds" / g["doc"] for g in golds})
    assert total.gold >= 50
    assert total.f1 >= 0.95, (total.precision, total.recall)


def test_team_plans_score() -> None:
    """The team's own plans in other domains (giảm nghèo, HIV/AIDS, chuyển đổi số, bình đẳng giới)."""
    golds = load_gold(CORPORA / "gold" / "plans")
    total = _score(golds, {g["doc"]: CORPORA / "plans" / g["doc"] for g in golds})
    assert total.gold >= 60
    assert total.f1 >= 0.95, (total.precision, total.recall)


def test_real_documents_score() -> None:
    """The five real documents with agency gold; scanned ones read from their transcripts (OCR of
    the same pages is covered by the reader tests and by `kehoach eval`)."""
    golds = [g for g in load_gold(CORPORA / "gold" / "real") if "agencies" in g.get("scope", [])]
    sources = {}
    for g in golds:
        transcript = CORPORA / "real" / "transcripts" / f"{g['doc']}.txt"
        sources[g["doc"]] = transcript if transcript.exists() else CORPORA / "real" / g["doc"]
    total = _score(golds, sources)
    assert total.gold >= 30
    assert total.f1 >= 0.9, (total.precision, total.recall)


@pytest.mark.parametrize("name", ["quangngai-07-CT-UBND-2018.pdf.txt"])
def test_directive_tasks_per_agency(name: str) -> None:
    doc = parse(CORPORA / "real" / "transcripts" / name)
    found = {a.name: a for a in find_agencies(Context(document=doc, found=Extraction(doc=name)))}
    thads = found["Cục Thi hành án dân sự tỉnh"]
    assert thads.mention == "a) Cục Thi hành án dân sự tỉnh:"
    assert len(thads.tasks) == 4 and all(t.startswith("- ") for t in thads.tasks)
    assert thads.roles == ["coordinate", "report_to"]
    assert "Cục THADS tỉnh" in thads.aliases_in_text  # from the recipients list
    assert found["Tòa án nhân dân tỉnh"].mention == found["Viện Kiểm sát nhân dân tỉnh"].mention
    assert "Tổng cục Thi hành án dân sự" not in found  # only among the recipients


def test_items_run_together_are_read_apart(tmp_path: Path) -> None:
    # layout may join "... chuyển đổi số." and the next numbered line into one block
    found = agencies(tmp_path, "KẾ HOẠCH\nChuyển đổi số\n\nIII. TỔ CHỨC THỰC HIỆN\n"
                               "1. Sở Y tế: Triển khai chuyển đổi số.\n"
                               "2. Sở Tư pháp: Chủ trì thẩm định văn bản.\n")
    assert roles(found) == {"Sở Y tế": [], "Sở Tư pháp": ["lead"]}
    assert found["Sở Y tế"].tasks == ["Triển khai chuyển đổi số."]
    assert found["Sở Tư pháp"].tasks == ["Chủ trì thẩm định văn bản."]

