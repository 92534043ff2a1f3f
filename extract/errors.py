"""Typed errors for input that cannot be read. Each names the file and the reason in one line."""
from __future__ import annotations


class ParseError(Exception):
    """A file could not be turned into a Document."""

    reason = "unreadable"

    def __init__(self, path: str, detail: str = "") -> None:
        self.path = str(path)
        # One line, always: library messages (pdfium, zipfile) sometimes carry newlines.
        self.detail = " ".join(str(detail).split())
        detail = self.detail
        super().__init__(f"{self.path}: {self.reason}" + (f" ({detail})" if detail else ""))

    def __reduce__(self):
        # Survive pickling across a process pool with path and detail intact.
        return (self.__class__, (self.path, self.detail))


class EmptyFile(ParseError):
    reason = "empty file"


class UnsupportedFormat(ParseError):
    reason = "unsupported format"


class CorruptFile(ParseError):
    reason = "corrupt or truncated file"


class EncryptedFile(ParseError):
    reason = "encrypted (password-protected) file"


class TooLarge(ParseError):
    reason = "over the size limit"


class TimedOut(ParseError):
    reason = "parsing took longer than the time limit"


class NoText(ParseError):
    reason = "no readable text"


class BadEncoding(ParseError):
    reason = "text encoding could not be determined"
