"""Number-driven conflict pass: the same count told differently in differently worded sentences.

Alignment pairs sentences that say the same thing; a sentence that gives a *different* count
often says it in other words too ("2,100 residents had to leave their homes" against "about
1,200 residents were evacuated"), so its whole-sentence similarity stays under the alignment
threshold and the judge never compares the two numbers. This pass starts from the numbers
instead:

1. Quantities of the same kind from different sources: the same unit, where person nouns
   (people, residents, inhabitants, ...) count as one kind. Years and sentences with two
   quantities of that kind (which one is meant?) are left out.
2. Their values fall outside each other's hedge and rounding intervals (``judge.interval``).
3. They measure the same thing: the *clause around each number* (the number itself removed,
   cut at commas and clause words) is close in meaning (MiniLM cosine ≥
   ``number_frame_similarity``); "residents had to leave their homes" vs "inhabitants were
   evacuated" is close, "people were treated in hospital" is not. Each frame must carry a
   content word besides the counted noun, so a bare "people" never matches everything.
4. The two sentences are about the same event (whole-sentence cosine ≥
   ``number_sentence_similarity``), so a count from a background paragraph is not set
   against the story's own.

Pairs aligned closely enough for the judge to compare (``conflict_min_similarity``) are
left to it. Statements linked by such pairs
(agreeing or not) form one conflicting claim when at least one pair disagrees.
Cost: frames are embedded only for quantities that have a disagreeing partner of the same
kind in another source, at most ``max_number_frames`` per story.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsfuse.crosscheck.judge import PERSON_NOUNS, _is_year, _kind, quantities_agree
from newsfuse.crosscheck.statements import Statement, content_tokens, stem
from newsfuse.types import Quantity

if TYPE_CHECKING:
    import numpy as np

_CLAUSE_BREAK = re.compile(
    r"[,;:()\u2014\u2013\"“”]|\b(?:that|where|which|who|while|but|and|after|before|according|when)\b",
    re.IGNORECASE,
)
FRAME_WORDS_BEFORE = 6
FRAME_WORDS_AFTER = 9


def quantity_kind(q: Quantity) -> str | None:
    """What a quantity counts or measures, comparable across wordings; None if unknown."""
    unit, counts = _kind(q)
    return unit or counts


def number_frame(s: Statement, q: Quantity) -> str:
    """The clause around a number, the number removed: what the number is about."""
    lo, hi = max(0, q.start - s.start), max(0, q.end - s.start)
    left = " ".join(s.text[:lo].split()[-FRAME_WORDS_BEFORE:])
    breaks = list(_CLAUSE_BREAK.finditer(left))
    if breaks:
        left = left[breaks[-1].end() :]
    right = " ".join(s.text[hi:].split()[:FRAME_WORDS_AFTER])
    cut = _CLAUSE_BREAK.search(right)
    if cut and cut.start() > 0:
        right = right[: cut.start()]
    noun = q.unit if q.unit and q.unit[:1].isalpha() else (q.counts or "")
    return " ".join(f"{left.strip()} {noun} {right.strip()}".split())


def _frame_is_informative(frame: str, q: Quantity) -> bool:
    noun = stem((q.unit or q.counts or "").lower())
    return any(t != noun and not t[:1].isdigit() for t in content_tokens(frame))


@dataclass
class NumberConflict:
    members: list[int]  # statement indices, both sides
    first: tuple[int, Quantity]  # one disagreeing pair, for the note
    second: tuple[int, Quantity]


def _candidates(statements: Sequence[Statement]) -> dict[str, list[tuple[int, Quantity]]]:
    by_kind: dict[str, list[tuple[int, Quantity]]] = {}
    for s in statements:
        if s.garbled:
            continue
        kinds: dict[str, list[Quantity]] = {}
        for q in s.quantities:
            if _is_year(q):
                continue
            kind = quantity_kind(q)
            if kind is not None:
                kinds.setdefault(kind, []).append(q)
        for kind, qs in kinds.items():
            if len(qs) == 1:  # two counts of one kind in a sentence: which one is meant?
                by_kind.setdefault(kind, []).append((s.index, qs[0]))
    return by_kind


def find_number_conflicts(
    statements: Sequence[Statement],
    judged: Callable[[int, int], bool],
    embed_fn: Callable[[list[str]], "np.ndarray"],
    frame_threshold: float,
    sentence_threshold: float,
    max_frames: int,
) -> list[NumberConflict]:
    """Conflicting counts that alignment did not pair (see the module docstring)."""
    by_kind = _candidates(statements)
    wanted: list[tuple[int, Quantity]] = []
    for items in by_kind.values():
        if len({statements[i].source for i, _ in items}) < 2:
            continue
        for i, x in items:
            for j, y in items:
                if statements[i].source != statements[j].source and not quantities_agree(x, y):
                    wanted.append((i, x))
                    break
    if not wanted:
        return []
    # the items of a kind where some value disagrees, each with its frame
    keep_kinds = {quantity_kind(q) for _, q in wanted}
    pool = [(i, q) for kind, items in by_kind.items() if kind in keep_kinds for i, q in items]
    pool = [(i, q) for i, q in pool if _frame_is_informative(number_frame(statements[i], q), q)]
    pool = pool[:max_frames]
    if len(pool) < 2:
        return []
    frames = embed_fn([number_frame(statements[i], q) for i, q in pool])
    sentence_ids = sorted({i for i, _ in pool})
    sent_vec = embed_fn([statements[i].text for i in sentence_ids])
    row = {i: n for n, i in enumerate(sentence_ids)}
    frame_sim = frames @ frames.T
    sent_sim = sent_vec @ sent_vec.T

    parent = list(range(len(pool)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    disagreements: list[tuple[int, int]] = []
    for a in range(len(pool)):
        ia, qa = pool[a]
        for b in range(a + 1, len(pool)):
            ib, qb = pool[b]
            sa, sb = statements[ia], statements[ib]
            if sa.source == sb.source or quantity_kind(qa) != quantity_kind(qb):
                continue
            if judged(ia, ib):
                continue  # aligned closely: the judge compared them with more evidence
            if frame_sim[a, b] < frame_threshold or sent_sim[row[ia], row[ib]] < sentence_threshold:
                continue
            parent[find(a)] = find(b)
            if not quantities_agree(qa, qb):
                disagreements.append((a, b))
    out: dict[int, NumberConflict] = {}
    for a, b in disagreements:
        root = find(a)
        if root in out:
            continue
        members = sorted({pool[k][0] for k in range(len(pool)) if find(k) == root})
        out[root] = NumberConflict(members=members, first=pool[a], second=pool[b])
    return list(out.values())


__all__ = ["find_number_conflicts", "number_frame", "quantity_kind", "NumberConflict", "PERSON_NOUNS"]
