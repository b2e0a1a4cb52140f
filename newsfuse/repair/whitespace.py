"""Stray whitespace: runs of spaces, trailing spaces, piles of blank lines, ragged ends.

Kind ``whitespace``. Paragraph breaks (one blank line) and single line breaks are kept:
later stages and the ingest title rule read them. Tabs inside a line count as spaces.
"""

from __future__ import annotations

import re

from newsfuse.repair.spans import Edit

_INNER_RUN = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)|(?<=\S)\t(?=\S)")
# (?<![ \t]) anchors each try at the start of a run: no quadratic rescans of long runs
_LINE_EDGE = re.compile(r"(?<![ \t])[ \t]+(?=\n)|(?<=\n)[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def whitespace_edits(text: str) -> list[Edit]:
    """Edits that normalise whitespace without touching a single non-space character."""
    edits: list[Edit] = []
    tabs = "\t" in text
    if tabs or "  " in text:  # cheap C-level checks first: most texts need nothing here
        edits += [Edit(m.start(), m.end(), " ", "whitespace", 1.0) for m in _INNER_RUN.finditer(text)]
    if tabs or " \n" in text or "\n " in text:
        edits += [Edit(m.start(), m.end(), "", "whitespace", 1.0) for m in _LINE_EDGE.finditer(text)]
    if "\n\n\n" in text:
        edits += [Edit(m.start(), m.end(), "\n\n", "whitespace", 1.0)
                  for m in _BLANK_LINES.finditer(text)]
    lead = len(text) - len(text.lstrip())
    if lead:
        edits.append(Edit(0, lead, "", "whitespace", 1.0))
    trail = len(text) - len(text.rstrip())
    if trail and trail < len(text):
        edits.append(Edit(len(text) - trail, len(text), "", "whitespace", 1.0))
    return _disjoint(edits)


def _disjoint(edits: list[Edit]) -> list[Edit]:
    """Keep the first of any overlapping edits (the patterns above can meet at line ends)."""
    out: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, -e.end)):
        if out and e.start < out[-1].end:
            if e.end > out[-1].end:  # widen: both are pure whitespace removals/normalisations
                prev = out.pop()
                out.append(Edit(prev.start, e.end, _join(prev, e), "whitespace", 1.0))
            continue
        out.append(e)
    return out


def _join(a: Edit, b: Edit) -> str:
    """Replacement for two overlapping whitespace edits: keep newlines, drop spaces."""
    return "\n\n" if "\n\n" in (a.replacement + b.replacement) else (a.replacement or b.replacement)
