"""The decision: which story does an article join, or does it open a new one?

Articles are compared with each other and with stories by one weighted sum, damped by time:

    score = (w_e * embedding + w_l * tfidf + w_n * entities + w_k * numbers) * decay

- embedding: cosine of the vectors; against a story, to its centroid or to its closest
  exemplar when higher (stories drift as they develop);
- tfidf: cosine of idf-weighted word vectors;
- entities: cosine of idf-weighted entity vectors (who and where);
- numbers: shared distinctive numbers (a 7.1 magnitude, a toll of 43), saturating at three;
- decay: ``0.5 ** (days apart / half_life)``; 1 when undated.

A batch is first split into groups by complete link over its pairwise scores (grouping.py),
so a story cannot chain through one in-between article. In (date, article id) order, each
group is scored as a whole against the candidate stories the index proposes and joins the
best one at ``join_threshold`` (``batch_join_threshold`` for a story another group of this
batch opened), or opens a new story; its other articles follow. When the group also reaches
``merge_threshold`` against a second story whose centroid is close to the first, it bridges
them and the stories merge (recorded, resolvable). Near-duplicates (neardup.py) join their
original's story directly. Document frequencies are updated with the whole batch before
anything is scored, so the same batch in any input order gives the same stories.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import math
import re
import zipfile
from collections import Counter, OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from datetime import date

import numpy as np

from newsfuse.cluster.features import headline_of, normalise_entity, valid_date
from newsfuse.cluster.grouping import (
    MAX_GROUP_BATCH,
    complete_link_groups,
    leading_names,
    pair_scores,
    protagonists_differ,
)
from newsfuse.cluster.index import StoryIndex
from newsfuse.cluster.lexical import DocumentFrequencies, content_terms, cosine, weighted, words
from newsfuse.cluster.naming import story_label, story_title
from newsfuse.cluster.neardup import NearDuplicates, Original, text_key
from newsfuse.cluster.state import StoryProfile
from newsfuse.settings import ClusterSettings
from newsfuse.types import ClusterItem, StoryAssignment

STATE_VERSION = 1
DIM = 384
ARTICLE_TERMS = 120  # heaviest words of an article used for tf-idf
ENTITY_QUERY = 4  # most distinctive entities of an article used to fetch candidates


def _one_blas_thread() -> Any:
    """Matrix-vector products here are small: a multi-threaded BLAS spins its threads on
    every one of them and, on a busy machine, made a search 40x slower (measured in
    bench/cluster_scale.py). One thread for the duration of a batch."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings it
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


@contextlib.contextmanager
def _no_gc() -> Any:
    """Serialising the state allocates hundreds of thousands of small objects, none of them
    cyclic; the cyclic collector walking the whole heap meanwhile doubled the time of
    ``state_bytes`` at 60k articles (bench/cluster_scale.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _zip_entry(name: str, compress_type: int) -> zipfile.ZipInfo:
    """A zip member with a fixed timestamp: a name alone stamps the current time, so the same
    state gave different bytes across a two-second boundary (a test caught it in CI)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = compress_type
    return info


def story_id_for(article_id: str) -> str:
    return "s_" + hashlib.sha1(article_id.encode()).hexdigest()[:12]


@dataclass
class _Prepared:
    """One item, parsed once: its vector, words, entity keys, numbers and day."""

    item: ClusterItem
    vec: np.ndarray
    terms: Counter[str]
    entities: Counter[str]
    display: dict[str, str]
    numbers: list[float]
    day: int | None
    text_words: list[str]  # tokens of the body (shingles, exact-copy key)
    years: tuple[int, ...]  # publication year and the years the text mentions
    empty: bool
    leads: tuple[str, ...] = ()  # most mentioned names (grouping.leading_names)


def _vector(value: object) -> np.ndarray:
    """The item's embedding as a unit float32 vector; zeros when missing or malformed."""
    try:
        vec = np.asarray(value, dtype=np.float32).reshape(-1)
    except (TypeError, ValueError):
        return np.zeros(DIM, dtype=np.float32)
    if vec.shape != (DIM,) or not np.all(np.isfinite(vec)):
        return np.zeros(DIM, dtype=np.float32)
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm > 0 else vec


_YEAR = re.compile(r"\b(19[0-9]\d|20\d\d)\b")


def _years(day: int | None, title: str, text: str) -> tuple[int, ...]:
    """A coarse time for undated articles: the years the text mentions (at most 10, none
    after this year), plus the publication year when there is one."""
    this_year = date.today().year
    years = {int(y) for y in _YEAR.findall(f"{title}\n{text[:5000]}")}
    years = sorted((y for y in years if y <= this_year), reverse=True)[:10]
    if day is not None:
        years.append(date.fromordinal(day).year)
    return tuple(sorted(set(years)))


def _day(published: str | None) -> int | None:
    iso = valid_date(published)
    return date.fromisoformat(iso).toordinal() if iso else None


def _story_as_item(story: StoryProfile) -> _Prepared:
    """A whole story as one pseudo-article, to score it against other stories."""
    return _Prepared(
        item=ClusterItem(article_id=story.founder, title="", text="", source="", published=None, embedding=None),
        vec=story.centroid(),
        terms=Counter(story.terms),
        entities=Counter(story.entities),
        display={},
        numbers=list(story.numbers),
        day=story.last,
        text_words=[],
        years=tuple(story.years),
        empty=False,
        leads=leading_names(story.entities),
    )


class StoryClusterer:
    """Incremental same-event clustering; ``state_bytes()`` / ``StoryClusterer(state)`` resume
    exactly where the last batch left off."""

    def __init__(self, state: bytes | None = None, settings: ClusterSettings | None = None) -> None:
        self.settings = settings or ClusterSettings()
        s = self.settings
        self.stories: dict[str, StoryProfile] = {}
        self.merged: dict[str, str] = {}
        self.index = StoryIndex(DIM, s.bucket_days, self._window_days(), s.entity_postings)
        self.dups = NearDuplicates(s.near_duplicate_jaccard, s.minhash_perm, s.duplicate_window)
        self.term_df = DocumentFrequencies(s.max_vocabulary)
        self.entity_df = DocumentFrequencies(s.max_vocabulary)
        self.recent: OrderedDict[str, str] = OrderedDict()  # article id -> story (bounded)
        self.seq = 0
        self._known_before: set[str] = set()  # stories that existed before the current batch
        self._postings_bound = 0
        self._cache: dict[str, tuple[int, dict[str, float], dict[str, float], tuple[str, ...]]] = {}
        # this batch's groups (grouping.py): article -> group, group -> members and story
        self._group_of: dict[str, int] = {}
        self._group_members: dict[int, list[_Prepared]] = {}
        self._group_story: dict[int, str] = {}
        self._opened_in_batch: set[str] = set()
        if state:
            self._load(state)

    def _window_days(self) -> int:
        """Beyond this many days the time decay alone keeps any score under the threshold."""
        s = self.settings
        top = s.weight_embedding + s.weight_lexical + s.weight_entities + s.weight_numbers
        ratio = max(top / max(s.join_threshold, 1e-6), 1.0)
        return int(math.ceil(s.time_half_life_days * math.log2(ratio))) + 1

    # ------------------------------------------------------------------ public API
    def resolve(self, story_id: str) -> str:
        """The story an id now lives in (follows recorded merges; unknown ids come back as is)."""
        seen = 0
        while story_id in self.merged and seen < 10_000:
            story_id = self.merged[story_id]
            seen += 1
        return story_id

    def add(self, items: Sequence[ClusterItem]) -> StoryAssignment:
        """Place a batch: every item gets a story (existing or new); ids already seen get
        their story back. Only the stories the batch touched are named and labelled."""
        with _one_blas_thread():
            return self._add(items)

    def _add(self, items: Sequence[ClusterItem]) -> StoryAssignment:
        out = StoryAssignment()
        prepared = [self._prepare(it) for it in items]
        prepared.sort(key=lambda p: (p.day is None, p.day or 0, p.item.article_id))
        fresh = [p for p in prepared if p.item.article_id not in self.recent]
        seen_in_batch: set[str] = set()
        unique: list[_Prepared] = []
        for p in fresh:
            if p.item.article_id in seen_in_batch:
                continue
            seen_in_batch.add(p.item.article_id)
            unique.append(p)
            self.term_df.add(p.terms)
            self.entity_df.add(p.entities)
        # exact copies skip the grouping: the near-duplicate path places them with their original
        first_of_text: dict[str, _Prepared] = {}
        for p in unique:
            if not p.empty:
                first_of_text.setdefault(text_key(p.text_words), p)
        self._group_batch(list(first_of_text.values()))
        touched: list[str] = []
        self._known_before = set(self.stories)
        for p in prepared:
            aid = p.item.article_id
            if aid in self.recent:  # the same article again: same story
                out.story_of[aid] = self.resolve(self.recent[aid])
                continue
            sid = self._place(p, out)
            self.recent[aid] = sid
            if len(self.recent) > self.settings.duplicate_window:
                self.recent.popitem(last=False)
            out.story_of[aid] = sid
            touched.append(sid)
        self._consolidate(out)
        for aid, sid in out.story_of.items():
            out.story_of[aid] = self.resolve(sid)
        for old, new in out.merges:
            touched.append(new)
        out.touched = list(dict.fromkeys(self.resolve(s) for s in touched))
        for sid in out.touched:
            story = self.stories.get(sid)
            if story is not None:
                out.titles[sid] = story_title(story)
                out.labels[sid] = story_label(story, self.entity_df, self.term_df)
        # only now: a batch spanning years archives its older stories at once, and they
        # must leave named (archiving first lost 47 of 50 BASIL labels)
        self._archive()
        return out

    # ------------------------------------------------------------------ one article
    def _prepare(self, item: ClusterItem) -> _Prepared:
        title = item.title or ""
        text = item.text or ""
        ents: Counter[str] = Counter()
        display: dict[str, str] = {}
        for name in item.entities or ():
            key = normalise_entity(str(name))
            if key:
                ents[key] += 1
                display.setdefault(key, str(name))
        nums = []
        for x in item.numbers or ():
            try:
                value = round(float(x), 3)
            except (TypeError, ValueError):
                continue
            if math.isfinite(value):
                nums.append(value)
        day = _day(item.published)
        text_words = words(text)
        return _Prepared(
            item=item,
            vec=_vector(item.embedding),
            terms=content_terms(words(title) + text_words),
            text_words=text_words,
            entities=ents,
            display=display,
            numbers=nums,
            day=day,
            years=_years(day, title, text),
            empty=not (title.strip() or text.strip()),
            leads=leading_names(ents),
        )

    def _group_batch(self, prepared: list[_Prepared]) -> None:
        """Complete-link groups of this batch's articles (grouping.py); each group will join
        or open one story."""
        s = self.settings
        self._group_of, self._group_members, self._group_story = {}, {}, {}
        self._opened_in_batch = set()
        if s.group_threshold <= 0:
            return
        weights = (s.weight_embedding, s.weight_lexical, s.weight_entities, s.weight_numbers)
        for start in range(0, len(prepared), MAX_GROUP_BATCH):
            chunk = prepared[start : start + MAX_GROUP_BATCH]
            scores = pair_scores(
                np.stack([p.vec for p in chunk]) if chunk else np.zeros((0, DIM), np.float32),
                [weighted(p.terms, self.term_df, ARTICLE_TERMS) for p in chunk],
                [weighted(p.entities, self.entity_df) for p in chunk],
                [p.numbers for p in chunk],
                [p.day for p in chunk],
                [p.years for p in chunk],
                weights,
                s.time_half_life_days,
                s.year_mismatch,
                [p.leads for p in chunk],
                s.protagonist_mismatch,
            )
            for p, label in zip(chunk, complete_link_groups(scores, s.group_threshold)):
                group = start + label
                self._group_of[p.item.article_id] = group
                self._group_members.setdefault(group, []).append(p)

    def _as_group(self, p: _Prepared) -> _Prepared:
        """The article's whole group as one pseudo-article: summed vector, words, entities."""
        members = self._group_members.get(self._group_of.get(p.item.article_id, -1), [])
        if len(members) <= 1:
            return p
        vec = np.sum([m.vec for m in members], axis=0)
        norm = float(np.linalg.norm(vec))
        terms: Counter[str] = Counter()
        entities: Counter[str] = Counter()
        numbers: list[float] = []
        for m in members:
            terms.update(m.terms)
            entities.update(m.entities)
            numbers.extend(m.numbers)
        days = [m.day for m in members if m.day is not None]
        years = sorted({y for m in members for y in m.years})
        return _Prepared(
            item=p.item,
            vec=(vec / norm if norm > 0 else vec).astype(np.float32),
            terms=terms,
            entities=entities,
            display={},
            numbers=list(dict.fromkeys(numbers)),
            day=min(days) if days else None,
            text_words=[],
            years=tuple(years),
            empty=False,
            leads=leading_names(entities),
        )

    def _place(self, p: _Prepared, out: StoryAssignment) -> str:
        item = p.item
        key = text_key(p.text_words)
        sig = None if p.empty else self.dups.signature(p.text_words)
        original = None if p.empty else self.dups.find(key, sig)
        self.seq += 1
        if original is not None:
            info = self.dups.originals[original]
            sid = self.resolve(info.story)
            story = self.stories.get(sid)
            if story is not None:
                if p.day is not None and (info.day is None or p.day < info.day):
                    # an earlier-published copy arrived late: it becomes the original
                    out.duplicate_of[original] = item.article_id
                    self.dups.replace_original(original, item.article_id, key, sig, Original(sid, p.day, self.seq))
                else:
                    out.duplicate_of[item.article_id] = original
                self._join(story, p, duplicate=True)
                return sid
        sid = None if p.empty else self._best_story(p, out)
        if sid is None:
            sid = story_id_for(item.article_id)
            while sid in self.stories or sid in self.merged:  # same founder id re-seen later
                sid = story_id_for(sid)
            self.stories[sid] = StoryProfile(id=sid, founder=item.article_id)
        self._join(self.stories[sid], p)
        if not p.empty:
            self.dups.add_original(item.article_id, key, sig, Original(sid, p.day, self.seq))
        return sid

    def _join(self, story: StoryProfile, p: _Prepared, duplicate: bool = False) -> None:
        group = self._group_of.get(p.item.article_id)
        if group is not None and group not in self._group_story:
            self._group_story[group] = story.id  # the rest of the group follows this article
            if story.n == 0:
                self._opened_in_batch.add(story.id)
        story.add(
            p.item.article_id,
            headline_of(p.item.title, p.item.text),
            p.vec,
            Counter() if duplicate else p.terms,
            Counter() if duplicate else p.entities,
            [] if duplicate else p.numbers,
            p.display,
            p.item.source or "",
            p.day,
            p.years,
        )
        if duplicate:
            story.duplicates += 1
        top = sorted(p.entities, key=lambda e: -self.entity_df.idf(e))[:ENTITY_QUERY]
        self.index.put(story.id, story.centroid(), story.last, top)

    def _best_story(self, p: _Prepared, out: StoryAssignment) -> str | None:
        """The story an article's group already went to; else the best story for the whole
        group. A story another group of this batch opened needs ``batch_join_threshold``:
        complete link kept the two groups apart, only a strong match of the wholes rejoins
        them (a big event whose every pair does not match)."""
        s = self.settings
        group = self._group_of.get(p.item.article_id)
        if group is not None and group in self._group_story:
            return self.resolve(self._group_story[group])
        p = self._as_group(p)
        top_entities = sorted(p.entities, key=lambda e: -self.entity_df.idf(e))[:ENTITY_QUERY]
        cands = self.index.candidates(p.vec, p.day, top_entities, s.candidates)
        if not cands:
            return None
        stories = [self.stories[sid] for sid in sorted(cands) if sid in self.stories]
        if not stories:
            return None
        emb = self._embedding_sims(p.vec, stories)
        # full features only for the closest few: the other parts cost a Python loop each
        keep = np.argsort(-emb, kind="stable")[: 2 * s.candidates]
        article_terms = weighted(p.terms, self.term_df, ARTICLE_TERMS)
        article_ents = weighted(p.entities, self.entity_df)
        scored = []
        for i in keep:
            story = stories[int(i)]
            f = self.features(p, story, article_terms, article_ents, float(emb[i]))
            score = self.combine(f)
            if story.id in self._opened_in_batch:
                if score < s.batch_join_threshold:
                    continue
            elif score < s.join_threshold:
                continue
            scored.append((score, story.id))
        if not scored:
            return None
        scored.sort(reverse=True)
        best_score, best = scored[0]
        for score, other in scored[1:]:
            if other in self._opened_in_batch:
                continue
            if score < s.merge_threshold:
                break
            self._maybe_merge(best, other, out)
        return self.resolve(best)

    def _embedding_sims(self, vec: np.ndarray, stories: list[StoryProfile]) -> np.ndarray:
        """Per story: cosine to the centroid or to the closest exemplar, whichever is higher."""
        rows = []
        owner = []
        for i, story in enumerate(stories):
            rows.append(story.centroid())
            owner.append(i)
            rows.extend(story.exemplar_vecs)
            owner.extend([i] * len(story.exemplar_vecs))
        sims = np.stack(rows) @ vec
        best = np.full(len(stories), -1.0, dtype=np.float32)
        np.maximum.at(best, np.asarray(owner), sims)
        return best

    def features(
        self,
        p: _Prepared,
        story: StoryProfile,
        article_terms: dict[str, float],
        article_ents: dict[str, float],
        emb: float | None = None,
    ) -> tuple[float, float, float, float, float]:
        """(embedding, tfidf, entities, numbers, decay) for one article against one story."""
        if emb is None:
            emb = float(self._embedding_sims(p.vec, [story])[0])
        story_terms, story_ents, story_leads = self._story_vectors(story)
        lex = cosine(article_terms, story_terms)
        ent = cosine(article_ents, story_ents)
        shared = sum(1 for x in set(p.numbers) if x in story.numbers)
        num = min(shared, 3) / 3.0
        decay = 1.0
        if p.day is not None and story.first is not None and story.last is not None:
            gap = max(story.first - p.day, p.day - story.last, 0)
            decay = 0.5 ** (gap / max(self.settings.time_half_life_days, 1e-6))
        elif p.years and story.latest and self._years_disagree(p.years, story):
            decay = self.settings.year_mismatch  # undated, and the years say 2008 vs 2013
        if self.settings.protagonist_mismatch < 1.0 and protagonists_differ(p.leads, story_leads):
            decay *= self.settings.protagonist_mismatch
        return emb, lex, ent, num, decay

    @staticmethod
    def _years_disagree(years: tuple[int, ...], story: StoryProfile) -> bool:
        """The article's latest year is two or more from every member's latest year, and no
        year is mentioned on both sides (articles mention the past; the latest year they
        mention is a lower bound on when they were written)."""
        latest = max(years)
        if min(abs(latest - y) for y in story.latest) < 2:
            return False
        return not any(y in story.years for y in years)

    def combine(self, f: tuple[float, float, float, float, float]) -> float:
        s = self.settings
        emb, lex, ent, num, decay = f
        raw = s.weight_embedding * emb + s.weight_lexical * lex + s.weight_entities * ent + s.weight_numbers * num
        return raw * decay

    def _story_vectors(self, story: StoryProfile) -> tuple[dict[str, float], dict[str, float], tuple[str, ...]]:
        """idf-weighted word and entity vectors of a story and its leading names, cached
        until it changes."""
        cached = self._cache.get(story.id)
        if cached is not None and cached[0] == story.n:
            return cached[1], cached[2], cached[3]
        tv = weighted(story.terms, self.term_df)
        ev = weighted(story.entities, self.entity_df)
        leads = leading_names(story.entities)
        self._cache[story.id] = (story.n, tv, ev, leads)
        if len(self._cache) > 4 * max(len(self.stories), 1000):
            self._cache.clear()
        return tv, ev, leads

    def _consolidate(self, out: StoryAssignment) -> None:
        """Second look at the small stories this batch opened: an article that arrived before
        the story it belongs to had any members opens its own; now that the batch is placed,
        such a story joins the best other story when it scores above the join threshold
        (a recorded merge, like a bridge). Bounded: only stories of at most two articles,
        each scored against its index candidates."""
        s = self.settings
        if s.consolidate_threshold <= 0:
            return
        opened = [sid for sid in dict.fromkeys(out.story_of.values()) if sid in self.stories]
        opened = [sid for sid in opened if self.stories[sid].n <= 2 and sid not in self._known_before]
        for sid in opened:
            story = self.stories.get(sid)
            if story is None:
                continue
            pseudo = _story_as_item(story)
            top = sorted(pseudo.entities, key=lambda e: -self.entity_df.idf(e))[:ENTITY_QUERY]
            # stories another group of this batch opened stay apart (complete link decided)
            cands = [
                c
                for c in self.index.candidates(pseudo.vec, pseudo.day, top, s.candidates)
                if c != sid and c not in self._opened_in_batch
            ]
            stories = [self.stories[c] for c in sorted(cands) if c in self.stories]
            if not stories:
                continue
            emb = self._embedding_sims(pseudo.vec, stories)
            at = weighted(pseudo.terms, self.term_df, ARTICLE_TERMS)
            ae = weighted(pseudo.entities, self.entity_df)
            best = max(
                ((self.combine(self.features(pseudo, st, at, ae, float(emb[i]))), st.id) for i, st in enumerate(stories)),
                default=(0.0, ""),
            )
            if best[0] >= s.consolidate_threshold:
                self._merge_into(best[1], sid, out)

    def _maybe_merge(self, keep: str, other: str, out: StoryAssignment) -> None:
        """Merge two stories an article bridges, when their centroids agree too."""
        keep, other = self.resolve(keep), self.resolve(other)
        if keep == other or keep not in self.stories or other not in self.stories:
            return
        if float(self.stories[keep].centroid() @ self.stories[other].centroid()) < self.settings.merge_centroid:
            return
        self._merge_into(keep, other, out)

    def _merge_into(self, keep: str, other: str, out: StoryAssignment) -> None:
        keep, other = self.resolve(keep), self.resolve(other)
        if keep == other or keep not in self.stories or other not in self.stories:
            return
        a, b = self.stories[keep], self.stories[other]
        # the older story (by founding order in the index of days, then size) survives
        if (b.first or 0, -b.n) < (a.first or 0, -a.n):
            a, b = b, a
        a.absorb(b)
        del self.stories[b.id]
        self._cache.pop(b.id, None)
        self.index.drop(b.id)
        self.index.put(a.id, a.centroid(), a.last, list(a.entities)[:ENTITY_QUERY])
        self.merged[b.id] = a.id
        out.merges.append((b.id, a.id))

    def _archive(self) -> None:
        """Forget stories that fell ``archive_days`` behind the stream (memory stays bounded)."""
        for sid in self.index.stale(self.settings.archive_days):
            self.index.drop(sid)
            self.stories.pop(sid, None)
            self._cache.pop(sid, None)
        # amortised: prune only when the postings doubled since the last prune
        if len(self.index.by_entity) > max(self._postings_bound, 8 * max(len(self.stories), 1000)):
            self.index.prune_postings()
            self._postings_bound = 2 * len(self.index.by_entity)

    # ------------------------------------------------------------------ persistence
    def state_bytes(self) -> bytes:
        """Zip of JSON + .npy arrays (no pickle: a state file is data, never code)."""
        with _no_gc():
            return self._state_bytes()

    def _state_bytes(self) -> bytes:
        ids = list(self.stories)
        vsums = np.stack([self.stories[i].vsum if self.stories[i].vsum.size else np.zeros(DIM, np.float32) for i in ids]) if ids else np.zeros((0, DIM), np.float32)
        ex = np.zeros((len(ids), 4, DIM), dtype=np.float32)
        for r, sid in enumerate(ids):
            for c, v in enumerate(self.stories[sid].exemplar_vecs[:4]):
                ex[r, c] = v
        dup_meta, sigs = self.dups.dump()
        meta = {
            "version": STATE_VERSION,
            "seq": self.seq,
            "stories": [self.stories[i].meta() for i in ids],
            "merged": self.merged,
            "recent": list(self.recent.items()),
            "term_df": [self.term_df.docs, self.term_df.df],
            "entity_df": [self.entity_df.docs, self.entity_df.df],
            "head": self.index.head,
            "postings": {e: list(p) for e, p in self.index.by_entity.items()},
            "dups": dup_meta,
        }
        buf = io.BytesIO()
        # the pipeline stores this with every batch: fast deflate for the JSON, none for the
        # arrays (vectors and MinHash values barely compress; deflating them cost ~1 s at 60k)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr(_zip_entry("meta.json", zipfile.ZIP_DEFLATED), json.dumps(meta, separators=(",", ":")),
                        compresslevel=1)
            for name, arr in (("vsums", vsums), ("exemplars", ex), ("minhash", sigs)):
                b = io.BytesIO()
                np.save(b, arr, allow_pickle=False)
                zf.writestr(_zip_entry(f"{name}.npy", zipfile.ZIP_STORED), b.getvalue())
        return buf.getvalue()

    def _load(self, state: bytes) -> None:
        with _no_gc():
            self._load_state(state)

    def _load_state(self, state: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(state)) as zf:
            meta = json.loads(zf.read("meta.json"))
            arrays = {n: np.load(io.BytesIO(zf.read(f"{n}.npy")), allow_pickle=False) for n in ("vsums", "exemplars", "minhash")}
        if meta.get("version") != STATE_VERSION:
            raise ValueError(f"cluster state version {meta.get('version')} is not {STATE_VERSION}")
        self.seq = int(meta["seq"])
        self.merged = {str(k): str(v) for k, v in meta["merged"].items()}
        self.recent = OrderedDict((str(a), str(s)) for a, s in meta["recent"])
        self.term_df.docs, self.term_df.df = int(meta["term_df"][0]), dict(meta["term_df"][1])
        self.entity_df.docs, self.entity_df.df = int(meta["entity_df"][0]), dict(meta["entity_df"][1])
        for r, sm in enumerate(meta["stories"]):
            story = StoryProfile.from_meta(sm, arrays["vsums"][r], arrays["exemplars"][r])
            self.stories[story.id] = story
            self.index.put(story.id, story.centroid(), story.last)
        for e, post in meta["postings"].items():
            for sid in post:
                self.index.by_entity.setdefault(e, deque(maxlen=self.index.postings)).append(sid)
        self.index.head = meta["head"]
        self.dups = NearDuplicates.load(meta["dups"], arrays["minhash"])
