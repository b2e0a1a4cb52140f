"""Broken quote marks: split contractions, mis-spaced and mis-turned curly quotes.

Kind ``quote``. Each rule mends one local, unambiguous shape:

- a contraction whose apostrophe machine translation turned into a sentence end and a quote
  (``we. ” Re ready`` -> ``we’re ready``); only for the real English contraction pairs
  (``we/you/they + re``, ``do/does/did/… + n + t``, …), never a free-standing ``Re``;
- a closing curly quote pushed off its sentence (``do so. ”`` -> ``do so.”``);
- an opening curly quote with a space after it (``“ We`` -> ``“We``);
- an OPENING mark used as the closing one at the end of a paragraph
  (``with the Americans. “`` -> ``with the Americans.”``);
- straight quotes spaced on the wrong side, as tokenised corpora (ECB+) and some MT output
  give them (``injuries, " Ema said`` -> ``injuries," Ema said``; ``damaged, "said Bensu``
  -> ``damaged," said Bensu``; ``adding,"Many`` -> ``adding, "Many``). A straight mark cannot
  say whether it opens or closes, so only paragraphs with an even number of them are mended,
  the odd ones (1st, 3rd, ...) opening and the even ones closing.

Quote marks whose nesting is scrambled beyond these shapes are not guessed at: the garbled
pass flags the sentence instead. An opening mark with no closing one at the end of a paragraph
is normal in news (a quote continuing in the next paragraph) and is left alone.
"""

from __future__ import annotations

import re

from newsfuse.repair.spans import Edit

_BASES = {
    "re": {"we", "you", "they", "who", "what", "there", "here", "where", "how", "why"},
    "ve": {"i", "we", "you", "they", "who", "would", "could", "should", "might", "must", "what"},
    "ll": {"i", "we", "you", "they", "he", "she", "it", "that", "there", "who", "what"},
    "m": {"i"},
    "s": {"it", "that", "he", "she", "what", "there", "here", "who", "let", "where", "how"},
    "d": {"i", "we", "you", "they", "he", "she", "it", "who", "that"},
    "t": {"don", "doesn", "didn", "can", "won", "isn", "aren", "wasn", "weren", "hasn", "haven",
          "hadn", "couldn", "wouldn", "shouldn", "mustn", "needn", "ain"},
}
# found from the dot (cheap to scan), the base word is then read right before it
_SPLIT_CONTRACTION = re.compile(
    r"\.[ \t]?[”\"’'][ \t]?(re|ve|ll|m|s|d|t|Re|Ve|Ll|M|S|D|T|RE|VE|LL)\b(?=[ \t,.;:!?])"
)
_BASE_BEFORE = re.compile(r"(?<![A-Za-z])[A-Za-z]{1,8}[ \t]?$")
# each pattern starts at the quote mark itself (a rare literal: fast to scan for); what must
# come before it is checked in Python
_CLOSE_PUSHED = re.compile(r"”(?=$|[\s,.;:)’‘])")
_OPEN_SPACED = re.compile(r"“[ \t]+(?=[^\W_])")
_OPEN_AT_END = re.compile(r"“[ \t]*(?=\n|$)")
_WORD_PUNCT_SPACES = re.compile(r"[^\W_][.,!?]([ \t]*)$")


def quote_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    apostrophe = "’" if text.count("’") >= text.count("'") else "'"
    for m in _SPLIT_CONTRACTION.finditer(text):
        b = _BASE_BEFORE.search(text, max(0, m.start() - 9), m.start())
        if b is None:
            continue
        base, suffix = b.group().rstrip(), m.group(1).lower()
        if base.lower() not in _BASES[suffix]:
            continue
        edits.append(Edit(b.start(), m.end(), base + apostrophe + suffix, "quote", 0.8))
    for m in _CLOSE_PUSHED.finditer(text):
        before = _WORD_PUNCT_SPACES.search(text, max(0, m.start() - 40), m.start())
        if before is None or not before.group(1):
            continue  # not "word. ”" with a space before the mark
        start = before.start(1)
        if _is_open_quote_context(text, start):
            edits.append(Edit(start, m.end(), "”", "quote", 0.85))
    for m in _OPEN_SPACED.finditer(text):
        prev = text[m.start() - 1 : m.start()]
        if prev and not (prev.isspace() or prev in "([—–"):
            continue
        if _is_open_quote_context(text, m.start()):
            continue  # a mis-turned closing mark, not an opening one: leave it
        edits.append(Edit(m.start(), m.end(), "“", "quote", 0.85))
    for m in _OPEN_AT_END.finditer(text):
        before = _WORD_PUNCT_SPACES.search(text, max(0, m.start() - 40), m.start())
        if before is None:
            continue
        start = before.start(1)
        if _is_open_quote_context(text, start):
            edits.append(Edit(start, m.end(), "”", "quote", 0.8))
    edits.extend(_straight_quote_edits(text))
    return _disjoint(edits)


_PARAGRAPH = re.compile(r"[^\n]+")


def _straight_quote_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for para in _PARAGRAPH.finditer(text):
        marks = [m.start() for m in re.finditer('"', para.group())]
        if not marks or len(marks) % 2:
            continue
        base = para.start()
        if not _parity_holds(text, base, [base + at for at in marks]):
            continue
        for n, at in enumerate(marks):
            q = base + at
            before, after = text[q - 1 : q] if q > base else "", text[q + 1 : q + 2]
            if n % 2 == 0:  # opening: a space before it, none after
                if after in " \t" and q + 2 < para.end() and text[q + 2].isalnum():
                    edits.append(Edit(q, q + 2, '"', "quote", 0.8))
                elif before and (before.isalpha() or before in ",;:"):
                    edits.append(Edit(q, q + 1, ' "', "quote", 0.8))
                continue
            # closing: no space before it (after a word or its punctuation), one after it
            # when a word follows
            spaces = len(text[base:q]) - len(text[base:q].rstrip(" \t"))
            pushed = spaces and q - spaces > base and (text[q - spaces - 1].isalnum() or text[q - spaces - 1] in ".,!?")
            start = q - spaces if pushed else q
            if start < q or after.isalpha():
                edits.append(Edit(start, q + 1, '" ' if after.isalpha() else '"', "quote", 0.8))
    return edits


def _closes_by_shape(text: str, q: int) -> bool:
    """``word," `` or ``word". ``: a mark only a closing one can be."""
    before, after = text[q - 1 : q], text[q + 1 : q + 2]
    return bool(before) and (before.isalnum() or before in ".,!?") and (not after or after in " \t\n.,;:!?)")


def _parity_holds(text: str, start: int, marks: list[int]) -> bool:
    """Whether counting marks (odd ones open) can be trusted in this paragraph: it starts a
    quotation with its first mark (not one carried over from the paragraph before, which
    shifts every role), and no mark in an opening place has a closing mark's shape."""
    first = marks[0]
    if first > start and not (text[first - 1].isspace() or text[first - 1] in "([—–:"):
        return False
    if first + 1 < len(text) and not (text[first + 1].isalnum() or text[first + 1] in " \t"):
        return False
    return not any(_closes_by_shape(text, q) for q in marks[0::2])


def _is_open_quote_context(text: str, pos: int) -> bool:
    """Whether a quotation is open at ``pos`` within its paragraph (so a mark there closes it)."""
    para_start = text.rfind("\n", max(0, pos - 3000), pos) + 1
    segment = text[para_start:pos]
    return segment.count("“") > segment.count("”") or segment.count('"') % 2 == 1


def _disjoint(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, -e.end)):
        if out and e.start < out[-1].end:
            continue
        out.append(e)
    return out
