"""Glued sentences: ``in December.Then`` -> ``in December. Then``.

Kind ``glued_sentence``. A sentence end (``. ? !``, optionally with a closing quote) stuck to
a capitalised word is split with one space. Left alone: abbreviations and initials
(``U.S.``, ``Ph.D.``, ``e.g.``: a single letter before the dot), decimals and versions
(``3.5``, a digit after the dot), domain names, file names and code (``Amazon.com``,
``index.Html`` inside a URL, ``System.Out`` in a run of text with no spaces), brand names with
``!`` (``Yahoo!News``) and camel-case names (``McDonald``: no sentence mark).
"""

from __future__ import annotations

import re

from newsfuse.repair.spans import Edit

# two letters (or a digit + letter/digit, or a closing bracket) before the mark, then a
# capitalised word of two or more letters
_GLUED = re.compile(r"(?<=[a-z][a-z]|[0-9][0-9a-z]|[a-z]\)|[a-z]%)([.?!][”\"’]?)(?=[“\"‘]?[A-Z][a-z])")
_URLISH = re.compile(r"(?:://|www\.|@|/|\\|\.(?:com|org|net|gov|edu|io|co|uk|de|fr|html?|php|aspx?)\b)",
                     re.I)
_BRANDS = ("yahoo", "jeopardy", "wham", "hello")
_MAX_WORD = 200  # a "word" longer than this is not prose; do not look further


def glued_edits(text: str) -> list[Edit]:
    edits = []
    for m in _GLUED.finditer(text):
        mark_start, mark_end = m.start(1), m.end(1)
        left = text.rfind(" ", max(0, mark_start - _MAX_WORD), mark_start)
        left_nl = text.rfind("\n", max(0, mark_start - _MAX_WORD), mark_start)
        left = max(left, left_nl)
        if left < 0 and mark_start > _MAX_WORD:
            continue
        right_space = re.compile(r"\s").search(text, mark_end, mark_end + _MAX_WORD)
        if right_space is None and len(text) - mark_end > _MAX_WORD:
            continue
        right = right_space.start() if right_space else len(text)
        chunk = text[left + 1 : right]
        if _URLISH.search(chunk):
            continue
        word_before = text[left + 1 : mark_start]
        if m.group(1)[0] == "!" and word_before.lower().rstrip("!").endswith(_BRANDS):
            continue
        # several dots inside the word (``e.g.The``, ``a.b.c.D``) mean an abbreviation chain
        if word_before.count(".") >= 1:
            continue
        edits.append(Edit(mark_end, mark_end, " ", "glued_sentence", 0.9))
    return edits
