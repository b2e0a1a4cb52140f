"""Who said it: attribution windows around quotes, reported speech, and speaker resolution.

No dependency parser: news attribution is formulaic (``“…,” he said``, ``said X``, ``X said:``,
``X told reporters that …``, ``according to X``), so bounded windows around each quote and a
speech-verb lexicon find the speaker expression; NER mentions give its span. Pronouns go to
the most salient earlier person of matching gender (the previous speaker, else the first
person named in the nearest earlier sentence: subjects come first in news prose);
descriptions (``the Pentagon boss``) go to the latest earlier person whose role words agree
(``US defense minister``). What cannot be resolved stays unattributed rather than guessed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from newsfuse.extract.entities import (
    ROLE_HEADS,
    gender_of,
    honorific_before,
    looks_like_person_name,
    normalize_name,
    role_words,
)
from newsfuse.extract.gender import gender_of_first_name
from newsfuse.types import Mention, Span

SPEECH_VERBS = (
    "said|says|say|added|adds|told|tells|noted|notes|argued|argues|wrote|writes|asked|asks|"
    "stated|states|declared|declares|announced|announces|explained|explains|insisted|insists|"
    "warned|warns|claimed|claims|stressed|stresses|emphasized|emphasised|replied|responded|"
    "continued|recalled|acknowledged|admitted|conceded|suggested|urged|posted|tweeted|"
    "commented|remarked|observed|concluded|confirmed|denied|predicted|promised|vowed|pledged|"
    "maintained|contended|countered|cautioned|complained|reiterated|agreed|adding|saying|"
    "told reporters|asserted|wrote on|accused|called|described|dismissed|labelled|labeled|"
    "branded|praised|criticized|criticised|condemned|calling|describing"
)
REPORT_VERBS = (
    "said|says|say|told|added|argued|argues|stated|claimed|claims|announced|warned|warns|"
    "insisted|insists|explained|noted|suggested|confirmed|denied|believes|believed|"
    "acknowledged|admitted|predicted|reported|reiterated|stressed|emphasized|emphasised"
)
_VERB_RE = re.compile(r"(?<![\w-])(?:" + SPEECH_VERBS + r")\b")
_REPORT_RE = re.compile(r"\b(?:" + REPORT_VERBS + r")\b")
_PRONOUN = re.compile(r"(?i)^(he|she|they|it)\b")
_PRONOUN_END = re.compile(r"(?i)(?:^|(?<=\W))(he|she|they|it)$")
_SKIP_END = re.compile(
    r"(?:[ \u00a0]+(?:also|later|then|again|previously|once|repeatedly|further|has|had|have|"
    r"would|will|himself|herself|on [A-Z][a-z]+day|separately|reportedly|[a-z]{3,}ly))+$"
)
GROUP_HEADS = (
    "officials|authorities|police|analysts|experts|sources|residents|witnesses|diplomats|"
    "lawmakers|spokesmen|spokespeople|ministers|leaders|prosecutors|investigators|officers|"
    "agency|ministry|government|office|army|military|statement|service|commission|department|"
    "council|court|bank|committee|spokesman|union|company|firm|group|board|institute|researchers|"
    "navy|guard|marines|coastguard|firefighters|rescuers|prosecutors|scientists"
)
_HEADS = "|".join(sorted(ROLE_HEADS, key=len, reverse=True)) + "|" + GROUP_HEADS
_DESC_FWD = re.compile(
    r"^(?:the|a|an|one)[ \u00a0]+(?:[\w\u2019'-]+[ \u00a0]+){0,4}?(?:" + _HEADS + r")\b"
    r"(?:[ \u00a0]+(?:for|of|at)[ \u00a0]+(?:the[ \u00a0]+)?[A-Z][\w-]*(?:[ \u00a0]+[A-Z][\w-]*){0,3})?"
    r"|^(?:critics|officials|analysts|experts|residents|witnesses|authorities|police|sources|prosecutors|investigators)\b",
    re.IGNORECASE,
)
_DESC_GROUP_FWD = re.compile(r"^(?:[A-Z][\w-]*[ \u00a0]+){1,2}(?:" + GROUP_HEADS + r")\b")
# words that join clauses, not qualify a group: "…, though investigators said" names investigators
_NOT_A_QUALIFIER = (
    r"(?!(?:though|although|but|and|or|nor|while|whereas|as|because|since|so|yet|when|if|that|"
    r"which|who|after|before|where|then|also|said|says)\b)"
)
_DESC_BACK = re.compile(
    r"(?:^|(?<=[\s,]))((?:the|a|an|The|A|An)[ \u00a0]+(?:[\w\u2019'-]+[ \u00a0]+){0,4}?(?:"
    + _HEADS
    + r")|(?:" + _NOT_A_QUALIFIER + r"[A-Z][\w-]*[ \u00a0]+){1,2}(?:"
    + GROUP_HEADS
    + r")"
    r"|(?:[Cc]ritics|[Oo]fficials|[Aa]nalysts|[Ee]xperts|[Rr]esidents|[Ww]itnesses|[Aa]uthorities|[Pp]olice|[Ss]ources|"
    r"[Ii]nvestigators|[Pp]rosecutors|[Rr]esearchers|[Ss]cientists|[Ll]awmakers|[Dd]iplomats))$",
    re.IGNORECASE,
)
_POSSESSIVE_ROLE = re.compile(
    r"['\u2019]s[ \u00a0]+(?:[\w-]+[ \u00a0]+){0,2}?(?:"
    + "|".join(sorted(ROLE_HEADS, key=len, reverse=True))
    + r"|office|lawyers?|campaign|team|family)\b"
)
_APPOSITIVE_END = re.compile(r",[ \u00a0][^,\u201c\u201d\"\n]{2,90},[ \u00a0]*$")
_ACCORDING = re.compile(r"\b[Aa]ccording to[ \u00a0]+")
_PREPOSITION_END = re.compile(r"(?i)\b(?:in|at|from|of|to|with|for|on|by|near|over)[ \u00a0]+$")
_TITLED_ONLY = re.compile(
    r"^[,.]?[ \u00a0]*(?:Mr|Mrs|Ms|Dr|Prof)\.?[ \u00a0]+[A-Z][\w\u2019'-]+(?:[ \u00a0]+[A-Z][\w-]+)?[ \u00a0]*[.,]"
)

# role words that describe the same kind of post or the same institution
_HEAD_GROUPS = [
    {
        "boss",
        "chief",
        "head",
        "leader",
        "secretary",
        "minister",
        "president",
        "chancellor",
        "premier",
        "director",
        "chairman",
        "chairwoman",
        "chair",
        "commander",
        "ceo",
    },
    {"spokesman", "spokeswoman", "spokesperson"},
    {"official", "officer", "aide", "adviser", "advisor"},
    {
        "lawmaker",
        "legislator",
        "senator",
        "representative",
        "congressman",
        "congresswoman",
        "mp",
        "politician",
        "member",
    },
]
_DOMAIN_GROUPS = [
    {"defense", "defence", "pentagon", "military", "war"},
    {"foreign", "state", "diplomatic", "diplomacy"},
    {"finance", "treasury", "economy", "economic"},
    {"kremlin"},
    {"interior", "home"},
    {"justice", "attorney"},
]
_ROLE_MODIFIERS = {
    "defense",
    "defence",
    "foreign",
    "finance",
    "interior",
    "prime",
    "vice",
    "deputy",
    "former",
    "press",
    "state",
    "security",
    "national",
}
_IGNORED_MODIFIERS = {
    "the",
    "a",
    "an",
    "former",
    "new",
    "top",
    "senior",
    "then",
    "current",
    "outgoing",
    "incoming",
    "one",
    "s",
    "deputy",
    "acting",
    "country's",
    "nation's",
    "government's",
}


@dataclass
class SpeakerRef:
    """A speaker expression found in the text, before resolution."""

    kind: str  # "mention" | "pronoun" | "description"
    surface: str
    start: int
    end: int
    mention: int | None = None  # index into the article's mentions


@dataclass
class PersonInfo:
    """What resolution knows about one person within an article (grouped by surname)."""

    gender: str | None = None
    roles: set[str] = field(default_factory=set)


class MentionIndex:
    """Mentions sorted by position, searchable by start and end in O(log n)."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.mentions = mentions
        self.starts = [m.start for m in mentions]
        self.by_end = sorted(range(len(mentions)), key=lambda i: mentions[i].end)
        self.ends = [mentions[i].end for i in self.by_end]

    def starting_in(self, lo: int, hi: int) -> list[int]:
        a = bisect.bisect_left(self.starts, lo)
        b = bisect.bisect_left(self.starts, hi)
        return list(range(a, b))

    def ending_at(self, pos: int) -> int | None:
        i = bisect.bisect_left(self.ends, pos)
        if i < len(self.ends) and self.ends[i] == pos:
            return self.by_end[i]
        return None

    def between(self, lo: int, hi: int) -> list[int]:
        return [i for i in self.starting_in(lo, hi) if self.mentions[i].end <= hi]


def person_key(mention: Mention) -> str:
    """Within-article key of a person: the normalised surname."""
    parts = normalize_name(mention.text).split()
    return parts[-1] if parts else ""


_SPEAKER_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
# lowercase words between a place or organisation and a person's name, and the words that
# show the name starts another phrase rather than ending this one
_DESCRIBING_NOUNS = re.compile(r"(?:[ \u00a0]+[a-z][a-z-]*){1,4}[ \u00a0]+")
_LINKING = frozenset(
    "and or of to in on at for with from by that who which as but the a an told said says "
    "while after before when where than".split()
)


def speaker_forward(
    text: str, pos: int, limit: int, index: MentionIndex, pronouns: bool = True
) -> SpeakerRef | None:
    """A speaker expression starting at ``pos`` (after spaces): pronoun, name or description.

    ``pronouns=False`` after a verb inside a sentence: there a pronoun is an object
    ("describing it as ...", "told him"), not the speaker."""
    while pos < limit and text[pos] in " \t\u00a0":
        pos += 1
    window = text[pos:limit]
    if not window:
        return None
    pronoun = _PRONOUN.match(window)
    if pronoun and not pronouns:
        return None
    if pronoun:
        return SpeakerRef("pronoun", pronoun.group(1), pos, pos + len(pronoun.group(1)))
    # a named speaker, possibly after role words: "US defense secretary Pete Hegeth"
    chosen = None
    for i in index.starting_in(pos, min(limit, pos + 70)):
        mention = index.mentions[i]
        gap = text[pos : mention.start]
        if gap and not re.fullmatch(r"(?:[\w\u2019'.-]+[ \u00a0]+){0,6}", gap):
            break
        if mention.label not in _SPEAKER_LABELS:
            continue
        if chosen is None:
            owner = _POSSESSIVE_ROLE.match(text, mention.end, min(limit, mention.end + 40))
            if owner:  # "Weiner's spokesman said": the spokesman speaks
                return SpeakerRef(
                    "description", text[mention.start : owner.end()], mention.start, owner.end()
                )
            if mention.label != "PERSON":
                head_after = re.match(r"[ \u00a0]+([a-z]+)", text[mention.end : mention.end + 20])
                if head_after and head_after.group(1) in ROLE_HEADS:
                    # "the Pentagon boss": a description, unless a name follows
                    # ("Kremlin spokesman Dmitry Peskov")
                    nxt = [
                        j
                        for j in index.starting_in(mention.end, min(limit, mention.end + 40))
                        if index.mentions[j].label == "PERSON"
                    ]
                    if nxt and re.fullmatch(
                        r"[ \u00a0\w.-]*", text[mention.end : index.mentions[nxt[0]].start]
                    ):
                        chosen = nxt[0]
                        break
                    break
            chosen = i
            if mention.label == "PERSON":
                break
            continue
        # "Kremlin spokesman Dmitry Peskov", "US defense secretary Pete Hegeth", "central Aceh
        # district resident Bensu Elianita": the person after a run of role words, or of plain
        # nouns describing them, is the speaker, not the organisation or place before
        if mention.label == "PERSON":
            gap = text[index.mentions[chosen].end : mention.start]
            between = gap.lower().split()
            if between and any(w.strip(".") in ROLE_HEADS or w in _ROLE_MODIFIERS for w in between):
                chosen = i
            elif between and _DESCRIBING_NOUNS.fullmatch(gap) and not _LINKING.intersection(between):
                chosen = i
        break
    if chosen is not None:
        mention = index.mentions[chosen]
        return SpeakerRef("mention", mention.text, mention.start, mention.end, chosen)
    desc = _DESC_FWD.match(window) or _DESC_GROUP_FWD.match(window)
    if desc:
        surface = desc.group(0)
        named = re.match(r",[ \u00a0]+", text[pos + len(surface) : limit])
        if named:
            at = pos + len(surface) + named.end()
            for i in index.starting_in(at, at + 1):
                if index.mentions[i].label == "PERSON" or looks_like_person_name(
                    index.mentions[i].text
                ):
                    m = index.mentions[i]
                    return SpeakerRef("mention", m.text, m.start, m.end, i)
        return SpeakerRef("description", surface, pos, pos + len(surface))
    return None


def speaker_backward(text: str, end: int, lo: int, index: MentionIndex) -> SpeakerRef | None:
    """A speaker expression ending at ``end`` (before a speech verb)."""
    window = text[lo:end].rstrip()
    skip = _SKIP_END.search(window)
    if skip:
        window = window[: skip.start()]
    stripped = window.rstrip()
    if stripped.endswith(","):
        named = index.ending_at(lo + len(stripped) - 1)
        if named is not None and index.mentions[named].label == "PERSON":
            mention = index.mentions[named]
            # only a name that is the whole comma-enclosed phrase: "The Home Secretary,
            # Priya Raman, said" (not "spokesman during the term of Biden, argued")
            if text[max(lo, mention.start - 4) : mention.start].rstrip().endswith(","):
                return SpeakerRef("mention", mention.text, mention.start, mention.end, named)
    appositive = _APPOSITIVE_END.search(stripped + " ")
    for attempt in range(2):
        stop = lo + len(stripped)
        pronoun = _PRONOUN_END.search(stripped)
        if pronoun:
            return SpeakerRef("pronoun", pronoun.group(1), lo + pronoun.start(1), stop)
        owner = re.search(
            r"([A-Z][\w-]*(?:[ \u00a0][A-Z][\w-]*){0,2}['\u2019]s[ \u00a0]+(?:[\w-]+[ \u00a0]+){0,2}?(?:"
            + _HEADS
            + r"|lawyers?|campaign|team|family))$",
            stripped[-80:],
        )
        if owner:  # "Pieter Achterberg's lawyer said"
            return SpeakerRef("description", owner.group(1), stop - len(owner.group(1)), stop)
        mention_i = index.ending_at(stop)
        if mention_i is not None and index.mentions[mention_i].label in _SPEAKER_LABELS:
            mention = index.mentions[mention_i]
            if not _PREPOSITION_END.search(text[max(lo, mention.start - 12) : mention.start]):
                return SpeakerRef("mention", mention.text, mention.start, mention.end, mention_i)
        desc = _DESC_BACK.search(stripped[-70:])
        if desc:
            d_start = stop - len(desc.group(1))
            return SpeakerRef("description", desc.group(1), d_start, stop)
        if attempt == 0 and appositive:
            stripped = stripped[: appositive.start()].rstrip()
            continue
        break
    return None


def attribute_after(
    text: str, close: int, limit: int, index: MentionIndex
) -> tuple[SpeakerRef | None, int]:
    """Attribution right after a closing quote mark; returns (speaker, end of attribution)."""
    pos = close + 1
    headline = re.match(r"[ \u00a0]*:[ \u00a0]*", text[pos:limit])
    if headline:
        speaker = speaker_forward(text, pos + headline.end(), limit, index)
        if (
            speaker is not None
            and speaker.kind == "mention"
            and not text[speaker.end : limit].strip(" .\u00a0")
        ):
            return speaker, speaker.end
    while pos < limit and text[pos] in " \t\u00a0,.;:!?\u2026\u2014\u2013-":
        pos += 1
    window = text[pos:limit]
    verb = _VERB_RE.match(window)
    if verb:  # "said Camille Grand", "said the Pentagon boss"
        speaker = speaker_forward(text, pos + verb.end(), limit, index)
        if speaker:
            return speaker, speaker.end
        return None, pos
    speaker = speaker_forward(text, pos, limit, index)
    if speaker is None:
        return None, pos
    rest = text[speaker.end : limit]
    skip = re.match(
        r"(?:[.]?,[ \u00a0]*[^,\u201c\u201d\"\n]{1,80},)?"  # "Rep. X, D-Ill., said"
        r",?(?:[ \u00a0]+(?:also|later|then|again|once|has|had|further|separately))*[ \u00a0]+",
        rest,
    )
    after_skip = speaker.end + (skip.end() if skip else 0)
    verb = _VERB_RE.match(text, after_skip, limit)
    if verb:
        return speaker, verb.end()
    # verbless attribution left by machine translation: "“...,” Mr. Healey."
    if speaker.kind == "mention" and _TITLED_ONLY.match(text[close + 1 : limit]):
        return speaker, speaker.end
    return None, pos


def attribute_before(text: str, lo: int, open_: int, index: MentionIndex) -> SpeakerRef | None:
    """Attribution before an opening quote in the same sentence: ``X said: “...``."""
    window = text[lo:open_]
    last = None
    for verb in _VERB_RE.finditer(window):
        if not verb.group(0).endswith("ing") or last is None:
            last = verb
    if last is None:
        return None
    if open_ - (lo + last.end()) > 90:
        return None
    verb_start = lo + last.start()
    speaker = speaker_backward(text, verb_start, lo, index)
    if speaker is None:
        speaker = speaker_forward(text, lo + last.end(), open_, index, pronouns=False)
        if speaker is not None and speaker.kind == "mention" and speaker.end > open_:
            return None
    return speaker


def according_to(text: str, lo: int, hi: int, index: MentionIndex) -> SpeakerRef | None:
    match = _ACCORDING.search(text, lo, hi)
    if not match:
        return None
    return speaker_forward(text, match.end(), hi, index)


def description_matches(description: str, roles: set[str]) -> bool:
    """Do the words of ``the Pentagon boss`` agree with a person's role words?"""
    words = [
        w for w in re.findall(r"[\w\u2019'-]+", description.lower()) if w not in _IGNORED_MODIFIERS
    ]
    if not words or not roles:
        return False
    head, modifiers = words[-1], words[:-1]
    for prep in ("for", "of", "at"):
        if prep in words:
            cut = words.index(prep)
            head, modifiers = words[cut - 1], words[: cut - 1] + words[cut + 1 :]
            break
    if head not in ROLE_HEADS and not any(head in group for group in _HEAD_GROUPS):
        return False  # "the navy", "the ministry": an institution, not one person
    if not _word_matches(head, roles, _HEAD_GROUPS):
        return False
    return all(_word_matches(m, roles, _DOMAIN_GROUPS) for m in modifiers)


def _word_matches(word: str, roles: set[str], groups: list[set[str]]) -> bool:
    word = word.removesuffix("'s").removesuffix("\u2019s")
    normalized_roles = {r.removesuffix("'s").removesuffix("\u2019s") for r in roles}
    if word in normalized_roles:
        return True
    for group in groups:
        if word in group and normalized_roles & group:
            return True
    # demonym vs country: "Ukrainian" ~ "Ukraine", "British" ~ "Britain"
    for role in normalized_roles:
        if len(word) > 4 and len(role) > 4 and word[:4] == role[:4]:
            return True
    return False


class Resolver:
    """Resolves speaker expressions to person mentions of one article, in text order."""

    def __init__(
        self,
        text: str,
        mentions: list[Mention],
        sentences: list[Span],
        quote_spans: list[tuple[int, int]],
    ) -> None:
        self.text = text
        self.mentions = mentions
        self.sentence_starts = [s.start for s in sentences]
        self.sentences = sentences
        self.info: dict[str, PersonInfo] = {}
        inside = _Inside(quote_spans)
        # persons named outside quotes, by sentence
        self.persons_by_sentence: dict[int, list[int]] = {}
        for i, mention in enumerate(mentions):
            if mention.label != "PERSON":
                continue
            key = person_key(mention)
            info = self.info.setdefault(key, PersonInfo())
            gender = gender_of(honorific_before(text, mention.start))
            words = mention.text.split()
            if gender is None and len(words) >= 2:
                gender = gender_of_first_name(words[0])
            if gender and info.gender is None:
                info.gender = gender
            info.roles.update(role_words(text, mention.start, mention.end))
            if inside.contains(mention.start):
                continue
            self.persons_by_sentence.setdefault(self.sentence_of(mention.start), []).append(i)
        # resolved speakers by sentence (previous speakers are the most salient antecedents)
        self.speakers_by_sentence: dict[int, list[int]] = {}

    def _subject(self, i: int) -> bool:
        """Is the mention at a sentence start or right after a comma (subject position)?"""
        mention = self.mentions[i]
        sentence = self.sentences[self.sentence_of(mention.start)]
        before = self.text[max(sentence.start, mention.start - 12) : mention.start]
        before = re.sub(
            r"(?:Mr|Mrs|Ms|Dr|Prof|President|Sen|Gov)\.?[ \u00a0]+$", "", before
        ).rstrip()
        after = self.text[mention.end : mention.end + 3].lstrip()
        if before.endswith(",") and after[:1] in (",", ")"):
            return False  # "his wife, Huma Abedin, an aide": an appositive, not the subject
        return (
            not before
            or before.endswith(",")
            or self.text[sentence.start : mention.start].strip()
            in ("", "Mr.", "Mrs.", "Ms.", "Dr.")
        )

    def _fits(self, i: int, want: str) -> bool:
        if self.mentions[i].label != "PERSON":
            return False
        info = self.info.get(person_key(self.mentions[i]))
        if info is None:
            return True
        if info.gender is None:
            info.gender = want  # a pronoun once used for a person tells its gender
        return info.gender == want

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, pos) - 1)

    def note_speaker(self, pos: int, mention_i: int) -> None:
        self.speakers_by_sentence.setdefault(self.sentence_of(pos), []).append(mention_i)

    def resolve(self, ref: SpeakerRef, at: int) -> int | None:
        """Index of the person mention a speaker expression refers to, or None."""
        if ref.kind == "mention":
            mention = self.mentions[ref.mention] if ref.mention is not None else None
            return ref.mention if mention is not None else None
        sentence = self.sentence_of(at)
        if ref.kind == "pronoun":
            pronoun = ref.surface.lower()
            if pronoun not in ("he", "she"):
                return None
            want = "m" if pronoun == "he" else "f"
            # 0. "Nadler derided what he called ...": the subject of the pronoun's own sentence
            own = self.sentence_of(ref.start)
            prev_char = self.text[max(0, ref.start - 2) : ref.start].strip()
            if prev_char not in (",", "\u201d", '"', "\u2019"):
                for i in self.persons_by_sentence.get(own, []):
                    if (
                        self.mentions[i].end <= ref.start
                        and self._subject(i)
                        and self._fits(i, want)
                    ):
                        return i
            # 1. the subject of the previous sentence (a person opening it, or right after a comma)
            for i in self.persons_by_sentence.get(sentence - 1, []):
                if self._subject(i) and self._fits(i, want):
                    return i
            # 2. the previous speaker stays the focus for a few sentences ("..., he said")
            for s in range(sentence - 1, max(-1, sentence - 4), -1):
                for i in self.speakers_by_sentence.get(s, [])[::-1]:
                    if self._fits(i, want):
                        return i
            # 3. else the first person named in the nearest earlier sentence
            for s in range(sentence - 1, max(-1, sentence - 6), -1):
                for i in self.persons_by_sentence.get(s, []):
                    if self._fits(i, want):
                        return i
            return None
        # description: latest earlier person whose role words agree
        for s in range(sentence, max(-1, sentence - 40), -1):
            candidates = self.speakers_by_sentence.get(s, []) + self.persons_by_sentence.get(s, [])
            for i in sorted(set(candidates), key=lambda k: -self.mentions[k].start):
                if self.mentions[i].start >= at:
                    continue
                info = self.info.get(person_key(self.mentions[i]))
                if info and description_matches(ref.surface, info.roles):
                    return i
        return None


class _Inside:
    """Membership of positions in sorted, non-overlapping spans."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def contains(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]
