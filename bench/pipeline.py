"""Pipeline benchmark: seconds per stage and articles/s, beside spaCy NER alone on the same texts.

    python bench/pipeline.py [--corpus seeds|allsides|all] [--repeat 1]

The target is the whole pipeline within 1.5x the cost of NER alone (embeddings, clustering,
crosscheck and brief must not dominate). Both runs load their models before the clock starts,
so the ratio compares steady-state work. Model loading is reported on its own line.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


def corpus_files(name: str, workdir: Path) -> tuple[list[str], int]:
    """Return inputs for analyze() and the number of articles they hold."""
    if name == "seeds":
        files = sorted(str(p) for p in (SHARED / "seeds").glob("*.txt"))
        return files, len(files)
    lines = []
    with open(SHARED / "data" / "allsides_dev.jsonl", encoding="utf-8") as fh:
        for row in map(json.loads, fh):
            for art in row["articles"]:
                lines.append(
                    json.dumps(
                        {
                            "title": art.get("title", ""),
                            "text": art.get("text", ""),
                            "source": art.get("source", ""),
                            "published": (art.get("date") or "")[:10] or None,
                            "url": art.get("url"),
                        }
                    )
                )
    path = workdir / "allsides.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return [str(path)], len(lines)


def texts_of(inputs: list[str]) -> list[str]:
    from newsfuse.ingest import iter_inputs
    from newsfuse.types import Article

    return [a.text for a in iter_inputs(inputs) if isinstance(a, Article)]


def ner_alone(texts: list[str]) -> float:
    import spacy

    from newsfuse.settings import ExtractSettings

    nlp = spacy.load(ExtractSettings().spacy_model, disable=["parser", "lemmatizer"])
    list(nlp.pipe(texts[:2]))  # warm up
    t0 = time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=64):
        _ = doc.ents
    return time.perf_counter() - t0


def warm_models() -> float:
    """Load spaCy and the embedding model once, outside the timed runs."""
    t0 = time.perf_counter()
    from newsfuse import analyze

    analyze([str(ROOT / "examples" / "07_city_courier_chess.txt")])
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", choices=["seeds", "allsides", "all"], default="all")
    args = ap.parse_args()
    from newsfuse import analyze

    load_s = warm_models()
    names = ["seeds", "allsides"] if args.corpus == "all" else [args.corpus]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            inputs, n = corpus_files(name, Path(tmp))
            texts = texts_of(inputs)
            words = sum(len(t.split()) for t in texts)
            t0 = time.perf_counter()
            analysis = analyze(inputs)
            total = time.perf_counter() - t0
            ner = ner_alone(texts)
            rows.append((name, n, words, analysis, total, ner))

    stages = ["ingest", "repair", "extract", "cluster", "crosscheck", "brief", "store"]
    print(f"model loading (once per process): {load_s:.1f} s")
    print()
    header = f"{'corpus':<10}{'articles':>9}{'words':>8}" + "".join(f"{s:>11}" for s in stages)
    header += f"{'total s':>9}{'art/s':>8}{'NER s':>8}{'ratio':>7}{'repair %':>9}"
    print(header)
    print("-" * len(header))
    for name, n, words, analysis, total, ner in rows:
        t = analysis.timings
        line = f"{name:<10}{n:>9}{words:>8}" + "".join(f"{t.get(s, 0.0):>11.2f}" for s in stages)
        line += f"{total:>9.2f}{n / total:>8.1f}{ner:>8.2f}{total / ner:>7.2f}"
        line += f"{100 * t.get('repair', 0.0) / total:>8.1f}%"
        print(line)
    print()
    print("stories:", ", ".join(f"{r[0]}={len(r[3].stories)}" for r in rows))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")
    print("ratio = whole pipeline / spaCy NER alone (tok2vec+ner) on the same texts; target <= 1.5")


if __name__ == "__main__":
    main()
