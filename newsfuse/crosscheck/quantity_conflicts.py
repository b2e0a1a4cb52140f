"""Number-driven conflict pass: the same count told differently in differently worded sentences.

Alignment pairs sentences that say the same thing; a sentence that gives a *different* count
often says it in other words too ("2,100 residents had to leave their homes" against "about
1,200 residents were evacuated"), so its whole-sentence similarity stays under the alignment
threshold and the judge never compares the two numbers. This pass starts from the numbers
instead:

1. Counts of the same kind of thing from different sources: the same counted noun, where
   person nouns (people, residents, inhabitants, ...) count as one kind. Measures, shares and
   money are left out (the unit does not say what is measured: "90 % effective against
   hospitalisation" vs "below 50 %" against infection), as are years, sentences with two
   counts of that kind (which one is meant?) and sentences that also state the other
   outlet's value ("rose by 235,000 in August, down from 943,000 jobs in July") or dates
   that fit none of the other's (July vs August: different periods).
2. Their values fall outside each other's hedge and rounding intervals (``judge.interval``).
3. They measure the same thing: the *clause around each number* (the number itself removed,
   cut at commas and clause words) is close in meaning (MiniLM cosine ≥
   ``number_frame_similarity``); "residents had to leave their homes" vs "inhabitants were
   evacuated" is close, "people were treated in hospital" is not. Each frame must carry a
   content word besides the counted noun, so a bare "people" never matches everything.
   When both clauses name someone or somewhere of one kind (people, groups, organisations,
   places) and no name is shared, they count different things: "Republicans are on track
   to hold 240 seats" is not contradicted by "House Democrats have lost nearly 60 seats".
4. The two sentences are about the same event (whole-sentence cosine ≥
   ``number_sentence_similarity``) and name at least one canonical entity in common (the
   place, the actor), so a count from a background paragraph is not set against the
   story's own.

Pairs aligned closely enough for the judge to compare (``conflict_min_similarity``) are
left to it. Statements linked by such pairs (agreeing or not) form one conflicting claim
when at least one pair disagrees. Cost: the checks that need no embedding (kind, values,
shared entity, dates, the names in the clauses) run on pairs within a kind, at most
``MAX_COUNTS_PER_KIND`` counts each (the earliest in their articles); only counts left with a
contestable partner are embedded, at most ``max_number_frames`` per story.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsfuse.crosscheck.judge import PERSON_NOUNS, _dates_compatible, _is_year, _kind, quantities_agree
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
MAX_COUNTS_PER_KIND = 300  # pairs are checked within a kind: bounds the quadratic step


# units of measure and of time: a value in them says nothing of *what* is measured ("90 %
# effective" vs "below 50 %" of something else; "$24 billion" for one bill vs "$30 billion"
# for a larger one), so only counts of a named thing ("1,200 residents") are compared here
MEASURE_UNITS = frozenset(
    """km t percent percentage_points point points degree degrees second seconds minute minutes
    hour hours day days week weeks month months year years decade decades century centuries
    mile miles meter meters metre metres kilometer kilometers kilometre kilometres foot feet
    kg kilogram kilograms pound pounds ton tons tonne tonnes acre acres hectare hectares""".split()
)


def is_count(q: Quantity) -> bool:
    """A number of some named thing (people, homes, jobs), not a measure, a share or money."""
    noun = (q.unit if q.unit and q.unit[:1].isalpha() else q.counts) or ""
    return noun[:1].islower() and len(noun) > 2 and noun.lower() not in MEASURE_UNITS


def _states_value(s: Statement, q: Quantity) -> bool:
    """Does the sentence also give q's value (any unit)? Then its other figure is about
    something else: "rose by 235,000 in August, down from 943,000 jobs in July"."""
    return any(quantities_agree(q, other) for other in s.quantities if other.start != q.start)


def _different_periods(a: Statement, b: Statement) -> bool:
    """Both sentences are dated and no date of one fits a date of the other: the counts
    belong to different periods ("1 million jobs in July" vs "235,000 jobs in August")."""
    da = [d.date.split("T", 1)[0] for d in a.dates if d.date]
    db = [d.date.split("T", 1)[0] for d in b.dates if d.date]
    if not da or not db:
        return False
    return not any(_dates_compatible(x, y) for x in da for y in db)


def quantity_kind(q: Quantity) -> str | None:
    """What a quantity counts or measures, comparable across wordings; None if unknown."""
    unit, counts = _kind(q)
    return unit or counts


_WORD = re.compile(r"\S+")
# names of these kinds say whose or where the counted things are: two frames that each name
# one of a kind, and none in common, count different things ("Republicans hold 240 seats" vs
# "Democrats lost 60 seats"; "300 homes in Kherson" vs "500 homes in Odesa")
ACTOR_LABELS = frozenset({"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC"})


def frame_span(s: Statement, q: Quantity) -> tuple[int, int]:
    """Article offsets of the clause around a number: a few words each side, cut at commas
    and clause words."""
    lo, hi = max(0, q.start - s.start), max(0, q.end - s.start)
    before = list(_WORD.finditer(s.text, 0, lo))[-FRAME_WORDS_BEFORE:]
    left = before[0].start() if before else lo
    breaks = list(_CLAUSE_BREAK.finditer(s.text, left, lo))
    if breaks:
        left = breaks[-1].end()
    after = list(_WORD.finditer(s.text, hi))[:FRAME_WORDS_AFTER]
    right = after[-1].end() if after else hi
    cut = _CLAUSE_BREAK.search(s.text, hi, right)
    if cut and cut.start() > (after[0].start() if after else hi):  # a break as the first word is kept
        right = cut.start()
    return s.start + left, s.start + right


def frame_of(s: Statement, q: Quantity) -> tuple[str, dict[str, set[str]]]:
    """What a number is about: the clause around it with the number removed, and the names
    inside that clause by kind (PERSON, NORP, ORG, place)."""
    left, right = frame_span(s, q)
    noun = q.unit if q.unit and q.unit[:1].isalpha() else (q.counts or "")
    text = f"{s.text[left - s.start : q.start - s.start]} {noun} {s.text[q.end - s.start : right - s.start]}"
    actors: dict[str, set[str]] = {}
    for start, end, key, label in s.mentions:
        if label in ACTOR_LABELS and start >= left and end <= right and not (start < q.end and end > q.start):
            kind = "place" if label in ("GPE", "LOC", "FAC") else label
            actors.setdefault(kind, set()).add(key)
    return " ".join(text.split()), actors


def actors_differ(a: dict[str, set[str]], b: dict[str, set[str]]) -> bool:
    """Both clauses name someone (or somewhere) of one kind, and not the same one."""
    return any(kind in b and not names & b[kind] for kind, names in a.items())


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
        if s.garbled or s.text.rstrip().endswith(("...", "…")):
            continue  # a cut-off sentence may not say what its count is of
        kinds: dict[str, list[Quantity]] = {}
        for q in s.quantities:
            if _is_year(q) or not is_count(q):
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
    frames: dict[tuple[int, int], tuple[str, dict[str, set[str]]]] = {}

    def frame(i: int, q: Quantity) -> tuple[str, dict[str, set[str]]]:
        key = (i, q.start)
        if key not in frames:
            frames[key] = frame_of(statements[i], q)
        return frames[key]

    def may_be_one_count(i: int, x: Quantity, j: int, y: Quantity) -> bool:
        """Could two counts of one kind be the same count told twice? The checks that need
        no embedding (see the module docstring)."""
        sa, sb = statements[i], statements[j]
        if sa.source == sb.source or not (sa.entities & sb.entities):
            return False  # no place, actor or event in common: maybe not the same count
        if _states_value(sb, x) or _states_value(sa, y) or _different_periods(sa, sb):
            return False
        if judged(i, j):
            return False  # aligned closely: the judge compared them with more evidence
        return not actors_differ(frame(i, x)[1], frame(j, y)[1])  # Republicans' seats vs Democrats'

    # cheap checks first, so that only counts with a contestable partner are embedded
    contestable: set[tuple[int, int]] = set()  # (statement index, quantity start)
    for items in by_kind.values():
        items = sorted(items, key=lambda it: (statements[it[0]].position, it[0]))[:MAX_COUNTS_PER_KIND]
        for n, (i, x) in enumerate(items):
            for j, y in items[n + 1 :]:
                if not quantities_agree(x, y) and may_be_one_count(i, x, j, y):
                    contestable.update({(i, x.start), (j, y.start)})
    pool = [
        (i, q)
        for items in by_kind.values()
        for i, q in items
        if (i, q.start) in contestable and _frame_is_informative(frame(i, q)[0], q)
    ]
    pool = pool[:max_frames]
    if len(pool) < 2:
        return []
    frame_vec = embed_fn([frame(i, q)[0] for i, q in pool])
    sentence_ids = sorted({i for i, _ in pool})
    sent_vec = embed_fn([statements[i].text for i in sentence_ids])
    row = {i: n for n, i in enumerate(sentence_ids)}
    frame_sim = frame_vec @ frame_vec.T
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
            if quantity_kind(qa) != quantity_kind(qb) or not may_be_one_count(ia, qa, ib, qb):
                continue
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


__all__ = ["find_number_conflicts", "frame_of", "quantity_kind", "NumberConflict", "PERSON_NOUNS"]
