"""Vietnamese numerals: digits with Vietnamese separators, words, percentages, ranges, ratios."""
import pytest

from kehoach.extract.numbers import digits_value, find_numbers, find_quantities, words_value


@pytest.mark.parametrize("raw, value", [
    ("01", 1), ("1.200", 1200), ("39.456", 39456), ("226.000.000", 226_000_000),
    ("2,5", 2.5), ("72,4", 72.4), ("994,66", 994.66), ("0.5", 0.5), ("1.5", 1.5),
    ("2.989,5", 2989.5), ("1,200,000", 1_200_000),
])
def test_digits(raw, value):
    assert digits_value(raw) == pytest.approx(value)


def test_section_label_is_not_a_number():
    assert digits_value("1.2.3") is None


@pytest.mark.parametrize("words, value", [
    ("một", 1), ("mười", 10), ("mười lăm", 15), ("hai mươi lăm", 25), ("ba mươi mốt", 31),
    ("hai mươi tư", 24), ("năm mươi", 50), ("một trăm", 100), ("một trăm linh năm", 105),
    ("hai trăm ba mươi", 230), ("hai trăm năm mươi nghìn", 250_000), ("ba nghìn", 3000),
    ("hai chục", 20), ("hai triệu rưỡi", 2_500_000),
])
def test_words(words, value):
    assert words_value(words) == value


@pytest.mark.parametrize("words", ["năm", "hai mươi năm", "lăm", "mốt"])
def test_words_that_are_not_numbers(words):
    # "năm" alone is "year"; "hai mươi năm" is "twenty years"; "lăm"/"mốt" only follow tens
    assert words_value(words) is None


def test_find_numbers_percent_and_words():
    text = "đạt 10 % và 25% số hộ; ít nhất một bài; một số nơi; 1,5 triệu người"
    found = [(n.value, n.percent, n.words, text[n.start:n.end]) for n in find_numbers(text)]
    assert (10, True, False, "10 %") in found
    assert (25, True, False, "25%") in found
    assert (1, False, True, "một") in found
    assert (1_500_000, False, False, "1,5 triệu") in found
    assert sum(1 for f in found if f[2]) == 1  # "một số" (some) is not a number


def test_numbers_glued_to_names_are_skipped():
    values = [n.value for n in find_numbers("Covid-19, F0, KH05 và 3 người")]
    assert values == [3]


def test_ranges():
    text = "từ 01 - 02 xã; từ 10% đến 15% cơ sở; 450 - 500 đối tượng; từ 150 đến 200 lượt; 10 - 20%"
    ranges = [(q.value, q.value_max, q.percent) for q in find_quantities(text)]
    assert ranges == [(1, 2, False), (10, 15, True), (450, 500, False), (150, 200, False), (10, 20, True)]
    first = find_quantities(text)[0]
    assert text[first.open_start:first.end] == "từ 01 - 02"


def test_ratio_and_dates():
    text = "10/10 huyện; ngày 10/02/2021"
    qs = find_quantities(text)
    assert (qs[0].value, qs[0].ratio_of) == (10, 10)
    assert all(q.ratio_of is None for q in qs[1:])  # pieces of a date are never ratios


def test_descending_pair_is_not_a_range():
    qs = find_quantities("mục 5 - 3 người")
    assert all(q.value_max is None for q in qs)


def test_ratio_after_a_list_dash():
    # "- 102/102 xã": a bullet's dash is not the tail of a reference like "36-CT/TW 12/2020"
    qs = find_quantities("- 102/102 xã, phường\n+ 8/8 huyện")
    assert [(q.value, q.ratio_of) for q in qs] == [(102, 102), (8, 8)]
    glued = find_quantities("36-CT/TW 12/2020; KH-12/15")
    assert all(q.ratio_of is None for q in glued if q.value != 12 or glued.index(q) > 1)
