"""Plain data passed between the stages.

The pipeline is ingest -> repair -> extract -> cluster -> crosscheck -> brief -> render.
Each stage takes and returns these dataclasses and nothing else, so any stage can be
replaced or run elsewhere (Ray, a web request) without reaching into another's internals.

Span conventions (they are part of the JSON contract, see docs/schema.md):
- ``Repair.start/end`` index ``Article.original_text``.
- Every other span (sentences, mentions, quotes, quantities, evidence) indexes ``Article.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ClaimStatus = Literal["corroborated", "single_source", "conflicting"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int


# --------------------------------------------------------------------------- ingest / repair
@dataclass
class Repair:
    """One change the repair stage made; ``original_text[start:end]`` became ``replacement``."""

    kind: str
    start: int
    end: int
    original: str
    replacement: str
    confidence: float = 1.0


@dataclass
class Article:
    """One news article. ``id`` is a hash of the normalised original text (see ingest.article_id)."""

    id: str
    path: str
    source: str
    title: str
    text: str
    original_text: str
    published: str | None = None  # ISO 8601 date or datetime
    language: str | None = None
    url: str | None = None
    repairs: list[Repair] = field(default_factory=list)
    # spans of ``text`` the repair stage could not mend safely: later stages avoid them
    garbled: list[Span] = field(default_factory=list)
    # unknown JSONL keys, feed fields, trafilatura metadata (author, sitename, ...)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class InputError:
    """An input that could not be used. ``code`` is an NF0xx code from newsfuse.errors."""

    path: str
    error: str
    code: str = "NF000"


@dataclass
class RepairResult:
    text: str
    repairs: list[Repair] = field(default_factory=list)
    garbled: list[Span] = field(default_factory=list)  # spans of ``text``


# --------------------------------------------------------------------------- extract
@dataclass
class Mention:
    """A named-entity mention in ``Article.text``; ``entity_id`` is filled by entity linking."""

    text: str
    start: int
    end: int
    label: str  # PERSON, ORG, GPE, LOC, NORP, EVENT, ...
    entity_id: str | None = None


@dataclass
class Quote:
    text: str  # the quoted words (or the reported clause), as in Article.text[start:end]
    start: int
    end: int
    speaker: str | None  # surface form of the speaker, None when unattributed
    kind: Literal["direct", "reported", "partial"] = "direct"
    speaker_entity_id: str | None = None


@dataclass
class Quantity:
    text: str  # surface text, e.g. "almost 20 percent"
    start: int
    end: int
    value: float  # as written, e.g. 20.0 or 500.0
    unit: str | None  # normalised unit: "percent", "USD", "km2", "drones", ...
    normalized: float | None = None  # value in base unit, e.g. 500e9 for "$500 billion"
    hedge: str | None = None  # "approx", "almost", "more_than", "at_least", "at_most", ...
    counts: str | None = None  # what is counted / measured: "Ukraine", "minerals", ...


@dataclass
class DateMention:
    text: str
    start: int
    end: int
    date: str | None  # ISO date when it can be resolved against Article.published


@dataclass
class ArticleAnnotations:
    article_id: str
    sentences: list[Span] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)


@dataclass
class Alias:
    name: str
    article_id: str
    count: int


@dataclass
class Entity:
    """One real-world thing under one canonical name, across articles (and the store)."""

    id: str
    name: str
    type: str
    aliases: list[Alias] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    mentions: int = 0


@dataclass
class CandidateLink:
    """A link the linker was unsure about: kept apart, recorded with its score."""

    entity_a: str
    entity_b: str
    score: float
    reason: str = ""


@dataclass
class EntityLinks:
    entities: list[Entity] = field(default_factory=list)
    candidates: list[CandidateLink] = field(default_factory=list)


# --------------------------------------------------------------------------- cluster
@dataclass
class ClusterItem:
    """What the clusterer sees of one article."""

    article_id: str
    title: str
    text: str
    source: str
    published: str | None  # ISO date; None when unknown
    embedding: Any  # np.ndarray (384,), L2-normalised
    entities: list[str] = field(default_factory=list)  # normalised entity names in the article
    numbers: list[float] = field(default_factory=list)


@dataclass
class StoryAssignment:
    """The clusterer's answer for a batch: which story each article joined."""

    story_of: dict[str, str] = field(default_factory=dict)  # article id -> story id
    # story ids that changed in this batch (new, grown or merged into)
    touched: list[str] = field(default_factory=list)
    merges: list[tuple[str, str]] = field(default_factory=list)  # (old story id, surviving id)
    duplicate_of: dict[str, str] = field(default_factory=dict)  # article id -> earliest copy
    titles: dict[str, str] = field(default_factory=dict)  # story id -> title
    labels: dict[str, str] = field(default_factory=dict)  # story id -> one-line label


# --------------------------------------------------------------------------- crosscheck / brief
@dataclass
class Evidence:
    article_id: str
    sentence: str  # == Article.text[start:end]
    start: int
    end: int
    source: str = ""


@dataclass
class NumberRef:
    value: float
    unit: str | None
    text: str
    article_id: str = ""
    source: str = ""
    hedge: str | None = None
    normalized: float | None = None


@dataclass
class Claim:
    id: str
    text: str
    status: ClaimStatus
    evidence: list[Evidence] = field(default_factory=list)
    numbers: list[NumberRef] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # independent outlets backing it
    note: str = ""  # why it is conflicting / which outlet alone reports it


@dataclass
class BriefSentence:
    text: str
    article_ids: list[str]
    claim_ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass
class TimelineEntry:
    date: str
    text: str
    article_ids: list[str] = field(default_factory=list)


@dataclass
class Brief:
    sentences: list[BriefSentence] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    # outlet -> short note of what only that outlet reports
    coverage: dict[str, str] = field(default_factory=dict)


@dataclass
class Story:
    """Everything newsfuse says about one story; rendered to JSON/Markdown/HTML/terminal."""

    id: str
    title: str
    article_ids: list[str]
    label: str = ""
    entities: list[Entity] = field(default_factory=list)
    quotes: list[tuple[str, Quote]] = field(default_factory=list)  # (article id, quote)
    claims: list[Claim] = field(default_factory=list)
    brief: Brief = field(default_factory=Brief)
    duplicate_of: dict[str, str] = field(default_factory=dict)
    candidate_links: list[CandidateLink] = field(default_factory=list)


@dataclass
class Analysis:
    """The result of one ``newsfuse.analyze`` call."""

    articles: list[Article] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    annotations: dict[str, ArticleAnnotations] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    # one outcome per input: stored (already_stored counts re-ingested ones), rejected, timed_out
    outcomes: dict[str, int] = field(default_factory=dict)
