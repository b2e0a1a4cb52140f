"""Per-story summaries: what the clusterer keeps of a story instead of its articles.

A story is a running centroid, a few exemplar vectors (for naming and for stories that
drift), capped term / entity / number counts and its time range. Memory is therefore
O(stories in the active window), not O(articles): a story that falls out of the window
(see ``index.StoryIndex.archive``) is dropped from memory; the store keeps its articles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

MAX_TERMS = 300
MAX_ENTITIES = 80
MAX_NUMBERS = 60
MAX_SOURCES = 40
EXEMPLARS = 4  # first two and latest two members


def _cap(counts: dict, limit: int) -> dict:
    if len(counts) <= limit:
        return counts
    return dict(sorted(counts.items(), key=lambda kv: -kv[1])[: limit * 3 // 4])


@dataclass
class StoryProfile:
    id: str
    founder: str  # article id that opened it
    n: int = 0
    vsum: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    exemplar_ids: list[str] = field(default_factory=list)
    exemplar_titles: list[str] = field(default_factory=list)
    exemplar_vecs: list[np.ndarray] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)
    entities: dict[str, float] = field(default_factory=dict)
    numbers: dict[float, int] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)  # entity key -> name as written
    first: int | None = None
    last: int | None = None
    years: dict[int, int] = field(default_factory=dict)  # publication or mentioned years
    latest: dict[int, int] = field(default_factory=dict)  # each member's latest such year
    duplicates: int = 0  # members that are copies of another member

    def centroid(self) -> np.ndarray:
        """Unit mean vector (cached; ``add``/``absorb`` reset it)."""
        cached = self.__dict__.get("_centroid")
        if cached is None:
            norm = float(np.linalg.norm(self.vsum))
            cached = self.vsum / norm if norm > 0 else self.vsum
            self.__dict__["_centroid"] = cached
        return cached

    def add(
        self,
        article_id: str,
        title: str,
        vec: np.ndarray,
        terms: Counter[str],
        entities: Counter[str],
        numbers: list[float],
        display: dict[str, str],
        source: str,
        day: int | None,
        years: tuple[int, ...] = (),
    ) -> None:
        self.n += 1
        self.__dict__.pop("_centroid", None)
        for year in years:
            self.years[year] = self.years.get(year, 0) + 1
        if years:
            self.latest[max(years)] = self.latest.get(max(years), 0) + 1
        self.years = _cap(self.years, 20)
        self.latest = _cap(self.latest, 20)
        self.vsum = vec.astype(np.float32).copy() if self.vsum.size == 0 else self.vsum + vec
        if len(self.exemplar_ids) < EXEMPLARS:
            self.exemplar_ids.append(article_id)
            self.exemplar_titles.append(title)
            self.exemplar_vecs.append(vec.astype(np.float32))
        else:  # keep the first two, slide the last two
            for lst, val in ((self.exemplar_ids, article_id), (self.exemplar_titles, title)):
                del lst[2]
                lst.append(val)
            del self.exemplar_vecs[2]
            self.exemplar_vecs.append(vec.astype(np.float32))
        for t, c in terms.items():
            self.terms[t] = self.terms.get(t, 0.0) + c
        for e, c in entities.items():
            self.entities[e] = self.entities.get(e, 0.0) + c
        for x in numbers:
            self.numbers[x] = self.numbers.get(x, 0) + 1
        if source:
            self.sources[source] = self.sources.get(source, 0) + 1
        if day is not None:
            self.first = day if self.first is None else min(self.first, day)
            self.last = day if self.last is None else max(self.last, day)
        self.terms = _cap(self.terms, MAX_TERMS)
        self.entities = _cap(self.entities, MAX_ENTITIES)
        self.numbers = _cap(self.numbers, MAX_NUMBERS)
        self.sources = _cap(self.sources, MAX_SOURCES)
        for key, name in display.items():
            if key in self.entities and key not in self.display:
                self.display[key] = name
        self._trim_display()

    def _trim_display(self) -> None:
        if len(self.display) > len(self.entities):
            self.display = {k: v for k, v in self.display.items() if k in self.entities}

    def absorb(self, other: StoryProfile) -> None:
        """Merge ``other`` into this story (the bridge case)."""
        self.__dict__.pop("_centroid", None)
        self.n += other.n
        self.vsum = self.vsum + other.vsum if self.vsum.size else other.vsum.copy()
        self.duplicates += other.duplicates
        for mine, theirs in (
            (self.terms, other.terms),
            (self.entities, other.entities),
            (self.numbers, other.numbers),
            (self.sources, other.sources),
        ):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v
        self.terms = _cap(self.terms, MAX_TERMS)
        self.entities = _cap(self.entities, MAX_ENTITIES)
        self.numbers = _cap(self.numbers, MAX_NUMBERS)
        self.sources = _cap(self.sources, MAX_SOURCES)
        for y, c in other.years.items():
            self.years[y] = self.years.get(y, 0) + c
        for y, c in other.latest.items():
            self.latest[y] = self.latest.get(y, 0) + c
        for key, name in other.display.items():
            self.display.setdefault(key, name)
        self._trim_display()
        room = EXEMPLARS - len(self.exemplar_ids)
        if room > 0:
            self.exemplar_ids += other.exemplar_ids[:room]
            self.exemplar_titles += other.exemplar_titles[:room]
            self.exemplar_vecs += other.exemplar_vecs[:room]
        for day in (other.first, other.last):
            if day is not None:
                self.first = day if self.first is None else min(self.first, day)
                self.last = day if self.last is None else max(self.last, day)

    # ------------------------------------------------------------------ persistence
    def meta(self) -> dict:
        return {
            "id": self.id,
            "founder": self.founder,
            "n": self.n,
            "exemplar_ids": self.exemplar_ids,
            "exemplar_titles": self.exemplar_titles,
            "terms": self.terms,
            "entities": self.entities,
            "numbers": [[k, v] for k, v in self.numbers.items()],
            "sources": self.sources,
            "display": self.display,
            "first": self.first,
            "last": self.last,
            "duplicates": self.duplicates,
            "years": [[k, v] for k, v in self.years.items()],
            "latest": [[k, v] for k, v in self.latest.items()],
        }

    @classmethod
    def from_meta(cls, meta: dict, vsum: np.ndarray, exemplars: np.ndarray) -> StoryProfile:
        return cls(
            id=meta["id"],
            founder=meta["founder"],
            n=int(meta["n"]),
            vsum=vsum.astype(np.float32),
            exemplar_ids=list(meta["exemplar_ids"]),
            exemplar_titles=list(meta["exemplar_titles"]),
            exemplar_vecs=[exemplars[i].astype(np.float32) for i in range(len(meta["exemplar_ids"]))],
            terms={str(k): float(v) for k, v in meta["terms"].items()},
            entities={str(k): float(v) for k, v in meta["entities"].items()},
            numbers={float(k): int(v) for k, v in meta["numbers"]},
            sources={str(k): int(v) for k, v in meta["sources"].items()},
            display={str(k): str(v) for k, v in meta.get("display", {}).items()},
            first=meta["first"],
            last=meta["last"],
            duplicates=int(meta.get("duplicates", 0)),
            years={int(k): int(v) for k, v in meta.get("years", [])},
            latest={int(k): int(v) for k, v in meta.get("latest", [])},
        )
