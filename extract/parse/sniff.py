"""Decide a file's format from its bytes; the extension only names what the file claims to be.

A ``.pdf`` that is really a DOCX is read as DOCX. A ``.pdf``, ``.docx`` or image file that
holds text, HTML or unknown bytes is refused as corrupt: that is nearly always a failed
download (an error page saved under the document's name), not a document. Zip containers are checked against the unpacking limits
here, from the sizes in the zip directory: ``zipfile`` never inflates a member past its
declared size, so a bomb is caught before any reader touches it.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from .. import errors
from ..settings import DEFAULT, ParseSettings

_MAGIC = (  # anchored at byte 0
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")  # an OLE2 stream name
_REFUSED = (  # formats people send that no reader here handles, with what to do instead
    (_OLE2, "legacy binary .doc/.xls (OLE2); save it as DOCX"),
    (b"{\\rtf", "RTF; save it as DOCX"),
    (b"Rar!", "a RAR archive; unpack it first"),
    (b"7z\xbc\xaf", "a 7-Zip archive; unpack it first"),
    (b"\x1f\x8b", "a gzip archive; unpack it first"),
    (b"\x7fELF", "an executable"),
)
_CLAIMS = {".pdf": "PDF", ".docx": "DOCX", ".png": "PNG image", ".jpg": "JPEG image",
           ".jpeg": "JPEG image", ".tif": "TIFF image", ".tiff": "TIFF image"}
_WORD_MAIN = b"wordprocessingml.document.main+xml"
_BIG_MEMBER = 1024 * 1024  # the compression-ratio test applies to members inflating past this


def sniff_format(data: bytes, path: str | Path, settings: ParseSettings = DEFAULT) -> str:
    """Return "pdf", "docx", "html", "image" or "text"; raise a ``ParseError`` otherwise."""
    path = str(path)
    head = data[:1024]
    claimed = Path(path).suffix.lower()
    for magic, fmt in _MAGIC:
        if head.startswith(magic):
            return _zip_format(data, path, settings) if fmt == "zip" else fmt
    if head.startswith(_OLE2) and _ENCRYPTED_OOXML in data:
        # Office saves a password-protected DOCX inside an OLE2 container, not as a zip.
        raise errors.EncryptedFile(path, "password-protected Office document")
    for magic, what in _REFUSED:
        if head.startswith(magic):
            raise errors.UnsupportedFormat(path, what)
    if b"%PDF-" in head:  # the PDF signature may follow some junk within the first 1 KB
        return "pdf"
    text_head = _text_head(head)
    if text_head is None:
        fmt, what = None, "binary data of an unknown kind"
    elif _is_html(text_head) or claimed in (".html", ".htm"):
        fmt, what = "html", "an HTML page (a failed download?)"
    else:
        fmt, what = "text", "plain text"
    if claimed in _CLAIMS:  # the bytes are not what the name promises
        raise errors.CorruptFile(path, f"not a {_CLAIMS[claimed]}: the file is {what}")
    if fmt is None:
        raise errors.UnsupportedFormat(path, what)
    return fmt


def _zip_format(data: bytes, path: str, settings: ParseSettings) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise errors.CorruptFile(path, f"broken zip container: {exc}") from None
    names = {m.filename for m in members}
    if "word/document.xml" not in names and not _declares_word(archive, names):
        if "content.xml" in names and "mimetype" in names:
            raise errors.UnsupportedFormat(path, "an OpenDocument file (ODT/ODS); save it as DOCX")
        if any(n.startswith("xl/") for n in names):
            raise errors.UnsupportedFormat(path, "an Excel workbook (XLSX)")
        raise errors.UnsupportedFormat(path, "a zip archive that is not a DOCX document")
    _check_zip_limits(members, path, settings)
    return "docx"


def _declares_word(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """A DOCX whose main part is not word/document.xml still declares it in [Content_Types]."""
    if "[Content_Types].xml" not in names:
        return False
    info = archive.getinfo("[Content_Types].xml")
    if info.file_size > _BIG_MEMBER:
        return False
    try:
        return _WORD_MAIN in archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return False


def _check_zip_limits(members: list[zipfile.ZipInfo], path: str, settings: ParseSettings) -> None:
    total = sum(m.file_size for m in members)
    if total > settings.max_unzipped_bytes:
        raise errors.TooLarge(path, f"unpacks to {total:,} bytes > {settings.max_unzipped_bytes:,} (zip bomb?)")
    for m in members:
        if m.file_size > _BIG_MEMBER and m.file_size > settings.max_zip_ratio * max(m.compress_size, 1):
            ratio = m.file_size / max(m.compress_size, 1)
            raise errors.TooLarge(path, f"{m.filename} is compressed {ratio:,.0f}:1 > {settings.max_zip_ratio:,.0f}:1 (zip bomb?)")


def _text_head(head: bytes) -> str | None:
    """The start of the file as text for sniffing, or None when it is not text."""
    from .decode import BOMS, wide_codec

    for bom, codec in BOMS:
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="ignore")
    wide = wide_codec(head)
    if wide:
        return head.decode(wide, errors="ignore")
    if not head:
        return ""
    control = sum(1 for b in head if b < 9 or 13 < b < 32 or b == 127)
    if control / len(head) > 0.05:
        return None
    return head.decode("latin-1")


def _is_html(text: str) -> bool:
    lowered = text.lower()
    return any(tag in lowered for tag in ("<html", "<!doctype html", "<body", "<table", "<head"))
