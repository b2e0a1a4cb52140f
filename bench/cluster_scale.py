"""Story clustering at scale: seconds per 1,000 articles and memory as the store grows.

A stream is generated from the real articles in ../shared/data (AllSides, BASIL, ECB+): each
generated story takes one real article, tells it 1-6 times within two days (words dropped and
swapped, so versions are similar but mostly not near-duplicates) and re-dates it somewhere in a
year, at a constant rate (default 2,740 articles a day, so one million articles span a year).
Entities and numbers come from the real extract stage run once on the base articles.

At each checkpoint the clusterer's state is also serialised once (``state_bytes``, which the
pipeline stores with every batch): its size and CPU seconds are printed beside the table.

Embedding cost is excluded: it is the same for every article whatever the store holds, so
vectors are precomputed once per base article and each version gets its base vector plus
Gaussian noise (cosine ~0.9 to the base). What is timed (CPU seconds of this process, so that
other work on a shared machine does not count) is ``StoryClusterer.add`` alone, in the
pipeline's batches of 200, and reported for the 1,000 articles that follow each checkpoint,
i.e. the marginal cost of one more article at that store size.

    python bench/cluster_scale.py                 # checkpoints 1k, 10k, 100k
    python bench/cluster_scale.py --max 1000000   # adds 1M (long: tens of minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"


def base_articles(limit: int) -> list[dict]:
    rows: list[dict] = []
    for line in (DATA / "allsides_dev.jsonl").read_text(encoding="utf-8").splitlines():
        story = json.loads(line)
        for art in story["articles"]:
            rows.append({"title": art["title"], "text": art["text"], "source": art["source"]})
    for name in ("basil_dev.jsonl", "ecbplus_dev.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows.append({"title": row.get("title", ""), "text": row["text"], "source": row.get("source", "")})
    return rows[:limit]


def base_items(rows: list[dict]):
    """ClusterItems for the base articles through the real ingest-free path: extract + embed."""
    from newsfuse.cluster import cluster_items
    from newsfuse.extract import annotate
    from newsfuse.ingest import article_id
    from newsfuse.types import Article

    articles = [
        Article(id=article_id(r["text"]), path="bench", source=r["source"] or "outlet", title=r["title"],
                text=r["text"][:2000], original_text=r["text"][:2000])
        for r in rows
    ]
    return cluster_items(articles, annotate(articles))


def perturb_text(text: str, rng: random.Random) -> str:
    words = text.split()
    kept = [w for w in words if rng.random() > 0.2]  # drop ~20% of words
    for _ in range(max(1, len(kept) // 10)):  # ~10% adjacent swaps
        if len(kept) > 2:
            i = rng.randrange(len(kept) - 1)
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
    return " ".join(kept)


def _pool(rng: random.Random, n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(5, 9))) for _ in range(n)]


def stream(items, total: int, per_day: float, seed: int = 5):
    """Yield ClusterItems in date order: distinct events, each told 1-6 times within two days.

    An event is a real base article made into a different event of the same kind: its vector
    moved (cosine ~0.75 to the base), half its names and a fifth of its words replaced by
    event-specific ones. Each telling then drops ~20% of the words, swaps ~10% and gets its
    own vector noise (cosine ~0.9 to the event).
    """
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    names = [n.title() + " " + m.title() for n, m in zip(_pool(rng, 30_000), _pool(rng, 30_000))]
    vocab = _pool(rng, 50_000)
    start = date(2025, 1, 1)
    produced = 0
    event_sigma, version_sigma = 0.9 / np.sqrt(384), 0.45 / np.sqrt(384)
    while produced < total:
        base = items[rng.randrange(len(items))]
        center = produced / per_day
        event_vec = base.embedding + nrng.normal(0, event_sigma, 384).astype(np.float32)
        event_ents = [e if rng.random() < 0.5 else rng.choice(names) for e in base.entities]
        base_words = base.text.split()
        event_words = [w if rng.random() > 0.2 else rng.choice(vocab) for w in base_words]
        event_title = " ".join(w if rng.random() > 0.3 else rng.choice(vocab) for w in base.title.split())
        for _ in range(min(rng.randint(1, 6), total - produced)):
            day = start + timedelta(days=int(center + rng.random() * 2))
            vec = event_vec + nrng.normal(0, version_sigma, 384).astype(np.float32)
            vec /= np.linalg.norm(vec)
            produced += 1
            yield replace(
                base,
                article_id=f"g{produced}",
                title=perturb_text(event_title, rng) or event_title,
                text=perturb_text(" ".join(event_words), rng),
                published=day.isoformat(),
                embedding=vec,
                entities=[e for e in event_ents if rng.random() > 0.2],
            )


def rss_mb() -> tuple[float, float]:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open("/proc/self/statm") as fh:
        now = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    return now, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max", type=int, default=100_000, help="articles in the stream")
    parser.add_argument("--per-day", type=float, default=2740.0, help="stream rate (articles per day)")
    parser.add_argument("--base", type=int, default=960, help="real base articles to draw from")
    parser.add_argument("--batch", type=int, default=200, help="articles per add() call (the pipeline's)")
    args = parser.parse_args()

    from newsfuse.cluster import StoryClusterer

    t0 = time.perf_counter()
    items = base_items(base_articles(args.base))
    print(f"# {len(items)} base articles embedded + annotated in {time.perf_counter() - t0:.0f} s (not timed below)")
    print(f"# RSS before the stream (models loaded): {rss_mb()[0]:.0f} MB", flush=True)
    checkpoints = [c for c in (1_000, 10_000, 30_000, 50_000, 100_000, 300_000, 1_000_000) if c <= args.max]
    clusterer = StoryClusterer()
    rows = []
    done = 0
    batch: list = []
    timing_from: int | None = 0  # measuring the 1,000 articles after this size
    timed_seconds = 0.0
    timed_count = 0
    gen = stream(items, args.max + 1000, args.per_day)
    for item in gen:
        batch.append(item)
        if len(batch) < args.batch:
            continue
        start = time.process_time()  # CPU time: the machine is shared, wall time is noise
        clusterer.add(batch)
        spent = time.process_time() - start
        done += len(batch)
        batch = []
        if timing_from is not None and done > timing_from:
            timed_seconds += spent
            timed_count += args.batch
            if timed_count >= 1000:
                size = checkpoints.pop(0)
                now, peak = rss_mb()
                # the pipeline saves the clusterer's state with every batch: its size and cost
                start = time.process_time()
                state = clusterer.state_bytes()
                state_s = time.process_time() - start
                rows.append((size, timed_seconds / timed_count * 1000, now, peak, len(clusterer.stories), done,
                             len(state) / 2**20, state_s))
                print(f"  store {size:>9,}: {rows[-1][1]:.3f} s / 1,000 articles", flush=True)
                timing_from = checkpoints[0] if checkpoints else None
                timed_seconds, timed_count = 0.0, 0
        if timing_from is None:
            break
    print()
    print(f"{'articles':>10}{'CPU s / 1,000 art.':>20}{'RSS MB':>9}{'peak RSS MB':>13}{'stories in memory':>19}"
          f"{'state MB':>10}{'state_bytes s':>15}")
    for size, per_k, now, peak, stories, _, state_mb, state_s in rows:
        print(f"{size:>10,}{per_k:>20.3f}{now:>9.0f}{peak:>13.0f}{stories:>19,}{state_mb:>10.1f}{state_s:>15.2f}")
    print(f"\nrate {args.per_day:g} articles/day; batches of {args.batch}; embeddings precomputed (noise on base vectors).")


if __name__ == "__main__":
    main()
