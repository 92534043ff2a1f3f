"""One entry point for every format: ``parse(path) -> Document``.

The format is decided from the bytes, not the extension (a ``.pdf`` that is really a DOCX is
read as DOCX). Each reader returns a ``RawDocument``; ``extract.layout`` and
``extract.outline`` turn it into the ``Document`` contract.
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

from .. import errors
from ..document import Document, Source
from ..settings import DEFAULT, ParseSettings
from .guard import run_with_time_limit
from .sniff import sniff_format


def parse(path: str | Path, settings: ParseSettings = DEFAULT) -> Document:
    """Read any supported file into a Document, or raise a ``ParseError`` naming file and reason."""
    from ..layout import assemble  # late: layout imports outline, which is heavier

    path = Path(path)
    started = time.perf_counter()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise errors.ParseError(str(path), exc.strerror or str(exc)) from None
    if size == 0:
        raise errors.EmptyFile(str(path))
    if size > settings.max_bytes:
        raise errors.TooLarge(str(path), f"{size} bytes > {settings.max_bytes}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise errors.ParseError(str(path), exc.strerror or str(exc)) from None
    fmt = sniff_format(data, path, settings)
    reader = _reader(fmt)  # imported before the clock starts: a first import is not the file's fault

    def read() -> Document:
        raw = reader(data, str(path), settings)
        source = Source(
            path=str(path),
            name=path.name,
            sha256=hashlib.sha256(data).hexdigest(),
            format=raw.format,
            size=size,
            page_count=raw.page_count,
            ocr_pages=list(raw.ocr_pages),
            encoding=raw.encoding,
            legacy_encoding=raw.legacy_encoding,
        )
        return assemble(raw, source)

    doc = run_with_time_limit(read, str(path), settings.timeout_s)
    doc.seconds = round(time.perf_counter() - started, 4)
    return doc


def _reader(fmt: str):
    if fmt == "pdf":
        from .pdf import read_pdf as reader
    elif fmt == "docx":
        from .docx import read_docx as reader
    elif fmt == "html":
        from .html import read_html as reader
    elif fmt == "image":
        from .ocr import read_image as reader
    else:
        from .text import read_text as reader
    return reader


__all__ = ["parse", "sniff_format"]
