"""Words, shingles and document frequencies: the lexical side of "same story".

TF-IDF needs document frequencies; in a stream they are counted as articles arrive (the
whole first batch counts before any of it is scored), so rare names weigh more than common
words without a pre-built corpus. The table is pruned when it grows past a bound, keeping
memory flat however many articles pass through.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

# Short, hand-written list: function words and news boilerplate that never identify a story.
STOPWORDS = frozenset(
    """
    a about above after again against all almost also although always am among an and another
    any are around as at be became because been before being below between both but by can
    could did do does doing done down during each either else ever every few for from further
    had has have having he her here hers herself him himself his how however i if in into is it
    its itself just least less like made make many may me might more most much must my myself
    near neither no nor not now of off often on once one only or other others our ours
    ourselves out over own per perhaps quite rather said same says say see seen several she
    should since so some still such than that the their theirs them themselves then there these
    they this those though through thus to too toward under until up upon us very via was we
    were what whatever when where whether which while who whom whose why will with within
    without would yet you your yours yourself yourselves
    new news according told reported report reports reporting reuters ap afp cnn fox nbc cbs
    abc bbc monday tuesday wednesday thursday friday saturday sunday week weeks year years day
    days today yesterday tomorrow time times people percent mr mrs ms dr two three four five
    six seven eight nine ten first second last next get got going go went come came take took
    want wanted use used way ways part just well back even still including including
    """.split()
)

_WORD = re.compile(r"[^\W\d_][\w'’]{1,40}")
MAX_CHARS = 20_000  # words beyond this many characters add little and cost time


def words(text: str) -> list[str]:
    """Lower-cased word tokens (no digits-only tokens; possessive 's dropped)."""
    out = []
    for token in _WORD.findall(text[:MAX_CHARS].lower()):
        token = token.replace("’", "'")
        if token.endswith("'s"):
            token = token[:-2]
        token = token.strip("'_")
        if len(token) >= 2:
            out.append(token)
    return out


def content_terms(toks: list[str]) -> Counter[str]:
    """Content-word counts used for TF-IDF (stopwords and short tokens removed)."""
    return Counter(w for w in toks if len(w) > 2 and w not in STOPWORDS)


def terms(text: str) -> Counter[str]:
    return content_terms(words(text))


def shingles(toks: list[str], size: int = 3) -> set[bytes]:
    """Word n-grams for MinHash near-duplicate detection (all words, stopwords kept)."""
    if len(toks) < size:
        return {" ".join(toks).encode()} if toks else set()
    return {" ".join(toks[i : i + size]).encode() for i in range(len(toks) - size + 1)}


class DocumentFrequencies:
    """Streaming document frequencies with a size bound.

    When the table passes ``max_terms`` the terms seen in only one document are dropped
    (then two, ...): those are the rarest and their idf is capped at the "unseen" value
    anyway, so scores barely move while memory stays bounded.
    """

    def __init__(self, max_terms: int = 400_000) -> None:
        self.max_terms = max_terms
        self.docs = 0
        self.df: dict[str, int] = {}

    def add(self, keys: Iterable[str]) -> None:
        self.docs += 1
        df = self.df
        for key in set(keys):
            df[key] = df.get(key, 0) + 1
        if len(df) > self.max_terms:
            self._prune()

    def _prune(self) -> None:
        floor = 1
        while len(self.df) > self.max_terms * 3 // 4:
            self.df = {k: v for k, v in self.df.items() if v > floor}
            floor += 1

    def idf(self, key: str) -> float:
        return math.log((self.docs + 1) / (self.df.get(key, 0) + 1)) + 1.0


def weighted(counts: dict[str, float], dfs: DocumentFrequencies, top: int | None = None) -> dict[str, float]:
    """L2-normalised sublinear-tf x idf vector (optionally the ``top`` heaviest terms)."""
    log = math.log
    log_docs = log(dfs.docs + 1) + 1.0
    df = dfs.df
    vec = {t: (1.0 + log(c)) * (log_docs - log(df.get(t, 0) + 1)) for t, c in counts.items() if c > 0}
    if top is not None and len(vec) > top:
        vec = dict(sorted(vec.items(), key=lambda kv: -kv[1])[:top])
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[t] for t, v in a.items() if t in b)
