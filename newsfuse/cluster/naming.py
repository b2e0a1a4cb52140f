"""A story's title and one-line label, chosen as an editor would.

Title: the headline of the member closest to the story's centroid (the most typical
telling), cleaned of site suffixes and URL debris. Label: the story's most distinctive
names (entity weight x idf), then its most distinctive other words, e.g.
``Norges Bank, Ida Wolden Bache, Norway · rate, krone, interest``.
"""

from __future__ import annotations

import numpy as np

from newsfuse.cluster.features import clean_title
from newsfuse.cluster.lexical import DocumentFrequencies
from newsfuse.cluster.state import StoryProfile

TITLE_CHARS = 160


def story_title(story: StoryProfile) -> str:
    centroid = story.centroid()
    best = ""
    best_sim = -2.0
    for title, vec in zip(story.exemplar_titles, story.exemplar_vecs):
        title = clean_title(title)
        if not title:
            continue
        sim = float(np.dot(vec, centroid)) if centroid.size else 0.0
        if sim > best_sim:
            best, best_sim = title, sim
    if len(best) > TITLE_CHARS:
        best = best[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"
    return best or "Untitled story"


def story_label(
    story: StoryProfile,
    entity_df: DocumentFrequencies,
    term_df: DocumentFrequencies,
) -> str:
    """Up to three names and three words; entity keys are shown as first written."""
    display = story.display
    ents = sorted(story.entities.items(), key=lambda kv: -kv[1] * entity_df.idf(kv[0]))
    # every person also counts under the surname (features.entity_names), so a surname often
    # outranks its full name: show the full name it stands for ("Clark" -> "Jeffrey Clark")
    full_name: dict[str, str] = {}
    by_first: dict[str, set[str]] = {}
    for key, _ in sorted(story.entities.items(), key=lambda kv: -kv[1]):
        parts = key.split()
        if 2 <= len(parts) <= 4:
            full_name.setdefault(parts[-1], key)
            by_first.setdefault(parts[0], set()).add(key)
    # and a lone first name that begins one full name, as linking joins them ("Maren" ->
    # "Maren Tollefsen"); a surname keeps its own full name
    for first, keys in by_first.items():
        if len(keys) == 1:
            full_name.setdefault(first, next(iter(keys)))
    names: list[str] = []
    chosen: set[str] = set()
    for key, _ in ents:
        key = full_name.get(key, key)
        if key in chosen:
            continue
        chosen.add(key)
        names.append(display.get(key) or key.title())
        if len(names) == 3:
            break
    name_words = {w for n in names for w in n.lower().split()}
    terms = sorted(story.terms.items(), key=lambda kv: -kv[1] * term_df.idf(kv[0]))
    words = [t for t, _ in terms if t not in name_words][:3]
    parts = [", ".join(names)] if names else []
    if words:
        parts.append(", ".join(words))
    return " · ".join(parts) or "unlabelled"
