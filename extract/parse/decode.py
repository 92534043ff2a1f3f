"""Turn the bytes of a text or HTML copy into text: find the encoding, never guess silently.

Order of evidence, strongest first:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. UTF-16/UTF-32 without a mark, recognised by where the NUL bytes fall;
3. strict UTF-8 (almost never decodes text that is not UTF-8);
4. Windows-1258, the Vietnamese code page, accepted outright when it yields Vietnamese;
5. otherwise candidates from charset-normalizer, cp1252 and lossy UTF-8, scored by how much
   valid Vietnamese each yields.

Windows-1258 writes most toned vowels as a base letter plus a combining tone mark, so every
result is returned in NFC. Text written with a legacy Vietnamese font (TCVN3, VNI) is not
Vietnamese in any code page; it comes back as cp1252, the byte-to-character view that legacy
converters work from. ``BadEncoding`` is raised only when no candidate reads as text at all.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .. import errors

BOMS = (  # UTF-32 first: its LE mark starts with the UTF-16 LE mark
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
# A Vietnamese syllable once its tone mark is removed: onset, vowel nucleus, final consonant.
# Loose (it admits some non-words): its job is telling Vietnamese from mojibake.
_NUCLEI = (  # vowel groups of Vietnamese rhymes, glides included; longest first
    "iêu yêu oai oay oao oeo uây uôi uya uyê uyu ươi ươu "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "a ă â e ê i o ô ơ u ư y"
).split()
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"(?:" + "|".join(_NUCLEI) + r")"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_TOKEN = re.compile(r"[\w\u0300-\u036f]+")
_JUNK = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")  # control characters, U+FFFD
_SAMPLE_CHARS = 200_000  # score a prefix: enough to judge, cheap on a 100 MB file
_MAX_LOSS = 0.002  # lossy UTF-8 is acceptable with at most 1 bad character in 500


@dataclass(frozen=True)
class Score:
    """How Vietnamese a decoded text looks."""

    valid: int  # tokens with non-ASCII letters that are Vietnamese syllables
    invalid: int  # tokens with non-ASCII letters that are not
    junk: int  # control characters and U+FFFD
    chars: int

    @property
    def value(self) -> float:
        return self.valid - 2 * self.invalid - 5 * self.junk

    @property
    def vietnamese(self) -> bool:
        """Mostly valid syllables wherever non-ASCII letters occur, and clean."""
        seen = self.valid + self.invalid
        return self.valid > 0 and self.valid >= 0.9 * seen and self.printable

    @property
    def printable(self) -> bool:
        return self.junk <= max(1, self.chars * _MAX_LOSS)


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Decode a text/HTML file's bytes; return (NFC text, encoding name).

    Raise ``BadEncoding`` naming ``path`` when no encoding yields readable text.
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            return _with_mark(data, codec, path)
    wide = wide_codec(data)
    if wide:
        text = _strict(data[: len(data) - len(data) % _width(wide)], wide)
        if text is not None and score(text).printable:
            return _nfc(text), wide
    text = _strict(data, "utf-8")
    if text is not None:
        return _nfc(text), "utf-8"
    text = _strict(data, "cp1258")
    if text is not None and score(text).vietnamese:
        return _nfc(text), "cp1258"
    return _best_guess(data, path)


def score(text: str) -> Score:
    """Count valid and invalid Vietnamese syllables (in a prefix) and junk (everywhere)."""
    sample = unicodedata.normalize("NFC", text[:_SAMPLE_CHARS])
    valid = invalid = 0
    for token in _TOKEN.findall(sample):
        if token.isascii():
            continue  # neutral: English, numbers, codes
        if is_syllable(token):
            valid += 1
        else:
            invalid += 1
    return Score(valid, invalid, len(_JUNK.findall(text)), len(text))  # junk anywhere counts


def is_syllable(token: str) -> bool:
    """Is this one Vietnamese syllable (with at most one tone mark)?"""
    decomposed = unicodedata.normalize("NFD", token.lower())
    if sum(decomposed.count(t) for t in _TONES) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def _with_mark(data: bytes, codec: str, path: str) -> tuple[str, str]:
    body = data[len(_bom_of(codec)):]
    text = _strict(body, codec)
    if text is None:  # a truncated last character is common in cut files; little else is
        text = body.decode(codec, errors="replace")
        if not score(text).printable:
            raise errors.BadEncoding(path, f"byte-order mark says {codec} but the bytes are not {codec}")
    return _nfc(text), codec


def _bom_of(codec: str) -> bytes:
    return next(bom for bom, name in BOMS if name == codec)


def wide_codec(data: bytes) -> str | None:
    """UTF-16/32 without a BOM, told by where the NULs fall (Latin-script text has many)."""
    head = data[:4096]
    if len(head) < 8 or head.count(0) < len(head) // 5:
        return None
    quads = [head[i::4].count(0) / len(head[i::4]) for i in range(4)]
    # UTF-32: the top two bytes of every character are NUL (the third too for Latin-1).
    if quads[2] > 0.9 and quads[3] > 0.9 and quads[0] < 0.5:
        return "utf-32-le"
    if quads[0] > 0.9 and quads[1] > 0.9 and quads[3] < 0.5:
        return "utf-32-be"
    even, odd = head[0::2].count(0) / len(head[0::2]), head[1::2].count(0) / len(head[1::2])
    if odd > 0.2 and even < 0.02:
        return "utf-16-le"
    if even > 0.2 and odd < 0.02:
        return "utf-16-be"
    return None


def _width(codec: str) -> int:
    return 4 if "32" in codec else 2


def _best_guess(data: bytes, path: str) -> tuple[str, str]:
    """Score every plausible decoding; prefer Vietnamese, then text a legacy converter can read."""
    detected = _detected(data)
    candidates: dict[str, str] = {}
    for codec in ("cp1258", *detected, "cp1252"):
        text = _strict(data, codec)
        if text is not None:
            candidates.setdefault(codec, text)
    lossy = data.decode("utf-8", errors="replace")
    candidates["utf-8"] = lossy  # a stray byte in a UTF-8 file; junk counts against it
    scored = {codec: score(text) for codec, text in candidates.items()}
    readable = {codec: s for codec, s in scored.items() if s.printable}
    if not readable:
        raise errors.BadEncoding(path, "binary data, or text in no known encoding")
    best = max(readable, key=lambda codec: readable[codec].value)
    if not readable[best].vietnamese:
        # Not Vietnamese in any code page. Another script (Chinese, Cyrillic): trust the
        # detector. Latin-looking mojibake: most likely a legacy font (TCVN3/VNI), which
        # converters read through cp1252.
        top = detected[0] if detected else None
        if top in readable and _latin_share(candidates[top]) < 0.5:
            best = top
        elif "cp1252" in readable:
            best = "cp1252"
    return _nfc(candidates[best]), best


def _latin_share(text: str) -> float:
    letters = [c for c in text[:_SAMPLE_CHARS] if c.isalpha()]
    if not letters:
        return 1.0
    return sum(1 for c in letters if c.isascii() or "LATIN" in unicodedata.name(c, "")) / len(letters)


def _detected(data: bytes) -> list[str]:
    """Encodings charset-normalizer finds plausible, best first."""
    from charset_normalizer import from_bytes  # late: only text that is not UTF-8 gets here

    return [match.encoding for match in from_bytes(data)][:5]


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
