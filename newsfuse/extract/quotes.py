"""Quote spans: direct quotes in any quotation-mark style, and reported speech.

Quote marks are classified by what surrounds them, not only by glyph, because translated
text often turns marks around (``“Either ... say,” Oh my God, ... “and add``): a mark after a
space and before a word opens, a mark after a word and before a space or punctuation closes.
A single left-to-right pass pairs them (linear in the text, bounded quote length), so
unbalanced marks over a whole text cost nothing and produce no runaway quotes. A quote left
open at a paragraph end continues only when the next paragraph opens with a quote mark
(the newspaper convention for multi-paragraph quotes); otherwise it is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_OPEN = "\u201c\u201e\u00ab\u201f"
DOUBLE_CLOSE = "\u201d\u00bb"
SINGLE_OPEN = "\u2018\u2039"
SINGLE_CLOSE = "\u2019\u203a"
_DOUBLE_MARKS = re.compile('["\u201c\u201d\u201e\u201f\u00ab\u00bb]')
_SINGLE_MARKS = re.compile("['\u2018\u2019\u2039\u203a]")
_OPEN_BEFORE = set(" \t\n\u00a0([{\u2014\u2013-/:;,") | set(DOUBLE_OPEN) | set(SINGLE_OPEN)
MAX_QUOTE_CHARS = 4000


@dataclass
class RawQuote:
    open: int  # index of the opening mark
    close: int  # index of the closing mark
    start: int  # first character inside
    end: int  # one past the last character inside (trailing comma/space trimmed)


def _role(text: str, i: int) -> str:
    """'open', 'close' or 'either' for the quote mark at ``text[i]`` from its neighbours."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    opens = prev in _OPEN_BEFORE and not nxt.isspace()
    closes = not prev.isspace() and (nxt.isspace() or not nxt.isalnum())
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def _trim_inner(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def _pair(text: str, marks: list[int], single: bool) -> list[RawQuote]:
    quotes: list[RawQuote] = []
    open_at = -1
    for i in marks:
        glyph = text[i]
        role = _role(text, i)
        if single:
            # apostrophes: a mark between letters (don't, Ukraine's) or after s (soldiers')
            prev = text[i - 1] if i > 0 else " "
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if prev.isalnum() and nxt.isalnum():
                continue
            if open_at == -1 and role != "open":
                continue
        if role == "either":
            if open_at != -1:
                role = "close"
            elif glyph in DOUBLE_CLOSE or glyph in SINGLE_CLOSE:
                continue
            else:
                role = "open"
        if role == "open":
            if open_at != -1 and "\n" in text[open_at:i]:
                # a quote left open at a paragraph end continues only if this paragraph
                # starts with the opening mark (multi-paragraph convention)
                line_start = text.rfind("\n", open_at, i) + 1
                if text[line_start:i].strip() == "":
                    continue
            open_at = i
            continue
        # role == "close"
        if open_at == -1:
            continue
        if i - open_at > MAX_QUOTE_CHARS:
            open_at = -1
            continue
        inner = text[open_at + 1 : i]
        if "\n" in inner:
            # spans paragraphs: each paragraph after the first must open with a quote mark
            ok = all(
                p.lstrip()[:1] in DOUBLE_OPEN + SINGLE_OPEN + "\"'"
                for p in inner.split("\n")[1:]
                if p.strip()
            )
            if not ok:
                open_at = -1
                continue
        start, end = _trim_inner(text, open_at + 1, i)
        if end > start and any(c.isalnum() for c in text[start:end]):
            if not single or len(text[start:end].split()) >= 2:
                quotes.append(RawQuote(open_at, i, start, end))
        open_at = -1
    return quotes


def find_direct_quotes(text: str) -> list[RawQuote]:
    """Direct quotes (double marks; single marks outside them), in text order."""
    doubles = _pair(text, [m.start() for m in _DOUBLE_MARKS.finditer(text)], single=False)
    inside = [(q.open, q.close) for q in doubles]
    singles: list[int] = []
    j = 0
    for m in _SINGLE_MARKS.finditer(text):
        pos = m.start()
        while j < len(inside) and inside[j][1] < pos:
            j += 1
        if j < len(inside) and inside[j][0] <= pos <= inside[j][1]:
            continue
        singles.append(pos)
    quotes = doubles + _pair(text, singles, single=True)
    quotes.sort(key=lambda q: q.open)
    return quotes


def is_partial(text: str, quote: RawQuote) -> bool:
    """A quote grammatically embedded in the sentence (``is an “illusionary goal”``)."""
    j = quote.open - 1
    while j >= 0 and text[j] in " \t\u00a0":
        j -= 1
    if j < 0 or text[j] == "\n":
        return False
    return text[j].isalnum()
