"""What the store answers with, besides the shared dataclasses: rows for lists and search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StorySummary:
    """One line of the stories index: enough to list and filter without loading the story."""

    id: str
    title: str
    label: str
    article_count: int
    sources: list[str] = field(default_factory=list)
    first_published: str | None = None
    last_published: str | None = None
    created_at: str = ""
    updated_at: str = ""
    corroborated: int = 0
    single_source: int = 0
    conflicting: int = 0
    top_entities: list[tuple[str, str]] = field(default_factory=list)  # (entity id, name)

    @property
    def source_count(self) -> int:
        return len(self.sources)


@dataclass
class StoryPage:
    """Store.story_page: a story with the articles its page shows. ``redirect``: the id asked
    for was merged into ``summary.id`` (nothing else is filled in)."""

    summary: StorySummary
    story: dict[str, Any]  # the contract dict
    articles: list[Any]  # newsfuse.types.Article, stored order, at most the limit asked for
    revision: int
    redirect: bool = False


@dataclass
class SearchHit:
    """A full-text match. ``snippet`` is plain text; ``marks`` are its spans that matched."""

    kind: str  # "story" | "article" | "entity"
    id: str
    title: str
    snippet: str
    story_id: str | None = None
    marks: list[tuple[int, int]] = field(default_factory=list)
