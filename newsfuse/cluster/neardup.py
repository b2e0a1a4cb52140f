"""Near-duplicates: syndicated copies, wire rewrites and re-posts, via MinHash-LSH.

Copies stay in their story but point (``duplicate_of``) at the earliest copy, so later
stages never count them as independent sources. Only *originals* enter the LSH index (a copy
of a copy is found through its original), which keeps buckets small even when one article
arrives ten thousand times; an exact-text map answers identical copies before any MinHash is
computed. The index holds the ``window`` most recent originals (copies appear within days,
not years): memory stays bounded however long the stream runs.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from newsfuse.cluster.lexical import shingles

MIN_WORDS = 12  # below this, MinHash on shingles is noise: only exact copies count


@dataclass
class Original:
    """What the index remembers of one original article."""

    story: str
    day: int | None  # ordinal day of publication (None: unknown)
    seq: int  # arrival order, the tie-breaker for "earliest"


def text_key(text_words: list[str]) -> str:
    """Exact-copy key: the words of the text (``lexical.words``), case and punctuation ignored."""
    return hashlib.blake2b(" ".join(text_words).encode(), digest_size=12).hexdigest()


class NearDuplicates:
    def __init__(self, threshold: float = 0.8, num_perm: int = 64, window: int = 50_000) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.window = window
        base = MinHash(num_perm=num_perm, seed=1)
        self._perms = base.permutations
        self._scheme = base.scheme
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.originals: OrderedDict[str, Original] = OrderedDict()  # article id -> info
        self.signatures: dict[str, np.ndarray] = {}
        self.exact: dict[str, str] = {}  # text key -> original article id
        self.exact_of: dict[str, str] = {}  # original article id -> its text key

    def signature(self, text_words: list[str]) -> MinHash | None:
        grams = shingles(text_words)
        if len(grams) < MIN_WORDS:
            return None
        m = MinHash(num_perm=self.num_perm, permutations=self._perms, scheme=self._scheme)
        m.update_batch(list(grams))
        return m

    def find(self, key: str, sig: MinHash | None) -> str | None:
        """The original this text copies, if any (the most similar, earliest on ties)."""
        if key in self.exact:
            return self.exact[key]
        if sig is None:
            return None
        best: tuple[float, int, str] | None = None
        for other in self.lsh.query(sig):
            stored = self.signatures.get(other)
            if stored is None:
                continue
            jac = float(np.mean(stored == sig.hashvalues))
            if jac >= self.threshold:
                cand = (-jac, self.originals[other].seq, other)
                if best is None or cand < best:
                    best = cand
        return best[2] if best else None

    def add_original(self, article_id: str, key: str, sig: MinHash | None, info: Original) -> None:
        if article_id in self.originals:
            return
        self.originals[article_id] = info
        self.exact[key] = article_id
        self.exact_of[article_id] = key
        if sig is not None:
            self.signatures[article_id] = sig.hashvalues.astype(np.uint32)
            self.lsh.insert(article_id, sig)
        while len(self.originals) > self.window:
            self._evict(next(iter(self.originals)))

    def replace_original(self, old: str, new: str, key: str, sig: MinHash | None, info: Original) -> None:
        """An earlier-published copy arrived late: it becomes the original."""
        self._evict(old)
        self.add_original(new, key, sig, info)

    def _evict(self, article_id: str) -> None:
        self.originals.pop(article_id, None)
        key = self.exact_of.pop(article_id, None)
        if key is not None and self.exact.get(key) == article_id:
            del self.exact[key]
        if self.signatures.pop(article_id, None) is not None:
            self.lsh.remove(article_id)

    # ------------------------------------------------------------------ persistence
    def dump(self) -> tuple[dict, np.ndarray]:
        ids = list(self.originals)
        sigs = np.zeros((len(ids), self.num_perm), dtype=np.uint32)
        has = []
        for i, aid in enumerate(ids):
            s = self.signatures.get(aid)
            if s is not None:
                sigs[i] = s
            has.append(s is not None)
        meta = {
            "threshold": self.threshold,
            "num_perm": self.num_perm,
            "window": self.window,
            "ids": ids,
            "info": [[o.story, o.day, o.seq] for o in self.originals.values()],
            "keys": [self.exact_of.get(aid, "") for aid in ids],
            "has_sig": has,
        }
        return meta, sigs

    @classmethod
    def load(cls, meta: dict, sigs: np.ndarray) -> NearDuplicates:
        self = cls(meta["threshold"], meta["num_perm"], meta["window"])
        for i, aid in enumerate(meta["ids"]):
            story, day, seq = meta["info"][i]
            sig = None
            if meta["has_sig"][i]:
                sig = MinHash(num_perm=self.num_perm, permutations=self._perms, hashvalues=sigs[i], scheme=self._scheme)
            self.add_original(aid, meta["keys"][i], sig, Original(story, day, seq))
        return self
