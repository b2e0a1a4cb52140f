"""Plain-text articles: the first line is the title only when it looks like one.

A first line is a title when it is short (at most 200 characters and 30 words), has two words,
does not end like a sentence or a lead-in (``.``, ``,``, ``;``, ``:``, except an abbreviation
such as ``U.S.``), and either a blank line follows it or it is clearly a headline (at most 15
words, mostly capitalised, followed by a longer paragraph). A first line that is the opening
sentence of the body (``003_…txt`` in the seeds) stays in the body and the title is empty.
A dateline (``3 July 2013 Last updated at 13:38 GMT``: a date and little else) is no title.

A first line that is only a URL (saved pages and corpora often start with the address, some
tokenised as ``http: / / www. example. com / ...``) is the article's address, not its text: it
is taken out of the body and kept as the article's ``url``, and the title is looked for after it.
"""

from __future__ import annotations

import re

_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]\.){2,}$")
_SENTENCE_END = (".", ",", ";", ":", "\u2026")
_MONTH = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?")
_DATE_IN_LINE = re.compile(
    rf"\b(?:{_MONTH}[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \t]+{_MONTH},?[ \t]+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})\b",
    re.I,  # MARCH 8, 2013 as well
)
_DATELINE_WORDS = frozenset(
    "updated last published posted modified at on by am pm gmt utc edt est cdt cst pdt pst bst cet "
    "cest ist ict wib jst mon tue wed thu fri sat sun monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)
_URL_START = re.compile(r"^https?[ \t]*:[ \t]*/[ \t]*/[ \t]*\S", re.I)
# two word characters with only spaces between: prose, not an address with spaces put in
_WORDS_APART = re.compile(r"\w[ \t]+\w")


def _headline_case(line: str) -> bool:
    words = [w for w in line.split() if any(ch.isalpha() for ch in w)]
    long_words = [w for w in words if len(w) > 3]
    if not long_words:
        return False
    capitalised = sum(1 for w in long_words if w.lstrip("\"'“‘(")[:1].isupper())
    return capitalised >= 0.6 * len(long_words)


def looks_like_dateline(line: str) -> bool:
    """A date with little else ("INDONESIA, July 2, 2013", "3 July 2013 Last updated at 13:38
    GMT", "Updated: Tue, 02 Jul 2013 12:28 CDT"): it heads many saved articles, and is no title."""
    found = _DATE_IN_LINE.search(line)
    if not found:
        return False
    rest = (line[: found.start()] + " " + line[found.end() :]).lower()
    words = [w for w in re.findall(r"[a-z]{2,}", rest) if w not in _DATELINE_WORDS]
    return len(words) <= 1


def looks_like_title(line: str, next_line: str | None, rest_has_text: bool, after_address: bool = False) -> bool:
    """``after_address``: the line follows the page's web address, where a saved page puts its
    headline, so a headline in sentence case counts too (one that is cut like a wrapped
    paragraph, the next line going on in lower case, still does not)."""
    line = line.strip()
    if not line or not rest_has_text or len(line) > 200 or looks_like_dateline(line):
        return False
    words = line.split()
    if len(words) > 30 or sum(1 for w in words if sum(ch.isalpha() for ch in w) >= 2) < 2:
        return False  # a dateline ("July 2, 2013 07:44") or a number is no headline
    if line.endswith(_SENTENCE_END) and not _ABBREVIATION_END.search(line):
        return False
    if next_line is None or not next_line.strip() or looks_like_dateline(next_line):
        return True  # a headline stands alone or above its dateline
    if after_address and not next_line.lstrip()[:1].islower():
        return True
    return len(words) <= 15 and _headline_case(line) and len(next_line.strip()) > len(line)


def split_url_line(text: str) -> tuple[str | None, str]:
    """(url, rest) when the first non-empty line is a web address alone, else (None, text)."""
    stripped = text.lstrip()
    line, _, rest = stripped.partition("\n")
    line = line.strip()
    if len(line) > 2000 or not _URL_START.match(line) or _WORDS_APART.search(line):
        return None, text
    return "".join(line.split()), rest


def split_title(text: str, after_address: bool = False) -> tuple[str, str]:
    """(title, body) of a plain-text article; title is '' when the first line is not one.
    ``after_address``: the text followed the page's address (``split_url_line``), and a saved
    page may put a dateline or two above its headline; they stay in the body."""
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        return "", ""
    first = filled[0]
    if after_address:
        datelines = 0
        while datelines < 2 and datelines + 1 < len(filled) and looks_like_dateline(lines[filled[datelines]]):
            datelines += 1
        first = filled[datelines]
    rest = lines[first + 1 :]
    next_line = rest[0] if rest else None
    rest_has_text = any(line.strip() for line in rest)
    if looks_like_title(lines[first], next_line, rest_has_text, after_address):
        return lines[first].strip(), "\n".join(lines[filled[0] : first] + rest).strip()
    return "", "\n".join(lines[filled[0] :]).strip()
