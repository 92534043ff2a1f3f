"""underthesea word segmentation as a spaCy tokenizer that keeps character offsets.

underthesea groups syllables into words ("Lao động", "phối hợp"); spaCy's Matcher, Span
extensions and displaCy then work on Vietnamese words. The Doc's text is the input text to the
character (whitespace that is not a single space becomes whitespace tokens, as spaCy's own
tokenizer does), so ``doc.char_span(start, end)`` works with Document offsets.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc
from spacy.vocab import Vocab

_LINE = re.compile(r"[^\n]+")


def segment(text: str) -> list[tuple[int, int]]:
    """Word spans (start, end) of a text, line by line (underthesea joins across newlines)."""
    from underthesea import word_tokenize

    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        base, pos, chunk = line.start(), 0, line.group()
        # use_token_normalize=False: normalised tokens would no longer match the source text
        for word in word_tokenize(chunk, use_token_normalize=False):
            found = chunk.find(word, pos)
            if found < 0 or chunk[pos:found].strip():
                # the word was re-spaced by the segmenter: fall back to its syllables
                for syl in word.split():
                    found = chunk.find(syl, pos)
                    if found < 0:
                        continue
                    spans.append((base + found, base + found + len(syl)))
                    pos = found + len(syl)
                continue
            spans.append((base + found, base + found + len(word)))
            pos = found + len(word)
    return spans


class VietnameseTokenizer:
    """A spaCy tokenizer: ``nlp.tokenizer = VietnameseTokenizer(nlp.vocab)``."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for start, end in segment(text):
            if start > pos:
                gap = text[pos:start]
                if gap == " " and words:
                    spaces[-1] = True
                else:
                    if words and gap.startswith(" "):
                        spaces[-1] = True
                        gap = gap[1:]
                    words.append(gap)
                    spaces.append(False)
            words.append(text[start:end])
            spaces.append(False)
            pos = end
        if pos < len(text):
            words.append(text[pos:])
            spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    # spaCy calls these when saving/loading a pipeline; the tokenizer has no state to save.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> VietnameseTokenizer:
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> VietnameseTokenizer:
        return self
