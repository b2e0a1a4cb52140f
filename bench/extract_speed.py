"""Extraction speed per 1,000 words vs spaCy NER alone on the same texts; prints a table.

Texts: the two seeds and every article of ../shared/data/allsides_dev.jsonl. The baseline is
the same spaCy model with only tok2vec+ner, run with nlp.pipe on the same texts; newsfuse's
annotate() includes that NER plus all rules (titles, quotes, speakers, quantities, dates),
and link_entities() runs per story. "rules" times everything annotate does after NER, on NER
output computed once, so the cost of the rules can be read apart from NER timing noise.
Run with `nice -n 10 python bench/extract_speed.py`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsfuse.extract import annotate, link_entities  # noqa: E402
from newsfuse.extract.annotate import annotate_text  # noqa: E402
from newsfuse.extract.entities import ner_mentions  # noqa: E402
from newsfuse.extract.nlp import get_nlp, iter_docs  # noqa: E402
from newsfuse.settings import ExtractSettings  # noqa: E402
from newsfuse.types import Article  # noqa: E402

SHARED = ROOT.parent / "shared"


def corpora() -> dict[str, list[list[Article]]]:
    """name -> stories, each a list of articles."""
    seeds = [
        Article(
            id=p.stem,
            path=str(p),
            source=p.stem,
            title="",
            text=p.read_text(encoding="utf-8"),
            original_text="",
            published=None,
        )
        for p in sorted((SHARED / "seeds").glob("*.txt"))
    ]
    stories = []
    with open(SHARED / "data" / "allsides_dev.jsonl", encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            row = json.loads(line)
            stories.append(
                [
                    Article(
                        id=f"{n}-{i}",
                        path="",
                        source=a.get("source", ""),
                        title=a.get("title", ""),
                        text=a.get("text", ""),
                        original_text="",
                        published=a.get("date"),
                    )
                    for i, a in enumerate(row["articles"])
                ]
            )
    return {"seeds": [seeds], "allsides_dev": stories}


def main() -> None:
    settings = ExtractSettings()
    nlp = get_nlp(settings.spacy_model)
    nlp("warm up the model once")
    rows = []
    for name, stories in corpora().items():
        articles = [a for story in stories for a in story]
        texts = [a.text for a in articles]
        words = sum(len(t.split()) for t in texts)
        best_ner = best_ann = best_link = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            for _doc in nlp.pipe(texts, batch_size=settings.batch_size):
                pass
            best_ner = min(best_ner, time.perf_counter() - start)
            start = time.perf_counter()
            anns = annotate(articles, settings)
            best_ann = min(best_ann, time.perf_counter() - start)
            start = time.perf_counter()
            offset = 0
            for story in stories:
                link_entities(story, anns[offset : offset + len(story)])
                offset += len(story)
            best_link = min(best_link, time.perf_counter() - start)
        # the rules alone (everything annotate does after NER), on NER output computed once
        ner: list[list] = [[] for _ in articles]
        for index, offset, doc in iter_docs(
            texts, settings.spacy_model, settings.batch_size, settings.max_chunk_chars
        ):
            ner[index].extend(ner_mentions(doc, offset, texts[index]))
        best_rules = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            for article, mentions in zip(articles, ner):
                annotate_text(article, list(mentions))
            best_rules = min(best_rules, time.perf_counter() - start)
        rows.append((name, len(articles), words, best_ner, best_ann, best_link, best_rules))
    print(
        f"{'corpus':<14} {'articles':>8} {'words':>8} {'NER s/1k w':>11} {'annotate s/1k w':>16} "
        f"{'rules s/1k w':>13} {'link s/1k w':>12} {'extract/NER':>12} {'(rules+link)/NER':>17}"
    )
    for name, n, words, ner, ann, link, rules in rows:
        k = words / 1000
        print(
            f"{name:<14} {n:>8} {words:>8} {ner / k:>11.4f} {ann / k:>16.4f} {rules / k:>13.4f} "
            f"{link / k:>12.4f} {(ann + link) / ner:>12.2f} {(rules + link) / ner:>17.2f}"
        )


if __name__ == "__main__":
    main()
