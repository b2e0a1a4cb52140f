"""Crosscheck + brief cost for one big story, beside spaCy NER alone on the same texts.

Stories are built at run time from the real articles in ../shared/data: the 50-article story
is 50 full-length BASIL articles (NYT, Fox, HuffPost; ~640 words each) treated as one story,
the worst case for alignment (every sentence is a candidate against every other outlet);
the 500-article story adds AllSides and ECB+ articles. The real stages run first (ingest,
repair, extract, entity linking); only then are crosscheck and write_brief timed. "NER alone"
is spaCy's tok2vec+ner over the same texts (the project's speed yardstick).

Both wall seconds and CPU seconds of this process are printed: on a shared machine the CPU
figure is the one to compare (torch threads count in it too).

    python bench/crosscheck_speed.py               # 50 and 500 articles
    python bench/crosscheck_speed.py --sizes 50    # just one size
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"


def real_articles(limit: int) -> list[dict]:
    rows: list[dict] = []
    for line in (DATA / "basil_dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows.append({"title": row["title"], "text": row["text"], "source": f"{row['source']}-{len(rows)}",
                     "published": row.get("date")})
    for line in (DATA / "allsides_dev.jsonl").read_text(encoding="utf-8").splitlines():
        for art in json.loads(line)["articles"]:
            rows.append({"title": art["title"], "text": art["text"], "source": f"{art['source']}-{len(rows)}",
                         "published": art.get("date")})
    for line in (DATA / "ecbplus_dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows.append({"title": row.get("title", ""), "text": row["text"], "source": f"ecb-{len(rows)}"})
    return rows[:limit]


class Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,500", help="story sizes (articles), comma-separated")
    args = parser.parse_args()

    import spacy

    from newsfuse.brief import write_brief
    from newsfuse.crosscheck import build_story
    from newsfuse.crosscheck import crosscheck_story as run_crosscheck
    from newsfuse.crosscheck.align import embedding_budget
    from newsfuse.embed import backend as embedding_backend
    from newsfuse.evaluation.story_stages import ingest_dicts
    from newsfuse.extract import annotate, link_entities
    from newsfuse.repair import repair_article
    from newsfuse.settings import Settings

    settings = Settings()
    embedding_backend()  # model loading is a one-off per process, not per story
    nlp = spacy.load(settings.extract.spacy_model, exclude=["parser", "lemmatizer", "attribute_ruler", "tagger", "senter"])
    rows = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        items = real_articles(size)
        articles, _ = ingest_dicts(items, "bench.jsonl")
        articles = [repair_article(a, settings.repair) for a in articles]
        words = sum(len(a.text.split()) for a in articles)
        with Clock() as ner:
            for _doc in nlp.pipe((a.text for a in articles), batch_size=64):
                pass
        notes = annotate(articles, settings.extract)
        links = link_entities(articles, notes, known=())
        annotations = {n.article_id: n for n in notes}
        with Clock() as cc:
            view = build_story(articles, annotations, links.entities, {}, settings.crosscheck.max_sentences_per_article)
            claims, alignment = run_crosscheck(view, settings.crosscheck)
        with Clock() as br:
            brief = write_brief(articles, annotations, claims, links.entities, {}, settings.brief)
        status = {s: sum(1 for c in claims if c.status == s) for s in ("corroborated", "single_source", "conflicting")}
        rows.append(
            (size, words, len(view.statements), embedding_budget(view.statements, settings.crosscheck),
             status, cc, br, ner, len(brief.sentences))
        )
    print("crosscheck + brief for one story (seconds; CPU = this process, all threads)")
    header = (f"{'articles':>8} {'words':>7} {'sentences':>9} {'embedded<=':>10} {'claims c/s/x':>14} "
              f"{'crosscheck wall/cpu':>20} {'brief wall/cpu':>15} {'NER alone wall/cpu':>19} {'(cc+brief)/NER cpu':>18}")
    print(header)
    for size, words, sents, emb, status, cc, br, ner, _n in rows:
        claims = f"{status['corroborated']}/{status['single_source']}/{status['conflicting']}"
        ratio = (cc.cpu + br.cpu) / ner.cpu if ner.cpu else float("nan")
        print(f"{size:>8} {words:>7} {sents:>9} {emb:>10} {claims:>14} "
              f"{cc.wall:>9.2f}/{cc.cpu:<10.2f} {br.wall:>6.2f}/{br.cpu:<8.2f} {ner.wall:>8.2f}/{ner.cpu:<10.2f} {ratio:>18.2f}")


if __name__ == "__main__":
    main()
