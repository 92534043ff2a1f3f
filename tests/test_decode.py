"""Text decoding: every encoding a Vietnamese text copy turns up in decodes to the same text."""
from __future__ import annotations

import random
import unicodedata

import pytest

from kehoach.extract import errors
from kehoach.extract.parse.decode import decode_text, is_syllable, score
from kehoach.extract.parse.legacy import detect_legacy, from_unicode, to_unicode
from kehoach.extract.paths import CORPORA

SEEDS = sorted((CORPORA / "seeds").glob("*.txt"))
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: base letter + combining tone where needed."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out += (base + tone).encode("cp1258")  # a seed character cp1258 cannot hold fails here
    return bytes(out)


def seed_text(path) -> str:
    return unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))


ENCODINGS = [
    # (name in the test, how to encode, encoding the decoder must report)
    ("utf-8", lambda t: t.encode("utf-8"), "utf-8"),
    ("utf-8 BOM", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "utf-8-sig"),
    ("utf-16 BOM", lambda t: t.encode("utf-16"), "utf-16-le"),
    ("utf-16-be BOM", lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "utf-16-be"),
    ("utf-16-le bare", lambda t: t.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be bare", lambda t: t.encode("utf-16-be"), "utf-16-be"),
    ("utf-32 BOM", lambda t: t.encode("utf-32"), "utf-32-le"),
    ("utf-32-be bare", lambda t: t.encode("utf-32-be"), "utf-32-be"),
    ("cp1258", encode_cp1258, "cp1258"),
]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
@pytest.mark.parametrize("name,encode,expected", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_every_encoding_gives_the_seed_text(seed, name, encode, expected):
    text = seed_text(seed)
    decoded, encoding = decode_text(encode(text), str(seed))
    assert encoding == expected
    assert decoded == text


def test_cp1258_bytes_really_use_combining_tones():
    # Guard the test itself: the cp1258 fixture must exercise the combining-mark path.
    data = encode_cp1258("Kế hoạch phòng, chống tệ nạn xã hội")
    assert b"\xec" in data and b"\xf2" in data  # combining acute, dot below
    assert decode_text(data, "x.txt") == ("Kế hoạch phòng, chống tệ nạn xã hội", "cp1258")


def test_one_stray_byte_in_utf8_costs_one_character():
    text = seed_text(SEEDS[1])
    cut = text.index("\n", 3000)
    data = text[:cut].encode() + b"\x93" + text[cut:].encode()  # a cp1252 quote pasted in
    decoded, encoding = decode_text(data, "x.txt")
    assert encoding == "utf-8"
    assert decoded == text[:cut] + "\ufffd" + text[cut:]


def test_utf8_cut_inside_a_character():
    text = seed_text(SEEDS[0]).rstrip() + " Việt"
    data = text.encode()[:-2]  # drop the final "t" and the last of the three bytes of "ệ"
    decoded, encoding = decode_text(data, "x.txt")
    assert encoding == "utf-8"
    assert decoded == text[:-2] + "\ufffd"


@pytest.mark.parametrize("legacy", ["tcvn3", "vni"])
def test_legacy_font_text_comes_back_as_cp1252_for_the_converter(legacy):
    # TCVN3/VNI text has no toned capitals in one font: use lowercase letters only.
    text = "".join(c for c in seed_text(SEEDS[1]).lower() if c.isascii() or c.isalpha())
    data = from_unicode(text, legacy).encode("cp1252")
    decoded, encoding = decode_text(data, "x.txt")
    assert encoding == "cp1252"
    assert detect_legacy(decoded) == legacy
    assert to_unicode(decoded, legacy) == text


@pytest.mark.parametrize("text,codec", [
    ("中华人民共和国国务院关于加强社会治安综合治理的决定。" * 40, "gb18030"),
    ("Правительство Российской Федерации постановляет. " * 40, "cp1251"),
])
def test_other_scripts_are_decoded_not_mangled(text, codec):
    assert decode_text(text.encode(codec), "x.txt") == (text, codec)


def test_western_latin_falls_back_to_cp1252():
    text = "Café, déjà vu — “naïve” résumé.\n" * 20
    assert decode_text(text.encode("cp1252"), "x.txt") == (text, "cp1252")


@pytest.mark.parametrize("data", [
    random.Random(7).randbytes(20_000),
    b"Plain text to start with.\n" * 50 + random.Random(8).randbytes(20_000),
    "Kế hoạch năm 2021.\n".encode() * 20_000 + random.Random(9).randbytes(20_000),  # past any sample
], ids=["random", "text-then-binary", "long-text-then-binary"])
def test_binary_is_refused_naming_the_file(data):
    with pytest.raises(errors.BadEncoding) as info:
        decode_text(data, "/data/plan.txt")
    message = str(info.value)
    assert message.startswith("/data/plan.txt: ") and "\n" not in message


def test_bom_that_lies_is_refused():
    data = b"\xff\xfe" + random.Random(9).randbytes(5_001)
    with pytest.raises(errors.BadEncoding) as info:
        decode_text(data, "lie.txt")
    assert "utf-16-le" in str(info.value)


def test_empty_and_ascii():
    assert decode_text(b"", "x.txt") == ("", "utf-8")
    assert decode_text(b"Ke hoach 27/KH-UBND\n", "x.txt") == ("Ke hoach 27/KH-UBND\n", "utf-8")


@pytest.mark.parametrize("word", ["nghiêng", "Ủy", "hoạch", "thuận", "quý", "người", "khuya", "đường"])
def test_vietnamese_syllables(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["Káº", "hoaïch", "ÖÐ", "phoøng", "tÖ", "Kêì"])
def test_mojibake_is_not_a_syllable(word):
    assert not is_syllable(word)


def test_score_tells_vietnamese_from_mojibake():
    text = seed_text(SEEDS[2])
    assert score(text).vietnamese
    assert not score(text.encode("utf-8").decode("cp1258", errors="replace")).vietnamese
