"""Flag sentences that cannot be mended safely, so later stages prefer other sentences.

Kind ``garbled``: a flag, never an edit (``replacement == original``, low confidence). Two
signs, both on the repaired text:

- repetitive garbage: a two- or three-word phrase holding a content word comes back three
  times or more within a short stretch of one sentence (``in the Russia region in the Russia
  kept in the Russia``) — the residue of a loop that is not a clean repetition;
- scrambled quotation marks: within a paragraph, a curly opening mark while a quotation is
  already open, or a closing mark while none is (``say,” Oh my God … Americans, “and add``).

Multi-paragraph quotations (an opening mark left open at a paragraph end) are normal and not
flagged.
"""

from __future__ import annotations

import re
from collections import defaultdict

_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’]?\s+(?=[“\"‘(]?[A-Z0-9])|\n+")
_WORD_OR_PUNCT = re.compile(r"([^\W_]+(?:['’\-][^\W_]+)*)|[,;:()\[\]—–]|\s-\s")
STOPWORDS = frozenset(
    "a an the of in on at to for from by with and or but if as is are was were be been being "
    "it its this that these those he she they we you i his her their our your my me him them us "
    "not no so than then there here which who whom whose what when where why how do does did "
    "has have had will would can could should may might must shall into onto about over under "
    "after before between through during up down out off again more most very also just".split()
)
_WINDOW = 24
_MIN_REPEATS = 3


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Rough sentence spans (enough to bound a flag); whitespace around them excluded."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    out = []
    for s, e in spans:
        seg = text[s:e]
        ls = len(seg) - len(seg.lstrip())
        rs = len(seg.rstrip())
        if rs > ls:
            out.append((s + ls, s + rs))
    return out


def repetitive_spans(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    flagged = []
    for s, e in sentences:
        if e - s > 5000:
            continue
        parts = _WORD_OR_PUNCT.findall(text, s, e)  # "" for a punctuation mark
        words = [p.lower() for p in parts if p]
        if len(words) < 6 or not _has_thrice_repeated_content_word(words):
            continue
        clauses: list[int] = []
        clause = 0
        for p in parts:
            if p:
                clauses.append(clause)
            else:
                clause += 1
        if _repetitive(words, clauses):
            flagged.append((s, e))
    return flagged


def _has_thrice_repeated_content_word(words: list[str]) -> bool:
    """Cheap gate: a repeated content n-gram needs a content word seen three times."""
    seen: dict[str, int] = {}
    for w in words:
        if w in STOPWORDS:
            continue
        c = seen.get(w, 0) + 1
        if c >= _MIN_REPEATS:
            return True
        seen[w] = c
    return False


def _repetitive(words: list[str], clauses: list[int]) -> bool:
    """A content n-gram three times close together within one clause (no comma between):
    rhetoric (``given the struggle of A, given the struggle of B``) puts punctuation between
    its repeats, a decoder loop does not."""
    for n in (2, 3):
        positions: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for x in range(len(words) - n + 1):
            if clauses[x] != clauses[x + n - 1]:
                continue
            gram = tuple(words[x : x + n])
            if all(w in STOPWORDS for w in gram):
                continue
            pos = positions[gram]
            pos.append(x)
            if len(pos) >= _MIN_REPEATS:
                first = pos[-_MIN_REPEATS]
                if x - first <= _WINDOW and clauses[first] == clauses[x]:
                    return True
    return False


def scrambled_quote_spans(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences holding a curly quote mark that contradicts the marks before it.

    A straight ``"`` toggles the state (outlets mix the two styles); a closing mark that ends
    a quotation opened in an earlier paragraph (news style for long quotes) is fine."""
    bad_marks: list[int] = []
    open_ = False
    carried = False  # the previous paragraph ended inside a quotation
    first_in_para = True
    for m in re.finditer(r"[“”\"\n]", text):
        ch = m.group()
        if ch == "\n":
            carried = open_ or (carried and first_in_para)
            open_ = False
            first_in_para = True
            continue
        if ch == '"':
            open_ = not open_
        elif ch == "“":
            if open_:
                bad_marks.append(m.start())
                open_ = False  # read the stray mark as a closing one and go on
            else:
                open_ = True
        else:
            if not open_ and not (first_in_para and carried):
                bad_marks.append(m.start())
            open_ = False
        first_in_para = False
    if not bad_marks:
        return []
    flagged = []
    j = 0
    for s, e in sentences:
        while j < len(bad_marks) and bad_marks[j] < s:
            j += 1
        if j < len(bad_marks) and bad_marks[j] < e:
            flagged.append((s, e))
    return flagged


def garbled_spans(text: str) -> list[tuple[int, int, float]]:
    """(start, end, confidence) of sentences of ``text`` to flag; sorted, non-overlapping."""
    sentences = sentence_spans(text)
    found: dict[tuple[int, int], float] = {}
    for span in repetitive_spans(text, sentences):
        found[span] = 0.2
    for span in scrambled_quote_spans(text, sentences):
        found.setdefault(span, 0.3)
    return sorted((s, e, c) for (s, e), c in found.items())
