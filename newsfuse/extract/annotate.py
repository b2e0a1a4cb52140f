"""annotate(): one pass of NER over all articles, then the cheap rules per article."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from newsfuse.extract.dates import find_dates
from newsfuse.extract.entities import (
    add_known_places,
    looks_like_person_name,
    merge_rule_mentions,
    ner_mentions,
    normalize_name,
    propagate_persons,
    title_mentions,
    vote_labels,
)
from newsfuse.extract.linking import TRANSLITERATIONS
from newsfuse.extract.nlp import iter_docs
from newsfuse.extract.quantities import parse_quantities
from newsfuse.extract.quotes import find_direct_quotes, is_partial
from newsfuse.extract.sentences import split_sentences
from newsfuse.extract.speakers import (
    _REPORT_RE,
    _VERB_RE,
    MentionIndex,
    Resolver,
    SpeakerRef,
    according_to,
    attribute_after,
    attribute_before,
    speaker_backward,
    speaker_forward,
)
from newsfuse.settings import ExtractSettings
from newsfuse.types import Article, ArticleAnnotations, Mention, Quote, Span

_KNOWN_PLACES = frozenset(
    k.capitalize() for k in TRANSLITERATIONS if k not in ("gaddafi", "qaddafi", "kadhafi")
)
WINDOW = 400  # characters around a quote searched for its attribution
MAX_SENTENCE_SCAN = 1500  # reported speech is looked for in the first N chars of a sentence


def annotate(
    articles: Sequence[Article], settings: ExtractSettings | None = None
) -> list[ArticleAnnotations]:
    """Sentences, entity mentions, quotes with speakers, quantities and dates per article."""
    settings = settings or ExtractSettings()
    texts = [article.text or "" for article in articles]
    ner: list[list[Mention]] = [[] for _ in articles]
    for index, offset, doc in iter_docs(
        texts,
        settings.spacy_model,
        settings.batch_size,
        settings.max_chunk_chars,
    ):
        ner[index].extend(ner_mentions(doc, offset, texts[index]))
    return [annotate_text(article, mentions) for article, mentions in zip(articles, ner)]


def annotate_text(article: Article, ner: list[Mention]) -> ArticleAnnotations:
    """Everything but NER for one article (NER mentions are given)."""
    text = article.text or ""
    sentences = split_sentences(text)
    titled = title_mentions(text)
    mentions = merge_rule_mentions(ner, titled)
    vote_labels(mentions, {normalize_name(m.text) for m, _ in titled})
    mentions = propagate_persons(text, mentions)
    mentions = add_known_places(text, mentions, _KNOWN_PLACES)
    quotes = find_quotes(text, sentences, mentions)
    return ArticleAnnotations(
        article_id=article.id,
        sentences=sentences,
        mentions=mentions,
        quotes=quotes,
        quantities=parse_quantities(text),
        dates=find_dates(text, article.published),
    )


class _Sentences:
    def __init__(self, sentences: list[Span], text_len: int) -> None:
        self.spans = sentences or [Span(0, text_len)]
        self.starts = [s.start for s in self.spans]

    def at(self, pos: int) -> Span:
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.spans[i]


def _paragraph_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def find_quotes(text: str, sentences: list[Span], mentions: list[Mention]) -> list[Quote]:
    """Direct (incl. split, partial, multi-paragraph) and reported quotes with speakers."""
    index = MentionIndex(mentions)
    sents = _Sentences(sentences, len(text))
    raw = find_direct_quotes(text)
    # (start, end, kind, ref, attribution_end) before resolution
    found: list[tuple[int, int, str, SpeakerRef | None, bool]] = []
    skip_next = False
    for k, quote in enumerate(raw):
        if skip_next:
            skip_next = False
            continue
        prev_close = raw[k - 1].close + 1 if k > 0 else 0
        next_open = raw[k + 1].open if k + 1 < len(raw) else len(text)
        sentence = sents.at(quote.open)
        limit = min(next_open, _paragraph_end(text, quote.close), quote.close + 200)
        after = text[quote.close + 1 : quote.close + 4].lstrip()
        ends_sentence = text[quote.end - 1 : quote.end] == "." and after[:1].isupper()
        if ends_sentence:
            ref, attr_end = None, quote.close + 1  # ‘…police.’ She said …: a new sentence
            limit = quote.close + 1  # nor may "according to X" in the next sentence claim it
        else:
            ref, attr_end = attribute_after(text, quote.close, limit, index)
        start, end = quote.start, quote.end
        if ref is not None and k + 1 < len(raw):
            follower = raw[k + 1]
            gap = text[attr_end : follower.open]
            inner_tail = text[quote.end : quote.close]
            if (
                re.fullmatch(r"[ \u00a0]*[,:;]?[ \u00a0]*", gap)
                and ("," in inner_tail or text[follower.start : follower.start + 1].islower())
                and "\n" not in text[quote.close : follower.open]
            ):
                end = follower.end  # split quote: one quote, one speaker
                skip_next = True
        lo = max(sentence.start, prev_close, quote.open - WINDOW)
        if ref is None:
            ref = attribute_before(text, lo, quote.open, index)
        if ref is None:
            ref = according_to(text, lo, min(limit, quote.close + WINDOW), index)
        partial = is_partial(text, quote)
        if ref is None:
            ref = _sentence_attribution(text, sents.at(quote.open), raw, index, quote.open)
        found.append((start, end, "partial" if partial else "direct", ref, False))
    # consecutive quotes in one paragraph share the speaker when the later one has none
    for k in range(1, len(found)):
        start, end, kind, ref, _ = found[k]
        _, p_end, _, p_ref, _ = found[k - 1]
        if ref is None and p_ref is not None and kind == "direct" and "\n" not in text[p_end:start]:
            found[k] = (start, end, kind, p_ref, True)
    found.extend(_reported(text, sentences, raw, index))
    found.sort(key=lambda item: item[0])
    for item in found:
        ref = item[3]
        if ref is not None and ref.kind == "mention" and ref.mention is not None:
            _speaker_is_person(mentions[ref.mention])
    resolver = Resolver(text, mentions, sentences, [(q.open, q.close + 1) for q in raw])
    quotes: list[Quote] = []
    for start, end, kind, ref, _inherited in found:
        speaker: str | None = None
        if ref is not None:
            resolved = resolver.resolve(ref, start)
            if resolved is not None:
                speaker = mentions[resolved].text
                resolver.note_speaker(start, resolved)
            elif ref.kind == "description":
                speaker = re.sub(r"^(?i:the|a|an)[ \u00a0]+", "", ref.surface)
            elif ref.kind == "mention":
                speaker = ref.surface
        quotes.append(Quote(text=text[start:end], start=start, end=end, speaker=speaker, kind=kind))  # type: ignore[arg-type]
    return quotes


_STARTS_CACHE: dict[int, tuple[list, list[int]]] = {}


def _speaker_is_person(mention: Mention) -> None:
    """A speaker named by two or three capitalised words without an organisation word is a
    person, whatever the small model said ("said Leyla Demirci" tagged ORG)."""
    if mention.label == "PERSON" or mention.label not in ("ORG", "GPE", "NORP"):
        return
    if looks_like_person_name(mention.text):
        mention.label = "PERSON"


def _outside(pos: int, raw: list) -> bool:
    """Is ``pos`` outside every direct quote? (O(log n); the opening offsets are cached.)"""
    cached = _STARTS_CACHE.get(id(raw))
    if cached is None or cached[0] is not raw:
        _STARTS_CACHE.clear()
        cached = (raw, [q.open for q in raw])
        _STARTS_CACHE[id(raw)] = cached
    starts = cached[1]
    i = bisect.bisect_right(starts, pos) - 1
    return not (i >= 0 and raw[i].open <= pos <= raw[i].close)


def _sentence_attribution(
    text: str, sentence: Span, raw: list, index: MentionIndex, at: int
) -> SpeakerRef | None:
    """A speech verb outside quotes anywhere in the quote's sentence (nearest first)."""
    lo = max(sentence.start, at - WINDOW)
    hi = min(sentence.end, at + WINDOW)
    # participles ("..., describing it as “…”") belong to the main clause's subject: skipped
    verbs = [
        m
        for m in _VERB_RE.finditer(text, lo, hi)
        if _outside(m.start(), raw) and not m.group(0).endswith("ing")
    ]
    verbs.sort(key=lambda m: abs(m.start() - at))
    # "He said he's asked a firm to take a “hard look”": a subject before a verb beats an
    # object after a nearer one
    for verb in verbs:
        ref = speaker_backward(text, verb.start(), lo, index)
        if ref is not None and _outside(ref.start, raw):
            return ref
    for verb in verbs:
        ref = speaker_forward(text, verb.end(), hi, index, pronouns=False)
        if ref is not None and _outside(ref.start, raw):
            return ref
    return None


# "that" + a subject; "requirements that could force ..." is a relative clause, not speech
_THAT_CLAUSE = re.compile(
    r"[^,;:\u201c\u201d\"]{0,60}?\bthat[ \u00a0]+(?!(?:could|would|will|can|may|might|must|should|"
    r"is|was|are|were|has|have|had|did|does|do)\b)"
)
# "said Tuesday it will ...": a day before the clause is skipped
_LEADING_WHEN = re.compile(
    r"[ \u00a0]+(?:on[ \u00a0]+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"yesterday|today|tonight)(?=[ \u00a0])"
)
_NOT_A_CLAUSE = (
    "on|in|at|during|after|before|to|from|with|by|for|last|this|earlier|later|yesterday|today|"
    "tonight|tomorrow|recently|previously|separately|publicly|privately|repeatedly|again|also|"
    "as|of|about|nothing|so|and|but|or|in a statement|goodbye|yes|no(?=[ \u00a0]to\b|[.,;])|that"
)
# a clause right after "said" (no "that"): anything but a prepositional phrase or adverb
_BARE_CLAUSE = re.compile(
    r"[ \u00a0]+(?!(?:" + _NOT_A_CLAUSE + r")\b(?![ \u00a0]\d))(?=[\w$\u20ac\u00a3])"
)  # "said about 60 percent ..." is a clause: a hedge before a number, not a preposition


def _reported(
    text: str, sentences: list[Span], raw: list, index: MentionIndex
) -> list[tuple[int, int, str, SpeakerRef | None, bool]]:
    """Reported speech: ``X said (that) ...``, ``according to X, ...``, ``..., X said.``"""
    found: list[tuple[int, int, str, SpeakerRef | None, bool]] = []
    direct_starts = [q.open for q in raw]
    for sentence in sentences:
        s_start, s_end = sentence.start, min(sentence.end, sentence.start + MAX_SENTENCE_SCAN)
        # skip sentences holding a full direct quote (the quote is the statement)
        i = bisect.bisect_left(direct_starts, s_start)
        if i < len(raw) and raw[i].open < s_end and not is_partial(text, raw[i]):
            continue
        end = _clause_end(text, s_start, sentence.end)
        hit = _reported_in(text, s_start, s_end, end, raw, index)
        if hit:
            found.append(hit)
    return found


_JOINING_WORD = re.compile(
    r"(?:^|[\s,])(?:but|and|while|though|although|yet|so|because|whereas|as|since)$", re.I
)


def _clause_end(text: str, start: int, end: int) -> int:
    """End of a statement without its final punctuation, keeping a closing quote mark that
    closes a quote opened inside it (``he was “the best finisher”.``)."""
    while end > start and text[end - 1] in ".!?\u2026 ":
        end -= 1
    if end > start and text[end - 1] in '\u201d"\u2019\u00bb':
        inner = text[start : end - 1]
        opened = inner.count("\u201c") + inner.count("\u00ab") + inner.count('"') % 2
        closed = inner.count("\u201d") + inner.count("\u00bb")
        if opened <= closed:
            end -= 1
            while end > start and text[end - 1] in ".!?\u2026, ":
                end -= 1
    return end


def _reported_in(text: str, s_start: int, s_end: int, end: int, raw: list, index: MentionIndex):
    according = re.search(r"(?:^|,[ \u00a0]*)[Aa]ccording to[ \u00a0]+", text[s_start:s_end])
    if according:
        a_start = s_start + according.start()
        ref = speaker_forward(text, s_start + according.end(), s_end, index)
        if ref is not None:
            if a_start > s_start + 10:  # "... , according to X."
                return (s_start, a_start, "reported", ref, False)
            comma = text.find(",", ref.end, s_end)
            if comma != -1:
                return (
                    comma + 1 + (text[comma + 1 : comma + 2] == " "),
                    end,
                    "reported",
                    ref,
                    False,
                )
    for verb in _REPORT_RE.finditer(text, s_start, s_end):
        if not _outside(verb.start(), raw):
            continue
        ref = speaker_backward(text, verb.start(), s_start, index)
        if ref is None:
            ref = _sentence_subject(text, s_start, verb.start(), index)
        rest_start = verb.end()
        if ref is None:
            # "..., said the Kremlin." at the sentence end
            ref_after = speaker_forward(text, verb.end(), s_end, index)
            before = text[s_start : verb.start()].rstrip()
            if ref_after is not None and before.endswith(",") and ref_after.end >= end - 25:
                return (s_start, s_start + len(before) - 1, "reported", ref_after, False)
            continue
        before = text[s_start : ref.start].rstrip()
        # "The vote passed, but diplomats said it changes little": a new clause, whose
        # statement follows the verb
        joined = _JOINING_WORD.search(before) is not None
        # "..., minister Tomasz Wielgos said": role words before the name are part of it
        before = (
            re.sub(r"(?:[ \u00a0]+(?:[a-z][\w\u2019'-]*|[A-Z][a-z]+))*$", "", " " + before)[
                1:
            ].rstrip()
            if not before.endswith(",")
            else before
        )
        after = text[verb.end() : verb.end() + 3]
        if before.endswith(",") and not joined:
            if after.startswith(","):  # "Europe, he said, must ..."
                return (s_start, end, "reported", ref, False)
            tail = text[verb.end() : end]
            if len(before) > 15 and len(tail) <= 40 and "that" not in tail.split():
                # "..., the emergency service said on Friday."
                return (s_start, s_start + len(before) - 1, "reported", ref, False)
        verb_word = text[verb.start() : verb.end()]
        when = _LEADING_WHEN.match(text, rest_start, s_end)
        if when:
            rest_start = when.end()
        bare = _BARE_CLAUSE.match(text, rest_start, s_end)
        that = _THAT_CLAUSE.match(text, rest_start, min(s_end, rest_start + 80))
        if bare and verb_word in ("said", "says", "say"):
            clause_start = bare.end()
        elif that:
            clause_start = that.end()
        else:
            continue
        if end - clause_start < 12 or len(text[clause_start:end].split()) < 3:
            continue
        return (clause_start, end, "reported", ref, False)
    return None


def _sentence_subject(
    text: str, s_start: int, verb_start: int, index: MentionIndex
) -> SpeakerRef | None:
    """The person or organisation a sentence opens with, when no comma separates it from the verb."""
    opening = speaker_forward(text, s_start, verb_start, index)
    if opening is not None and opening.kind == "mention" and opening.mention is not None:
        mention = index.mentions[opening.mention]
        if (
            mention.label == "PERSON"
            and "," not in text[mention.end : verb_start]
            and verb_start - mention.end <= 80
        ):
            return opening  # "UN chief Antonio Guterres called ... and said ..."
    if opening is not None and opening.kind == "description" and opening.start - s_start <= 4:
        between = text[opening.end : verb_start]
        if "," not in between and len(between) <= 80:
            return opening  # "The central bank left rates on hold and said ..."
    for i in index.starting_in(s_start, min(verb_start, s_start + 12)):
        mention = index.mentions[i]
        if mention.label in ("PERSON", "ORG") and "," not in text[mention.end : verb_start]:
            if verb_start - mention.end > 80:
                return None
            return SpeakerRef("mention", mention.text, mention.start, mention.end, i)
    return None
