"""The story evaluation's reading of gold layouts and its metric (fast; no models)."""

from __future__ import annotations

import json

import pytest

from newsfuse.evaluation.stories import bcubed, dev_split, read_gold


def test_bcubed_by_hand():
    gold = {"a": "1", "b": "1", "c": "2"}
    assert bcubed(gold, {"a": "x", "b": "x", "c": "y"}) == (1.0, 1.0, 1.0)
    p, r, f = bcubed(gold, {"a": "x", "b": "x", "c": "x"})
    assert p == pytest.approx(5 / 9) and r == 1.0 and f == pytest.approx(2 * (5 / 9) / (1 + 5 / 9))
    p, r, _ = bcubed(gold, {"a": "x", "b": "y", "c": "z"})
    assert p == 1.0 and r == pytest.approx(2 / 3)


def test_read_gold_accepts_the_three_layouts(tmp_path):
    flat = tmp_path / "flat.jsonl"
    flat.write_text(
        json.dumps({"id": "1", "text": "Storm hits coast.", "event": "e1"}) + "\n"
        + json.dumps({"id": "2", "text": "Coast hit by storm.", "cluster_id": "e1", "date": "2024-01-02"}) + "\n"
        # BASIL: gold_cluster wins over the headline in `event`
        + json.dumps({"id": "3", "text": "Vote passes.", "gold_cluster": "g9", "event": "Vote passes in the house"}) + "\n"
    )
    items = read_gold(flat)
    assert [(i["id"], i["gold"], i["date"]) for i in items] == [("1", "e1", None), ("2", "e1", "2024-01-02"), ("3", "g9", None)]
    stories = tmp_path / "stories.jsonl"
    stories.write_text(
        json.dumps({"cluster_id": "s1", "date": "2021-08-02T10:00:00", "articles": [
            {"title": "A", "text": "First telling."}, {"title": "B", "text": "Second telling.", "date": "2021-08-03"},
            {"title": "C", "text": ""}]}) + "\n"
    )
    items = read_gold(stories)
    assert [(i["id"], i["gold"], i["date"]) for i in items] == [("s1#0", "s1", "2021-08-02"), ("s1#1", "s1", "2021-08-03")]


def test_read_gold_rejects_rows_without_gold(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "1", "text": "no label"}) + "\n")
    with pytest.raises(ValueError, match="no gold field"):
        read_gold(bad)


def test_dev_split_takes_whole_stories():
    items = [{"gold": g} for g in "aabbccddeeffgghhiijj"]
    dev = dev_split(items, 0.3)
    assert len(dev) == 3 and dev <= set("abcdefghij")
    assert dev_split(items, 0.3) == dev  # seeded: the same split every run
