"""Named-entity mentions: spaCy NER plus cheap rules where the small model is weak on news.

Rules (all linear regex passes over the text):
- honorific and role titles mark the following name as a PERSON and give its span without
  the title (``Mr. Hegeth``, ``President Trump``, ``Mr. HEELEY`` in capitals, ``Bid's``);
- single-word demonyms tagged GPE become NORP (``Ukrainian``);
- one label per surface string per article: a title anywhere, or being the surname of a
  full PERSON name in the same article, makes every mention of that string a PERSON; other
  strings take their majority label (``Kiev`` tagged PERSON once, GPE twice -> GPE).
``role_words`` / ``honorific_before`` read the few words around a mention that linking and
speaker attribution use as context (``US defense secretary``, ``Britain's Defense Secretary``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from newsfuse.types import Mention

NAMED_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)

_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_LOW = "a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u017f"
# one name token: Capitalised (with Mc/O'/hyphen parts), ALL-CAPS, or an initial "V."
# (not followed by an apostrophe + letter other than a possessive s: stops at DON'T)
_NAME_TOKEN = (
    rf"(?:(?:Mc|Mac|O['\u2019]|D['\u2019])?[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?"
    rf"|[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})?|[{_UP}]\.)(?![{_LOW}{_UP}])(?!['\u2019](?![sS]\b)[A-Za-z])"
)
_NAME = rf"{_NAME_TOKEN}(?:[ \u00a0]{_NAME_TOKEN}){{0,3}}"

HONORIFICS = {
    "mr": "m",
    "mister": "m",
    "sir": "m",
    "lord": "m",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "madam": "f",
    "dame": "f",
    "lady": "f",
    "dr": None,
    "prof": None,
    "professor": None,
}
ROLE_TITLES = frozenset(
    """president vice prime minister chancellor secretary senator sen rep representative gov
    governor mayor king queen prince princess pope general gen judge justice ambassador sheikh
    ayatollah premier speaker chairman chairwoman commissioner archbishop bishop rabbi coach
    sergeant sgt colonel col captain capt lieutenant lt admiral marshal envoy spokesman
    spokeswoman spokesperson deputy foreign defense defence finance interior former acting
    chief leader commander director minister-president emir sultan crown""".split()
)
_TITLE_RE = re.compile(
    r"(?<![\w.])(?P<title>Mr|Mrs|Ms|Miss|Mister|Sir|Lord|Dame|Lady|Madam|Dr|Prof|Professor"
    r"|President|Vice President|Prime Minister|Chancellor|Secretary|Minister|Senator|Sen"
    r"|Rep|Gov|Governor|Mayor|King|Queen|Prince|Princess|Pope|General|Gen|Judge|Justice"
    r"|Ambassador|Sheikh|Premier|Speaker|Chairman|Chairwoman|Commissioner|Archbishop"
    r"|Bishop|Rabbi|Coach|Sergeant|Sgt|Colonel|Col|Captain|Capt|Lieutenant|Lt|Admiral"
    r"|Marshal|Emir)\.?[ \u00a0]+(?P<name>" + _NAME + r")"
)
# words that describe a role; used to read a person's role from the words around a mention
ROLE_HEADS = frozenset(
    """president minister secretary chancellor senator governor mayor king queen prince pope
    general judge justice ambassador premier speaker chairman chairwoman chair commissioner
    spokesman spokeswoman spokesperson boss chief head leader official officer commander
    director ceo founder coach manager player striker analyst economist professor researcher
    envoy diplomat lawmaker congressman congresswoman representative mp prosecutor attorney
    lawyer reporter correspondent editor actor actress singer author adviser advisor aide
    negotiator general-secretary secretary-general executive chairperson captain colonel""".split()
)
_ROLE_WINDOW = re.compile(r"[\w\u2019'.-]+")
_PORTFOLIOS = frozenset(
    "Home Foreign Interior Defence Defense Finance Health Justice Transport Education Prime "
    "Environment Economy Treasury Energy Agriculture Labour Labor Trade".split()
)
_PORTFOLIO_AFTER = re.compile(
    r"[ \u00a0]+(?:Secretary|Minister|Ministry|Office|Department|Committee)\b"
)
# an institution named after a title word ("Justice Department", "General Assembly", "General
# Electric", "Premier League"): the word after the title is then no person's name
_INSTITUTION_HEADS = frozenset(
    """Department Dept Ministry Office Committee Court Council Party Administration Commission
    Agency Bureau Service Services Assembly League Motors Electric Dynamics Mills County Hospital
    University College School Church Foundation Institute Corporation Company Group Bank Fund
    Center Centre Board Authority Staff Corps House Chamber Directorate Secretariat""".split()
)
_ATTACHED_PREFIX = re.compile(
    r"(?:non|anti|pro|ex|post|pre|mid|neo|pan|trans|inter|sub|super|ultra)-(?=[A-Z])"
)
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ian|ean|ese|ish|ans|ians|eans|ic)$")


def ner_mentions(doc: Any, offset: int, text: str) -> list[Mention]:
    """spaCy entities of one chunk as Mentions in article offsets, trimmed and filtered."""
    mentions: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ not in NAMED_LABELS:
            continue
        start, end = ent.start_char + offset, ent.end_char + offset
        start, end = _trim(text, start, end)
        if end - start < 2 or end - start > 80:
            continue
        prefix = _ATTACHED_PREFIX.match(text, start, end)
        if prefix:  # "non-Nato mission", "ex-Justice Department official": the name follows
            start = prefix.end()
        surface = text[start:end]
        if not any(c.isupper() for c in surface):
            continue
        label = ent.label_
        if surface in _PORTFOLIOS and _PORTFOLIO_AFTER.match(text, end):
            continue  # "Home" of "Home Secretary" is no organisation
        if label == "PERSON":
            # "Striker Kofi Mensah", "Governor Oleg X": role words are not part of the name
            while True:
                first, _, rest = text[start:end].partition(" ")
                if rest and (
                    first.lower().rstrip(".") in ROLE_TITLES or first.lower() in ROLE_HEADS
                ):
                    start += len(first) + 1
                else:
                    break
            surface = text[start:end]
        if label == "GPE" and " " not in surface and _DEMONYM.match(surface):
            label = "NORP"
        mentions.append(Mention(surface, start, end, label))
    return mentions


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut at a line break, drop a leading article, trailing possessive and punctuation."""
    newline = text.find("\n", start, end)
    if newline != -1:
        end = newline
    while end > start and (text[end - 1] in " .,;:!?\u2026-\u2013\u2014\"'\u201c\u201d"):
        end -= 1
    for suffix in ("'s", "\u2019s", "'", "\u2019"):
        if text.endswith(suffix, start, end):
            end -= len(suffix)
            break
    lowered = text[start : min(end, start + 4)].lower()
    if lowered == "the ":
        start += 4
    return start, end


def title_mentions(text: str) -> list[tuple[Mention, str]]:
    """PERSON mentions introduced by a title, with the title (``Mr``, ``President`` ...)."""
    found: list[tuple[Mention, str]] = []
    for match in _TITLE_RE.finditer(text):
        title = match.group("title")
        start, end = match.span("name")
        # drop role words glued to the name ("President Vice ...", "Secretary General X")
        name = text[start:end]
        while True:
            first, _, rest = name.partition(" ")
            if rest and first.lower().rstrip(".") in ROLE_TITLES:
                start += len(first) + 1
                name = rest
            else:
                break
        if name.lower().rstrip(".") in ROLE_TITLES or len(name) < 2 or name.endswith("."):
            continue
        if name.split()[0] in _INSTITUTION_HEADS:
            continue
        found.append((Mention(name, start, end, "PERSON"), title))
    return found


def merge_rule_mentions(
    mentions: list[Mention], titled: list[tuple[Mention, str]]
) -> list[Mention]:
    """Titled names replace overlapping NER spans (they are more precise about persons)."""
    if not titled:
        return sorted(mentions, key=lambda m: m.start)
    import bisect

    rule_spans = sorted((m.start, m.end) for m, _ in titled)
    starts = [s for s, _ in rule_spans]
    kept: list[Mention] = []
    for mention in mentions:
        i = bisect.bisect_left(starts, mention.end) - 1
        overlaps = False
        while i >= 0 and rule_spans[i][1] > mention.start:
            overlaps = True
            break
        if not overlaps:
            kept.append(mention)
    kept.extend(m for m, _ in titled)
    kept.sort(key=lambda m: (m.start, -m.end))
    # drop exact duplicates and nested leftovers
    result: list[Mention] = []
    last_end = -1
    for mention in kept:
        if mention.start < last_end:
            continue
        result.append(mention)
        last_end = mention.end
    return result


def normalize_name(name: str) -> str:
    """Case- and punctuation-insensitive key: ``Mr. HEELEY`` -> ``heeley``."""
    name = name.replace("\u2019", "'").lower()
    name = re.sub(r"[^\w' -]+", " ", name)
    return " ".join(name.replace("-", " ").split())


def vote_labels(mentions: list[Mention], titled_keys: set[str]) -> None:
    """One label per surface string in an article (in place); see module docstring."""
    if not mentions:
        return
    surnames: set[str] = set()
    for mention in mentions:
        if mention.label == "PERSON":
            parts = normalize_name(mention.text).split()
            if len(parts) >= 2:
                surnames.add(parts[-1])
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for mention in mentions:
        votes[normalize_name(mention.text)][mention.label] += 1
    for mention in mentions:
        key = normalize_name(mention.text)
        if key in titled_keys or (key in surnames and " " not in key):
            mention.label = "PERSON"
        else:
            counts = votes[key]
            # ties go to the non-person label: a title would have made it a person above
            best = max(counts.items(), key=lambda kv: (kv[1], kv[0] != "PERSON", kv[0]))[0]
            mention.label = best


def honorific_before(text: str, start: int) -> str | None:
    """The honorific right before a mention (``Mr``, ``Mrs`` ...), lower-case, or None."""
    window = text[max(0, start - 12) : start]
    match = re.search(r"(?<![\w.])([A-Za-z]+)\.?[ \u00a0]+$", window)
    if match and match.group(1).lower() in HONORIFICS:
        return match.group(1).lower()
    return None


def gender_of(honorific: str | None) -> str | None:
    return HONORIFICS.get(honorific) if honorific else None


def role_words(text: str, start: int, end: int) -> list[str]:
    """Lower-case role words right before a mention and in an appositive right after it.

    ``US defense secretary Pete Hegeth`` -> [us, defense, secretary];
    ``John Healey, Britain's Defense Secretary,`` -> [britain's, defense, secretary].
    Only a run of words that contains a role head counts, so ordinary context is ignored.
    """
    words: list[str] = []
    before = text[max(0, start - 60) : start]
    # the run of words immediately before the name, stopping at punctuation
    cut = max(before.rfind(c) for c in ',.;:()\u201c\u201d"\n')
    run = [w.lower() for w in _ROLE_WINDOW.findall(before[cut + 1 :])][-5:]
    for i, word in enumerate(run):
        if word.rstrip(".") in ROLE_HEADS or word.rstrip(".") in ROLE_TITLES:
            words.extend(w.rstrip(".") for w in run[max(0, i - 3) : i + 1])
    after = text[end : end + 70]
    appositive = re.match(
        r"^,[ \u00a0]+(?:the |a |an )?([^,.;()\u201c\u201d\"\n]{2,60})[,.]", after
    )
    if appositive:
        app_words = [w.lower() for w in _ROLE_WINDOW.findall(appositive.group(1))]
        if any(w in ROLE_HEADS for w in app_words) and len(app_words) <= 8:
            words.extend(app_words)
    words = [_ROLE_ABBREVIATIONS.get(w, w) for w in words]
    seen: set[str] = set()
    return [w for w in words if not (w in seen or seen.add(w))]


_ROLE_ABBREVIATIONS = {
    "rep": "representative",
    "sen": "senator",
    "gov": "governor",
    "gen": "general",
    "lt": "lieutenant",
    "col": "colonel",
    "sgt": "sergeant",
    "capt": "captain",
    "pres": "president",
    "sec": "secretary",
}


def propagate_persons(text: str, mentions: list[Mention]) -> list[Mention]:
    """Tag every other occurrence of a person's name in the article (one sense per discourse).

    The small model misses a name now and then (``Hegseth also said`` at a sentence start)
    although it tagged the same name elsewhere; a find pass per name adds those.
    """
    names = {
        m.text for m in mentions if m.label == "PERSON" and len(m.text) >= 4 and m.text[0].isupper()
    }
    for m in list(mentions):
        if m.label == "PERSON" and " " in m.text:
            last = m.text.split()[-1]
            if len(last) >= 4 and last[0].isupper():
                names.add(last)
    if not names:
        return mentions
    covered = sorted((m.start, m.end) for m in mentions)
    import bisect

    starts = [s for s, _ in covered]
    added: list[Mention] = []
    taken = bytearray(len(text))  # characters already claimed by an added (longer) name
    # str.find per name (a handful per article) is far cheaper than compiling a regex
    for name in sorted(names, key=len, reverse=True):
        pos = text.find(name)
        while pos != -1:
            end = pos + len(name)
            before = text[pos - 1] if pos > 0 else " "
            after = text[end] if end < len(text) else " "
            boundary = not (before.isalnum() or before in ".-_") and not (
                after.isalnum() or after in "-_"
            )
            if boundary:
                i = bisect.bisect_right(starts, pos) - 1
                free = not (i >= 0 and covered[i][1] > pos) and not (
                    i + 1 < len(covered) and covered[i + 1][0] < end
                )
                if free and not any(taken[pos:end]):
                    added.append(Mention(name, pos, end, "PERSON"))
                    taken[pos:end] = b"\x01" * (end - pos)
            pos = text.find(name, pos + 1)
    if not added:
        return mentions
    return sorted(mentions + added, key=lambda m: m.start)


def add_known_places(text: str, mentions: list[Mention], names: frozenset[str]) -> list[Mention]:
    """Tag uncovered occurrences of well-known place spellings (the model misses ``Kyiv``)."""
    if not names:
        return mentions
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(sorted(names, key=len, reverse=True)) + r")(?![\w-])"
    )
    spans = sorted((m.start, m.end) for m in mentions)
    import bisect

    starts = [s for s, _ in spans]
    for mention in mentions:
        if mention.label == "PERSON" and mention.text in names:
            mention.label = "GPE"  # "Kyiv" tagged as a person by the small model
    added = []
    for match in pattern.finditer(text):
        i = bisect.bisect_right(starts, match.start()) - 1
        if i >= 0 and spans[i][1] > match.start():
            continue
        if i + 1 < len(spans) and spans[i + 1][0] < match.end():
            continue
        added.append(Mention(match.group(0), match.start(), match.end(), "GPE"))
    return sorted(mentions + added, key=lambda m: m.start) if added else mentions


_ORG_WORDS = frozenset(
    """energy inc corp corporation ltd llc plc group bank party union ministry council agency office
    service committee court university association times news post air force army police department
    commission fund institute foundation organization organisation league club united fc airlines
    motors media house senate congress parliament government company industries holdings
    partners capital press radio television tv network school college hospital church""".split()
)
_NAME_PARTICLES = frozenset("de van von der den da di la le du dos das del bin al el ter".split())


def looks_like_person_name(surface: str) -> bool:
    """Two to four capitalised words (name particles such as ``de`` allowed) and no
    organisation word: how a speaker's name looks when the model tagged it ORG."""
    words = surface.split()
    if not 2 <= len(words) <= 4 or {w.lower() for w in words} & _ORG_WORDS:
        return False
    capitalised = [w for w in words if w.lower() not in _NAME_PARTICLES]
    return (
        len(capitalised) >= 2
        and words[0] not in _NAME_PARTICLES
        and all(
            w[:1].isupper() and (w[1:].islower() or "-" in w) and w.replace("-", "").isalpha()
            for w in capitalised
        )
    )
