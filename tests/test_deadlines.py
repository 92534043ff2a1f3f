"""Deadlines: the Vietnamese deadline grammar on single sentences of many domains, task tables,
agencies from headings, and the score on the seed and real gold (transcripts of the scans)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kehoach.extract.document import Block, Document, Page, Source, Table
from kehoach.extract.model import Extraction, Metadata, PlanPeriod
from kehoach.extract.nlp.base import Context
from kehoach.extract.nlp.deadline_grammar import grammar, normalise_frequency
from kehoach.extract.nlp.deadlines import find_deadlines
from kehoach.extract.parse import parse
from kehoach.extract.paths import CORPORA


def _doc(text: str, tables: list[Table] | None = None, cells: list[Block] | None = None) -> Document:
    """A Document of one paragraph block per line (no outline): what a plain text gives."""
    blocks, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            blocks.append(Block("paragraph", line, 1, pos, pos + len(line)))
        pos += len(line) + 1
    blocks = sorted(blocks + (cells or []), key=lambda b: b.start)
    return Document(Source("t.txt", "t.txt", "0", "text", len(text), 1), text, [Page(1, 0, len(text))],
                    blocks, tables=tables or [])


def _find(text: str, year: int = 2025, doc: Document | None = None):
    meta = Metadata(issued_year=year, plan_period=PlanPeriod(year, year))
    return find_deadlines(Context(doc or _doc(text), Extraction(doc="t", metadata=meta)))


# (sentence, kind, date, frequency): one deadline expected
FOUND = [
    # reporting duties, other domains
    ("Định kỳ hằng quý, Ủy ban nhân dân các huyện báo cáo tiến độ thực hiện Chương trình mục tiêu quốc gia "
     "giảm nghèo bền vững về Sở Lao động - Thương binh và Xã hội.", "recurring", None, ["quý"]),
    ("Sở Y tế chủ trì tổ chức tiêm chủng mở rộng, báo cáo kết quả hằng tháng về Bộ Y tế.",
     "recurring", None, ["tháng"]),
    ("Các sở, ngành báo cáo kết quả thực hiện chuyển đổi số định kỳ 6 tháng, một năm về Sở Thông tin và "
     "Truyền thông.", "recurring", None, ["6 tháng", "năm"]),
    ("Tổng hợp báo cáo đột xuất, định kỳ tháng, quý, năm về công tác bình đẳng giới.",
     "recurring", None, ["tháng", "quý", "năm"]),
    ("Sở Kế hoạch và Đầu tư tổng hợp tình hình giải ngân, định kỳ 03 tháng/1 lần báo cáo UBND tỉnh.",
     "recurring", None, ["3 tháng"]),
    ("Các trường báo cáo số liệu trẻ bỏ học về Phòng Giáo dục và Đào tạo trước ngày 10 hằng tháng.",
     "recurring", None, ["tháng"]),
    ("Hội Liên hiệp Phụ nữ tỉnh theo dõi, định kỳ báo cáo kết quả với Ủy ban nhân dân tỉnh.",
     "recurring", None, None),
    ("Duy trì sinh hoạt định kì hằng tháng của các câu lạc bộ bình đẳng giới tại cộng đồng.",
     "recurring", None, ["tháng"]),
    ("Ủy ban nhân dân cấp xã cập nhật dữ liệu dân cư hằng ngày trên hệ thống.", "recurring", None, ["ngày"]),
    ("Ban Chỉ đạo chuyển đổi số tỉnh họp mỗi quý ít nhất 01 lần để đánh giá tiến độ.", "recurring", None, ["quý"]),
    ("Đài Phát thanh - Truyền hình tỉnh duy trì chuyên mục, thời lượng hằng tháng ít nhất 02 chương trình.",
     "recurring", None, ["tháng"]),
    ("Nâng cao hiệu lực, hiệu quả quản lý nhà nước; định kỳ báo cáo Ủy ban nhân dân tỉnh.",
     "recurring", None, None),
    ("Sở Kế hoạch và Đầu tư định kỳ 03 tháng/Ilần báo cáo UBND tỉnh.", "recurring", None, ["3 tháng"]),  # OCR "1"
    # dates
    ("Các đơn vị gửi kế hoạch về Sở Nội vụ trước ngày 10/02/2025 để tổng hợp.", "absolute", "2025-02-10", None),
    ("Chậm nhất ngày 30 tháng 6 năm 2025, các trường học phải hoàn thành việc lắp đặt hệ thống camera.",
     "absolute", "2025-06-30", None),
    ("Các đơn vị gửi báo cáo 6 tháng đầu năm về Sở Nội vụ trước ngày 20/6.", "absolute", "2025-06-20", None),
    ("Thời gian kiểm tra: 8h00 ngày 15/5/2025 (Thứ Năm).", "absolute", "2025-05-15", None),
    ("Thời gian thực hiện: từ ngày 01/3/2025 đến ngày 30/9/2025.", "absolute", "2025-09-30", None),
    ("Căn cứ Kế hoạch số 45/KH-UBND ngày 10/3/2025, trước ngày 15/3/2025 các đơn vị gửi đăng ký về Sở Nội vụ.",
     "absolute", "2025-03-15", None),
    ("Báo cáo gửi về Sở Y tế trước 17 giờ ngày 20/6/2025 để tổng hợp.", "absolute", "2025-06-20", None),
    ("Hạn chót nộp hồ sơ: ngày 30/6/2025.", "absolute", "2025-06-30", None),
    ("Phát động Tháng hành động vì bình đẳng giới từ ngày 15/11 đến ngày 15/12 hằng năm.",
     "recurring", None, ["năm"]),
    # period ends
    ("Thời gian: 02 buổi, dự kiến trong tháng 9/2025.", "period_end", None, None),
    ("Trong tháng 10/2025, tổ chức Hội nghị tổng kết 10 năm thực hiện Luật Bình đẳng giới.",
     "period_end", None, None),
    ("Các xã hoàn thành xây dựng nông thôn mới nâng cao vào năm 2025.", "period_end", None, None),
    ("Các sở, ban, ngành hoàn thành việc số hóa hồ sơ thủ tục hành chính trong quý III/2025.",
     "period_end", None, None),
    ("Hoàn thành việc rà soát hộ nghèo, hộ cận nghèo trước 31/12.", "period_end", None, None),
    ("Ban Vì sự tiến bộ của phụ nữ tỉnh sơ kết, đánh giá việc thực hiện Kế hoạch vào cuối năm 2025.",
     "period_end", None, None),
    ("Đẩy nhanh tiến độ xây dựng trạm y tế xã, hoàn thành đưa vào sử dụng trong năm 2025.",
     "period_end", None, None),
    ("Hoàn thành việc cấp chữ ký số cho cán bộ, công chức trước năm 2026.", "period_end", None, None),
    ("Thời gian hoàn thành: Quý IV/2025.", "period_end", None, None),
]

# sentences with no deadline
NOT_FOUND = [
    "Trong năm 2024, toàn tỉnh đã giảm 2.345 hộ nghèo.",  # a past year
    "Kinh phí thực hiện được bố trí trong dự toán ngân sách hằng năm của các cơ quan, đơn vị.",  # budget
    "Tổ chức khám sức khỏe định kỳ cho người lao động.",  # medical routine
    "Sở Y tế hướng dẫn các cơ sở y tế thực hiện kiểm định định kỳ trang thiết bị.",  # technical routine
    "Quyết định này có hiệu lực kể từ ngày 01/01/2025.",  # entry into force
    "Thường xuyên kiểm tra, giám sát việc thực hiện; kịp thời báo cáo khi có vướng mắc.",  # no period
    "Tính đến ngày 31/12/2024, toàn tỉnh có 95% hộ gia đình sử dụng nước sạch.",  # a statistic's date
    "Triển khai thực hiện từ đầu năm 2025.",  # a start, not an end
    "Căn cứ Quyết định số 123/QĐ-UBND ngày 15/01/2025 của UBND tỉnh về việc ban hành kế hoạch.",  # citation
    "Ngay sau khi Trung ương ban hành hướng dẫn, Sở Nội vụ tham mưu xây dựng kế hoạch.",  # relative to an event
    "Phấn đấu đến hết năm 2025 có 80% dân số có hồ sơ sức khỏe điện tử.",  # a target's horizon
    "Phấn đấu đến năm 2030, tỷ lệ hộ nghèo giảm còn dưới 1%.",
    "100% trẻ em dưới 1 tuổi được tiêm chủng đầy đủ hàng năm.",  # no duty verb
    "Chủ trì xây dựng kế hoạch hàng năm cụ thể hóa từng nhiệm vụ của Kế hoạch này.",  # an annual plan
    "Tham mưu tổng kết 5 năm giai đoạn 2020 - 2025 thực hiện Nghị quyết.",  # a review period
    "Tiếp tục thực hiện dự án năm thứ 3 (2024 - 2025) tại các huyện.",  # a project year
    "Tỷ lệ chỉ số sản xuất công nghiệp tăng bình quân 12%/năm.",
    "Trong quý I/2025, các địa phương đã tổ chức 120 cuộc kiểm tra.",  # a reported fact
    "Mỗi năm có thể tiếp nhận từ 150 đến 200 lượt người vào cơ sở.",  # a capacity, not a duty
    "Ngày 15/3/2025, Ủy ban nhân dân tỉnh đã ban hành Kế hoạch số 45/KH-UBND.",  # an event, past
    "Thời gian thực hiện: Năm 2025.",  # the plan's own period
    "Trẻ em từ 6 tháng đến 5 tuổi được uống vitamin A 2 lần/năm.",  # a dose, no duty
]


@pytest.mark.parametrize("sentence,kind,date,frequency", FOUND)
def test_sentence_deadline(sentence, kind, date, frequency):
    found = _find(sentence)
    assert [(d.kind, d.date, d.frequency) for d in found] == [(kind, date, frequency)]
    d = found[0]
    assert d.text == sentence[d.provenance.start:d.provenance.end] and len(d.text) <= 200


@pytest.mark.parametrize("sentence", NOT_FOUND)
def test_sentence_without_deadline(sentence):
    assert _find(sentence) == []


def test_empty_document():
    assert _find("") == [] and _find("\n\n") == []


def test_action_and_agency_of_a_clause():
    (d,) = _find("Căn cứ Kế hoạch này, đề nghị các sở, ban, ngành và địa phương triển khai thực hiện; "
                 "định kỳ 6 tháng, năm báo cáo kết quả về Ủy ban nhân dân tỉnh (qua Sở Y tế) để tổng hợp.")
    assert d.frequency == ["6 tháng", "năm"]
    assert d.action == "báo cáo kết quả về Ủy ban nhân dân tỉnh (qua Sở Y tế)"
    assert d.agency == "các sở, ban, ngành và địa phương"
    assert d.text.startswith("định kỳ 6 tháng, năm báo cáo")
    (d,) = _find("Định kỳ 6 tháng, hàng năm, giữa nhiệm kỳ, Sở Giáo dục và Đào tạo tổ chức sơ kết, đánh giá.")
    assert (d.agency, d.action) == ("Sở Giáo dục và Đào tạo", "tổ chức sơ kết, đánh giá")


def test_two_period_ends_in_one_sentence():
    found = _find("Đẩy nhanh tiến độ xây dựng bệnh viện đa khoa, hoàn thành các hạng mục chính trong năm 2025, "
                  "tiến hành mua sắm trang thiết bị, đảm bảo đưa vào hoạt động trong năm 2025.")
    assert [d.kind for d in found] == ["period_end", "period_end"]
    assert [d.action for d in found] == ["hoàn thành các hạng mục chính", "đảm bảo đưa vào hoạt động"]


def test_several_cues_of_one_duty():
    found = _find("Các đơn vị thực hiện báo cáo định kỳ 6 tháng (trước ngày 15/6) và hằng năm (trước ngày 15/12) "
                  "về Sở Tư pháp.")
    assert [(d.kind, d.date, d.frequency) for d in found] == [
        ("recurring", None, ["6 tháng", "năm"]), ("absolute", "2025-06-15", None),
        ("absolute", "2025-12-15", None)]


def test_long_clause_is_cut_around_the_cue():
    text = ("Yêu cầu các sở, ngành, Ủy ban nhân dân các huyện và đề nghị các tổ chức hội, đoàn thể căn cứ chức "
            "năng, nhiệm vụ, thẩm quyền để xây dựng Kế hoạch thực hiện công tác bình đẳng giới và vì sự tiến bộ "
            "của phụ nữ của đơn vị, địa phương (gửi về Sở Lao động - TB&XH trước ngày 10/02/2025) và triển khai.")
    (d,) = _find(text)
    assert len(d.text) <= 200 and d.text.endswith("trước ngày 10/02/2025)")
    assert d.agency.startswith("các sở, ngành, Ủy ban nhân dân các huyện")


def test_frequency_words():
    g = grammar()
    assert normalise_frequency(["hằng tháng", "quý", "6 tháng", "năm"], g) == ["tháng", "quý", "6 tháng", "năm"]
    assert normalise_frequency(["06 tháng", "một năm", "cả năm", "nửa năm", "ba tháng"], g) == \
        ["6 tháng", "năm", "3 tháng"]


def test_heading_agency_and_review_section(tmp_path):
    text = ("KẾ HOẠCH\nThực hiện công tác chuyển đổi số năm 2025\n"
            "I. KẾT QUẢ THỰC HIỆN NĂM 2024\n"
            "Trong năm 2024, các sở hoàn thành số hóa hồ sơ trong quý IV/2024; định kỳ hằng quý báo cáo.\n"
            "II. TỔ CHỨC THỰC HIỆN\n"
            "1. Sở Thông tin và Truyền thông:\n"
            "- Định kỳ 6 tháng, năm tổng hợp, báo cáo Ủy ban nhân dân tỉnh kết quả thực hiện Kế hoạch.\n"
            "2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh:\n"
            "- Hoàn thành việc giám sát trong quý III/2025.\n")
    path = tmp_path / "kh.txt"
    path.write_text(text, encoding="utf-8")
    doc = parse(path)
    found = _find("", doc=doc)
    assert [(d.kind, d.agency) for d in found] == [
        ("recurring", "Sở Thông tin và Truyền thông"), ("period_end", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh")]


def _cells(text: str, rows: list[list[str]]) -> tuple[str, Table, list[Block]]:
    """A table as text ("a | b" lines) with its cells as blocks at their offsets."""
    lines, cells, pos = [], [], len(text)
    for r, row in enumerate(rows):
        col_pos = pos
        for c, cell in enumerate(row):
            cells.append(Block("table_cell", cell, 1, col_pos, col_pos + len(cell), table=0, row=r, col=c))
            col_pos += len(cell) + 3
        line = " | ".join(row)
        lines.append(line)
        pos += len(line) + 1
    full = text + "\n".join(lines)
    return full, Table(1, len(text), len(full), rows), cells


def test_task_table_deadlines():
    rows = [["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"],
            ["1", "Xây dựng cơ sở dữ liệu hộ nghèo", "Sở Lao động - Thương binh và Xã hội", "Quý II/2025"],
            ["2", "Ban hành quy chế phối hợp", "Sở Tư pháp", "30/9/2025"],
            ["3", "Báo cáo kết quả thực hiện", "Sở Tài chính", "Hằng năm"],
            ["4", "Tuyên truyền", "Báo tỉnh", "Thường xuyên"]]
    text, table, cells = _cells("Phụ lục: nhiệm vụ cụ thể\n", rows)
    found = _find("", doc=_doc(text, [table], cells))
    assert [(d.kind, d.date, d.frequency, d.text, d.agency) for d in found] == [
        ("period_end", None, None, "Quý II/2025", "Sở Lao động - Thương binh và Xã hội"),
        ("absolute", "2025-09-30", None, "30/9/2025", "Sở Tư pháp"),
        ("recurring", None, ["năm"], "Hằng năm", "Sở Tài chính")]
    assert found[1].action == "Ban hành quy chế phối hợp"


def test_flattened_table_in_text():
    text = ("TT | Tên đơn vị được kiểm tra | Thời gian công bố Quyết định kiểm tra | Thời hạn kiểm tra "
            "1 | Công ty TNHH Minh An | 23/3/2025 | 02 ngày 2 | Công ty cổ phần Hòa Bình | 25/3/2025 | 02 ngày")
    found = _find(text)
    assert [(d.kind, d.date, d.text) for d in found] == [
        ("absolute", "2025-03-23", "23/3/2025"), ("absolute", "2025-03-25", "25/3/2025")]
    assert found[0].action == "công bố Quyết định kiểm tra: Công ty TNHH Minh An"


def test_table_read_one_line_per_cell():
    """OCR of a ruled table gives one line per cell: dates under a "Thời gian ..." column heading."""
    text = ("PHỤ LỤC I\nKẾ HOẠCH KIỂM TRA\nTT\nTên đơn vị được kiểm tra\nThời gian công bố Quyết định kiểm tra\n"
            "Thời hạn kiểm tra\nCông ty TNHH Minh An\n23/3/2025\n02 ngày\nCông ty cổ phần Hòa Bình\n25/3/2025\n"
            "02 ngày\n(*) Nếu có thay đổi về thời gian, Sở sẽ thông báo bằng văn bản.")
    found = _find(text)
    assert [(d.kind, d.date, d.text) for d in found] == [
        ("absolute", "2025-03-23", "23/3/2025"), ("absolute", "2025-03-25", "25/3/2025")]


def test_topic_heading_is_not_a_duty(tmp_path):
    path = tmp_path / "kh.txt"
    path.write_text("KẾ HOẠCH\nChuyển đổi số năm 2025\nIV. CHẾ ĐỘ BÁO CÁO ĐỊNH KỲ\n"
                    "Các sở, ngành báo cáo kết quả thực hiện về Sở Thông tin và Truyền thông trước ngày 15/11/2025.\n",
                    encoding="utf-8")
    assert [(d.kind, d.date) for d in _find("", doc=parse(path))] == [("absolute", "2025-11-15")]


# -- scores on the gold ------------------------------------------------------------------------


def _scorer():
    spec = importlib.util.spec_from_file_location("gold_score", CORPORA / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _score(pairs: list[tuple[Path, str]], gold_dir: Path, tmp_path: Path) -> dict:
    import json

    score = _scorer()
    out = tmp_path / "pred"
    out.mkdir()
    for path, name in pairs:
        ctx = Context(parse(path), Extraction(doc=name))
        found = Extraction(doc=name, deadlines=find_deadlines(ctx))
        (out / f"{name}.json").write_text(json.dumps(found.to_gold_dict(), ensure_ascii=False), encoding="utf-8")
    return score.score(gold_dir, out)["deadlines"]


def test_seed_score(tmp_path):
    seeds = sorted((CORPORA / "seeds").glob("*.txt"))
    result = _score([(p, p.name) for p in seeds], CORPORA / "gold", tmp_path)
    assert result["f1"] >= 0.93, result  # measured 1.000 (16/16)


def test_own_plans_score(tmp_path):
    """The team's plans in other domains (giảm nghèo, chuyển đổi số, bình đẳng giới, HIV/AIDS)."""
    plans = sorted((CORPORA / "plans").glob("*.txt"))
    result = _score([(p, p.name) for p in plans], CORPORA / "gold" / "plans", tmp_path)
    assert result["f1"] >= 0.9, result  # measured 1.000 (37/37)


def test_real_score_on_transcripts_and_docx(tmp_path):
    """Real documents: the scans through their human transcripts (OCR is tested elsewhere)."""
    pairs = [(p, p.name[: -len(".txt")]) for p in sorted((CORPORA / "real" / "transcripts").glob("*.txt"))]
    pairs += [(p, p.name) for p in sorted((CORPORA / "real").glob("*.docx"))]
    result = _score(pairs, CORPORA / "gold" / "real", tmp_path)
    assert result["f1"] >= 0.9, result  # measured 1.000 (12/12)
