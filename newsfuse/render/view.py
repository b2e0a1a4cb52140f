"""What every report shows, computed once for Markdown, HTML and the terminal."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from newsfuse.types import Analysis, Article, Claim, Quote, Story


@dataclass
class StoryView:
    story: Story
    articles: list[Article]
    sources: dict[str, str] = field(default_factory=dict)  # article id -> outlet
    quotes_by_speaker: list[tuple[str, list[tuple[str, Quote]]]] = field(default_factory=list)
    claims_by_status: dict[str, list[Claim]] = field(default_factory=dict)

    def outlets(self, article_ids: list[str]) -> list[str]:
        return sorted({self.sources.get(a, "?") for a in article_ids})


def story_views(analysis: Analysis) -> list[StoryView]:
    by_id = {a.id: a for a in analysis.articles}
    views = []
    for story in analysis.stories:
        arts = [by_id[i] for i in story.article_ids if i in by_id]
        view = StoryView(story=story, articles=arts, sources={a.id: a.source for a in arts})
        view.quotes_by_speaker = quotes_by_speaker(story)
        for status in ("conflicting", "corroborated", "single_source"):
            view.claims_by_status[status] = [c for c in story.claims if c.status == status]
        views.append(view)
    return views


def quotes_by_speaker(story: Story) -> list[tuple[str, list[tuple[str, Quote]]]]:
    """Who said what: (speaker, [(article id, quote)]), most quoted first, unattributed last.

    A speaker is its entity's canonical name, else the words the article used; those group
    whatever their case ("Investigators said" opening a sentence, "investigators said" after a
    comma), under the spelling used most."""
    names = {e.id: e.name for e in story.entities}
    groups: dict[str, list[tuple[str, Quote]]] = {}
    spellings: dict[str, Counter[str]] = {}
    for aid, q in story.quotes:
        who = names.get(q.speaker_entity_id or "") or q.speaker or "unattributed"
        groups.setdefault(who.casefold(), []).append((aid, q))
        spellings.setdefault(who.casefold(), Counter())[who] += 1
    labelled = [(spellings[key].most_common(1)[0][0], quotes) for key, quotes in groups.items()]
    return sorted(labelled, key=lambda kv: (kv[0] == "unattributed", -len(kv[1]), kv[0]))


def short_id(article_id: str) -> str:
    return article_id[:8]
