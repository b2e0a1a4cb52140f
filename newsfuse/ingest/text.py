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


# --------------------------------------------------------------------------- glued headlines
# Crawled corpora often hand over "headline + body" with nothing between them:
# "Son of Weeds creator dies in skiing accident The son of the woman behind ...". The first
# "sentence" then runs from the headline into the lede, and becomes the article's name.
_GLUED_MIN_WORDS = 4
_GLUED_MAX_WORDS = 25
_GLUED_MAX_CHARS = 200
_OPENERS = frozenset(
    "The A An At In On As After Before When While It Its This These Those His Her Their Our We I He "
    "She They If Since With From For More Some Many Most Every Each Two Three Four Five".split()
)
_ARTICLES = frozenset("A An The Two Three Four Five".split())
_PRONOUNS = frozenset("It We I He She They".split())
_NOT_A_HEADLINE_END = frozenset(
    "the a an of to and or but nor in on at for with by from as that than is are was were be been "
    "will would has have had not no its his her their our said says told mr mrs ms dr st until through "
    "before after since during between over under about against into onto amid among despite via "
    "per who which whose where when while".split()
)
# "BOSTON –", "LOS ANGELES (AP) —", "VOLUSIA COUNTY, Fla. (WESH) —", "LONDON, Jan 1 (Reuters) -",
# "NEW YORK, Jan. 1, 2020 /PRNewswire/ --", "RAJKOT:"; not a label such as "VIDEO:"
_CAPS_DATELINE = re.compile(
    r"(?!(?:VIDEO|PHOTOS?|WATCH|UPDATED?|BREAKING|EXCLUSIVE|LIVE|OPINION|EDITORIAL|ANALYSIS)\b)"
    r"[A-Z]{3,}(?:[ ][A-Z'\u2019.]{2,}){0,3}(?:,[ ]+[A-Za-z0-9.,/'\u2019 ]{1,40}?)?"
    r"\s*(?:\([^()\n]{1,40}\)\s*)?(?:[:\u2013\u2014]|-{1,2})\s"
)
# "(Reuters) -", "(MENAFN - Gulf Times) Qatar's", "(CNN) —": a dash or a capital follows. Not
# an acronym after its name ("the World Health Organization (WHO) is"), a party tag "(R-Iowa)"
# or a credit "(Image by ...)"
_AGENCY = re.compile(
    r"\((?![RDI]-)(?!(?:Image|Photo|Picture|Credit|Source)\b)[A-Z][\w&.'\u2019 -]{1,40}\)\s+(?:[\u2013\u2014-]|[A-Z])"
)
# "January 1, 2019 (KHARTOUM) -": a date that heads the body, not one a sentence runs into
_DATE_DATELINE = re.compile(
    rf"(?:{_MONTH}[ \t]+\d{{1,2}},?[ \t]+\d{{4}}|\d{{1,2}}[ \t]+{_MONTH},?[ \t]+\d{{4}})"
    r"\s*(?:\([^()\n]{1,40}\)\s*)?(?:[:\u2013\u2014]|-{1,2})\s"
)
_PLACE_DATE = re.compile(
    r"(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b)"
    rf"[A-Z][A-Za-z]+(?:\s+\[[A-Za-z ]+\])?,\s+(?:{_MONTH}\s*\d{{1,2}}|\d{{1,2}}\s+{_MONTH})\b"
)
_BYLINE = re.compile(r"By [A-Z][a-z]+(?: [A-Z][a-z.'\u2019-]+){1,3}\b")
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.)+$|^(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gov|Sen|Rep|Gen|Lt|Col|No|vs)\.$")


def _ends_sentence(word: str) -> bool:
    bare = word.rstrip("\"'\u2019\u201d)")
    return bool(bare) and bare[-1] in ".!?;" and not _ABBREVIATION.match(bare)


def _word_starts(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]{4,}", text.lower())} - {"that", "this", "with", "from", "have"}


def _dateline_at(rest: str, byline: bool) -> bool:
    """``byline``: "By Name Name" counts (not after a headline in title case, whose own words
    can read "... Killed By Police Officer")."""
    return bool(
        _CAPS_DATELINE.match(rest) or _AGENCY.match(rest) or _PLACE_DATE.match(rest)
        or (byline and _BYLINE.match(rest)) or _DATE_DATELINE.match(rest)
    )


def _opens_sentence(words: list[tuple[int, str]], k: int, title: str) -> bool:
    """The word at ``k`` starts a sentence: an opener that a lower-case word follows ("The son of"), or, after
    a headline in sentence case, an article or number, a name and a lower-case word ("An Indian
    actor"; not "Our Planet highlights", a title inside the headline). In a
    headline in title case every word is capitalised, so only the first holds there."""
    opener = re.sub(r"['\u2019](?:s|re|ve|ll|d)$", "", words[k][1])  # "It's been", "We're"
    if opener not in _OPENERS:
        # or the name the headline opened with, again ("Jo Ames, poet, dies at 80 Jo Ames, who")
        return (k >= 4 and words[0][1][:1].isupper() and "-" not in words[k - 1][1]
                and [w for _, w in words[k : k + 2]] == [w for _, w in words[:2]])
    following = [w for _, w in words[k + 1 : k + 3]]
    if not following:
        return False
    if _headline_case(title):  # "Some on the Left", "With 31-24 Victory": still the headline
        return following[0][:1].islower() and (
            opener in _PRONOUNS or following[0].lower() not in _NOT_A_HEADLINE_END  # "It's been"
        )
    if following[0][:1].islower() or following[0][:1].isdigit():
        return True
    return opener in _ARTICLES and len(following) == 2 and following[1][:1].islower()


def split_glued_headline(text: str) -> tuple[str, str]:
    """(headline, body) when the text opens with a headline run straight into the body; else
    ('', text). A boundary counts when what follows is a dateline or byline ("BOSTON –",
    "(Reuters)", "Jakarta, Jan 1", "By Jo Bloggs"), the headline again (many crawls repeat it;
    the copy is dropped, the title keeps it), or, after a word a headline can end on, a sentence
    opener ("The son of ...") or the name the headline began with, with a word of the headline
    coming back in the body. The
    headline has 4 to 25 words and no sentence end of its own."""
    head = text.lstrip()
    line = head.split("\n", 1)[0][: _GLUED_MAX_CHARS + 200]
    words = _word_starts(line)
    if _dateline_at(head, byline=True):
        return "", text  # the body starts at once ("LONDON, Jan 1 (Reuters) - ...")
    # the headline cannot hold a sentence end: it stops at the first word that ends one
    first_end = next((i for i, (_, w) in enumerate(words) if _ends_sentence(w)), len(words))
    fallback: tuple[str, str] | None = None
    for k in range(_GLUED_MIN_WORDS, min(_GLUED_MAX_WORDS, len(words) - 3, first_end) + 1):
        start, word = words[k]
        before = words[k - 1][1]
        if start > _GLUED_MAX_CHARS:
            break
        if before[-1] in ",:;(-\u2013\u2014":
            continue
        title = line[:start].strip()
        rest = head[start:]
        if len(words) > 2 * k and [w for _, w in words[k : 2 * k]] == [w for _, w in words[:k]]:
            return title, head[words[2 * k][0] :]
        if _dateline_at(rest, byline=not _headline_case(title)):
            return title, rest  # "..., new law says SACRAMENTO (KRON) —" as well
        if before.lower().strip("\"'\u2019\u201d") in _NOT_A_HEADLINE_END or before in _ARTICLES:
            continue  # "... told The Associated Press", "... in The"
        if fallback is None and _opens_sentence(words, k, title) and _stems(title) & _stems(rest[:1000]):
            fallback = (title, rest)
    return fallback or ("", text)


def title_and_body(text: str, after_address: bool = False) -> tuple[str, str, str]:
    """(title, body, where the title came from) of a text given without a title: its own first
    line (``split_title``), else a headline glued to the body (``split_glued_headline``)."""
    title, body = split_title(text, after_address)
    if title:
        return title, body, "first line"
    title, glued_body = split_glued_headline(body)
    if not title:
        return "", body, "none"
    given_twice = body.lstrip()[len(title) :].lstrip() != glued_body
    return title, glued_body, "glued to the first line, given twice" if given_twice else "glued to the first line"
