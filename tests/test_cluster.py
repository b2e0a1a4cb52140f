"""Story clustering on articles we wrote (tests/fixtures/cluster/events.jsonl).

Four events in one week: an earthquake in Chile and one in Indonesia (similar, must stay
apart), a tram vote told with different words (must come together), a rate decision.
Articles go through the real ingest, extract and embedding stages, as in the pipeline.
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from newsfuse.cluster import StoryClusterer, cluster_items
from newsfuse.cluster.features import clean_title, valid_date
from newsfuse.types import Article, ClusterItem
from tests.shared_data import DATA as SHARED
from tests.shared_data import SEEDS

FIXTURE = Path(__file__).parent / "fixtures" / "cluster" / "events.jsonl"


@pytest.fixture(scope="module")
def corpus():
    """(articles, items, gold event per article id) through ingest + extract + embed."""
    from newsfuse.extract import annotate
    from newsfuse.ingest import read_bytes_input

    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    data = "\n".join(
        json.dumps({"id": r["id"], "title": r["title"], "text": r["text"], "source": r["source"], "published": r["date"]})
        for r in rows
    ).encode()
    articles = [a for a in read_bytes_input(data, "events.jsonl") if isinstance(a, Article)]
    assert len(articles) == len(rows)
    event = {a.id: next(r["event"] for r in rows if r["id"] == a.extra["id"]) for a in articles}
    items = cluster_items(articles, annotate(articles))
    return articles, items, event


def partition(story_of: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for aid, sid in story_of.items():
        groups[sid].add(aid)
    return {frozenset(g) for g in groups.values()}


def gold_partition(event: dict[str, str]) -> set[frozenset[str]]:
    return partition(event)


def test_items_carry_vector_entities_numbers_and_date(corpus):
    _, items, _ = corpus
    chile = next(i for i in items if i.title.startswith("Magnitude 6.8"))
    assert chile.embedding.shape == (384,)
    assert abs(float(np.linalg.norm(chile.embedding)) - 1.0) < 1e-3
    assert any("Valparaiso" in e for e in chile.entities)
    assert chile.published == "2024-03-04"


def test_events_cluster_as_a_reader_would(corpus):
    _, items, event = corpus
    result = StoryClusterer().add(items)
    assert partition(result.story_of) == gold_partition(event)
    # the two earthquakes of the same week stay apart
    chile = {result.story_of[a] for a, e in event.items() if e == "quake_chile"}
    indonesia = {result.story_of[a] for a, e in event.items() if e == "quake_indonesia"}
    assert len(chile) == 1 and len(indonesia) == 1 and chile != indonesia
    for sid in set(result.story_of.values()):
        assert result.titles[sid] and result.labels[sid]
    tram = next(iter({result.story_of[a] for a, e in event.items() if e == "leeds_tram"}))
    assert "Leeds" in result.labels[tram]


def test_input_order_does_not_change_stories(corpus):
    _, items, _ = corpus
    first = StoryClusterer().add(items).story_of
    for seed in (1, 2, 3):
        shuffled = list(items)
        random.Random(seed).shuffle(shuffled)
        assert StoryClusterer().add(shuffled).story_of == first


def test_second_batch_joins_first_batch_stories_with_same_ids(corpus):
    _, items, event = corpus
    seen: set[str] = set()
    batch1, batch2 = [], []
    for item in items:
        (batch2 if event[item.article_id] in seen else batch1).append(item)
        seen.add(event[item.article_id])
    clusterer = StoryClusterer()
    first = clusterer.add(batch1)
    assert len(set(first.story_of.values())) == 4
    second = clusterer.add(batch2)
    story_of_event = {event[a]: s for a, s in first.story_of.items()}
    for aid, sid in second.story_of.items():
        assert sid == story_of_event[event[aid]]
    assert set(second.touched) <= set(first.story_of.values())
    assert not second.merges


def test_state_round_trips_through_bytes(corpus):
    _, items, _ = corpus
    batch1, batch2 = items[::2], items[1::2]
    live = StoryClusterer()
    live.add(batch1)
    state = live.state_bytes()
    resumed = StoryClusterer(state)
    assert resumed.state_bytes() == state
    assert resumed.add(batch2).story_of == live.add(batch2).story_of
    assert resumed.state_bytes() == live.state_bytes()


def test_state_bytes_do_not_depend_on_the_clock(corpus):
    # zip members stamped with the current time (two-second steps) made the same state
    # serialise to other bytes a moment later: the round trip above failed in CI now and then
    import time

    _, items, _ = corpus
    clusterer = StoryClusterer()
    clusterer.add(items)
    first = clusterer.state_bytes()
    time.sleep(2.1)
    assert clusterer.state_bytes() == first


def test_near_duplicates_point_to_the_earliest_copy(corpus):
    articles, items, _ = corpus
    original = next(i for i in items if i.title.startswith("Magnitude 6.1"))
    copy = replace(
        original,
        article_id="copy-of-" + original.article_id,
        title="Earthquake hits Sulawesi (wire)",
        text=original.text + " (Reporting by a wire service; editing by a desk.)",
        source="Syndicated Daily",
        published="2024-03-07",
    )
    clusterer = StoryClusterer()
    first = clusterer.add(items)
    second = clusterer.add([copy])
    assert second.duplicate_of == {copy.article_id: original.article_id}
    assert second.story_of[copy.article_id] == first.story_of[original.article_id]
    # a different article about the same quake is not a copy
    assert not any(k != copy.article_id for k in first.duplicate_of)


def _item(aid: str, vec: np.ndarray, entities: list[str], text: str, day: str | None = "2024-05-01") -> ClusterItem:
    vec = np.asarray(vec, dtype=np.float32)
    return ClusterItem(
        article_id=aid, title=text[:40], text=text, source="s", published=day,
        embedding=vec / np.linalg.norm(vec), entities=entities, numbers=[],
    )


def test_bridging_article_merges_two_stories_and_ids_resolve():
    # two stories 0.61 apart (under every join threshold, over merge_centroid 0.6) ...
    half = np.arccos(0.61) / 2
    e1, e2 = np.eye(384)[0], np.eye(384)[1]
    a = np.cos(half) * e1 + np.sin(half) * e2
    b = np.cos(half) * e1 - np.sin(half) * e2
    x = _item("x", a, ["Harbor Authority"], "harbor authority dredging plan approved for the north basin")
    y = _item("y", b, ["Ferry Union"], "ferry union strike halts crossings across the sound")
    clusterer = StoryClusterer()
    first = clusterer.add([x, y])
    sx, sy = first.story_of["x"], first.story_of["y"]
    assert sx != sy
    # ... and an article that matches both (cosine 0.9 to each, both names, both wordings)
    bridge = _item(
        "z", a + b, ["Harbor Authority", "Ferry Union"],
        "harbor authority dredging plan and ferry union strike: crossings halted in the north basin sound",
    )
    second = clusterer.add([bridge])
    assert len(second.merges) == 1
    old, survivor = second.merges[0]
    assert {old, survivor} == {sx, sy}
    assert clusterer.resolve(old) == survivor == second.story_of["z"]
    assert survivor in second.touched
    # the merge survives persistence
    assert StoryClusterer(clusterer.state_bytes()).resolve(old) == survivor


def _chain() -> list[ClusterItem]:
    """x and z are two events (cosine 0.6, under every threshold); y resembles both (0.89)."""
    half = np.arctan(0.5)  # cos(2 * half) = 0.6
    e1, e2 = np.eye(384)[0], np.eye(384)[1]
    return [
        _item("x", np.cos(half) * e1 + np.sin(half) * e2, [], "ministers approve harbour budget"),
        _item("y", e1, [], "quarterly figures released thursday"),
        _item("z", np.cos(half) * e1 - np.sin(half) * e2, [], "striking dockers block cranes"),
    ]


def test_batch_groups_stop_a_chain_that_one_at_a_time_placement_builds():
    """Placed one by one, y joins x's story and z joins through y (a chain); grouped by
    complete link, x and z never share a story because the two of them do not match."""
    grouped = StoryClusterer().add(_chain()).story_of
    assert grouped["x"] != grouped["z"]
    assert grouped["y"] in (grouped["x"], grouped["z"])
    one_by_one = StoryClusterer(None, replace(StoryClusterer().settings, group_threshold=0.0)).add(_chain()).story_of
    assert one_by_one["x"] == one_by_one["y"] == one_by_one["z"]


def test_pair_scores_decay_with_days_and_with_distant_years():
    from newsfuse.cluster.grouping import complete_link_groups, pair_scores

    vecs = np.stack([np.eye(384)[0]] * 3).astype(np.float32)
    same = [{"quake": 1.0}] * 3
    scores = pair_scores(vecs, same, same, [[], [], []], [100, 100, 110], [(), (), ()], (0.4, 0.3, 0.3, 0.05), 5.0, 0.5)
    assert scores[0, 1] == pytest.approx(1.0)
    assert scores[0, 2] == pytest.approx(0.25)  # ten days = two half-lives
    assert complete_link_groups(scores, 0.5) == [0, 0, 1]
    undated = pair_scores(vecs, same, same, [[], [], []], [None] * 3, [(2008,), (2008,), (2013,)], (0.4, 0.3, 0.3, 0.05), 5.0, 0.5)
    assert undated[0, 1] == pytest.approx(1.0) and undated[0, 2] == pytest.approx(0.5)


def test_tellings_centred_on_different_names_score_lower():
    """Two DUI arrests of two players of one team: same words, same team, other protagonist."""
    from collections import Counter

    from newsfuse.cluster.grouping import leading_names, pair_scores, protagonists_differ

    jackson = Counter({"jackson": 4, "chargers": 2, "san diego": 1})
    williams = Counter({"williams": 5, "chargers": 2, "highway patrol": 2, "jackson": 1})
    also_jackson = Counter({"jackson": 3, "vincent jackson": 1})
    assert leading_names(jackson) == ("jackson", "chargers", "san diego")
    assert leading_names(Counter({"jackson": 2, "chargers": 1})) == ()  # too few mentions to say
    assert protagonists_differ(leading_names(jackson), leading_names(williams))
    assert not protagonists_differ(leading_names(jackson), leading_names(also_jackson))
    vecs = np.stack([np.eye(384)[0]] * 3).astype(np.float32)
    words = [{"arrested": 1.0}] * 3
    leads = [leading_names(c) for c in (jackson, williams, also_jackson)]
    args = (vecs, words, words, [[], [], []], [100, 100, 100], [(), (), ()], (0.4, 0.3, 0.3, 0.05), 5.0, 0.5)
    scores = pair_scores(*args, leads, 0.85)
    assert scores[0, 1] == pytest.approx(0.85) and scores[0, 2] == pytest.approx(1.0)
    assert pair_scores(*args, leads, 1.0)[0, 1] == pytest.approx(1.0)  # the factor off


def test_time_decay_keeps_a_later_similar_event_apart(corpus):
    """A new quake near Valparaiso in June is a new story, not the March one."""
    from newsfuse.extract import annotate

    _, items, _ = corpus
    march = [i for i in items if i.title.startswith(("Magnitude 6.8", "Strong quake"))]
    june_texts = [
        ("Earthquake of magnitude 6.5 hits near Valparaiso", "A magnitude 6.5 earthquake struck near Valparaiso in central Chile on Thursday, the National Seismological Center said. Senapred reported no major damage in Vina del Mar, though power was cut in some neighbourhoods."),
        ("Valparaiso shaken by 6.5 quake", "Central Chile was shaken by a magnitude 6.5 earthquake on Thursday. Officials in Valparaiso said one person was slightly injured and Senapred found minor damage to roads near Vina del Mar."),
    ]
    june_articles = [
        Article(id=f"june{n}", path="june", source="Andes Wire", title=t, text=x, original_text=x, published="2024-06-20")
        for n, (t, x) in enumerate(june_texts)
    ]
    june = cluster_items(june_articles, annotate(june_articles))
    result = StoryClusterer().add(march + june)
    march_story = {result.story_of[i.article_id] for i in march}
    june_story = {result.story_of[i.article_id] for i in june}
    assert len(march_story) == 1 and len(june_story) == 1
    assert march_story != june_story
    # undated, the same articles would have joined: it is the time that keeps them apart
    undated = StoryClusterer().add([replace(i, published=None) for i in march + june])
    assert len(set(undated.story_of.values())) == 1


# --------------------------------------------------------------------------- bad input
def test_items_without_text_or_vector_get_their_own_story():
    empty = ClusterItem(article_id="e1", title="", text="", source="", published=None, embedding=None)
    broken = ClusterItem(article_id="e2", title="t", text="short", source="", published="not a date", embedding=[1.0, float("nan")])
    result = StoryClusterer().add([empty, broken])
    assert set(result.story_of) == {"e1", "e2"}
    assert result.story_of["e1"] != result.story_of["e2"]


def test_identical_article_ten_thousand_times_is_one_story_fast(corpus):
    _, items, _ = corpus
    one = items[0]
    same_id = [one] * 10_000
    copies = [replace(one, article_id=f"copy{i}") for i in range(10_000)]
    clusterer = StoryClusterer()
    start = time.perf_counter()
    r1 = clusterer.add(same_id)
    r2 = clusterer.add(copies)
    elapsed = time.perf_counter() - start
    assert len(set(r1.story_of.values())) == 1
    assert set(r2.story_of.values()) == set(r1.story_of.values())
    assert set(r2.duplicate_of.values()) == {one.article_id}
    assert len(clusterer.stories) == 1
    assert elapsed < 60  # a guard against quadratic blow-up, not a benchmark


def test_no_dates_and_future_dates_still_cluster(corpus):
    _, items, event = corpus
    undated = [replace(i, published=None) for i in items]
    assert partition(StoryClusterer().add(undated).story_of) == gold_partition(event)
    future = [replace(i, published="2999-01-01") for i in items]
    assert valid_date("2999-01-01") is None
    assert partition(StoryClusterer().add(future).story_of) == gold_partition(event)


def test_a_batch_spanning_years_names_every_story(corpus):
    """Stories that fall behind the archive window within their own batch (a historical
    corpus in one run) still leave with a title and a label."""
    _, items, event = corpus
    years_apart = [replace(i, published=f"{2010 + n % 4}-03-0{1 + n % 5}") for n, i in enumerate(items)]
    out = StoryClusterer().add(years_apart)
    assert len(set(out.story_of.values())) > 1
    for sid in set(out.story_of.values()):
        assert out.titles.get(sid), sid
        assert out.labels.get(sid) and out.labels[sid] != "unlabelled", sid


def test_label_names_a_person_once():
    from newsfuse.cluster.lexical import DocumentFrequencies
    from newsfuse.cluster.naming import story_label
    from newsfuse.cluster.state import StoryProfile

    story = StoryProfile(id="s_x", founder="a")
    # the surname is mentioned more often than the full name, so it ranks first, and the full
    # name ranks below three other names (it would not be reached at all)
    story.entities = {"mayorkas": 5.0, "ice": 3.0, "homeland security": 2.5, "border patrol": 2.2,
                      "alejandro mayorkas": 2.0}
    story.display = {"mayorkas": "Mayorkas", "alejandro mayorkas": "Alejandro Mayorkas", "ice": "ICE",
                     "homeland security": "Homeland Security", "border patrol": "Border Patrol"}
    story.terms = {"alejandro": 2.0, "raids": 4.0, "workplace": 3.0, "halt": 2.0}
    label = story_label(story, DocumentFrequencies(), DocumentFrequencies())
    names, words = label.split(" · ")
    assert names.split(", ") == ["Alejandro Mayorkas", "ICE", "Homeland Security"]
    assert "alejandro" not in words.split(", ")
    # a lone first name, when one full name begins with it, is that person too
    story.entities = {"maren tollefsen": 3.0, "port alder": 2.5, "maren": 2.0, "harbour wire": 1.0}
    story.display = {"maren tollefsen": "Maren Tollefsen", "port alder": "Port Alder", "maren": "Maren",
                     "harbour wire": "Harbour Wire"}
    names, _ = story_label(story, DocumentFrequencies(), DocumentFrequencies()).split(" · ")
    assert names.split(", ") == ["Maren Tollefsen", "Port Alder", "Harbour Wire"]


def test_titles_are_cleaned_for_people():
    assert clean_title("http: / / www.example.com / 2013 / 05 / lindsay - lohan - checks - into - rehab") == (
        "Lindsay lohan checks into rehab"
    )
    assert clean_title("Storm floods the valley again | Example Site") == "Storm floods the valley again"


def test_state_bytes_are_not_pickle():
    clusterer = StoryClusterer()
    data = clusterer.state_bytes()
    assert data[:2] == b"PK"  # a zip of JSON and .npy arrays
    with pytest.raises(Exception):
        StoryClusterer(b"not a state")


# --------------------------------------------------------------------------- real data
@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "allsides_dev.jsonl").exists(), reason="shared data not present")
def test_eval_on_allsides_beats_both_baselines():
    from newsfuse.evaluation.stories import evaluate

    result = evaluate(SHARED / "allsides_dev.jsonl")
    systems = result["systems"]
    ours = systems["newsfuse"]["bcubed_f1"]
    assert ours > systems["tfidf_agglomerative"]["bcubed_f1"]
    assert ours > systems["embeddings_hdbscan"]["bcubed_f1"]
    assert ours >= 0.88


@pytest.mark.skipif(not SEEDS.exists(), reason="seeds not present")
def test_the_two_seed_articles_are_one_story():
    """Two real outlets on one event, undated, one of them without a title line."""
    from newsfuse.extract import annotate
    from newsfuse.ingest import iter_inputs
    from newsfuse.settings import IngestSettings

    articles = [a for a in iter_inputs([str(SEEDS)], IngestSettings()) if isinstance(a, Article)]
    assert len(articles) == 2
    result = StoryClusterer().add(cluster_items(articles, annotate(articles)))
    assert len(set(result.story_of.values())) == 1
    assert not result.duplicate_of  # two tellings, not copies


def test_untitled_articles_give_the_story_its_opening_sentence_as_title(corpus):
    """Plain text without a headline: the story is named by an opening sentence, not
    'Untitled story' (a dateline before it is skipped)."""
    _, items, event = corpus
    untitled = [replace(i, title="", text="July 2, 2013 07:44\n" + i.text) for i in items]
    out = StoryClusterer().add(untitled)
    openings = {" ".join(i.text.split("\n", 1)[1].split())[:60] for i in untitled}
    for sid in set(out.story_of.values()):
        title = out.titles[sid]
        assert title != "Untitled story" and not title.startswith("July 2"), title
        assert title[:60] in openings or any(o.startswith(title[:40]) for o in openings), title
