"""The repair evaluation: its damage generator marks the right spans, and the repair stage
meets issue 3's targets on our own clean articles (the full run on ../shared/data is slow)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from newsfuse.evaluation.repair import (
    FIXTURES,
    INJECTORS,
    TARGETS,
    evaluate,
    load_clean_texts,
    score_clean,
    score_damage,
)
from tests.shared_data import DATA, require


def _fixture_texts() -> list[tuple[str, str]]:
    return load_clean_texts(Path("/nonexistent"), FIXTURES)


def test_fixtures_are_enough_clean_articles() -> None:
    texts = _fixture_texts()
    assert len(texts) >= 8
    assert all(300 <= len(t.split()) <= 600 for _, t in texts)


@pytest.mark.parametrize("kind", sorted(INJECTORS))
def test_injected_damage_lies_inside_its_span(kind: str) -> None:
    rng = random.Random(7)
    made = 0
    for _, clean in _fixture_texts() * 3:
        damage = INJECTORS[kind](clean, rng)
        if damage is None:
            continue
        made += 1
        d = damage.text
        assert d != clean
        assert 0 <= damage.start <= damage.end <= len(d)
        # outside its span the damaged text is the clean text, character for character
        tail = len(d) - damage.end
        assert d[: damage.start] == clean[: damage.start], (kind, damage.note)
        assert d[damage.end :] == clean[len(clean) - tail :], (kind, damage.note)
    assert made >= 8


def test_targets_hold_on_our_fixture_articles() -> None:
    texts = _fixture_texts()
    scores = score_damage(per_kind=25, seed=3, texts=texts)
    for kind, (p_min, r_min) in TARGETS.items():
        d = scores[kind].as_dict()
        assert d["precision"] >= p_min, (kind, d, scores[kind].false)
        assert d["recall"] >= r_min, (kind, d, scores[kind].misses)
    clean = score_clean(texts)
    assert clean["false_repairs"] == 0, clean["changes"]


@pytest.mark.slow
def test_full_evaluation_meets_issue_targets() -> None:
    data = require(DATA, "the real evaluation data is")
    report = evaluate(seed=0, data_dir=data, seeds_dir=data.parent / "seeds", per_kind=150)
    assert all(report["targets_met"].values()), report["targets_met"]
