"""Stories are built once per run from durable "dirty" marks, not once per batch.

Real spaCy, MiniLM and SQLite on our example articles. The crash case is made the honest way:
a run that stops after storing its batches (``until="cluster"`` stores articles, memberships
and marks but builds nothing, exactly what a run killed before its story phase leaves), then an
ordinary rerun.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from newsfuse import pipeline
from newsfuse.settings import Settings
from newsfuse.store import open_store
from newsfuse.store.dirty import PendingStories, dirty_ids, load
from newsfuse.types import Article, ArticleAnnotations, Story, StoryAssignment
from tests.conftest import EXAMPLES


def small_batches(size: int) -> Settings:
    s = Settings()
    s.store.batch_size = size
    return s


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {
            "dirty": conn.execute("SELECT count(*) FROM dirty_stories").fetchone()[0],
            "dangling": conn.execute(
                "SELECT count(*) FROM story_articles WHERE story_id NOT IN (SELECT id FROM stories)"
            ).fetchone()[0],
            "articles": conn.execute("SELECT count(*) FROM articles").fetchone()[0],
            "members": conn.execute("SELECT count(*) FROM story_articles").fetchone()[0],
        }


def test_each_story_is_built_once_per_run_not_once_per_batch(tmp_path, monkeypatch):
    built: Counter[str] = Counter()
    real = pipeline.assemble_story

    def counting(story_id, *args, **kwargs):
        built[story_id] += 1
        return real(story_id, *args, **kwargs)

    monkeypatch.setattr(pipeline, "assemble_story", counting)
    db = tmp_path / "s.sqlite"
    # 8 articles in batches of 3: the flood story gets members in every batch, and with no more
    # than IDLE_BATCHES batches nothing counts as "stopped growing" before the end
    analysis = pipeline.analyze([str(EXAMPLES)], store=str(db), settings=small_batches(3))
    assert len(analysis.stories) == 2
    assert sorted(len(s.article_ids) for s in analysis.stories) == [2, 6]
    assert set(built) == {s.id for s in analysis.stories}
    assert all(n == 1 for n in built.values()), built
    counts = table_counts(db)
    assert counts["dirty"] == 0 and counts["dangling"] == 0
    assert counts["members"] == counts["articles"] == 8
    for story in analysis.stories:  # whole stories: every member cited from its own articles
        assert story.brief.sentences
        for sentence in story.brief.sentences:
            assert set(sentence.article_ids) <= set(story.article_ids)


def test_a_run_stopped_before_its_stories_is_finished_by_the_next(tmp_path):
    db = tmp_path / "s.sqlite"
    settings = small_batches(3)
    first = pipeline.analyze([str(EXAMPLES)], store=str(db), settings=settings, until="cluster")
    partition = {frozenset(s.article_ids) for s in first.stories}
    counts = table_counts(db)
    assert counts["articles"] == counts["members"] == 8  # memberships went in with the articles
    assert counts["dirty"] == len(partition) == 2  # ... and the need to build both stories
    assert counts["dangling"] == 8  # nothing built yet

    again = pipeline.analyze([str(EXAMPLES)], store=str(db), settings=settings)
    assert again.outcomes["already_stored"] == 8 and again.outcomes["stored"] == 8
    assert {frozenset(s.article_ids) for s in again.stories} == partition
    counts = table_counts(db)
    assert counts["dirty"] == 0 and counts["dangling"] == 0 and counts["articles"] == 8
    assert all(s.brief.sentences for s in again.stories)

    # the same stories as a run that was never interrupted
    fresh = pipeline.analyze([str(EXAMPLES)], store=str(tmp_path / "fresh.sqlite"), settings=settings)
    assert {frozenset(s.article_ids) for s in fresh.stories} == partition
    by_members = {frozenset(s.article_ids): s for s in fresh.stories}
    for story in again.stories:
        other = by_members[frozenset(story.article_ids)]
        assert story.duplicate_of == other.duplicate_of
        assert [c.text for c in story.claims] == [c.text for c in other.claims]


def _article(n: int) -> tuple[Article, ArticleAnnotations]:
    aid = f"a{n:03d}"
    text = f"The council of Marrow Bay met on day {n} and approved budget item {n}."
    article = Article(id=aid, path=f"{aid}.txt", source=f"outlet{n}", title=f"Title {n}", text=text,
                      original_text=text, published=f"2031-03-0{n}")
    return article, ArticleAnnotations(article_id=aid)


def test_a_merge_carries_pending_and_stored_duplicate_pairs_to_the_survivor(tmp_path):
    with open_store(str(tmp_path / "s.sqlite")) as store:
        (a1, n1), (a2, n2), (a3, n3), (a4, n4) = (_article(i) for i in range(1, 5))
        # story "old" was built and stored with a near-duplicate pair; "new" is only dirty
        old = Story(id="old", title="Old", article_ids=[a1.id, a2.id], duplicate_of={a2.id: a1.id})
        store.save_batch([a1, a2], [n1, n2], [old], StoryAssignment(story_of={a1.id: "old", a2.id: "old"}), None)
        pending = PendingStories(members={a3.id: "new"}, stories={"new": {"duplicate_of": {}, "title": "New", "label": ""}})
        store.save_batch([a3], [n3], [], StoryAssignment(story_of={a3.id: "new"}), None, pending=pending)
        assert dirty_ids(store) == ["new"]
        # a later batch: a4 joins "old" (a copy of a3), then "old" merges into "new"
        pending = PendingStories(members={a4.id: "new"},
                                 stories={"new": {"duplicate_of": {a4.id: a3.id}, "title": "", "label": "L"}})
        store.save_batch([a4], [n4], [], StoryAssignment(story_of={a4.id: "new"}, merges=[("old", "new")]), None,
                         pending=pending)
        assert dirty_ids(store) == ["new"]
        got = load(store, "new")
        assert got is not None
        assert sorted(got.member_ids) == [a1.id, a2.id, a3.id, a4.id]
        assert got.duplicate_of == {a2.id: a1.id, a4.id: a3.id}
        assert (got.title, got.label) == ("New", "L")
        assert store.resolve_story_id("old") is None  # not built yet: nothing lists it

        story = pipeline.build_story("new", store, Settings())
        assert story is not None and sorted(story.article_ids) == sorted(got.member_ids)
        assert story.duplicate_of == got.duplicate_of and story.title == "New"
        store.save_batch([], [], [story], StoryAssignment(), None)
        assert dirty_ids(store) == [] and load(store, "new") is None
        assert store.resolve_story_id("old") == "new"
        assert pipeline.build_story("new", store, Settings()) is None  # nothing left to do


@pytest.mark.parametrize("size", [1, 200])
def test_batch_size_does_not_change_the_stories(tmp_path, size):
    analysis = pipeline.analyze([str(EXAMPLES)], store=str(tmp_path / "s.sqlite"), settings=small_batches(size))
    assert sorted(len(s.article_ids) for s in analysis.stories) == [2, 6]
    counts = table_counts(tmp_path / "s.sqlite")
    assert counts["dirty"] == 0 and counts["dangling"] == 0
