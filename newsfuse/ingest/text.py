"""Plain-text articles: the first line is the title only when it looks like one.

A first line is a title when it is short (at most 200 characters and 30 words), has letters,
does not end like a sentence or a lead-in (``.``, ``,``, ``;``, ``:``, except an abbreviation
such as ``U.S.``), and either a blank line follows it or it is clearly a headline (at most 15
words, mostly capitalised, followed by a longer paragraph). A first line that is the opening
sentence of the body (``003_…txt`` in the seeds) stays in the body and the title is empty.
"""

from __future__ import annotations

import re

_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]\.){2,}$")
_SENTENCE_END = (".", ",", ";", ":", "\u2026")


def _headline_case(line: str) -> bool:
    words = [w for w in line.split() if any(ch.isalpha() for ch in w)]
    long_words = [w for w in words if len(w) > 3]
    if not long_words:
        return False
    capitalised = sum(1 for w in long_words if w.lstrip("\"'“‘(")[:1].isupper())
    return capitalised >= 0.6 * len(long_words)


def looks_like_title(line: str, next_line: str | None, rest_has_text: bool) -> bool:
    line = line.strip()
    if not line or not rest_has_text or len(line) > 200:
        return False
    words = line.split()
    if len(words) > 30 or not any(ch.isalpha() for ch in line):
        return False
    if line.endswith(_SENTENCE_END) and not _ABBREVIATION_END.search(line):
        return False
    if next_line is None or not next_line.strip():
        return True
    return len(words) <= 15 and _headline_case(line) and len(next_line.strip()) > len(line)


def split_title(text: str) -> tuple[str, str]:
    """(title, body) of a plain-text article; title is '' when the first line is not one."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return "", ""
    rest = lines[first + 1 :]
    next_line = rest[0] if rest else None
    rest_has_text = any(line.strip() for line in rest)
    if looks_like_title(lines[first], next_line, rest_has_text):
        return lines[first].strip(), "\n".join(rest).strip()
    return "", "\n".join(lines[first:]).strip()
