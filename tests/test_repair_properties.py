"""Properties of the repair stage: idempotence, record integrity on arbitrary text, the
offset ledger under random edits, and bounded work on hostile input."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfuse.repair import apply_repairs, repair_text
from newsfuse.repair.spans import Edit, Ledger

# fragments that provoke every pass: loops, hyphens, quotes, captions, mojibake, whitespace
FRAGMENTS = [
    "the", "The", "a", "meeting", "in", "Meeting", "and", "Ukraine", "minerals", "high", "-tech",
    "-", "-5", "NATO", "we.", "”", "“", "Re", "ready", ",", ".", ":", "$", "500", "Credit…",
    "Credit", "Jane", "Roe", "for", "Times", "Advertisement", "Share", "December.Credit…Ann",
    "cafÃ©", "â€™", "\u200b", "\u00a0", "  ", "\t", "\n", "\n\n", "\n\n\n", " ", "had", "that",
    "go,", "go", "Walla", "said.The", "U.S.", "3.5", "example.com", "don.", "T", "'", '"', "(",
    ")", "Photo:", "AP", "/Reuters", "Москва", "東京", "—", "…", "?", "!", "in the Russia",
]

text_strategy = st.lists(st.sampled_from(FRAGMENTS), min_size=0, max_size=60).map(
    lambda parts: "".join(p if p.isspace() else p + " " for p in parts)
)
free_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_strategy)
def test_repair_is_idempotent(text: str) -> None:
    once = repair_text(text).text
    assert repair_text(once).text == once


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(text_strategy, free_text))
def test_records_index_the_input_and_replay_to_the_output(text: str) -> None:
    result = repair_text(text)
    for r in result.repairs:
        assert text[r.start : r.end] == r.original
        assert 0.0 <= r.confidence <= 1.0
    assert apply_repairs(text, result.repairs) == result.text
    for g in result.garbled:
        assert 0 <= g.start < g.end <= len(result.text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcde \n", min_size=0, max_size=40), st.integers(0, 2**32 - 1))
def test_ledger_keeps_original_offsets_under_random_edit_passes(text: str, seed: int) -> None:
    rng = random.Random(seed)
    ledger = Ledger(text)
    for _ in range(rng.randrange(1, 6)):
        cur = ledger.text
        edits: list[Edit] = []
        pos = 0
        while pos <= len(cur) and len(edits) < 4:
            start = rng.randrange(pos, len(cur) + 1)
            end = min(len(cur), start + rng.randrange(0, 4))
            repl = rng.choice(["", "X", "YZ", " ", cur[start:end]])
            edits.append(Edit(start, end, repl, rng.choice(["loop", "hyphen", "debris"])))
            pos = end + 1
            if pos > len(cur):
                break
        # an insertion may not sit at the same point as another edit's start
        clean: list[Edit] = []
        for e in edits:
            if clean and (e.start < clean[-1].end or (e.start == clean[-1].end and e.start == e.end)
                          or (e.start == clean[-1].start)):
                continue
            clean.append(e)
        expected = cur
        for e in reversed(clean):
            expected = expected[: e.start] + e.replacement + expected[e.end :]
        ledger.apply(clean)
        assert ledger.text == expected
        repairs = ledger.repairs()
        for r in repairs:
            assert text[r.start : r.end] == r.original
        assert apply_repairs(text, repairs) == ledger.text
        spans = sorted((r.start, r.end) for r in repairs)
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            assert a1 <= b0


# --------------------------------------------------------------------------- hostile input
def test_ten_megabytes_of_one_word_collapse_to_one_word() -> None:
    text = "word " * 2_000_000
    result = repair_text(text)
    assert result.text == "word"
    assert apply_repairs(text, result.repairs) == result.text


def test_two_megabyte_line_without_spaces_completes_unchanged() -> None:
    text = "abcdefghij.Klmnop" * 120_000
    assert repair_text(text).text == text


def test_long_line_of_hyphen_pairs_completes() -> None:
    text = "high -tech " * 30_000
    result = repair_text(text)
    assert result.text == "high-tech"  # rejoined, then the 200,000 copies collapse


def test_mixed_scripts_only_lose_their_doubled_words() -> None:
    text = ("Москва заявила, что переговоры продолжатся. 東京で会議が開かれた。 "
            "مرحبا بالعالم. The the talks resumed. ") * 2000
    result = repair_text(text.strip())
    assert "The the" not in result.text
    assert result.text.count("Москва заявила") == 2000
    assert result.text.count("東京で会議が開かれた。") == 2000


def test_pathological_punctuation_runs_complete() -> None:
    for text in ("." * 200_000, " ," * 100_000, "“" * 200_000, "-" * 200_000, "a." * 100_000,
                 "Credit…" * 30_000, "\n" * 200_000, "a -" * 70_000, "a” " * 70_000,
                 " " * 200_000 + "x", "word\n" * 40_000):
        result = repair_text(text)
        assert apply_repairs(text, result.repairs) == result.text
