"""``newsfuse eval extract [GOLD] [--json]``: entities, linking, quotes, speakers, quantities.

The gold (tests/fixtures/extract_gold.jsonl, written for newsfuse) holds short news-style
paragraphs grouped into stories (``group``): several versions of one event with misspelled
names, split quotes, pronoun and description speakers, partial quotes, reported speech and
hedged numbers. Each paragraph lists its entities (canonical name, type, surface forms), its
quotes (text, speaker canonical name or null) and its quantities.

Scores (precision / recall / F1) per task, newsfuse beside the plain tools on the same gold:
- entities: unique (surface, type group) per paragraph; baseline = spaCy NER alone.
- linking: pairs of (paragraph, surface) items inside a story, same entity or not;
  baseline = exact surface string (what plain NER gives). Canonical-name accuracy is
  reported for entities with more than one spelling.
- quotes: span overlap >= 50% of the longer span; baseline = textacy direct_quotations,
  run per paragraph (it raises ValueError on unbalanced marks; counted as no quotes).
- speakers: among detected quotes, the speaker's canonical name (or the description when
  nobody is named); "speaker entity" counts the right person under any of its spellings,
  so a canonical-spelling choice is not counted twice; textacy's speaker counts as right when it is a surface form of the
  gold speaker in that paragraph. Unattributed gold quotes must stay unattributed.
- quantities: (value, unit) per paragraph; hedge and normalised-value accuracy on matches;
  baseline = spaCy's numeric entities (PERCENT/MONEY/QUANTITY/CARDINAL) with a plain parse.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "extract_gold.jsonl"
_GROUP = {
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "PERSON": "PERSON",
    "ORG": "ORG",
    "NORP": "NORP",
}
_NAMED = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW")


def load_gold(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f, 3),
        "tp": tp,
        "pred": n_pred,
        "gold": n_gold,
    }


def _norm(s: str | None) -> str | None:
    if s is None:
        return None
    s = s.replace("\u2019", "'").lower().strip()
    return re.sub(r"^(?:the|a|an)\s+", "", s)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / max(a[1] - a[0], b[1] - b[0], 1)


def _match_spans(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> dict[int, int]:
    """Greedy one-to-one matching gold index -> pred index by overlap >= 0.5."""
    pairs = sorted(
        ((_overlap(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    out: dict[int, int] = {}
    for score, gi, pi in pairs:
        if score < 0.5:
            break
        if gi in used_g or pi in used_p:
            continue
        out[gi] = pi
        used_g.add(gi)
        used_p.add(pi)
    return out


def _quantity_key(value: float, unit: str | None) -> tuple[float, str | None]:
    return (round(float(value), 4), unit)


def _spacy_quantities(doc: Any) -> list[tuple[float, str | None]]:
    found = []
    for ent in doc.ents:
        if ent.label_ not in ("PERCENT", "MONEY", "QUANTITY", "CARDINAL"):
            continue
        m = re.search(r"\d+(?:[.,]\d+)*", ent.text)
        if not m:
            continue
        try:
            value = float(m.group(0).replace(",", ""))
        except ValueError:
            continue
        unit = {
            "PERCENT": "percent",
            "MONEY": "USD" if "$" in ent.text or "dollar" in ent.text else None,
        }.get(ent.label_)
        found.append(_quantity_key(value, unit))
    return found


def evaluate(gold_path: Path = DEFAULT_GOLD) -> dict[str, Any]:
    from newsfuse.extract import annotate, link_entities
    from newsfuse.extract.nlp import get_nlp
    from newsfuse.settings import ExtractSettings
    from newsfuse.types import Article

    gold = load_gold(gold_path)
    settings = ExtractSettings()
    articles = [
        Article(
            id=p["id"],
            path=p["id"],
            source=p["group"],
            title="",
            text=p["text"],
            original_text=p["text"],
            published=p.get("published"),
        )
        for p in gold
    ]
    annotations = annotate(articles, settings)
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(gold):
        by_group[p["group"]].append(i)
    entity_names: dict[str, str] = {}
    entity_aliases: dict[str, set[str]] = {}
    group_surfaces: dict[str, dict[str, set[str]]] = {}
    for group, idxs in by_group.items():
        links = link_entities([articles[i] for i in idxs], [annotations[i] for i in idxs])
        entity_names.update({e.id: e.name for e in links.entities})
        entity_aliases.update(
            {e.id: {a.name.lower() for a in e.aliases} | {e.name.lower()} for e in links.entities}
        )
        forms: dict[str, set[str]] = defaultdict(set)
        for i in idxs:
            for e in gold[i]["entities"]:
                forms[e["name"]].update(s.lower() for s in e["surfaces"])
                forms[e["name"]].add(e["name"].lower())
        group_surfaces[group] = forms

    full_nlp = get_nlp(settings.spacy_model)
    docs = list(full_nlp.pipe([p["text"] for p in gold]))
    try:
        import spacy
        from textacy.extract.triples import direct_quotations

        parser_nlp = spacy.load(settings.spacy_model)  # textacy needs the parser and tagger
        textacy_docs = list(parser_nlp.pipe([p["text"] for p in gold]))
    except Exception as exc:  # pragma: no cover - textacy missing
        direct_quotations = None
        textacy_docs = []
        print(f"textacy unavailable: {exc}", file=sys.stderr)

    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    hedge_ok = norm_ok = matched_q = 0
    canon_ok = canon_total = 0
    link_pairs = {"newsfuse": [0, 0, 0], "exact string": [0, 0, 0]}
    errors: list[str] = []

    for i, p in enumerate(gold):
        ann = annotations[i]
        text = p["text"]
        # ---- entities
        gold_ents = {
            (s, _GROUP.get(e["type"], e["type"])) for e in p["entities"] for s in e["surfaces"]
        }
        ours = {(m.text, _GROUP.get(m.label, m.label)) for m in ann.mentions}
        base = {
            (e.text, _GROUP.get(e.label_, e.label_)) for e in docs[i].ents if e.label_ in _NAMED
        }
        for name, pred in (("newsfuse", ours), ("spaCy NER", base)):
            c = counts["entities"][name]
            c[0] += len(pred & gold_ents)
            c[1] += len(pred)
            c[2] += len(gold_ents)
        # ---- quotes and speakers
        gold_spans = []
        for q in p["quotes"]:
            start = text.find(q["text"])
            gold_spans.append((start, start + len(q["text"])))
        surfaces_of = {
            e["name"]: {s.lower() for s in e["surfaces"]} | {e["name"].lower()}
            for e in p["entities"]
        }
        preds = [(q.start, q.end) for q in ann.quotes]
        match = _match_spans(gold_spans, preds)
        c = counts["quotes"]["newsfuse"]
        c[0] += len(match)
        c[1] += len(preds)
        c[2] += len(gold_spans)
        s = counts["speakers"]["newsfuse"]
        s[2] += sum(1 for q in p["quotes"] if q["speaker"])
        se = counts["speaker entity"]["newsfuse"]
        se[2] += sum(1 for q in p["quotes"] if q["speaker"])
        for gi, pi in match.items():
            quote = ann.quotes[pi]
            predicted = entity_names.get(quote.speaker_entity_id or "", quote.speaker)
            if predicted is not None:
                s[1] += 1
                se[1] += 1
            wanted = p["quotes"][gi]["speaker"]
            if wanted and _norm(predicted) == _norm(wanted):
                s[0] += 1
            # the right person under any spelling (canonical-name choice aside)
            wanted_forms = group_surfaces[p["group"]].get(wanted or "", {(wanted or "").lower()})
            got_forms = entity_aliases.get(
                quote.speaker_entity_id or "", {(_norm(predicted) or "")}
            )
            if wanted and (got_forms & wanted_forms or _norm(predicted) == _norm(wanted)):
                se[0] += 1
            elif wanted or predicted:
                errors.append(
                    f"{p['id']}: speaker of {p['quotes'][gi]['text'][:40]!r}: gold {wanted!r}, got {predicted!r}"
                )
        for gi, q in enumerate(p["quotes"]):
            if gi not in match:
                errors.append(f"{p['id']}: missed quote {q['text'][:50]!r}")
        for pi, q in enumerate(ann.quotes):
            if pi not in match.values():
                errors.append(f"{p['id']}: extra quote {q.text[:50]!r} ({q.kind})")
        if direct_quotations is not None:
            try:
                triples = list(direct_quotations(textacy_docs[i]))
            except ValueError:
                triples = []
            t_spans = []
            for t in triples:
                content = t.content
                if hasattr(content, "start_char"):
                    a, b = content.start_char, content.end_char
                else:
                    a, b = content[0].idx, content[-1].idx + len(content[-1])
                t_spans.append((a + 1, b - 1))  # drop the quote marks textacy keeps
            t_match = _match_spans(gold_spans, t_spans)
            c = counts["quotes"]["textacy"]
            c[0] += len(t_match)
            c[1] += len(t_spans)
            c[2] += len(gold_spans)
            s = counts["speakers"]["textacy"]
            s[2] += sum(1 for q in p["quotes"] if q["speaker"])
            for gi, ti in t_match.items():
                speaker = (
                    " ".join(tok.text for tok in triples[ti].speaker)
                    if triples[ti].speaker
                    else None
                )
                if speaker:
                    s[1] += 1
                wanted = p["quotes"][gi]["speaker"]
                if (
                    wanted
                    and speaker
                    and (
                        _norm(speaker) in surfaces_of.get(wanted, {wanted.lower()})
                        or _norm(speaker) == _norm(wanted)
                        or any(_norm(speaker).endswith(x) for x in surfaces_of.get(wanted, set()))
                    )
                ):
                    s[0] += 1
        # ---- quantities
        gold_q = [_quantity_key(n["value"], n["unit"]) for n in p["quantities"]]
        ours_q = [(_quantity_key(q.value, q.unit), q) for q in ann.quantities]
        remaining = list(ours_q)
        c = counts["quantities"]["newsfuse"]
        c[1] += len(ours_q)
        c[2] += len(gold_q)
        for n, key in zip(p["quantities"], gold_q):
            hit = next((x for x in remaining if x[0] == key), None)
            if hit is None:
                errors.append(f"{p['id']}: missed quantity {n['text']!r}")
                continue
            remaining.remove(hit)
            c[0] += 1
            matched_q += 1
            hedge_ok += hit[1].hedge == n["hedge"]
            norm_ok += hit[1].normalized is not None and abs(
                hit[1].normalized - n["normalized"]
            ) <= 1e-6 * max(1.0, abs(n["normalized"]))
        for key, q in remaining:
            errors.append(f"{p['id']}: extra quantity {q.text!r}")
        base_q = _spacy_quantities(docs[i])
        c = counts["quantities"]["spaCy numeric"]
        c[1] += len(base_q)
        c[2] += len(gold_q)
        pool = list(base_q)
        for key in gold_q:
            if key in pool:
                pool.remove(key)
                c[0] += 1

    # ---- linking: pairs of (paragraph, surface) items within each story
    for idxs in by_group.values():
        items = []
        for i in idxs:
            ann = annotations[i]
            for e in gold[i]["entities"]:
                for surface in e["surfaces"]:
                    ids = [m.entity_id for m in ann.mentions if m.text == surface and m.entity_id]
                    items.append((e["name"], ids[0] if ids else None, surface.lower()))
        for a in range(len(items)):
            for b in range(a + 1, len(items)):
                same_gold = items[a][0] == items[b][0]
                for name, same_pred in (
                    ("newsfuse", items[a][1] is not None and items[a][1] == items[b][1]),
                    ("exact string", items[a][2] == items[b][2]),
                ):
                    lp = link_pairs[name]
                    lp[0] += same_gold and same_pred
                    lp[1] += same_pred
                    lp[2] += same_gold
        # canonical names for entities spelled more than one way in the story
        spellings: dict[str, set[str]] = defaultdict(set)
        for i in idxs:
            for e in gold[i]["entities"]:
                spellings[e["name"]].update(e["surfaces"])
        for name, forms in spellings.items():
            if len(forms) < 2 or (name in forms and len(forms) == 1):
                continue
            canon_total += 1
            ids = {
                m.entity_id
                for i in idxs
                for m in annotations[i].mentions
                if m.text in forms and m.entity_id
            }
            got = {entity_names.get(x) for x in ids}
            if got == {name}:
                canon_ok += 1
            else:
                errors.append(
                    f"{'/'.join(sorted(forms))}: canonical {name!r}, got {sorted(map(str, got))}"
                )

    tasks: dict[str, dict[str, Any]] = {}
    for task, systems in counts.items():
        tasks[task] = {name: _prf(*vals) for name, vals in systems.items()}
    tasks["linking"] = {name: _prf(*vals) for name, vals in link_pairs.items()}
    return {
        "gold": str(gold_path),
        "paragraphs": len(gold),
        "stories": len(by_group),
        "tasks": tasks,
        "canonical_name_accuracy": round(canon_ok / canon_total, 3) if canon_total else None,
        "canonical_names": [canon_ok, canon_total],
        "quantity_hedge_accuracy": round(hedge_ok / matched_q, 3) if matched_q else None,
        "quantity_normalized_accuracy": round(norm_ok / matched_q, 3) if matched_q else None,
        "errors": errors,
    }


def format_table(result: dict[str, Any]) -> str:
    lines = [
        f"extract evaluation on {result['paragraphs']} paragraphs in {result['stories']} stories ({result['gold']})",
        f"{'task':<14} {'system':<14} {'P':>6} {'R':>6} {'F1':>6}   tp/pred/gold",
    ]
    order = ["entities", "linking", "quotes", "speakers", "speaker entity", "quantities"]
    for task in order:
        for name, m in result["tasks"].get(task, {}).items():
            lines.append(
                f"{task:<14} {name:<14} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f}   {m['tp']}/{m['pred']}/{m['gold']}"
            )
    ok, total = result["canonical_names"]
    lines.append(f"canonical names right (entities with several spellings): {ok}/{total}")
    lines.append(f"quantity hedge accuracy on matches: {result['quantity_hedge_accuracy']}")
    lines.append(
        f"quantity normalised-value accuracy on matches: {result['quantity_normalized_accuracy']}"
    )
    return "\n".join(lines)


def command(
    gold: Annotated[
        Path, typer.Argument(help="gold JSONL (default: tests/fixtures/extract_gold.jsonl)")
    ] = DEFAULT_GOLD,
    as_json: Annotated[bool, typer.Option("--json", help="print the full result as JSON")] = False,
    show_errors: Annotated[
        bool, typer.Option("--errors", help="list every miss and extra")
    ] = False,
) -> None:
    """Entities, linking, quotes, speakers and quantities vs plain spaCy and textacy."""
    result = evaluate(Path(gold))
    if as_json:
        print(json.dumps(result, indent=2))
        return
    print(format_table(result))
    if show_errors:
        print("\n".join(result["errors"]))


if __name__ == "__main__":
    typer.run(command)
