"""The cited brief, timeline and coverage notes, on articles written for these tests."""

from __future__ import annotations

import re

import pytest

from newsfuse.brief import write_brief
from newsfuse.crosscheck import crosscheck
from newsfuse.evaluation.story_stages import run_story
from newsfuse.settings import BriefSettings
from newsfuse.types import Article, Span

STORY = [
    {
        "source": "Harbor Daily",
        "title": "Tanker runs aground",
        "published": "2025-06-02",
        "text": (
            "The oil tanker Meridian ran aground off Cape Ardel on June 1, the coast guard said. "
            "Oil leaked from a damaged tank, and crews laid floating barriers around the ship. "
            "The tanker carried about 80,000 tonnes of crude oil from Norway. "
            "Fishermen in Ardel harbour were told to keep their boats in port. "
            "The owner, Selka Shipping, said the crew of 24 was safe."
        ),
    },
    {
        "source": "Coast Weekly",
        "title": "Meridian aground at Cape Ardel",
        "published": "2025-06-02",
        "text": (
            "The coast guard said the tanker Meridian ran aground off Cape Ardel on June 1. "
            "Crews placed floating barriers around the ship after oil leaked from a damaged tank. "
            "Salvage teams plan to pump the remaining oil into a second vessel on June 4. "
            "Selka Shipping, which owns the ship, said all 24 crew members were unharmed. "
            "Environmental groups warned that seabird colonies on the cape are at risk."
        ),
    },
    {
        "source": "Nordic Wire",
        "title": "Tanker accident",
        "published": "2025-06-03",
        "text": (
            "A tanker named Meridian ran aground near Cape Ardel on June 1, according to the coast guard. "
            "An investigation into the accident was opened by the maritime authority on June 2. "
            "Oil leaked from one damaged tank and floating barriers were laid around the ship by crews."
        ),
    },
]


@pytest.fixture(scope="module")
def run():
    return run_story(STORY)


def test_default_brief_has_five_cited_sentences(run):
    brief = run.brief
    assert len(brief.sentences) == 5
    ids = {a.id for a in run.articles}
    outlets = {a.source for a in run.articles}
    for s in brief.sentences:
        assert s.article_ids and set(s.article_ids) <= ids
        assert s.sources and set(s.sources) <= outlets
        assert len(s.sources) == len({run.articles[[a.id for a in run.articles].index(i)].source for i in s.article_ids})


def test_brief_sentences_are_article_text(run):
    texts = {" ".join(a.text.split()) for a in run.articles}
    for s in run.brief.sentences:
        assert any(s.text in t for t in texts), s.text


def test_best_supported_fact_leads_and_cites_all_outlets(run):
    first = run.brief.sentences[0]
    assert "ran aground" in first.text
    assert len(first.sources) == 3
    assert first.claim_ids


def test_brief_does_not_repeat_a_fact(run):
    aground = [s for s in run.brief.sentences if "ran aground" in s.text]
    barriers = [s for s in run.brief.sentences if "barriers" in s.text]
    assert len(aground) == 1 and len(barriers) <= 1


def test_user_chosen_length(run):
    for n in (1, 3):
        brief = write_brief(run.articles, run.annotations, run.claims, run.entities, {}, BriefSettings(sentences=n))
        assert len(brief.sentences) == n
    capped = write_brief(
        run.articles, run.annotations, run.claims, run.entities, {}, BriefSettings(sentences=50, max_sentences=6)
    )
    assert len(capped.sentences) <= 6


def test_timeline_in_date_order_with_citations(run):
    timeline = run.brief.timeline
    assert timeline
    dates = [t.date for t in timeline]
    assert dates == sorted(dates)
    assert any(t.date == "2025-06-01" and len(t.article_ids) >= 2 for t in timeline)
    assert any(t.date == "2025-06-04" for t in timeline)


def test_coverage_note_names_what_only_each_outlet_reports(run):
    coverage = run.brief.coverage
    assert set(coverage) == {"Harbor Daily", "Coast Weekly", "Nordic Wire"}
    assert "Fishermen" in coverage["Harbor Daily"] or "80,000" in coverage["Harbor Daily"]
    assert "alone reports" in coverage["Coast Weekly"]


def _article(aid: str, source: str, text: str, garbled: list[Span] | None = None) -> Article:
    return Article(id=aid, path=aid, source=source, title="", text=text, original_text=text, garbled=garbled or [])


def test_garbled_sentences_are_never_quoted_and_clean_paraphrase_wins():
    damaged = (
        "The council approved the new harbour budget on Monday in a meeting in a meeting in a meeting. "
        "Ferry fares will rise by 10 percent next year. "
        "The mayor said the the budget budget was was balanced balanced at last."
    )
    clean = (
        "On Monday the council approved the new harbour budget. "
        "The budget includes money for a new ferry terminal. "
        "Critics said the plan ignores the old fish market."
    )
    bad_start = damaged.index("The mayor")
    a = _article("d1", "Garbled Post", damaged, [Span(bad_start, len(damaged))])
    b = _article("c1", "Clean Times", clean)
    claims = crosscheck([a, b], {}, [], {})
    brief = write_brief([a, b], {}, claims, [], {}, BriefSettings(sentences=4))
    texts = [s.text for s in brief.sentences]
    assert not any("The mayor" in t for t in texts)
    budget = [t for t in texts if "approved the new harbour budget" in t]
    assert budget == ["On Monday the council approved the new harbour budget."]


def test_reading_order_follows_article_positions(run):
    positions = []
    for s in run.brief.sentences:
        article = next(a for a in run.articles if a.id == s.article_ids[0])
        flat = " ".join(article.text.split())
        positions.append(flat.index(s.text) / len(flat))
    # sentences from the articles' openings come before those from their ends
    assert positions[0] == min(positions)


def test_single_article_story_still_gets_a_brief():
    a = _article("s1", "Lone Outlet", STORY[0]["text"])
    claims = crosscheck([a], {}, [], {})
    brief = write_brief([a], {}, claims, [], {})
    assert 1 <= len(brief.sentences) <= 5
    assert all(s.sources == ["Lone Outlet"] for s in brief.sentences)
    assert list(brief.coverage) == ["Lone Outlet"]


def test_empty_story_gives_empty_brief():
    brief = write_brief([], {}, [], [], {})
    assert brief.sentences == [] and brief.timeline == [] and brief.coverage == {}


def test_brief_text_has_no_control_whitespace(run):
    for s in run.brief.sentences:
        assert not re.search(r"\s{2,}|\n", s.text)


def test_conflicting_claims_stay_out_of_the_brief():
    run = run_story(
        [
            {"source": "Alpha News", "title": "Plant closes", "published": "2025-01-10",
             "text": "The Vester steel plant will close next year, the company said. "
                     "The closure will cost 800 jobs at the plant, union leaders said. "
                     "The town council asked the government for help."},
            {"source": "Beta Times", "title": "Vester plant to shut", "published": "2025-01-10",
             "text": "The company said the Vester steel plant will close next year. "
                     "Union leaders said the closure will cost 2,400 jobs at the plant. "
                     "Workers gathered at the gates on Friday."},
        ]
    )
    conflicting = [c for c in run.claims if c.status == "conflicting"]
    assert conflicting
    disputed = {e.sentence for c in conflicting for e in c.evidence}
    assert run.brief.sentences
    assert not {s.text for s in run.brief.sentences} & disputed


def test_shared_facts_count_only_word_pairs_two_outlets_use():
    from newsfuse.brief import _shared_bigrams
    from newsfuse.crosscheck.statements import build_story

    arts = [
        _article("s1", "Alpha", "The Tarn bridge collapsed on Friday. A baker named Ola Dunn sold bread."),
        _article("s2", "Beta", "On Friday the Tarn bridge collapsed into the river. Nobody was hurt."),
        _article("s3", "Gamma", "Engineers said the Tarn bridge collapsed after a flood."),
    ]
    view = build_story(arts, {}, [], {})
    shared = _shared_bigrams(view.statements)
    by_text = {s.text: shared.get(s.index, {}) for s in view.statements}
    bridge = next(v for t, v in by_text.items() if t.startswith("The Tarn bridge"))
    assert bridge.get(("bridge", "collaps")) == 3  # all three outlets use the pair
    baker = next(v for t, v in by_text.items() if "baker" in t)
    assert ("ola", "dunn") not in baker  # one outlet only: not a shared fact


def test_graph_rank_favours_the_sentence_others_keep_returning_to():
    from newsfuse.brief import _graph_centrality
    from newsfuse.crosscheck.statements import build_story

    arts = [
        _article("g1", "Alpha", "Storm Ivo flooded the harbour of Vigo and closed the port on Monday."),
        _article("g2", "Beta", "The port of Vigo was closed after Storm Ivo flooded the harbour."),
        _article("g3", "Gamma", "Storm Ivo closed the port of Vigo. A chess club met in Lugo."),
    ]
    view = build_story(arts, {}, [], {})
    rank = _graph_centrality(view.statements, [s.index for s in view.statements])
    chess = next(s.index for s in view.statements if "chess" in s.text)
    storm = next(s.index for s in view.statements if s.text.startswith("Storm Ivo flooded"))
    assert rank[storm] > rank[chess]
    assert rank[chess] < max(rank.values())
