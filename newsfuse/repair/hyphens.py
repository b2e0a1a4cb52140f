"""Detached hyphens (``high -tech``, ``NATO -assisting``) and spaced punctuation (``word ,``).

Kinds:
- ``hyphen``: ``word -word`` -> ``word-word``. Only when a letter or digit sits right before
  the space and a LETTER right after the hyphen: ``-5 degrees`` and ranges (``10 -15``) keep
  their hyphen, and a dash used as a dash (`` - `` with spaces on both sides, ``--``) is never
  touched, nor a hyphen before a function word (``biodiversity -the total``: a dash missing
  its space) or between a number and a capitalised word (``2019 -WWF``). The trailing form
  ``high- tech`` is left alone: it is how suspended compounds are written (``low- and
  middle-income``). In a TOKENISED text, where a tokeniser spaced every hyphen (ECB+:
  ``16 - year - old``, ``all - time``), `` - `` between lower-case words is a hyphen too; a
  text counts as tokenised when it has no unspaced hyphen between letters at all, at least
  two spaced ones, and another tokeniser's trace (``07: 37``, ``U. S.``, ``6. 1 magnitude``,
  ``- -`` for a dash). On the dev data that is 147 of 510 ECB+ texts and none of AllSides,
  BASIL or the SemEval pairs, whose writers use `` - `` as a dash.
- ``punctuation_space``: a space before ``, . ; : ! ?`` that closes a word (``bishops ,``),
  and the space inside a currency amount (``$ 500`` -> ``$500``). Ellipses (``. . .``,
  `` ...``), decimals/leading-dot words (``.5``, ``.com``) and a colon in times or ratios are
  left alone. Tokenised numbers are joined where nothing else can be meant: a thousands group
  ``170, 000`` -> ``170,000`` (only ``000``: ``May 5, 200 people`` keeps its space) and a
  decimal before a scale word or unit, or after "magnitude" (``6. 1 magnitude``, ``2. 5
  million``, ``(6. 2 miles)`` -> ``6.1``, ``2.5``, ``6.2``; ``in 2004. 5 people`` keeps its space),
  another thousands group after a word that hedges a count (``about 1, 500 houses``), a clock
  time before its marker (``07: 37 a. m.``, ``12: 46 PM``) and the spaced abbreviations
  ``U. S.``, ``U. K.``, ``U. N.``, ``D. C.``, ``E. U.``, ``a. m.``, ``p. m.`` (not initials:
  ``J. R. Smith`` is how names are written).
"""

from __future__ import annotations

import re

from newsfuse.repair.spans import Edit

# letter/digit, one space, hyphen, a letter (not a second hyphen, not a digit)
_DETACHED = re.compile(r"(?<=[^\W_]) -(?=[^\W\d_])")
# a space before closing punctuation followed by a space, a quote, a bracket or the line end
_SPACED_PUNCT = re.compile(r"(?<=[^\W_])[ \t]+(?=[,;:!?](?:[ \t\n\"”’)]|$)|\.(?:[ \t\n\"”’)]|$))")
_WORD_AFTER = re.compile(r"[^\W\d_]+")
# determiners, pronouns, copulas: after " -" they start a clause, never end a compound
# (prepositions do end compounds: built-in, check-in, hit-and-run)
_DASH_FOLLOWERS = frozenset(
    "the a an which who whom whose that this these those it its he she they we i you is are "
    "was were be been his her their our my your".split()
)
_CURRENCY = re.compile(r"(?<![^\s(])([$€£¥])[ \t]+(?=\d)")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(,)[ \t](?=000(?![\d.]|,\d))")
_SCALE_AFTER = (r"[ \t]*-?[ \t]*(?:million|billion|trillion|percent|per cent|%|magnitude"
                r"|miles?|kilomet(?:er|re)s?|km|met(?:er|re)s?|feet|foot|inch(?:es)?|degrees?|kg|pounds)\b")
_DECIMAL = re.compile(
    rf"(?<![\d.,])\d{{1,3}}(\.)[ \t](?=\d{{1,2}}{_SCALE_AFTER})"
    r"|(?:(?<=magnitude )|(?<=magnitude - )|(?<=magnitude-))\d(\.)[ \t](?=\d\b)",
    re.I,
)
# ``about 1, 500 houses``: a thousands group other than 000 only after a word that hedges a count
_HEDGED_THOUSANDS = re.compile(r"\b(?:about|around|some|nearly|almost|over|than|least|approximately|roughly|estimated)"
                               r"[ \t]+\d{1,3}(,)[ \t](?=\d{3}\b(?![.,]\d))", re.I)
# ``U. S.``, ``D. C.``, ``a. m.``: abbreviations a tokeniser spaced (a closed list: initials in
# names, ``J. R. Smith``, are written with spaces)
_SPACED_ABBREVIATION = re.compile(r"\b(?:U\.( )[SKN]\.|D\.( )C\.|E\.( )U\.|[ap]\.( )m\.)(?!\w)")
_SPACED_ABBREVIATION_PAIRS = ("U. ", "D. C", "E. U", "a. m", "p. m")
_TOKENISED_NUMBER = re.compile(r"\d[.,:][ \t]\d")
# ``07: 37 a.m.``, ``12: 46 PM``: a clock time before its marker
_SPACED_TIME = re.compile(r"(?<![\d:])\d{1,2}:( )(?=\d{2}[ \t]*(?:[ap]\.[ \t]?m\.|[AaPp][Mm]\b|GMT|UTC|"
                          r"E[DS]T|C[DS]T|P[DS]T|M[DS]T|BST|CET|IST|WIB|JST|local\b))")


_SPACED_HYPHEN = re.compile(r"(?<=[a-z0-9]) - (?=([a-z]+))")
_JOINED_HYPHEN = re.compile(r"[A-Za-z]-[A-Za-z]")
_SPACED_DASH = re.compile(r"\w - - \w")
# words that open a clause after a dash unless a compound goes on after them
_CHAIN_ONLY = frozenset("and or but nor in on of to at by for with from as so yet".split())


def _tokeniser_traces(text: str) -> bool:
    patterns = (_SPACED_TIME, _SPACED_ABBREVIATION, _DECIMAL, _THOUSANDS, _HEDGED_THOUSANDS, _SPACED_DASH)
    return any(p.search(text) for p in patterns)


def tokenised_hyphen_edits(text: str) -> list[Edit]:
    spaced = [m for m in _SPACED_HYPHEN.finditer(text) if m.group(1) not in _DASH_FOLLOWERS]
    if len(spaced) < 2 or _JOINED_HYPHEN.search(text) or not _tokeniser_traces(text):
        return []
    edits = []
    for m in spaced:
        if text[m.end() : m.end() + 2] == "- ":
            continue  # "- -" is a tokenised dash
        if m.group(1) in _CHAIN_ONLY and not text.startswith(" - ", m.end() + len(m.group(1))):
            continue  # "a record - and was": a dash; "hit - and - run": a compound
        edits.append(Edit(m.start(), m.end(), "-", "hyphen", 0.8))
    return edits


def hyphen_edits(text: str) -> list[Edit]:
    edits = tokenised_hyphen_edits(text)
    for m in _DETACHED.finditer(text):
        nxt = text[m.end() : m.end() + 1]
        prev = text[m.start() - 1 : m.start()]
        # a lone letter before (``a -b``) is more often a list or formula than a compound
        if m.start() >= 2 and text[m.start() - 2].isalnum() is False and prev.isalpha() and \
                prev.islower():
            continue
        after = _WORD_AFTER.match(text, m.end())
        if after is not None and after.group().lower() in _DASH_FOLLOWERS and \
                text[after.end() : after.end() + 1] != "-":  # "behind -the-scenes" joins
            continue  # a dash missing its space: "biodiversity -the total variety"
        if prev.isdigit() and nxt.isupper():
            continue  # "Posted on 05 April 2019 -WWF: …" separates, it does not join
        confidence = 0.95 if nxt.islower() else 0.9
        edits.append(Edit(m.start(), m.end(), "-", "hyphen", confidence))
    return edits


def punctuation_space_edits(text: str) -> list[Edit]:
    edits = []
    for m in _SPACED_PUNCT.finditer(text):
        after = text[m.end() : m.end() + 3]
        before = text[max(0, m.start() - 2) : m.start()]
        if after.startswith(". .") or after.startswith("..") or before.endswith("."):
            continue  # ellipsis written with spaces
        edits.append(Edit(m.start(), m.end(), "", "punctuation_space", 0.9))
    for m in _CURRENCY.finditer(text):
        edits.append(Edit(m.end(1), m.end(), "", "punctuation_space", 0.9))
    # the tokenised-number patterns all need "1, 000", "6. 2" or "07: 37": most texts have none,
    # and one quick search spares four slow ones (their lookbehinds run at every character)
    numbers = _TOKENISED_NUMBER.search(text) is not None
    for pattern in (_THOUSANDS, _DECIMAL, _HEDGED_THOUSANDS) if numbers else ():
        for m in pattern.finditer(text):
            mark = m.end(1) if m.group(1) else m.end(2)
            edits.append(Edit(mark, m.end(), "", "punctuation_space", 0.9))
    abbreviations = any(pair in text for pair in _SPACED_ABBREVIATION_PAIRS)
    for pattern in ((_SPACED_ABBREVIATION,) if abbreviations else ()) + ((_SPACED_TIME,) if numbers else ()):
        for m in pattern.finditer(text):
            group = next(g for g in range(1, pattern.groups + 1) if m.group(g) is not None)
            edits.append(Edit(m.start(group), m.end(group), "", "punctuation_space", 0.9))
    return edits
