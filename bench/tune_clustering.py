"""Replay the story clusterer on the dev gold files with other settings, in seconds.

``newsfuse eval stories`` runs the whole path (ingest, repair, extract, embed, cluster) and
takes minutes per file; tuning needs hundreds of runs. This script builds the cluster items of
each gold file once through the pipeline's own stages (``pipeline._prepare`` and
``cluster_items``, the same calls ``analyze_articles`` makes), caches them, then replays only
``StoryClusterer.add`` in the pipeline's batches, so that a setting can be scored on all three
files in a few seconds. The figure it prints for the default settings is the figure
``newsfuse eval stories`` prints (checked: same BCubed on all three files).

    python bench/tune_clustering.py                         # default settings, all files
    python bench/tune_clustering.py --set group_threshold=0.3 --set join_threshold=0.33
    python bench/tune_clustering.py --batch 50 --batch 200  # F1 by batch size
    python bench/tune_clustering.py --split half            # odd/even gold stories apart
    python bench/tune_clustering.py --orders 6              # mean over 6 orders of tied articles

``--orders N`` matters for undated data (ECB+). The pipeline orders a run by date, then by
article id, a content hash: for undated articles the id alone decides which articles share a
batch, so one file's figure is one draw among many. ``--orders`` keeps the date order and
shuffles the articles within each date (all of them when undated), N times with seeds 0..N-1,
and prints the mean with the lowest and highest F1: the figure to expect on other data.

The cache (``--cache``, default ``/tmp/newsfuse-tune``) is keyed by the data file's size and
time and by the embedding backend (``$NEWSFUSE_EMBED_BACKEND``, onnx by default); delete it
after a change to repair, extract or the embedded text.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
FILES = ("allsides_dev.jsonl", "ecbplus_dev.jsonl", "basil_dev.jsonl")


def build_items(path: Path, batch_size: int) -> tuple[list, dict[str, str], dict[str, str]]:
    """Cluster items in the pipeline's order, the gold of every item, gold id -> article id."""
    from newsfuse.cluster import cluster_items
    from newsfuse.evaluation.stories import ingest_items, read_gold
    from newsfuse.pipeline import _prepare, _Timer, stream_order
    from newsfuse.settings import Settings

    gold_items = read_gold(path)
    articles, article_of = ingest_items(gold_items)
    articles.sort(key=stream_order)  # as analyze_articles orders a run
    settings = Settings()
    items = []
    for start in range(0, len(articles), batch_size):
        batch, notes, _errors = _prepare(articles[start : start + batch_size], settings, _Timer())
        items.extend(cluster_items(batch, notes))
    gold = {it["id"]: it["gold"] for it in gold_items}
    return items, gold, article_of


def load(path: Path, cache: Path) -> tuple[list, dict[str, str], dict[str, str]]:
    stat = path.stat()
    backend = os.environ.get("NEWSFUSE_EMBED_BACKEND") or "onnx"
    key = cache / f"{path.stem}-{stat.st_size}-{int(stat.st_mtime)}-{backend}.pkl"
    if key.exists():
        return pickle.loads(key.read_bytes())
    t = time.perf_counter()
    built = build_items(path, 200)
    cache.mkdir(parents=True, exist_ok=True)
    key.write_bytes(pickle.dumps(built))
    print(f"# built {len(built[0])} items of {path.name} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return built


def replay(items: list, gold: dict[str, str], article_of: dict[str, str], settings, batch: int) -> dict:
    from newsfuse.cluster import StoryClusterer
    from newsfuse.evaluation.stories import scores

    clusterer = StoryClusterer(None, settings)
    story_of: dict[str, str] = {}
    for start in range(0, len(items), batch):
        assignment = clusterer.add(items[start : start + batch])
        story_of.update(assignment.story_of)
    pred = {}
    for gid in gold:
        aid = article_of.get(gid)
        pred[gid] = clusterer.resolve(story_of[aid]) if aid in story_of else f"unclustered:{gid}"
    result = scores(gold, pred)
    result["stories"] = len(set(pred.values()))
    return result


def tie_orders(items: list, n: int) -> list[list]:
    """The items as the pipeline orders them, or ``n`` orders with ties (same date, or no
    date) shuffled: undated first, then by date, as ``pipeline.stream_order``."""
    if n <= 0:
        return [items]
    import random

    out = []
    for seed in range(n):
        rng = random.Random(seed)
        key = {it.article_id: rng.random() for it in items}
        out.append(sorted(items, key=lambda it: (it.published is not None, it.published or "", key[it.article_id])))
    return out


def replay_orders(items: list, gold: dict[str, str], article_of: dict[str, str], settings, batch: int,
                  orders: int) -> dict:
    """``replay`` over each order of ``tie_orders``: mean figures, with F1's range."""
    runs = [replay(order, gold, article_of, settings, batch) for order in tie_orders(items, orders)]
    mean = {k: sum(r[k] for r in runs) / len(runs) for k in ("bcubed_p", "bcubed_r", "bcubed_f1", "ari", "stories")}
    mean["f1_min"] = min(r["bcubed_f1"] for r in runs)
    mean["f1_max"] = max(r["bcubed_f1"] for r in runs)
    return mean


def topic_of(label: str) -> str:
    """ECB+ events are ``<topic><a|b>``; other gold labels are their own topic."""
    return label[:-1] if len(label) > 1 and label[-1] in "ab" and label[:-1].isdigit() else label


def parse_sets(pairs: list[str]) -> dict[str, float]:
    from newsfuse.settings import ClusterSettings

    known = {f.name: f.type for f in fields(ClusterSettings)}
    out: dict[str, float] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in known:
            raise SystemExit(f"unknown cluster setting {name!r} (see docs/settings.md)")
        out[name] = int(value) if known[name] in (int, "int") else float(value)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a ClusterSettings field")
    ap.add_argument("--batch", action="append", type=int, default=[], help="articles per add() (default 200)")
    ap.add_argument("--split", choices=("all", "half"), default="all", help="half: score odd and even gold stories apart")
    ap.add_argument("--orders", type=int, default=0, metavar="N",
                    help="mean over N orders of articles with the same date (see above); 0: the pipeline's order")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/newsfuse-tune"))
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args()

    from newsfuse.settings import ClusterSettings

    settings = replace(ClusterSettings(), **parse_sets(args.set))
    batches = args.batch or [200]
    spread = f"{'F1 min':>8}{'F1 max':>8}" if args.orders > 0 else ""
    print(f"{'data':<12}{'batch':>6}{'part':>6}{'P':>8}{'R':>8}{'F1':>8}{'ARI':>8}{'stories':>9}{spread}")
    for name in FILES:
        items, gold, article_of = load(args.data / name, args.cache)
        parts = {"all": gold}
        if args.split == "half":
            # whole topics go to one half (ECB+'s "37a" and "37b" are the hard pair: keep them together)
            topics = sorted({topic_of(v) for v in gold.values()})
            odd = set(topics[0::2])
            parts = {
                "odd": {k: v for k, v in gold.items() if topic_of(v) in odd},
                "even": {k: v for k, v in gold.items() if topic_of(v) not in odd},
            }
        for batch in batches:
            for part, part_gold in parts.items():
                wanted = {article_of.get(g) for g in part_gold}
                sub = [it for it in items if it.article_id in wanted]
                r = replay_orders(sub, part_gold, article_of, settings, batch, args.orders)
                ranges = f"{r['f1_min']:>8.3f}{r['f1_max']:>8.3f}" if args.orders > 0 else ""
                print(
                    f"{name.split('_')[0]:<12}{batch:>6}{part:>6}{r['bcubed_p']:>8.3f}{r['bcubed_r']:>8.3f}"
                    f"{r['bcubed_f1']:>8.3f}{r['ari']:>8.3f}{r['stories']:>9.0f}{ranges}"
                )


if __name__ == "__main__":
    main()
