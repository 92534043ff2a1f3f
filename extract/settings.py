"""Limits and knobs for parsing. Defaults suit a 2-core machine; every one is a setting."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ParseSettings:
    max_bytes: int = 200 * 1024 * 1024  # a file larger than this is refused
    max_pages: int = 2000  # a PDF with more pages is refused
    max_unzipped_bytes: int = 300 * 1024 * 1024  # DOCX: total uncompressed size (zip bombs)
    max_zip_ratio: float = 200.0  # DOCX: a member compressed more than this is refused
    timeout_s: float = 600.0  # wall-clock limit for one file
    ocr: bool = True  # OCR pages without a usable text layer
    ocr_dpi: int = 300
    ocr_lang: str = "vie"  # "vie" or "Vietnamese" (the script model)
    ocr_psm: int = 3
    ocr_workers: int = max(1, os.cpu_count() or 1)  # one single-threaded tesseract per core
    ocr_page_timeout_s: float = 120.0


DEFAULT = ParseSettings()
