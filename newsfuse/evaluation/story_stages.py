"""Run one labelled story through the same stage functions the pipeline uses.

Shared by ``newsfuse eval brief`` and ``newsfuse eval claims``: articles given as dicts
(title, text, source, published) are ingested as JSONL bytes (``read_bytes_input``), repaired
(``repair_article``), annotated and linked (``annotate``, ``link_entities``), then
cross-checked and briefed. A stage that is not importable is skipped and named in
``StoryRun.skipped`` so the printed figures say what they measured.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newsfuse.types import Article, ArticleAnnotations, Brief, Claim, Entity


@dataclass
class StoryRun:
    articles: list[Article]
    annotations: dict[str, ArticleAnnotations]
    entities: list[Entity]
    claims: list[Claim] = field(default_factory=list)
    brief: Brief | None = None
    skipped: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def ingest_dicts(items: Sequence[dict[str, Any]], name: str = "story.jsonl") -> tuple[list[Article], list[str]]:
    """Articles from dicts, through the ingest stage when it is there."""
    skipped: list[str] = []
    rows = []
    for n, item in enumerate(items):
        row = {
            "title": item.get("title") or "",
            "text": item.get("text") or "",
            "source": item.get("source") or f"outlet {n + 1}",
        }
        if item.get("published") or item.get("date"):
            row["published"] = str(item.get("published") or item.get("date"))[:10]
        if item.get("url"):
            row["url"] = item["url"]
        rows.append(row)
    try:
        from newsfuse.ingest import read_bytes_input  # type: ignore[attr-defined]
    except ImportError:
        read_bytes_input = None
    articles: list[Article] = []
    if read_bytes_input is not None:
        data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode("utf-8")
        for out in read_bytes_input(data, name):
            if isinstance(out, Article):
                articles.append(out)
        if len(articles) == len(rows):
            return articles, skipped
        articles = []
    skipped.append("ingest")
    import hashlib

    for n, r in enumerate(rows):
        digest = hashlib.sha256(" ".join(r["text"].split()).encode("utf-8")).hexdigest()[:16]
        articles.append(
            Article(
                id=f"{digest}{n:02d}" if any(a.id == digest for a in articles) else digest,
                path=f"{name}#{n + 1}",
                source=r["source"],
                title=r["title"],
                text=r["text"],
                original_text=r["text"],
                published=r.get("published"),
            )
        )
    return articles, skipped


def run_story(
    items: Sequence[dict[str, Any]],
    *,
    brief_sentences: int | None = None,
    with_brief: bool = True,
    name: str = "story.jsonl",
) -> StoryRun:
    """Ingest, repair, annotate, link, cross-check and brief one story."""
    from newsfuse.brief import write_brief
    from newsfuse.crosscheck import crosscheck
    from newsfuse.settings import Settings

    settings = Settings()
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    articles, skipped = ingest_dicts(items, name)
    try:
        from newsfuse.repair import repair_article  # type: ignore[attr-defined]

        articles = [repair_article(a, settings.repair) for a in articles]
    except ImportError:
        skipped.append("repair")
    seconds["ingest+repair"] = time.perf_counter() - t
    t = time.perf_counter()
    annotations: dict[str, ArticleAnnotations] = {}
    entities: list[Entity] = []
    try:
        from newsfuse.extract import annotate, link_entities  # type: ignore[attr-defined]

        notes = annotate(articles, settings.extract)
        links = link_entities(articles, notes, known=())
        annotations = {n.article_id: n for n in notes}
        entities = list(links.entities)
    except ImportError:
        skipped.append("extract")
    seconds["extract"] = time.perf_counter() - t
    t = time.perf_counter()
    claims = crosscheck(articles, annotations, entities, {}, settings.crosscheck)
    seconds["crosscheck"] = time.perf_counter() - t
    brief = None
    if with_brief:
        t = time.perf_counter()
        brief_settings = settings.brief
        if brief_sentences is not None:
            brief_settings.sentences = brief_sentences
            brief_settings.max_sentences = max(brief_settings.max_sentences, brief_sentences)
        brief = write_brief(articles, annotations, claims, entities, {}, brief_settings)
        seconds["brief"] = time.perf_counter() - t
    return StoryRun(
        articles=articles,
        annotations=annotations,
        entities=entities,
        claims=claims,
        brief=brief,
        skipped=skipped,
        seconds=seconds,
    )
