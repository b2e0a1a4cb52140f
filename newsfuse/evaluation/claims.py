"""``newsfuse eval claims [GOLD] [--json]``: claim-judging accuracy per status.

The gold (tests/fixtures/claims_gold.jsonl, written for newsfuse) holds pairs of short
articles by two outlets, each with expectations: a snippet of one sentence and the status the
claim containing that sentence must get (corroborated / single_source / conflicting). Each
pair runs through ingest, repair, extract, crosscheck exactly as in the pipeline. A snippet
found in no claim counts as wrong ("missed"). Accuracy is reported per gold status, with the
confusion counts, so a weak status cannot hide behind a strong one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

STATUSES = ("corroborated", "single_source", "conflicting")
_PRIORITY = {"conflicting": 0, "corroborated": 1, "single_source": 2}
DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "claims_gold.jsonl"


def predicted_status(claims: list, articles: list, snippet: str) -> str:
    """Status of the claim whose evidence holds the snippet ('missed' when none does)."""
    found = []
    for c in claims:
        if any(snippet in " ".join(e.sentence.split()) for e in c.evidence):
            found.append(c.status)
    if not found:
        return "missed"
    return min(found, key=lambda s: _PRIORITY.get(s, 9))


def evaluate(gold_path: Path) -> dict[str, Any]:
    from newsfuse.evaluation.story_stages import run_story

    per: dict[str, dict[str, int]] = {s: {} for s in STATUSES}
    errors = []
    skipped: set[str] = set()
    pairs = 0
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        pairs += 1
        run = run_story(item["articles"], with_brief=False, name=f"{item['id']}.jsonl")
        skipped.update(run.skipped)
        for exp in item["expect"]:
            got = predicted_status(run.claims, run.articles, exp["contains"])
            gold = exp["status"]
            per.setdefault(gold, {})
            per[gold][got] = per[gold].get(got, 0) + 1
            if got != gold:
                errors.append({"pair": item["id"], "snippet": exp["contains"], "gold": gold, "got": got})
    table = {}
    for status, got in per.items():
        total = sum(got.values())
        table[status] = {
            "n": total,
            "accuracy": round(got.get(status, 0) / total, 3) if total else None,
            "predicted": dict(sorted(got.items())),
        }
    all_n = sum(v["n"] for v in table.values())
    all_ok = sum(per[s].get(s, 0) for s in per)
    return {
        "gold": str(gold_path),
        "pairs": pairs,
        "statuses": table,
        "overall": round(all_ok / all_n, 3) if all_n else None,
        "errors": errors,
        "stages_skipped": sorted(skipped),
    }


def command(
    gold: Annotated[
        Path | None,
        typer.Argument(help="Gold JSONL (default: the bundled tests/fixtures/claims_gold.jsonl)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    show_errors: Annotated[bool, typer.Option("--errors", help="List every miss.")] = False,
) -> None:
    """Accuracy per claim status on pairs of articles written for newsfuse."""
    path = gold or DEFAULT_GOLD
    if not path.is_file():
        print(f"[NF001] {path}: no such gold file (pass GOLD.jsonl)", file=sys.stderr)
        raise typer.Exit(2)
    result = evaluate(path)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    print(f"claim judging on {result['pairs']} article pairs ({path.name})")
    if result["stages_skipped"]:
        print(f"stages not available, skipped: {', '.join(result['stages_skipped'])}")
    print(f"{'gold status':<15}{'n':>5}{'accuracy':>10}   predicted")
    for status, row in result["statuses"].items():
        acc = "-" if row["accuracy"] is None else f"{row['accuracy']:.3f}"
        pred = ", ".join(f"{k}: {v}" for k, v in row["predicted"].items())
        print(f"{status:<15}{row['n']:>5}{acc:>10}   {pred}")
    print(f"{'overall':<15}{sum(r['n'] for r in result['statuses'].values()):>5}{result['overall']:>10.3f}")
    if show_errors:
        for e in result["errors"]:
            print(f"  {e['pair']}: “{e['snippet']}” gold {e['gold']}, got {e['got']}")


if __name__ == "__main__":
    typer.run(command)
