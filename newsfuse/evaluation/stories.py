"""``newsfuse eval stories GOLD.jsonl``: story clustering against gold events, beside baselines.

newsfuse is measured through the product's own path: the gold file's articles are ingested as
JSONL bytes (``newsfuse.ingest.read_bytes_input``) and run through
``newsfuse.pipeline.analyze_articles(..., until="cluster")`` -- date order, repair, extract, ``cluster_items``
and ``StoryClusterer.add`` in the pipeline's batches -- so the stories scored here are the
stories ``newsfuse analyze`` gives on the same articles. Two baselines run in the same command on
the same articles: TF-IDF + average-link agglomerative clustering with its distance threshold
tuned on a dev split of the gold clusters, and MiniLM embeddings + HDBSCAN.

Accepted layouts, one JSON object per line:
- ``id``, ``text``, optional ``title``/``date``, gold ``gold_cluster`` | ``cluster_id`` | ``event``
  (BASIL's ``event`` is a headline, so ``gold_cluster`` wins when both are present);
- one story per line with ``articles`` (AllSides roundups): flattened, gold = the line's
  ``cluster_id``.
Identical texts collapse to one article in ingest; every gold item is still scored (it gets
the story of its article).
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

GOLD_KEYS = ("gold_cluster", "cluster_id", "event")


# --------------------------------------------------------------------------- gold data
def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """Gold items as dicts: id, title, text, date, source, gold (flattening story-per-line files)."""
    items: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{n}: not a JSON object")
            if isinstance(row.get("articles"), list):
                gold = row.get("cluster_id") or row.get("id") or f"line{n}"
                for i, art in enumerate(row["articles"]):
                    if isinstance(art, dict) and (art.get("text") or "").strip():
                        items.append(_item(art, f"{gold}#{i}", gold, row.get("date")))
                continue
            gold = next((row[k] for k in GOLD_KEYS if row.get(k) not in (None, "")), None)
            if gold is None:
                raise ValueError(f"{path}:{n}: no gold field ({', '.join(GOLD_KEYS)})")
            if (row.get("text") or "").strip():
                items.append(_item(row, str(row.get("id") or f"line{n}"), gold, None))
    return items


def _item(row: dict[str, Any], item_id: str, gold: Any, fallback_date: Any) -> dict[str, Any]:
    date = row.get("date") or row.get("published") or fallback_date
    return {
        "id": item_id,
        "title": str(row.get("title") or ""),
        "text": str(row.get("text") or ""),
        "date": str(date)[:10] if date else None,
        "source": str(row.get("source") or ""),
        "gold": str(gold),
    }


# --------------------------------------------------------------------------- metrics
def bcubed(gold: dict[str, str], pred: dict[str, str]) -> tuple[float, float, float]:
    """BCubed precision, recall, F1 over the items of ``gold`` (Bagga & Baldwin 1998)."""
    ids = list(gold)
    if not ids:
        return 0.0, 0.0, 0.0
    by_gold: dict[str, set[str]] = defaultdict(set)
    by_pred: dict[str, set[str]] = defaultdict(set)
    for i in ids:
        by_gold[gold[i]].add(i)
        by_pred[pred[i]].add(i)
    p = r = 0.0
    for i in ids:
        g, s = by_gold[gold[i]], by_pred[pred[i]]
        both = len(g & s)
        p += both / len(s)
        r += both / len(g)
    p, r = p / len(ids), r / len(ids)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def scores(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score

    p, r, f = bcubed(gold, pred)
    ids = list(gold)
    ari = adjusted_rand_score([gold[i] for i in ids], [pred[i] for i in ids])
    return {"bcubed_p": round(p, 4), "bcubed_r": round(r, 4), "bcubed_f1": round(f, 4), "ari": round(float(ari), 4)}


# --------------------------------------------------------------------------- newsfuse
def ingest_items(items: Sequence[dict[str, Any]]) -> tuple[list[Any], dict[str, str]]:
    """Articles via the ingest stage; and gold id -> article id."""
    from newsfuse.ingest import read_bytes_input
    from newsfuse.types import Article

    rows = []
    for it in items:
        row = {"id": it["id"], "title": it["title"], "text": it["text"]}
        if it["source"]:
            row["source"] = it["source"]
        if it["date"]:
            row["published"] = it["date"]
        rows.append(row)
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode("utf-8")
    articles: dict[str, Any] = {}
    article_of: dict[str, str] = {}
    for out in read_bytes_input(data, "gold.jsonl"):
        if isinstance(out, Article):
            article_of[str(out.extra.get("id", ""))] = out.id
            articles.setdefault(out.id, out)
    # identical texts share one article: a copy ingest did not report maps through its text
    by_text = {" ".join(a.text.split()): a.id for a in articles.values()}
    # ... or through title + text, where ingest took a headline glued to the text as the title
    by_text.update({" ".join(f"{a.title} {a.text}".split()): a.id for a in articles.values() if a.title})
    for it in items:
        if it["id"] not in article_of:
            aid = by_text.get(" ".join(it["text"].split()))
            if aid:
                article_of[it["id"]] = aid
    # analyze_articles puts them in date order (pipeline.stream_order), as for any run
    return list(articles.values()), article_of


def run_newsfuse(items: Sequence[dict[str, Any]], settings: Any = None) -> tuple[dict[str, str], float]:
    """Story of every gold item, through the pipeline's own stages; and seconds taken."""
    from newsfuse.pipeline import analyze_articles
    from newsfuse.settings import Settings

    settings = settings or Settings()
    start = time.perf_counter()
    articles, article_of = ingest_items(items)
    analysis = analyze_articles(articles, settings=settings, until="cluster")
    story_of = {aid: s.id for s in analysis.stories for aid in s.article_ids}
    pred = {}
    for it in items:
        aid = article_of.get(it["id"])
        # an item ingest or extract rejected is its own story (counted, never dropped)
        pred[it["id"]] = story_of.get(aid or "", f"unclustered:{it['id']}")
    return pred, time.perf_counter() - start


# --------------------------------------------------------------------------- baselines
def dev_split(items: Sequence[dict[str, Any]], fraction: float, seed: int = 13) -> set[str]:
    """Gold clusters (not items) drawn for the dev part, so no story straddles the split."""
    clusters = sorted({it["gold"] for it in items})
    random.Random(seed).shuffle(clusters)
    k = max(1, round(len(clusters) * fraction)) if fraction > 0 else 0
    return set(clusters[:k])


def tfidf_agglomerative(items: Sequence[dict[str, Any]], dev: set[str]) -> tuple[dict[str, str], float]:
    """TF-IDF (sublinear, English stopwords) + average-link cosine agglomerative clustering;
    the distance threshold maximising BCubed F1 on the dev clusters is used for all items."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{it['title']}\n{it['text']}" for it in items]
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray()

    def cluster(rows: list[int], threshold: float) -> list[int]:
        if len(rows) < 2:
            return [0] * len(rows)
        model = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
        )
        return list(model.fit_predict(matrix[rows]))

    dev_rows = [i for i, it in enumerate(items) if it["gold"] in dev]
    best_t, best_f = 0.8, -1.0
    if len(dev_rows) >= 2:
        for t in np.arange(0.3, 1.0, 0.025):
            labels = cluster(dev_rows, float(t))
            gold = {items[i]["id"]: items[i]["gold"] for i in dev_rows}
            pred = {items[i]["id"]: str(lab) for i, lab in zip(dev_rows, labels)}
            f = bcubed(gold, pred)[2]
            if f > best_f:
                best_t, best_f = float(t), f
    labels = cluster(list(range(len(items))), best_t)
    return {it["id"]: f"t{lab}" for it, lab in zip(items, labels)}, best_t


def embeddings_hdbscan(items: Sequence[dict[str, Any]]) -> dict[str, str]:
    """MiniLM vectors of the same title + lead newsfuse embeds, HDBSCAN (min cluster 2);
    noise points are singletons."""
    from sklearn.cluster import HDBSCAN

    from newsfuse.cluster import embedding_text
    from newsfuse.embed import embed

    vectors = embed([embedding_text(it["title"], it["text"]) for it in items])
    if len(items) < 3:
        return {it["id"]: f"h{i}" for i, it in enumerate(items)}
    labels = HDBSCAN(min_cluster_size=2, min_samples=1, metric="euclidean", copy=True).fit_predict(vectors)
    return {
        it["id"]: (f"h{lab}" if lab >= 0 else f"noise{i}") for i, (it, lab) in enumerate(zip(items, labels))
    }


# --------------------------------------------------------------------------- pairs
def pair_calibration(path: str | Path, settings: Any = None) -> dict[str, Any]:
    """How the join decision agrees with human same-story ratings (SemEval-2022 task 8 layout:
    ``text1``, ``text2``, ``Overall`` 1 = same .. 4 = different).

    Each pair's first article founds a story in a fresh clusterer whose document frequencies
    have seen every text of the file; the second article is scored against it with the very
    ``features``/``combine`` the clusterer uses. Reports ROC AUC over the pairs rated <= 1.5
    (same) or >= 3.5 (different), and how many of each the join threshold gets right.
    """
    from collections import Counter

    from sklearn.metrics import roc_auc_score

    from newsfuse.cluster import StoryClusterer, cluster_items
    from newsfuse.cluster.assign import ARTICLE_TERMS
    from newsfuse.cluster.lexical import weighted
    from newsfuse.extract import annotate
    from newsfuse.ingest.text import title_and_body
    from newsfuse.settings import ClusterSettings
    from newsfuse.types import Article

    settings = settings or ClusterSettings()
    pairs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if row and row.get("text1") and row.get("text2") and row.get("Overall") is not None:
            overall = float(row["Overall"])
            if overall <= 1.5 or overall >= 3.5:
                pairs.append((row["text1"], row["text2"], overall <= 1.5))
    texts = list(dict.fromkeys(t for a, b, _ in pairs for t in (a, b)))
    articles = []
    for n, text in enumerate(texts):
        title, body, _ = title_and_body(text)  # as ingest reads an untitled text
        articles.append(Article(id=f"t{n}", path="pairs", source="", title=title, text=body, original_text=body))
    items = {it.article_id: it for it in cluster_items(articles, annotate(articles))}
    by_text = {t: items[f"t{n}"] for n, t in enumerate(texts)}
    warm = StoryClusterer(settings=settings)
    prepared = {aid: warm._prepare(it) for aid, it in items.items()}
    for p in prepared.values():
        warm.term_df.add(p.terms)
        warm.entity_df.add(p.entities)
    scores_, labels = [], []
    for a, b, same in pairs:
        clusterer = StoryClusterer(settings=settings)
        clusterer.term_df, clusterer.entity_df = warm.term_df, warm.entity_df
        clusterer.add([by_text[a]])
        story = next(iter(clusterer.stories.values()))
        pb = prepared[by_text[b].article_id]
        f = clusterer.features(
            pb, story, weighted(pb.terms, warm.term_df, ARTICLE_TERMS), weighted(pb.entities, warm.entity_df)
        )
        scores_.append(clusterer.combine(f))
        labels.append(same)
    joined = Counter((same, sc >= settings.join_threshold) for sc, same in zip(scores_, labels))
    return {
        "pairs_same": labels.count(True),
        "pairs_different": labels.count(False),
        "roc_auc": round(float(roc_auc_score(labels, scores_)), 4),
        "join_threshold": settings.join_threshold,
        "same_joined": joined[(True, True)],
        "different_kept_apart": joined[(False, False)],
    }


# --------------------------------------------------------------------------- command
def evaluate(path: str | Path, dev_fraction: float = 0.3) -> dict[str, Any]:
    items = read_gold(path)
    if not items:
        raise ValueError(f"{path}: no gold items with text")
    gold = {it["id"]: it["gold"] for it in items}
    pred, seconds = run_newsfuse(items)
    systems = {"newsfuse": scores(gold, pred)}
    systems["newsfuse"]["seconds"] = round(seconds, 2)
    dev = dev_split(items, dev_fraction)
    tfidf, threshold = tfidf_agglomerative(items, dev)
    systems["tfidf_agglomerative"] = scores(gold, tfidf)
    systems["tfidf_agglomerative"]["threshold"] = round(threshold, 3)
    systems["embeddings_hdbscan"] = scores(gold, embeddings_hdbscan(items))
    return {
        "data": str(path),
        "items": len(items),
        "gold_clusters": len(set(gold.values())),
        "predicted_stories": len(set(pred.values())),
        "dev_clusters": len(dev),
        "systems": systems,
    }


def format_table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['data']}: {result['items']} articles, {result['gold_clusters']} gold stories "
        f"(newsfuse made {result['predicted_stories']}; baseline threshold tuned on "
        f"{result['dev_clusters']} dev stories)",
        f"{'system':<22}{'BCubed P':>10}{'BCubed R':>10}{'BCubed F1':>11}{'ARI':>8}",
    ]
    for name, s in result["systems"].items():
        lines.append(
            f"{name:<22}{s['bcubed_p']:>10.3f}{s['bcubed_r']:>10.3f}{s['bcubed_f1']:>11.3f}{s['ari']:>8.3f}"
        )
    return "\n".join(lines)


def _is_pair_file(path: str | Path) -> bool:
    """SemEval-style pair files (``text1``/``text2``/``Overall``) get the pair calibration."""
    with open(path, encoding="utf-8") as fh:
        first = fh.readline()
    try:
        row = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(row, dict) and "text1" in row and "text2" in row and "Overall" in row


def format_pairs(path: str | Path, r: dict[str, Any]) -> str:
    return (
        f"{path}: {r['pairs_same']} same-story pairs (Overall <= 1.5), {r['pairs_different']} different "
        f"(>= 3.5)\nROC AUC of the join score {r['roc_auc']:.3f}; at join_threshold {r['join_threshold']}: "
        f"{r['same_joined']}/{r['pairs_same']} same joined, "
        f"{r['different_kept_apart']}/{r['pairs_different']} different kept apart"
    )


def command(
    gold: Path = typer.Argument(..., help="Gold JSONL: id, text, title?, date?, event | cluster_id | gold_cluster."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    dev_split_fraction: float = typer.Option(
        0.3, "--dev-split", min=0.0, max=0.9, help="Share of gold stories used to tune the TF-IDF baseline."
    ),
) -> None:
    """BCubed P/R/F1 and ARI of newsfuse stories vs TF-IDF+agglomerative and embeddings+HDBSCAN.

    A SemEval-2022 task 8 pair file instead gets the join decision's agreement with the
    human same-story ratings."""
    try:
        if _is_pair_file(gold):
            result = pair_calibration(gold)
            typer.echo(json.dumps(result, indent=2) if as_json else format_pairs(gold, result))
            return
        result = evaluate(gold, dev_split_fraction)
    except (OSError, ValueError) as exc:
        typer.echo(f"[NF001] {gold}: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        typer.echo(format_table(result))


if __name__ == "__main__":
    typer.run(command)
    sys.exit(0)
