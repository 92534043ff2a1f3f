"""Topics of a plan (Metadata.topics), from the lexicon in models/topics/topics.yaml.

A topic is a subject of the plan when the title names it, or when the body keeps coming back to
it (enough sentences, and a fair share of the main topic's); not when it only appears in an
integration clause ("lồng ghép ... phòng, chống mua bán người"), a slogan ("không có tệ nạn ma
túy, mại dâm") or an agency's name ("Chi cục Phòng, chống tệ nạn xã hội").
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..document import Document
from ..normalize import fold
from ..paths import MODELS
from .folding import fold_chars

_SENTENCE = re.compile(r"[^\n.;!?]+")


@lru_cache(maxsize=1)
def _lex() -> dict:
    import yaml

    return yaml.safe_load(Path(MODELS, "topics", "topics.yaml").read_text(encoding="utf-8"))


def _rx(terms: list[str]) -> re.Pattern[str]:
    alt = "|".join(r"\s+".join(re.escape(w) for w in fold(t).split()) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alt})(?![a-z0-9])")


@lru_cache(maxsize=1)
def _topic_rx() -> dict[str, re.Pattern[str]]:
    return {name: _rx(terms) for name, terms in _lex()["topics"].items()}


@lru_cache(maxsize=1)
def _noise_rx() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return _rx(_lex()["passing"]), _rx(_lex()["not_topics"])


def topic_counts(text: str) -> dict[str, int]:
    """How many sentences of a text mention each topic (passing mentions left out)."""
    passing, agencies = _noise_rx()
    counts: dict[str, int] = {}
    for sentence in _SENTENCE.finditer(fold_chars(text)):
        f = sentence.group(0)
        if passing.search(f):
            continue
        f = agencies.sub(" ", f)
        for name, rx in _topic_rx().items():
            if rx.search(f):
                counts[name] = counts.get(name, 0) + 1
    return counts


def classify_topics(document: Document, title: str | None) -> list[str]:
    """The topics of a document, in lexicon order."""
    lex = _lex()
    title_f = _noise_rx()[1].sub(" ", fold(title or ""))
    counts = topic_counts(document.text)
    top = max(counts.values(), default=0)
    found = {name for name, rx in _topic_rx().items() if rx.search(title_f)}
    found |= {name for name, n in counts.items() if n >= lex["min_mentions"] and n >= lex["min_share"] * top}
    return [name for name in lex.get("report", lex["topics"]) if name in found]
