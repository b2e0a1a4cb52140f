"""The brief: a short extractive summary whose every sentence cites its sources.

Public API:
    write_brief(articles, annotations, claims, entities, duplicate_of, settings=None) -> Brief

Choosing sentences. Each candidate is one sentence of one independent article, scored by
- support: how many independent outlets back it (the claims it belongs to);
- centrality: TF-IDF cosine to the story's centroid (what the whole story is about), and
  PageRank over word-overlap similarity between all the story's sentences (TextRank's graph);
- shared facts: content-word bigrams that two or more outlets use, weighted by how many;
- position: news puts the essentials first, so early sentences of each article gain;
- damage: sentences flagged garbled by repair are never used; loops, broken quotes, debris
  and truncation cost points, so among paraphrases the cleanest repaired one wins.
Sentences are then picked greedily (maximal marginal relevance: a sentence repeating one
already chosen, or backing the same claim, is skipped) and ordered for reading by where they
sit in their articles. A sentence of a conflicting claim is kept out: the conflict is
reported beside the brief, not asserted in it.

Beside it: a timeline of dated statements and a coverage note per outlet (what only it says).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from newsfuse.crosscheck.judge import BOUND_WORDS as _BOUND
from newsfuse.crosscheck.statements import Statement, StoryView, build_story
from newsfuse.settings import BriefSettings
from newsfuse.types import (
    Article,
    ArticleAnnotations,
    Brief,
    BriefSentence,
    Claim,
    Entity,
    TimelineEntry,
)

W_SUPPORT = 1.0
W_CENTRAL = 1.2
W_AGREE = 2.0
W_POSITION = 0.6
W_LEAD = 0.35
W_DAMAGE = 0.35
W_SHARED = 4.0
W_GRAPH = 4.0
REDUNDANCY = 0.3  # TF-IDF cosine above which a candidate repeats a chosen sentence
RELAXED_REDUNDANCY = 0.7  # the same, when filling a brief the story is too small for


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _claims_by_statement(view: StoryView, claims: Sequence[Claim]) -> dict[int, list[Claim]]:
    index = {(s.article_id, s.start, s.end): s.index for s in view.statements}
    out: dict[int, list[Claim]] = {}
    for c in claims:
        for e in c.evidence:
            i = index.get((e.article_id, e.start, e.end))
            if i is not None:
                out.setdefault(i, []).append(c)
    return out


def _tfidf(statements: Sequence[Statement]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=lambda toks: toks, sublinear_tf=True, norm="l2")
    return vec.fit_transform([s.tokens or ["_"] for s in statements])


def _cross_source_agreement(x, statements: Sequence[Statement]) -> np.ndarray:
    """Per sentence: mean over the other sources of its best TF-IDF cosine with that source.

    A soft form of support: paraphrases that fell below the alignment threshold still count
    a little. Rows are done in blocks of 512 and reduced per source with ``reduceat``, so the
    cost is one n x n sparse product in all and memory stays at one block.
    """
    n = len(statements)
    out = np.zeros(n)
    names = sorted({s.source for s in statements})
    if len(names) < 2:
        return out
    code = {name: k for k, name in enumerate(names)}
    src = np.array([code[s.source] for s in statements])
    order = np.argsort(src, kind="stable")
    starts = np.searchsorted(src[order], np.arange(len(names)))
    xt = x[order].T.tocsc()
    for lo in range(0, n, 512):
        hi = min(n, lo + 512)
        block = (x[lo:hi] @ xt).toarray()
        best = np.maximum.reduceat(block, starts, axis=1)  # (rows, sources)
        rows = np.arange(hi - lo)
        best[rows, src[lo:hi]] = 0.0
        out[lo:hi] = best.sum(axis=1) / (len(names) - 1)
    if out.max() > 0:
        out = out / out.max()
    return out


def _shared_bigrams(statements: Sequence[Statement]) -> dict[int, dict[tuple[str, str], int]]:
    """Per sentence: its content-word bigrams that two or more sources use, with how many.

    Word pairs that several outlets use independently are the story's facts ("floodgate
    failed", "residents evacuated"); a brief that covers more of them says more of what the
    coverage agrees on (concept coverage, as in Gillick and Favre's summariser).
    """
    sources_of: dict[tuple[str, str], set[str]] = {}
    grams: dict[int, set[tuple[str, str]]] = {}
    for s in statements:
        pairs = set(zip(s.tokens, s.tokens[1:]))
        grams[s.index] = pairs
        for g in pairs:
            sources_of.setdefault(g, set()).add(s.source)
    out: dict[int, dict[tuple[str, str], int]] = {}
    for i, pairs in grams.items():
        shared = {g: len(sources_of[g]) for g in pairs if len(sources_of[g]) >= 2}
        if shared:
            out[i] = shared
    return out


GRAPH_MAX_SENTENCES = 1_500  # PageRank is dense n x n: past this, only the earliest sentences


def _graph_centrality(statements: Sequence[Statement], indices: Sequence[int]) -> dict[int, float]:
    """PageRank over word-overlap similarity (overlap / (log|A| + log|B|), as in TextRank).

    A sentence that shares words with many others is what the coverage keeps returning to;
    unlike cosine, this similarity does not shrink for long sentences that carry several of
    the story's facts. Dense in the candidates, so capped at ``GRAPH_MAX_SENTENCES``.
    """
    from scipy.sparse import csr_matrix

    idx = sorted(indices, key=lambda i: (statements[i].position, i))[:GRAPH_MAX_SENTENCES]
    if len(idx) < 2:
        return {i: 1.0 for i in idx}
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, i in enumerate(idx):
        for tok in set(statements[i].tokens):
            rows.append(r)
            cols.append(vocab.setdefault(tok, len(vocab)))
    m = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(idx), max(1, len(vocab))))
    overlap = (m @ m.T).toarray()
    sizes = np.log(np.maximum(np.asarray(m.sum(axis=1)).ravel(), 2.0))
    sim = overlap / (sizes[:, None] + sizes[None, :])
    np.fill_diagonal(sim, 0.0)
    out_w = sim.sum(axis=1)
    out_w[out_w == 0] = 1.0
    trans = sim / out_w[:, None]
    rank = np.full(len(idx), 1.0 / len(idx))
    for _ in range(50):
        new = 0.15 / len(idx) + 0.85 * (trans.T @ rank)
        if np.abs(new - rank).sum() < 1e-6:
            rank = new
            break
        rank = new
    rank = rank / rank.max() if rank.max() > 0 else rank
    return {i: float(r) for i, r in zip(idx, rank)}


def _eligible(s: Statement) -> bool:
    stripped = s.text.rstrip()
    return (
        not s.garbled
        and 6 <= s.words <= 70
        and s.damage < 2.5
        and not stripped.endswith(("...", "…"))
        and not stripped.endswith("?")
        and stripped.endswith((".", "!", "”", '"', "’", "'"))  # headlines and captions are not sentences
    )


def select_sentences(
    view: StoryView, claims: Sequence[Claim], count: int
) -> list[tuple[Statement, list[Claim]]]:
    """The ``count`` best-supported, least-damaged, non-redundant sentences, reading order."""
    statements = view.statements
    if not statements or count <= 0:
        return []
    by_statement = _claims_by_statement(view, claims)
    n_sources = len({s.source for s in statements})
    x = _tfidf(statements)
    centroid = np.asarray(x.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    central = (x @ (centroid / norm)) if norm else np.zeros(len(statements))
    central = np.asarray(central).ravel()
    if central.max() > 0:
        central = central / central.max()
    agree = _cross_source_agreement(x, statements)
    concepts = _shared_bigrams(statements)
    mass = {i: float(sum(g.values())) for i, g in concepts.items()}
    top_mass = max(mass.values(), default=0.0) or 1.0
    # every readable sentence is a node (truncated ones too: they still say what the
    # coverage is about), only eligible ones are scored
    graph = _graph_centrality(statements, [s.index for s in statements if not s.garbled])
    scored = []
    for s in statements:
        if not _eligible(s):
            continue
        own = by_statement.get(s.index, [])
        if any(c.status == "conflicting" for c in own):
            continue  # the disagreement is reported beside the brief, not asserted in it
        backing = {src for c in own if c.status != "single_source" for src in c.sources}
        support = (len(backing) - 1) / (n_sources - 1) if n_sources > 1 and len(backing) > 1 else 0.0
        score = (
            W_SUPPORT * support
            + W_CENTRAL * float(central[s.index])
            + W_AGREE * float(agree[s.index])
            + W_POSITION * (1.0 - s.relative_position) ** 2
            + (W_LEAD if s.position == 0 else 0.0)
            - W_DAMAGE * s.damage
            + W_SHARED * mass.get(s.index, 0.0) / top_mass
            + W_GRAPH * graph.get(s.index, 0.0)
        )
        scored.append((score, s))
    scored.sort(key=lambda t: (-t[0], t[1].index))
    chosen: list[Statement] = []
    used_claims: set[str] = set()
    # first pass: one sentence per claim, no lexical repeats; then, if the story is too
    # small to fill the brief, a second claim's sentence may join when it adds new words
    for same_claim_ok, redundancy in ((False, REDUNDANCY), (True, RELAXED_REDUNDANCY)):
        for _score, s in scored:
            if len(chosen) >= count:
                break
            if s in chosen:
                continue
            own_ids = {c.id for c in by_statement.get(s.index, []) if c.status != "single_source"}
            if own_ids & used_claims and not same_claim_ok:
                continue
            if chosen:
                sims = (x[[c.index for c in chosen]] @ x[s.index].T).toarray().ravel()
                if sims.max() >= redundancy:
                    continue
            chosen.append(s)
            used_claims |= own_ids
    chosen.sort(key=lambda s: (round(s.relative_position, 1), -len(by_statement.get(s.index, [])), s.index))
    return [(s, by_statement.get(s.index, [])) for s in chosen]


def _brief_sentence(s: Statement, own: list[Claim], view: StoryView) -> BriefSentence:
    article_ids = [s.article_id]
    sources = [s.outlet]
    for c in own:
        if c.status == "single_source":
            continue
        for e in c.evidence:
            if e.article_id not in article_ids:
                article_ids.append(e.article_id)
            outlet = e.source or view.articles[e.article_id].source
            if outlet and outlet not in sources:
                sources.append(outlet)
    return BriefSentence(
        text=" ".join(s.text.split()),
        article_ids=article_ids,
        claim_ids=[c.id for c in own],
        sources=sources,
    )


def timeline(view: StoryView, claims: Sequence[Claim], limit: int = 12) -> list[TimelineEntry]:
    """Dated statements in date order; one entry per date and claim, citing every article."""
    by_statement = _claims_by_statement(view, claims)
    entries: dict[tuple[str, str], TimelineEntry] = {}
    best: dict[tuple[str, str], float] = {}
    for s in view.statements:
        if s.garbled:
            continue
        # one entry per sentence, at the first date that is an event (not "since 2022")
        event_dates = [
            d for d in s.dates
            if d.date and not d.date.startswith("--")
            and not _BOUND.search(s.text[max(0, d.start - s.start - 12) : d.start - s.start])
        ]
        for d in event_dates[:1]:
            day = d.date.split("T", 1)[0]
            own = [c for c in by_statement.get(s.index, []) if c.status != "single_source"]
            key = (day, own[0].id if own else f"s{s.index}")
            entry = entries.get(key)
            if entry is None:
                entry = entries[key] = TimelineEntry(date=day, text="", article_ids=[])
            if s.article_id not in entry.article_ids:
                entry.article_ids.append(s.article_id)
            quality = -s.damage - abs(s.words - 22) / 40
            if quality > best.get(key, -1e9):
                best[key] = quality
                entry.text = _short(s.text, 220)
    ordered = sorted(entries.values(), key=lambda e: (e.date, -len(e.article_ids)))
    if len(ordered) > limit:  # keep the best-attested entries, still in date order
        keep = sorted(ordered, key=lambda e: -len(e.article_ids))[:limit]
        ordered = [e for e in ordered if e in keep]
    return ordered


def coverage(view: StoryView, claims: Sequence[Claim]) -> dict[str, str]:
    """Outlet -> what only it reports (and where it is contradicted), in one line."""
    outlets = list(dict.fromkeys(view.outlet_name[view.source_of[a]] for a in view.articles))
    notes: dict[str, str] = {}
    for outlet in outlets:
        only = [c for c in claims if c.status == "single_source" and c.sources[:1] == [outlet]]
        shared = [c for c in claims if c.status == "corroborated" and outlet in c.sources]
        disputed = [c for c in claims if c.status == "conflicting" and outlet in c.sources]
        parts = []
        if only:
            examples = "; ".join(f"“{_short(c.text, 90)}”" for c in only[:2])
            parts.append(f"alone reports {len(only)} item{'s' if len(only) != 1 else ''}, e.g. {examples}")
        else:
            parts.append("reports nothing the other outlets do not")
        if shared:
            parts.append(f"shares {len(shared)} with other outlets")
        if disputed:
            parts.append(f"disagrees with another outlet on {len(disputed)}")
        copies = sorted(
            {view.articles[d].source for d, root in view.duplicates.items()
             if view.outlet_name[view.source_of[root]] == outlet and view.articles[d].source}
            - {outlet}
        )
        if copies:
            parts.append(f"copied by {', '.join(copies)} (counted once)")
        notes[outlet] = "; ".join(parts) + "."
    return notes


def write_brief(
    articles: Sequence[Article],
    annotations: dict[str, ArticleAnnotations],
    claims: Sequence[Claim],
    entities: Sequence[Entity],
    duplicate_of: dict[str, str],
    settings: BriefSettings | None = None,
) -> Brief:
    """The cited brief (``settings.sentences``, at most ``max_sentences``), timeline, coverage."""
    settings = settings or BriefSettings()
    count = max(1, min(settings.sentences, settings.max_sentences))
    view = build_story(articles, annotations, entities, duplicate_of)
    picked = select_sentences(view, claims, count)
    return Brief(
        sentences=[_brief_sentence(s, own, view) for s, own in picked],
        timeline=timeline(view, claims),
        coverage=coverage(view, claims),
    )
