"""Align statements across a story's independent sources.

Two statements say the same thing when their meaning is close (sentence embeddings), helped
by what they share: canonical entities, numbers, dates and quoted words. Embedding every
sentence of every article would cost more than NER itself on CPU (~200 sentences/s), so:

1. every statement gets a sparse TF-IDF vector over stemmed content words plus anchor tokens
   (entity ids, numbers, dates); a chunked sparse product keeps, for each statement, its
   ``candidates_per_statement`` best partners from *other* sources (linear in statements for
   a fixed chunk size, memory bounded by the chunk);
2. only statements that appear in candidate pairs are embedded, those with numbers, dates or
   quotes and the best candidates first, within a budget proportional to the story's words
   (``embedding_budget``: bounded below and above, so a huge story costs a fixed amount);
3. each candidate pair gets a score: the embedding cosine when both sides were embedded,
   else a calibrated lexical score; quotes whose words match are aligned outright;
4. pairs above threshold are grouped greedily, strongest first, joining a group only when the
   newcomer is aligned with two thirds of its members (no long chains of weak links).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from newsfuse.crosscheck.statements import Statement, content_tokens
from newsfuse.settings import CrosscheckSettings


@dataclass
class Alignment:
    groups: list[list[int]]  # statement indices; groups of one are unaligned statements
    score: dict[tuple[int, int], float]  # (i, j) with i < j -> alignment score


def _anchor_tokens(s: Statement) -> list[str]:
    toks = []
    for e in s.entities:
        if not e.startswith("~"):
            toks.append("ent:" + e)
        else:
            toks.append("ent:" + e[1:].replace(" ", "_"))
    for q in s.quantities:
        value = q.normalized if q.normalized is not None else q.value
        toks.append(f"num:{value:g}")
    for d in s.dates:
        if d.date:
            toks.append("date:" + d.date)
    return toks


def _features(statements: Sequence[Statement]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [s.tokens + _anchor_tokens(s) for s in statements]
    vec = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, min_df=1, norm="l2")
    return vec.fit_transform(docs)


def lexical_candidates(
    statements: Sequence[Statement], per_statement: int, min_score: float, chunk: int = 512
) -> dict[tuple[int, int], float]:
    """Best cross-source partners of each statement by TF-IDF cosine, chunk by chunk."""
    n = len(statements)
    if n < 2:
        return {}
    x = _features(statements)
    xt = x.T.tocsc()
    sources = np.array([s.source for s in statements])
    out: dict[tuple[int, int], float] = {}
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        block = (x[lo:hi] @ xt).toarray()
        for r in range(hi - lo):
            i = lo + r
            row = block[r]
            row[sources == sources[i]] = 0.0
            k = min(per_statement, n - 1)
            top = np.argpartition(-row, k - 1)[:k] if k < n else np.arange(n)
            for j in top:
                score = float(row[j])
                if score >= min_score:
                    key = (i, int(j)) if i < j else (int(j), i)
                    if score > out.get(key, 0.0):
                        out[key] = score
    return out


_QUOTE_NORM = re.compile(r"[^a-z0-9 ]+")


def _quote_key(text: str) -> str:
    return " ".join(_QUOTE_NORM.sub(" ", text.lower()).split())


def _quoted_here(s: Statement, start: int, end: int) -> str:
    """The part of a quote that lies inside this statement's sentence. A quote of several
    sentences is attached to each of them; compared whole, the first sentence of one outlet's
    copy matched the second sentence of the other's."""
    return s.text[max(start - s.start, 0) : max(min(end, s.end) - s.start, 0)]


def quote_pairs(statements: Sequence[Statement], min_ratio: float = 85.0) -> dict[tuple[int, int], float]:
    """Statements from different sources that carry the same quoted words (>= 4 words).

    Quotes are bucketed by their rarest content word so only plausible pairs are compared.
    """
    from rapidfuzz import fuzz

    items = []
    for s in statements:
        for q in s.quotes:
            key = _quote_key(_quoted_here(s, q.start, q.end))
            if len(key.split()) >= 4:
                items.append((s.index, s.source, key))
    if len(items) < 2:
        return {}
    freq: dict[str, int] = {}
    toks = [set(content_tokens(k)) for _, _, k in items]
    for t in toks:
        for w in t:
            freq[w] = freq.get(w, 0) + 1
    buckets: dict[str, list[int]] = {}
    for n, t in enumerate(toks):
        for w in sorted(t, key=lambda w: (freq[w], w))[:3]:
            buckets.setdefault(w, []).append(n)
    out: dict[tuple[int, int], float] = {}
    for members in buckets.values():
        members = members[:200]  # a word in hundreds of quotes tells nothing
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                ia, sa, ka = items[a]
                ib, sb, kb = items[b]
                if sa == sb or ia == ib:
                    continue
                shorter, longer = sorted((ka, kb), key=len)
                if len(shorter) / max(len(longer), 1) < 0.3:
                    continue
                ratio = fuzz.partial_ratio(shorter, longer) if len(shorter) > 20 else fuzz.ratio(ka, kb)
                if ratio >= min_ratio:
                    key = (min(ia, ib), max(ia, ib))
                    out[key] = 1.0
    return out


def _embed(texts: list[str]) -> np.ndarray:
    from newsfuse.embed import embed

    return embed(texts)


def _shares_anchor(a: Statement, b: Statement) -> bool:
    """Both state the same number or the same date: strong evidence of one fact.

    Shared entities are not enough: within one story nearly every sentence names the same
    people and places.
    """
    va = {round(q.normalized if q.normalized is not None else q.value, 6) for q in a.quantities}
    vb = {round(q.normalized if q.normalized is not None else q.value, 6) for q in b.quantities}
    if va & vb:
        return True
    da = {d.date for d in a.dates if d.date}
    db = {d.date for d in b.dates if d.date}
    return bool(da & db)


def embedding_budget(statements: Sequence[Statement], settings: CrosscheckSettings) -> int:
    """How many sentences this story may embed: proportional to its words, within bounds.

    NER reads ~7,000 words/s of CPU; MiniLM embeds ~70 truncated sentences/s. At 2.5
    sentences per 1,000 words the embeddings cost about a quarter of NER on big stories.
    """
    words = sum(s.words for s in statements)
    scaled = int(words * settings.embedded_per_1000_words / 1000)
    return max(settings.min_embedded_sentences, min(settings.max_embedded_sentences, scaled))


def align(statements: Sequence[Statement], settings: CrosscheckSettings) -> Alignment:
    """Group statements that say the same thing in different independent sources."""
    n = len(statements)
    if n == 0:
        return Alignment(groups=[], score={})
    eligible = [s for s in statements if s.words >= settings.min_statement_words]
    cand_local = lexical_candidates(
        eligible, settings.candidates_per_statement, settings.lexical_candidate_min
    )
    cands = {(eligible[i].index, eligible[j].index): sc for (i, j), sc in cand_local.items()}
    quotes = quote_pairs(statements)
    # embed the statements in the strongest candidate pairs, within a fixed budget
    best: dict[int, float] = {}
    for (i, j), sc in cands.items():
        best[i] = max(best.get(i, 0.0), sc)
        best[j] = max(best.get(j, 0.0), sc)
    budget = embedding_budget(statements, settings)

    def priority(i: int) -> float:
        s = statements[i]
        return best[i] + (0.2 if s.quantities or s.dates or s.quotes else 0.0)

    chosen = sorted(best, key=lambda i: (-priority(i), i))[:budget]
    vectors: dict[int, np.ndarray] = {}
    if chosen and settings.use_embeddings:
        emb = _embed([" ".join(statements[i].text.split()[: settings.embed_max_words]) for i in chosen])
        vectors = {i: emb[k] for k, i in enumerate(chosen)}
    scores: dict[tuple[int, int], float] = {}
    for (i, j), lex in cands.items():
        a, b = statements[i], statements[j]
        if i in vectors and j in vectors:
            sim = float(vectors[i] @ vectors[j])
            threshold = settings.align_threshold
            if _shares_anchor(a, b):
                threshold = settings.align_threshold_anchored
        else:
            sim = lex
            threshold = settings.lexical_align_threshold
        if sim >= threshold:
            scores[(i, j)] = sim
    for key, sc in quotes.items():
        scores[key] = max(scores.get(key, 0.0), sc)
    def linked(x: int, y: int) -> bool:
        if (min(x, y), max(x, y)) in scores:
            return True
        if x in vectors and y in vectors:  # same-source sentences are never scored as pairs
            return float(vectors[x] @ vectors[y]) >= settings.align_threshold
        return False

    return Alignment(
        groups=_group(
            n, scores, linked, settings.align_threshold + 0.05, [s.source for s in statements]
        ),
        score=scores,
    )


# share of a group's members a newcomer must be aligned with (2 of 2, 2 of 3, 3 of 4, ...)
_JOIN = 0.66


def _group(
    n: int,
    scores: dict[tuple[int, int], float],
    linked_pair: Callable[[int, int], bool],
    secondary_min: float,
    sources: Sequence[str],
) -> list[list[int]]:
    group_of: dict[int, int] = {}
    groups: dict[int, list[int]] = {}
    next_id = 0

    def accepts(x: int, members: list[int]) -> bool:
        hits = sum(1 for m in members if linked_pair(x, m))
        # a second sentence from a source already in the group must match every member:
        # otherwise one topic-heavy article pulls its whole text into one claim
        if any(sources[m] == sources[x] for m in members):
            return hits == len(members)
        return hits / len(members) >= _JOIN

    for (i, j), sc in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        gi, gj = group_of.get(i), group_of.get(j)
        if gi is None and gj is None:
            groups[next_id] = [i, j]
            group_of[i] = group_of[j] = next_id
            next_id += 1
        elif (gi is None) != (gj is None):
            grouped, newcomer = (i, j) if gi is not None else (j, i)
            g = group_of[grouped]
            if accepts(newcomer, groups[g]):
                groups[g].append(newcomer)
                group_of[newcomer] = g
            elif sc >= secondary_min:
                # a long sentence can carry two facts, each matched by a different sentence
                # of the other outlet: the shared sentence then backs two claims
                groups[next_id] = [grouped, newcomer]
                group_of[newcomer] = next_id
                next_id += 1
        elif gi != gj:
            a, b = groups[gi], groups[gj]
            if len(a) * len(b) <= 10_000 and not set(sources[x] for x in a) & set(sources[y] for y in b):
                hits = sum(1 for x in a for y in b if linked_pair(x, y))
                if hits / (len(a) * len(b)) >= _JOIN:
                    for m in b:
                        group_of[m] = gi
                    a.extend(m for m in b if m not in a)
                    del groups[gj]
    out = [sorted(set(g)) for g in groups.values()]
    grouped_any = {m for g in groups.values() for m in g}
    out.extend([i] for i in range(n) if i not in grouped_any)
    out.sort(key=lambda g: g[0])
    return out
