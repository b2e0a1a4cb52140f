"""Cross-check a story: what independent outlets agree on, what one alone says, what conflicts.

Public API:
    crosscheck(articles, annotations, entities, duplicate_of, settings=None) -> list[Claim]

How: ``statements`` turns each independent article into sentences with their entities,
numbers, dates and quotes; ``align`` groups sentences that say the same thing across sources;
``judge`` decides corroborated / conflicting for each group. Unaligned sentences become
single-source claims naming their outlet; in long articles only the most checkable ones
(numbers, dates, attributed quotes, names) are kept, ``max_single_source_per_article`` of
them. See docs/crosscheck.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsfuse.crosscheck.align import Alignment, align
from newsfuse.crosscheck.judge import judge_group
from newsfuse.crosscheck.quantity_conflicts import NumberConflict, find_number_conflicts
from newsfuse.crosscheck.statements import Statement, StoryView, build_story
from newsfuse.settings import CrosscheckSettings
from newsfuse.types import Article, ArticleAnnotations, Claim, Entity, Evidence, NumberRef

__all__ = ["crosscheck", "crosscheck_story", "build_story", "Statement", "StoryView"]

_STATUS_RANK = {"conflicting": 0, "corroborated": 1, "single_source": 2}


def representative(
    members: Sequence[Statement], score: dict[tuple[int, int], float] | None = None
) -> Statement:
    """The member a reader should see: intact, clean, central to the group, not a run-on."""
    score = score or {}

    def centrality(s: Statement) -> float:
        others = [m for m in members if m.source != s.source]
        if not others:
            return 1.0
        return sum(score.get((min(s.index, m.index), max(s.index, m.index)), 0.0) for m in others) / len(others)

    return min(
        members,
        key=lambda s: (
            s.garbled,
            s.damage + 2.0 * (1.0 - centrality(s)) + abs(s.words - 24) / 48,
            s.index,
        ),
    )


def _claim(
    members: list[Statement],
    status: str,
    note: str,
    view: StoryView,
    score: dict[tuple[int, int], float] | None = None,
    used: set[int] | None = None,
) -> Claim:
    members = sorted(members, key=lambda s: s.index)
    # a sentence backing two claims stands for only one of them
    fresh = [m for m in members if used is None or m.index not in used]
    rep = representative(fresh or members, score)
    if used is not None:
        used.add(rep.index)
    sources: list[str] = []
    for s in members:
        if s.outlet not in sources:
            sources.append(s.outlet)
    evidence = [
        Evidence(article_id=s.article_id, sentence=s.text, start=s.start, end=s.end, source=s.outlet)
        for s in members
    ]
    numbers = []
    for s in members:
        for q in s.quantities:
            if q.unit is None and float(q.value).is_integer() and 1800 <= q.value <= 2100:
                continue  # years belong to the timeline
            numbers.append(
                NumberRef(
                    value=q.value,
                    unit=q.unit,
                    text=q.text,
                    article_id=s.article_id,
                    source=s.outlet,
                    hedge=q.hedge,
                    normalized=q.normalized,
                )
            )
    copies = sorted(
        {view.articles[d].source or d[:8] for d, root in view.duplicates.items()
         if root in {s.article_id for s in members} and d in view.articles}
    )
    if copies:
        note += f" (near-duplicate copies in {', '.join(copies)} counted once)"
    return Claim(
        id="",
        text=rep.text.strip(),
        status=status,  # type: ignore[arg-type]
        evidence=evidence,
        numbers=numbers,
        sources=sources if status != "single_source" else sources[:1],
        note=note,
    )


def crosscheck_story(
    view: StoryView, settings: CrosscheckSettings | None = None
) -> tuple[list[Claim], Alignment]:
    """Claims of an already built story view, with the alignment they came from."""
    settings = settings or CrosscheckSettings()
    statements = view.statements
    alignment = align(statements, settings)
    claims: list[tuple[tuple, Claim]] = []
    number_conflicts = _number_conflicts(statements, alignment, settings) if settings.use_embeddings else []
    group_of = {i: n for n, g in enumerate(alignment.groups) for i in g}
    # a disagreement found inside one aligned group makes that group the conflicting claim
    group_conflict: dict[int, str] = {}
    separate = []
    for conflict in number_conflicts:
        ia, ib = conflict.first[0], conflict.second[0]
        if group_of.get(ia) == group_of.get(ib):
            group_conflict.setdefault(group_of[ia], _number_note(statements, conflict))
        else:
            separate.append(conflict)
    singles: dict[str, list[Statement]] = {}
    used_representatives: set[int] = set()
    # larger groups pick their representative first
    for group in sorted(alignment.groups, key=lambda g: (-len(g), g[0])):
        gid = group_of[group[0]]
        members = [statements[i] for i in group]
        if len(members) == 1:
            s = members[0]
            if s.words >= settings.min_statement_words and not s.garbled:
                singles.setdefault(s.article_id, []).append(s)
            continue
        status, note = judge_group(
            members,
            view.entity_names,
            view.entity_types,
            lambda i, j: alignment.score.get((min(i, j), max(i, j)), 0.0),
            settings.conflict_min_similarity,
        )
        if status == "corroborated" and gid in group_conflict:
            status, note = "conflicting", group_conflict[gid]
        claim = _claim(members, status, note, view, alignment.score, used_representatives)
        first = min(members, key=lambda s: (s.relative_position, s.index))
        key = (_STATUS_RANK[status], -len({s.source for s in members}), first.relative_position, first.index)
        claims.append((key, claim))
    in_number_conflict: set[int] = set()
    for conflict in separate:
        members = [statements[i] for i in conflict.members]
        note = _number_note(statements, conflict)
        claim = _claim(members, "conflicting", note, view, alignment.score, used_representatives)
        first = min(members, key=lambda s: (s.relative_position, s.index))
        key = (0, -len({s.source for s in members}), first.relative_position, first.index)
        claims.append((key, claim))
        in_number_conflict.update(conflict.members)
    for article_singles in singles.values():
        article_singles = [s for s in article_singles if s.index not in in_number_conflict]
        ranked = sorted(article_singles, key=lambda s: (-s.checkable, s.position))
        for s in ranked[: settings.max_single_source_per_article]:
            claim = _claim([s], "single_source", f"only {s.outlet} reports this", view)
            claims.append(((2, -1, s.relative_position, s.index), claim))
    claims.sort(key=lambda kc: kc[0])
    out = []
    for n, (_key, claim) in enumerate(claims, start=1):
        claim.id = f"c{n}"
        out.append(claim)
    return out, alignment


def _number_note(statements: Sequence[Statement], conflict: NumberConflict) -> str:
    (ia, x), (ib, y) = conflict.first, conflict.second
    return f"numbers differ: {statements[ia].outlet} says “{x.text}”, {statements[ib].outlet} says “{y.text}”"


def _number_conflicts(
    statements: Sequence[Statement], alignment: Alignment, settings: CrosscheckSettings
) -> list[NumberConflict]:
    from newsfuse.crosscheck.align import _embed

    same_group = {i: n for n, g in enumerate(alignment.groups) if len(g) > 1 for i in g}

    def judged(i: int, j: int) -> bool:
        close = alignment.score.get((min(i, j), max(i, j)), 0.0) >= settings.conflict_min_similarity
        return close and same_group.get(i, -1) == same_group.get(j, -2)

    return find_number_conflicts(
        statements,
        judged,
        _embed,
        settings.number_frame_similarity,
        settings.number_sentence_similarity,
        settings.max_number_frames,
    )


def crosscheck(
    articles: Sequence[Article],
    annotations: dict[str, ArticleAnnotations],
    entities: Sequence[Entity],
    duplicate_of: dict[str, str],
    settings: CrosscheckSettings | None = None,
) -> list[Claim]:
    """Claims of one story, ids ``c1``, ``c2``, ... (conflicts first, then by support).

    ``Evidence.sentence == article.text[start:end]``; ``Claim.sources`` lists independent
    outlets only (near-duplicate copies collapse onto their earliest copy).
    """
    settings = settings or CrosscheckSettings()
    view = build_story(
        articles, annotations, entities, duplicate_of, settings.max_sentences_per_article
    )
    claims, _ = crosscheck_story(view, settings)
    return claims
