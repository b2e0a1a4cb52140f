"""Statements: the sentences of a story's articles, with what makes them checkable.

Cross-checking and the brief both work on the same units: one sentence of one article, with
the canonical entities, numbers, dates and quotes that fall inside it, the independent source
it counts for, and how damaged it looks. Building them needs no model, so both stages rebuild
them from the annotations instead of passing hidden state between stages.

When the extract stage left an article without annotations (or ran without a model), a light
fallback fills sentences, numbers, dates and quotes from the text so the story is still
cross-checked rather than silently skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsfuse.ingest import looks_like_dateline
from newsfuse.types import (
    Article,
    ArticleAnnotations,
    DateMention,
    Entity,
    Quantity,
    Quote,
    Repair,
    Span,
)

# section labels newsrooms put before a sentence (Axios and its imitators); a label is not
# part of what the sentence claims, and a brief quoting the sentence should not start with it
_SECTION_LABELS = frozenset(
    " ".join(label.split())
    for label in """why it matters|driving the news|the big picture|state of play|by the numbers|
    between the lines|what they're saying|what's next|what to watch|the bottom line|the backstory|
    zoom in|zoom out|flashback|catch up quick|our thought bubble|reality check|be smart|the latest|
    yes, but|go deeper|the other side|of note|context|details|update|updated|editor's note""".split("|")
)
_LABEL_AT_START = re.compile(r"\s*([A-Za-z][A-Za-z’', ]{1,30}?):\s+(?=[A-Z“\"‘'])")
MAX_SENTENCE_CHARS = 1_200  # longer "sentences" are page debris or run-ons, not statements

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]{0,40}|\d[\d,.]{0,30}")
_PRONOUNS = frozenset("he she they it we i you his her their its this that who".split())

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours mr mrs ms said says say told according
    one would could may might must shall""".split()
)


def section_label_length(sentence: str) -> int:
    """How many characters a leading section label takes ("Why it matters: " -> 16), else 0."""
    found = _LABEL_AT_START.match(sentence)
    if not found:
        return 0
    label = " ".join(found.group(1).replace("’", "'").lower().split())
    return found.end() if label in _SECTION_LABELS else 0


def stem(word: str) -> str:
    """A crude English suffix stripper: enough to match 'borders'/'border', 'said'/'says'."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 5 and w.endswith("ing"):
        return w[:-3]
    if len(w) > 4 and w.endswith("ed"):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def content_tokens(text: str) -> list[str]:
    """Lower-cased, stemmed content words (stop words dropped), numbers kept as written."""
    out = []
    for m in _WORD.finditer(text):
        tok = m.group(0).strip(".,'’-")
        if not tok:
            continue
        low = tok.lower()
        if low in STOPWORDS:
            continue
        out.append(stem(low) if tok[0].isalpha() else low.replace(",", ""))
    return out


@dataclass
class Statement:
    """One sentence of one article, as cross-checking and the brief see it."""

    index: int  # position in the story's statement list
    article_id: str
    source: str  # independent-source key (outlet of the earliest copy), lower-cased
    outlet: str  # display name of that source
    start: int
    end: int
    text: str
    position: int  # sentence number within its article
    relative_position: float  # 0.0 first sentence .. 1.0 last
    entities: frozenset[str] = frozenset()
    # (start, end, entity key, NER label) of each name in the sentence, article offsets
    mentions: list[tuple[int, int, str, str]] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    garbled: bool = False
    damage: float = 0.0  # 0 clean .. ~3 badly damaged
    tokens: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        """Words with a letter: a dateline ("Updated: July 2, 2013 15:01 IST") has three."""
        return sum(1 for w in self.text.split() if any(ch.isalpha() for ch in w))

    @property
    def checkable(self) -> float:
        """How much a reader could check in it: numbers, dates, attributed quotes, names."""
        score = 0.0
        if self.quantities:
            score += 3.0
        if any(is_absolute_date(d) for d in self.dates):
            score += 1.5
        if any(q.speaker for q in self.quotes):
            score += 1.5
        score += min(len(self.entities), 3) * 0.25
        return score


@dataclass
class StoryView:
    """The statements of one story plus the source bookkeeping both stages need."""

    statements: list[Statement]
    articles: dict[str, Article]
    source_of: dict[str, str]  # article id -> independent-source key
    outlet_name: dict[str, str]  # source key -> display name
    duplicates: dict[str, str]  # article id -> the copy it duplicates (collapsed)
    entity_names: dict[str, str]  # entity id -> canonical name
    entity_types: dict[str, str] = field(default_factory=dict)  # entity id -> PERSON, ORG, ...


# --------------------------------------------------------------------------- sources
def _norm_outlet(name: str) -> str:
    return re.sub(r"\s+", " ", name or "").strip().lower()


def _sentence_fingerprints(text: str) -> set[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", text[:200_000])
    return {" ".join(content_tokens(p)) for p in parts if len(p) > 30}


def collapse_duplicates(
    articles: Sequence[Article], duplicate_of: dict[str, str], containment: float = 0.8
) -> dict[str, str]:
    """article id -> the earliest copy it repeats, from the clusterer plus our own check.

    The clusterer's MinHash decides most copies; here we add articles whose sentences are
    mostly (``containment``) the sentences of an earlier article, e.g. a wire story
    republished with a new headline, so a copy never counts as a second witness.
    Linear in total sentences: each fingerprint is looked up in one dictionary.
    """
    ids = {a.id for a in articles}
    resolved: dict[str, str] = {}
    for a in articles:
        target = duplicate_of.get(a.id)
        seen = {a.id}
        while target and target in duplicate_of and target not in seen:
            seen.add(target)
            target = duplicate_of[target]
        if target and target != a.id and target in ids:
            resolved[a.id] = target
    owner: dict[str, str] = {}
    for a in articles:
        if a.id in resolved:
            continue
        prints = _sentence_fingerprints(a.text)
        if not prints:
            continue
        counts: dict[str, int] = {}
        for p in prints:
            o = owner.get(p)
            if o is not None:
                counts[o] = counts.get(o, 0) + 1
        best = max(counts.items(), key=lambda kv: kv[1], default=None)
        if best and best[1] / len(prints) >= containment:
            resolved[a.id] = best[0]
            continue
        for p in prints:
            owner.setdefault(p, a.id)
    return resolved


# --------------------------------------------------------------------------- repairs -> text
def repair_offsets(article: Article) -> list[tuple[int, int, Repair]] | None:
    """Where each repair landed in ``article.text`` (start, end of its replacement).

    Flags (records whose replacement equals the original) are skipped. Valid only when
    applying the edits to ``original_text`` in order gives ``text``; returns None otherwise (the caller then shows repairs as a list instead of inline).
    """
    # records whose replacement equals the original are flags (garbled, low confidence)
    edits = [r for r in article.repairs if r.replacement != r.original]
    if not edits:
        return [] if article.text == article.original_text else None
    repairs = sorted(edits, key=lambda r: (r.start, r.end))
    out = []
    pieces = []
    delta = 0
    cursor = 0
    orig = article.original_text
    for r in repairs:
        if r.start < cursor or r.end > len(orig) or r.start > r.end:
            return None
        pieces.append(orig[cursor : r.start])
        pieces.append(r.replacement)
        t_start = r.start + delta
        out.append((t_start, t_start + len(r.replacement), r))
        delta += len(r.replacement) - (r.end - r.start)
        cursor = r.end
    pieces.append(orig[cursor:])
    if "".join(pieces) != article.text:
        return None
    return out


# --------------------------------------------------------------------------- damage
_REPEAT = re.compile(r"\b(\w+(?: \w+){0,3}) \1\b", re.IGNORECASE)
_DEBRIS = re.compile(r"Credit…|Credit\.\.\.|Photo:|Image:|Getty Images|�|\bADVERTISEMENT\b")


def damage_score(text: str, repairs_inside: int = 0) -> float:
    """Signs that a sentence reads badly: loops, broken quotes, debris, lower-case start."""
    score = 0.0
    sample = text[:MAX_SENTENCE_CHARS]
    if _REPEAT.search(sample):
        score += 1.0
    quotes = sum(sample.count(c) for c in "“”\"")
    if quotes % 2:
        score += 0.6
    if sample.count("“") != sample.count("”"):
        score += 0.3
    if _DEBRIS.search(sample):
        score += 1.5
    stripped = sample.lstrip("“\"'‘ ")
    if stripped[:1].islower():
        score += 0.6
    if not sample.rstrip().endswith((".", "!", "?", "”", '"', "’", "'")):
        score += 0.8
    words = len(sample.split())
    if words < 6:
        score += 0.8
    elif words > 55:
        score += 0.5
    score += 0.15 * min(repairs_inside, 6)
    return score


# --------------------------------------------------------------------------- fallbacks
_segmenter = None


def fallback_sentences(text: str) -> list[Span]:
    """Sentences by pysbd per paragraph, re-joining splits after abbreviations ('approx.')."""
    global _segmenter
    if _segmenter is None:
        import pysbd

        _segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    spans: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        base = para.start()
        chunk = para.group(0)
        if len(chunk) > 20_000:  # bounded cost on run-on paragraphs: cut at full stops
            parts = [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+[.!?]*", chunk)]
        else:
            parts = [(s.start, s.end) for s in _segmenter.segment(chunk)]
        merged: list[list[int]] = []
        for s, e in parts:
            seg = chunk[s:e]
            if merged and seg.strip()[:1] and (seg.strip()[0].islower() or seg.strip()[0].isdigit()):
                merged[-1][1] = e
            else:
                merged.append([s, e])
        for s, e in merged:
            seg = chunk[s:e]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            if e - trail > s + lead:
                spans.append(Span(base + s + lead, base + e - trail))
    return spans


_HEDGE = (
    r"(?P<hedge>approx(?:imately|\.)?|about|around|roughly|some|nearly|almost|close to|"
    r"more than|over|at least|fewer than|less than|under|up to|at most|just over|just under)?\s*"
)
_NUMBER_RE = re.compile(
    _HEDGE
    + r"(?P<cur>\$|US\$|€|£)?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|m)\b)?"
    r"(?:\s?(?P<unit>%|percent|per cent|[A-Za-z][A-Za-z\-]{1,30}))?",
    re.IGNORECASE,
)
_HEDGE_KEY = {
    "approx": "approx", "approx.": "approx", "approximately": "approx", "about": "approx",
    "around": "approx", "roughly": "approx", "some": "approx", "nearly": "almost",
    "almost": "almost", "close to": "almost", "more than": "more_than", "over": "more_than",
    "just over": "more_than", "at least": "at_least", "fewer than": "less_than",
    "less than": "less_than", "under": "less_than", "just under": "almost", "up to": "at_most",
    "at most": "at_most",
}
_SCALE = {"thousand": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_UNIT_SKIP = STOPWORDS | {"percent", "dollars", "us"}


def fallback_quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Numbers with hedge, scale and the counted noun; used only when extract gave none."""
    try:  # the extract stage's parser, when it is there, is the better one
        from newsfuse.extract import parse_quantities  # type: ignore[attr-defined]

        return list(parse_quantities(text, offset=offset))
    except ImportError:
        pass
    out: list[Quantity] = []
    for m in _NUMBER_RE.finditer(text[:200_000]):
        raw = m.group("num").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        unit_raw = (m.group("unit") or "").lower()
        scale = _SCALE.get((m.group("scale") or "").lower(), 1.0)
        if m.group("cur"):
            unit = "USD" if m.group("cur") in ("$", "US$") else m.group("cur")
            if unit_raw in ("us", "dollars"):
                unit_raw = ""
        elif unit_raw in ("%", "percent", "per cent"):
            unit = "percent"
        elif unit_raw and unit_raw.split()[0] not in _UNIT_SKIP:
            unit = stem(unit_raw)
        else:
            unit = None
        if unit is None and not m.group("hedge") and 1800 <= value <= 2100 and "." not in raw:
            continue  # a year: the date fallback covers it
        hedge = _HEDGE_KEY.get((m.group("hedge") or "").lower().strip()) if m.group("hedge") else None
        end = m.end() if unit and unit != "USD" or unit_raw else m.end("num")
        if m.group("scale"):
            end = max(end, m.end("scale"))
        out.append(
            Quantity(
                text=text[m.start():end].strip(),
                start=offset + m.start() + (len(m.group(0)) - len(m.group(0).lstrip())),
                end=offset + end,
                value=value,
                unit=unit,
                normalized=value * scale,
                hedge=hedge,
            )
        )
    return out


_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
_DATE_RE = re.compile(
    r"\b(?:(?P<month>January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?"
    r"|(?P<day2>\d{1,2})\s+(?P<month2>January|February|March|April|May|June|July|August|"
    r"September|October|November|December)(?:\s+(?P<year2>\d{4}))?"
    r"|(?:in|since|until|by|of)\s+(?P<year3>(?:19|20)\d{2}))\b"
)


def fallback_dates(text: str, published: str | None, offset: int = 0) -> list[DateMention]:
    """Absolute dates ('March 3', '3 March 2024', 'in 2014'); weekdays are left to extract."""
    pub_year = published[:4] if published and published[:4].isdigit() else None
    out = []
    for m in _DATE_RE.finditer(text[:200_000]):
        if m.group("year3"):
            iso = m.group("year3")
            start = m.start("year3")
        else:
            month = _MONTHS[(m.group("month") or m.group("month2")).lower()]
            day = int(m.group("day") or m.group("day2"))
            year = m.group("year") or m.group("year2") or pub_year
            iso = f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
            start = m.start()
        out.append(DateMention(text=text[start : m.end()], start=offset + start, end=offset + m.end(), date=iso))
    return out


_QUOTE_RE = re.compile(r"[“\"]([^“”\"]{8,600})[”\"]")
_SAID_AFTER = re.compile(
    r"^[,.]?\s*(?:said|says|added|told \w+)\s+(?P<name>(?:[A-Z][\w’'\-]+\s?){1,3})"
    r"|^[,.]?\s*(?P<name2>(?:[A-Z][\w’'\-]+\s?){1,3})\s(?:said|says|added)"
)
_SAID_BEFORE = re.compile(r"(?P<name>(?:[A-Z][\w’'\-]+\s?){1,3})\s(?:said|says|added|told \w+)[:,]?\s*$")


def fallback_quotes(text: str, offset: int = 0) -> list[Quote]:
    """Direct quotes with a capitalised speaker next to 'said'; used only when extract gave none."""
    out = []
    for m in _QUOTE_RE.finditer(text[:200_000]):
        after = text[m.end() : m.end() + 80]
        before = text[max(0, m.start() - 80) : m.start()]
        speaker = None
        a = _SAID_AFTER.match(after)
        if a:
            speaker = (a.group("name") or a.group("name2") or "").strip()
        else:
            b = _SAID_BEFORE.search(before)
            if b:
                speaker = b.group("name").strip()
        if speaker and speaker.lower() in _PRONOUNS:
            speaker = None
        out.append(
            Quote(text=m.group(1), start=offset + m.start(1), end=offset + m.end(1), speaker=speaker)
        )
    return out


def is_absolute_date(d: DateMention) -> bool:
    if not d.date:
        return False
    return bool(re.search(r"\d{4}|January|February|March|April|May|June|July|August|September|"
                          r"October|November|December|\d{1,2}/\d{1,2}", d.text))


# --------------------------------------------------------------------------- building
def _annotations_or_fallback(article: Article, ann: ArticleAnnotations | None) -> ArticleAnnotations:
    """The extract stage's annotations, with empty parts filled from the text."""
    ann = ann or ArticleAnnotations(article_id=article.id)
    if ann.sentences and (ann.mentions or ann.quantities or ann.quotes or ann.dates):
        return ann
    return ArticleAnnotations(
        article_id=article.id,
        sentences=ann.sentences or fallback_sentences(article.text),
        mentions=ann.mentions,
        quotes=ann.quotes or fallback_quotes(article.text),
        quantities=ann.quantities or fallback_quantities(article.text),
        dates=ann.dates or fallback_dates(article.text, article.published),
    )


def _entity_lookup(entities: Sequence[Entity]) -> tuple[dict[str, str], dict[str, str]]:
    names = {e.id: e.name for e in entities}
    alias: dict[str, str] = {}
    for e in entities:
        alias.setdefault(e.name.lower(), e.id)
        for a in e.aliases:
            alias.setdefault(a.name.lower(), e.id)
    return names, alias


def _inside(items: list, start: int, end: int) -> list:
    return [x for x in items if x.start >= start and x.end <= end]


def build_story(
    articles: Sequence[Article],
    annotations: dict[str, ArticleAnnotations],
    entities: Sequence[Entity],
    duplicate_of: dict[str, str],
    max_sentences_per_article: int = 400,
) -> StoryView:
    """Statements of the independent articles of one story, in article then sentence order.

    Articles that repeat an earlier copy contribute no statements: their outlet is named on
    the copy's evidence only through the copy itself. Cost is linear in the story's sentences.
    """
    by_id = {a.id: a for a in articles}
    dups = collapse_duplicates(articles, duplicate_of)
    entity_names, alias = _entity_lookup(entities)
    source_of: dict[str, str] = {}
    outlet_name: dict[str, str] = {}
    for a in articles:
        root = dups.get(a.id, a.id)
        root_article = by_id.get(root, a)
        display = (root_article.source or "").strip() or f"article {root_article.id[:8]}"
        key = _norm_outlet(display)
        source_of[a.id] = key
        outlet_name.setdefault(key, display)
    statements: list[Statement] = []
    for a in articles:
        if a.id in dups:
            continue
        ann = _annotations_or_fallback(a, annotations.get(a.id))
        offsets = repair_offsets(a) or []
        sents = [s for s in ann.sentences if 0 <= s.start < s.end <= len(a.text)]
        sents = sents[:max_sentences_per_article]
        n = max(len(sents) - 1, 1)
        mentions = sorted(ann.mentions, key=lambda m: m.start)
        for pos, span in enumerate(sents):
            text = a.text[span.start : span.end]
            if not text.strip() or span.end - span.start > MAX_SENTENCE_CHARS:
                continue
            if looks_like_dateline(text.strip()):  # "Updated: July 2, 2013 15:01 IST" claims nothing
                continue
            start = span.start + section_label_length(text)  # "Why it matters: " is no claim
            text = a.text[start : span.end]
            named = [
                (m.start, m.end, m.entity_id or alias.get(m.text.lower()) or "~" + m.text.lower(), m.label)
                for m in _inside(mentions, start, span.end)
            ]
            garbled = any(g.start < span.end and g.end > start for g in a.garbled)
            repairs_inside = sum(1 for s, e, _ in offsets if s < span.end and e > start)
            statements.append(
                Statement(
                    index=len(statements),
                    article_id=a.id,
                    source=source_of[a.id],
                    outlet=outlet_name[source_of[a.id]],
                    start=start,
                    end=span.end,
                    text=text,
                    position=pos,
                    relative_position=pos / n,
                    entities=frozenset(key for _, _, key, _ in named),
                    mentions=named,
                    quantities=_inside(ann.quantities, start, span.end),
                    dates=_inside(ann.dates, start, span.end),
                    quotes=[q for q in ann.quotes if q.start < span.end and q.end > start],
                    garbled=garbled,
                    damage=damage_score(text, repairs_inside) + (3.0 if garbled else 0.0),
                    tokens=content_tokens(text),
                )
            )
    return StoryView(
        statements=statements,
        articles=by_id,
        source_of=source_of,
        outlet_name=outlet_name,
        duplicates=dups,
        entity_names=entity_names,
        entity_types={e.id: e.type for e in entities},
    )
