"""The JSON contract ``newsfuse.analysis/1`` (docs/schema.md, newsfuse/data/schema.json).

Dataclasses <-> plain dicts. The store keeps stories and articles in this form too, so the
CLI, the web API and the files a user gets all speak one schema. Keys documented in the
schema are never renamed; new keys may be added.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from newsfuse.types import (
    Alias,
    Analysis,
    Article,
    ArticleAnnotations,
    Brief,
    BriefSentence,
    CandidateLink,
    Claim,
    DateMention,
    Entity,
    Evidence,
    InputError,
    Mention,
    NumberRef,
    Quantity,
    Quote,
    Repair,
    Span,
    Story,
    TimelineEntry,
)

SCHEMA = "newsfuse.analysis/1"


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def _build(cls: type, data: dict[str, Any]) -> Any:
    """Construct ``cls`` from ``data``, ignoring keys it does not know (forward compatible)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


# --------------------------------------------------------------------------- articles
def repair_to_dict(r: Repair) -> dict[str, Any]:
    return _fields(r)


def article_to_dict(a: Article) -> dict[str, Any]:
    d = _fields(a)
    d["repairs"] = [repair_to_dict(r) for r in a.repairs]
    d["garbled"] = [{"start": s.start, "end": s.end} for s in a.garbled]
    return d


def article_from_dict(d: dict[str, Any]) -> Article:
    a: Article = _build(Article, d)
    a.repairs = [_build(Repair, r) for r in d.get("repairs", [])]
    a.garbled = [Span(s["start"], s["end"]) for s in d.get("garbled", [])]
    a.extra = dict(d.get("extra") or {})
    return a


def annotations_to_dict(a: ArticleAnnotations) -> dict[str, Any]:
    return {
        "article_id": a.article_id,
        "sentences": [[s.start, s.end] for s in a.sentences],
        "mentions": [_fields(m) for m in a.mentions],
        "quotes": [_fields(q) for q in a.quotes],
        "quantities": [_fields(q) for q in a.quantities],
        "dates": [_fields(x) for x in a.dates],
    }


def annotations_from_dict(d: dict[str, Any]) -> ArticleAnnotations:
    return ArticleAnnotations(
        article_id=d["article_id"],
        sentences=[Span(s, e) for s, e in d.get("sentences", [])],
        mentions=[_build(Mention, m) for m in d.get("mentions", [])],
        quotes=[_build(Quote, q) for q in d.get("quotes", [])],
        quantities=[_build(Quantity, q) for q in d.get("quantities", [])],
        dates=[_build(DateMention, x) for x in d.get("dates", [])],
    )


# --------------------------------------------------------------------------- stories
def entity_to_dict(e: Entity) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "type": e.type,
        "aliases": sorted({a.name for a in e.aliases}),
        "alias_counts": [_fields(a) for a in e.aliases],
        "article_ids": list(e.article_ids),
        "mentions": e.mentions,
    }


def entity_from_dict(d: dict[str, Any]) -> Entity:
    aliases = [_build(Alias, a) for a in d.get("alias_counts", [])]
    if not aliases:
        aliases = [Alias(name=n, article_id="", count=0) for n in d.get("aliases", [])]
    return Entity(
        id=d["id"],
        name=d["name"],
        type=d.get("type", ""),
        aliases=aliases,
        article_ids=list(d.get("article_ids", [])),
        mentions=int(d.get("mentions", 0)),
    )


def quote_to_dict(article_id: str, q: Quote) -> dict[str, Any]:
    return {
        "text": q.text,
        "speaker": q.speaker,
        "speaker_entity_id": q.speaker_entity_id,
        "article_id": article_id,
        "start": q.start,
        "end": q.end,
        "kind": q.kind,
    }


def claim_to_dict(c: Claim) -> dict[str, Any]:
    return {
        "id": c.id,
        "text": c.text,
        "status": c.status,
        "evidence": [_fields(e) for e in c.evidence],
        "numbers": [_fields(n) for n in c.numbers],
        "sources": list(c.sources),
        "note": c.note,
    }


def claim_from_dict(d: dict[str, Any]) -> Claim:
    c: Claim = _build(Claim, d)
    c.evidence = [_build(Evidence, e) for e in d.get("evidence", [])]
    c.numbers = [_build(NumberRef, n) for n in d.get("numbers", [])]
    c.sources = list(d.get("sources", []))
    return c


def story_to_dict(s: Story) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "label": s.label,
        "article_ids": list(s.article_ids),
        "entities": [entity_to_dict(e) for e in s.entities],
        "quotes": [quote_to_dict(aid, q) for aid, q in s.quotes],
        "claims": [claim_to_dict(c) for c in s.claims],
        "brief": [_fields(b) for b in s.brief.sentences],
        "timeline": [_fields(t) for t in s.brief.timeline],
        "coverage": dict(s.brief.coverage),
        "duplicates": dict(s.duplicate_of),
        "candidate_links": [_fields(c) for c in s.candidate_links],
    }


def story_from_dict(d: dict[str, Any]) -> Story:
    quotes = []
    for q in d.get("quotes", []):
        quotes.append((q["article_id"], _build(Quote, q)))
    return Story(
        id=d["id"],
        title=d.get("title", ""),
        label=d.get("label", ""),
        article_ids=list(d.get("article_ids", [])),
        entities=[entity_from_dict(e) for e in d.get("entities", [])],
        quotes=quotes,
        claims=[claim_from_dict(c) for c in d.get("claims", [])],
        brief=Brief(
            sentences=[_build(BriefSentence, b) for b in d.get("brief", [])],
            timeline=[_build(TimelineEntry, t) for t in d.get("timeline", [])],
            coverage=dict(d.get("coverage", {})),
        ),
        duplicate_of=dict(d.get("duplicates", {})),
        candidate_links=[_build(CandidateLink, c) for c in d.get("candidate_links", [])],
    )


# --------------------------------------------------------------------------- whole analysis
def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "articles": [article_to_dict(a) for a in analysis.articles],
        "stories": [story_to_dict(s) for s in analysis.stories],
        "errors": [{"path": e.path, "error": e.error, "code": e.code} for e in analysis.errors],
        "timings": dict(analysis.timings),
        "outcomes": dict(analysis.outcomes),
    }


def analysis_from_dict(d: dict[str, Any]) -> Analysis:
    return Analysis(
        articles=[article_from_dict(a) for a in d.get("articles", [])],
        stories=[story_from_dict(s) for s in d.get("stories", [])],
        errors=[_build(InputError, e) for e in d.get("errors", [])],
        timings=dict(d.get("timings", {})),
    )


def schema() -> dict[str, Any]:
    """The JSON Schema of the contract (shipped as package data)."""
    import json
    from importlib import resources

    return json.loads(resources.files("newsfuse.data").joinpath("schema.json").read_text("utf-8"))


def validate(document: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when ``document`` breaks the contract."""
    import jsonschema

    jsonschema.validate(document, schema())
