"""Decide a file's format from its bytes; the extension is only a tie-breaker for text."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from .. import errors

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
)


def sniff_format(data: bytes, path: str | Path) -> str:
    """Return "pdf", "docx", "html", "image" or "text"; raise UnsupportedFormat otherwise."""
    path = str(path)
    head = data[:1024]
    if head.lstrip(b"\x00\t\r\n \xef\xbb\xbf")[:5] == b"%PDF-" or b"%PDF-" in head:
        return "pdf"
    for magic, fmt in _IMAGE_MAGIC:
        if head.startswith(magic):
            return fmt
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as exc:
            raise errors.CorruptFile(path, f"broken zip container: {exc}") from None
        if "word/document.xml" in names:
            return "docx"
        raise errors.UnsupportedFormat(path, "a zip archive that is not a DOCX document")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise errors.UnsupportedFormat(path, "legacy binary .doc/.xls (OLE2); save it as DOCX")
    if path.lower().endswith(".docx"):
        raise errors.CorruptFile(path, "a .docx that is not a zip container")
    if path.lower().endswith(".pdf"):
        raise errors.CorruptFile(path, "a .pdf without a PDF signature")
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered or b"<body" in lowered or b"<table" in lowered:
        return "html"
    if _looks_binary(head) and not _looks_utf16(head):
        raise errors.UnsupportedFormat(path, "binary data of an unknown kind")
    if path.lower().endswith((".html", ".htm")):
        return "html"
    return "text"


def _looks_utf16(head: bytes) -> bool:
    return head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) > 8 and head[1::2].count(0) > len(head) // 4)


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control / len(head) > 0.05
