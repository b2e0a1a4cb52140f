"""Where candidate stories come from: a time-bucketed vector index plus an entity index.

Events decay: once a story's last article is more than ``window_days`` away from an
article's date, the time factor alone keeps it below the join threshold, so it need not be
looked at. Story centroids therefore live in buckets of ``bucket_days`` by the day of their
latest article, and an article searches only the buckets within its window (exact inner
product over those rows: BLAS on a small matrix beats an approximate index that cannot
update centroids in place). Undated stories live in their own bucket; undated articles
search it and the window around the stream's latest date. A second source of candidates is
an inverted index on distinctive entities (the most recent stories per entity), which finds
the story when the words differ but the who and where agree.

Per-article cost is thus bounded by how many stories are active in a window (the stream's
rate), not by how many the store holds. Stories that fall ``archive_days`` behind the
stream's head leave memory entirely (their articles stay in the store).
"""

from __future__ import annotations

from collections import deque

import numpy as np

UNDATED = -1  # bucket key for stories with no dated article


class Bucket:
    """Rows of story centroids with O(1) insert, update and delete (swap with the last row)."""

    def __init__(self, dim: int) -> None:
        self.mat = np.zeros((16, dim), dtype=np.float32)
        self.ids: list[str] = []
        self.row: dict[str, int] = {}

    def put(self, story: str, vec: np.ndarray) -> None:
        i = self.row.get(story)
        if i is None:
            i = len(self.ids)
            if i == len(self.mat):
                self.mat = np.concatenate([self.mat, np.zeros_like(self.mat)])
            self.ids.append(story)
            self.row[story] = i
        self.mat[i] = vec

    def drop(self, story: str) -> None:
        i = self.row.pop(story, None)
        if i is None:
            return
        last = len(self.ids) - 1
        if i != last:
            moved = self.ids[last]
            self.mat[i] = self.mat[last]
            self.ids[i] = moved
            self.row[moved] = i
        self.ids.pop()

    def search(self, vec: np.ndarray, k: int) -> list[tuple[float, str]]:
        n = len(self.ids)
        if n == 0:
            return []
        sims = self.mat[:n] @ vec
        if n > k:
            top = np.argpartition(-sims, k)[:k]
        else:
            top = np.arange(n)
        return [(float(sims[i]), self.ids[i]) for i in top]


class StoryIndex:
    def __init__(self, dim: int, bucket_days: int = 7, window_days: int = 14, postings: int = 32) -> None:
        self.dim = dim
        self.bucket_days = max(1, bucket_days)
        self.window_days = window_days
        self.postings = postings
        self.buckets: dict[int, Bucket] = {}
        self.bucket_of: dict[str, int] = {}
        self.by_entity: dict[str, deque[str]] = {}
        self.head: int | None = None  # latest day seen in the stream

    def _key(self, last: int | None) -> int:
        return UNDATED if last is None else last // self.bucket_days

    def put(self, story: str, centroid: np.ndarray, last: int | None, entities: list[str] = ()) -> None:
        key = self._key(last)
        old = self.bucket_of.get(story)
        if old is not None and old != key:
            self.buckets[old].drop(story)
        self.buckets.setdefault(key, Bucket(self.dim)).put(story, centroid)
        self.bucket_of[story] = key
        if last is not None and (self.head is None or last > self.head):
            self.head = last
        for e in entities:
            post = self.by_entity.get(e)
            if post is None:
                post = self.by_entity[e] = deque(maxlen=self.postings)
            if story not in post:
                post.append(story)

    def drop(self, story: str) -> None:
        key = self.bucket_of.pop(story, None)
        if key is not None:
            self.buckets[key].drop(story)

    def _keys_near(self, day: int | None) -> list[int]:
        center = day if day is not None else self.head
        keys = [UNDATED]
        if center is not None:
            lo = (center - self.window_days) // self.bucket_days
            hi = (center + self.window_days) // self.bucket_days
            keys += [k for k in range(lo, hi + 1)]
        return [k for k in keys if k in self.buckets]

    def candidates(self, vec: np.ndarray, day: int | None, entities: list[str], k: int) -> set[str]:
        """Story ids worth scoring: top-k centroids per bucket in the window + entity postings."""
        found: list[tuple[float, str]] = []
        for key in self._keys_near(day):
            found.extend(self.buckets[key].search(vec, k))
        found.sort(reverse=True)
        out = {sid for _, sid in found[:k]}
        for e in entities:
            for sid in self.by_entity.get(e, ()):
                if sid in self.bucket_of:
                    out.add(sid)
        return out

    def stale(self, archive_days: int) -> list[str]:
        """Stories whose bucket lies ``archive_days`` behind the head (safe to forget)."""
        if self.head is None:
            return []
        limit = (self.head - archive_days) // self.bucket_days
        out: list[str] = []
        for key in [k for k in self.buckets if k != UNDATED and k < limit]:
            out.extend(self.buckets[key].ids)
        return out

    def prune_postings(self) -> None:
        """Drop postings lists whose stories have all left the index."""
        for e in [e for e, post in self.by_entity.items() if not any(s in self.bucket_of for s in post)]:
            del self.by_entity[e]

    def __len__(self) -> int:
        return len(self.bucket_of)
