"""``newsfuse eval brief GOLD.jsonl``: ROUGE of newsfuse's brief vs LexRank, TextRank, lead.

GOLD is one story per line in the format of ``allsides_dev.jsonl``: ``cluster_id``,
``articles`` (each ``title``, ``text``, ``source``, ``date``) and a human
``reference_summary``. newsfuse's brief is built through the pipeline's own stage functions
(ingest, repair, extract, entity linking, crosscheck, write_brief). In the same run, on the
same article texts and at the same number of sentences:
- sumy LexRank and TextRank over all the story's sentences (split by pysbd, because sumy's
  default tokenizer needs NLTK data that is not available offline);
- lead: the first N sentences of the story's first article (for AllSides, the left-rated
  outlet comes first; ``--lead-source centre`` picks the centre-rated article as the README's
  baseline does).
Scores are rouge-score F1 with stemming, averaged over stories (x100).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

SYSTEMS = ("newsfuse", "lexrank", "textrank", "lead")


class _PysbdTokenizer:
    """The tokenizer interface sumy expects, without NLTK data."""

    language = "english"

    def __init__(self) -> None:
        import pysbd

        self._seg = pysbd.Segmenter(language="en", clean=False)

    def to_sentences(self, paragraph: str) -> list[str]:
        return [s.strip() for s in self._seg.segment(paragraph) if s.strip()]

    def to_words(self, sentence: str) -> list[str]:
        import re

        return re.findall(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?", sentence)


def _sumy(kind: str, text: str, count: int, tokenizer: _PysbdTokenizer) -> list[str]:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    parser = PlaintextParser.from_string(text, tokenizer)
    summarizer = (LexRankSummarizer if kind == "lexrank" else TextRankSummarizer)(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    return [str(s) for s in summarizer(parser.document, count)]


def _lead(articles: list[dict[str, Any]], count: int, tokenizer: _PysbdTokenizer, prefer: str) -> list[str]:
    chosen = articles[0] if articles else {"text": ""}
    if prefer:
        for a in articles:
            if str(a.get("bias", "")).lower() in (prefer, "center" if prefer == "centre" else prefer):
                chosen = a
                break
    sentences: list[str] = []
    for para in str(chosen.get("text", "")).split("\n"):
        sentences.extend(tokenizer.to_sentences(para))
    return sentences[:count]


def evaluate(
    gold_path: Path, sentences: int, briefs_out: Path | None = None, lead_source: str = "", limit: int | None = None
) -> dict[str, Any]:
    from rouge_score import rouge_scorer

    from newsfuse.evaluation.story_stages import run_story

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    tokenizer = _PysbdTokenizer()
    totals = {s: {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0} for s in SYSTEMS}
    n = 0
    skipped: set[str] = set()
    seconds = {"crosscheck": 0.0, "brief": 0.0}
    out = briefs_out.open("w", encoding="utf-8") if briefs_out else None
    try:
        for line in gold_path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            story = json.loads(line)
            reference = story.get("reference_summary") or ""
            articles = story.get("articles") or []
            if not reference or not articles:
                continue
            run = run_story(articles, brief_sentences=sentences, name=f"{story.get('cluster_id', n)}.jsonl")
            skipped.update(run.skipped)
            for k in seconds:
                seconds[k] += run.seconds.get(k, 0.0)
            ours = " ".join(b.text for b in run.brief.sentences) if run.brief else ""
            joined = "\n".join(str(a.get("text", "")) for a in articles)
            outputs = {
                "newsfuse": ours,
                "lexrank": " ".join(_sumy("lexrank", joined, sentences, tokenizer)),
                "textrank": " ".join(_sumy("textrank", joined, sentences, tokenizer)),
                "lead": " ".join(_lead(articles, sentences, tokenizer, lead_source)),
            }
            for system, text in outputs.items():
                scores = scorer.score(reference, text)
                for metric in totals[system]:
                    totals[system][metric] += scores[metric].fmeasure
            if out:
                out.write(json.dumps({"cluster_id": story.get("cluster_id"), "brief": ours}, ensure_ascii=False) + "\n")
            n += 1
            if limit and n >= limit:
                break
    finally:
        if out:
            out.close()
    systems = {
        s: {m: round(100 * v / n, 2) if n else 0.0 for m, v in metrics.items()} for s, metrics in totals.items()
    }
    return {
        "gold": str(gold_path),
        "stories": n,
        "sentences": sentences,
        "systems": systems,
        "stages_skipped": sorted(skipped),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }


def command(
    gold: Annotated[Path, typer.Argument(help="Stories with a reference_summary (allsides_dev.jsonl format).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    briefs: Annotated[
        Path | None, typer.Option("--briefs", help="Write newsfuse's briefs here as JSONL (cluster_id, brief).")
    ] = None,
    sentences: Annotated[int, typer.Option("--sentences", min=1, max=20, help="Brief length for every system.")] = 5,
    lead_source: Annotated[
        str, typer.Option("--lead-source", help="Take the lead from the article with this bias (e.g. centre).")
    ] = "",
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N stories.")] = None,
) -> None:
    """ROUGE-1/2/L F1 of newsfuse's brief beside LexRank, TextRank and the lead baseline."""
    if not gold.is_file():
        print(f"[NF001] {gold}: no such file (pass a JSONL of stories)", file=sys.stderr)
        raise typer.Exit(2)
    result = evaluate(gold, sentences, briefs, lead_source.lower(), limit)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    print(f"brief ROUGE F1 x100 on {result['stories']} stories, {sentences} sentences each ({gold.name})")
    if result["stages_skipped"]:
        print(f"stages not available, skipped: {', '.join(result['stages_skipped'])}")
    print(f"{'system':<10}{'R-1':>8}{'R-2':>8}{'R-L':>8}")
    for system, m in result["systems"].items():
        print(f"{system:<10}{m['rouge1']:>8.2f}{m['rouge2']:>8.2f}{m['rougeL']:>8.2f}")
    print(f"newsfuse crosscheck {result['seconds']['crosscheck']:.2f} s, brief {result['seconds']['brief']:.2f} s in all")


if __name__ == "__main__":
    typer.run(command)
