"""The bundled examples: one invented flood told by six outlets, and a chess story."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfuse import analyze
from newsfuse.render.contract import analysis_to_dict, validate


@pytest.fixture(scope="module")
def analysis(examples_dir: Path):
    return analyze([str(examples_dir)])


def _story_with(analysis, word: str):
    by_id = {a.id: a for a in analysis.articles}
    for s in analysis.stories:
        if all(word in by_id[i].text for i in s.article_ids):
            return s, by_id
    raise AssertionError(f"no story about {word}: {[s.title for s in analysis.stories]}")


def test_every_example_is_read(analysis) -> None:
    assert analysis.errors == []
    # 6 flood reports (one feed entry among them) + 2 chess reports
    assert len(analysis.articles) == 8


def test_flood_and_chess_are_separate_stories(analysis) -> None:
    flood, _ = _story_with(analysis, "Marrow Bay")
    chess, _ = _story_with(analysis, "Lindqvist")
    assert len(flood.article_ids) == 6
    assert len(chess.article_ids) == 2
    assert not set(flood.article_ids) & set(chess.article_ids)


def test_wire_copy_is_a_duplicate_not_a_second_source(analysis) -> None:
    flood, by_id = _story_with(analysis, "Marrow Bay")
    # 01_harbor_gazette.txt and the wire copy in 05_wire_copy.jsonl carry the same text
    copies = {a for a in flood.article_ids if "dry and fed" in by_id[a].text}
    assert len(copies) == 2
    assert len(copies & set(flood.duplicate_of)) == 1
    (copy,) = copies & set(flood.duplicate_of)
    assert flood.duplicate_of[copy] in copies - {copy}


def test_evacuation_count_conflicts(analysis) -> None:
    flood, _ = _story_with(analysis, "Marrow Bay")
    conflicting = [c for c in flood.claims if c.status == "conflicting"]
    values = {n.value for c in conflicting for n in c.numbers}
    assert {1200, 2100} <= values, [(c.text, [n.text for n in c.numbers]) for c in conflicting]


def test_repair_cost_hedges_agree(analysis) -> None:
    """`approximately 40 million` and `almost 40 million` are one claim, not a conflict."""
    flood, _ = _story_with(analysis, "Marrow Bay")
    for c in flood.claims:
        if any(n.unit and "EUR" in n.unit.upper() for n in c.numbers):
            assert c.status != "conflicting", c


def test_misspelled_names_are_one_entity(analysis) -> None:
    flood, _ = _story_with(analysis, "Marrow Bay")
    brenner = [e for e in flood.entities if "Brenner" in e.name or "Bremner" in e.name]
    assert len(brenner) == 1, [(e.name, [a.name for a in e.aliases]) for e in brenner]


def test_translation_damage_is_repaired(analysis) -> None:
    _, by_id = _story_with(analysis, "Marrow Bay")
    radio = next(a for a in by_id.values() if "thousands leave" in a.title)
    assert "press conference in a press conference" not in radio.text
    assert "well-equipped" in radio.text
    assert "Credit…" not in radio.text
    assert "Credit…" in radio.original_text


def test_json_contract(analysis) -> None:
    validate(analysis_to_dict(analysis))
