"""Evaluate the repair stage: injected damage with known spans, clean text left alone, seeds.

Three measurements, printed as one Rich table (or JSON with ``--json``):

1. **Damage generator.** Clean articles (ours in ``tests/fixtures/repair/clean`` and the real
   BASIL / AllSides texts in ``--data-dir``, read at run time) get ONE injected damage each, of
   a known kind at a known span: phrase loops (plain, with commas or "and", rotated MT-style
   loops), detached hyphens, spaced punctuation, broken quote marks, glued sentences, page
   debris (captions with credits, ad labels, share bars, prompts, wire furniture), mojibake / zero-width
   characters, stray whitespace. Per kind: recall (the damage was touched by a repair of that
   kind), precision (applied repairs of that kind that sit on injected damage, against those
   that do not and were not already made on the clean text), and exact restorations (the
   repaired damaged text equals the repaired clean text).
2. **False repairs on clean text.** Every applied change to the clean texts that is not pure
   whitespace normalisation counts as a false repair, per 10,000 words, and is listed, even
   where it mends a real typo of the source (``the the``): the reader can judge.
3. **Seed artifacts.** The damage issue 3 lists in ``../shared/seeds`` must each be mended
   (or flagged, for the garbled sentence).

Run: ``newsfuse eval repair [--json] [--seed N] [--data-dir ../shared/data]`` or
``python -m newsfuse.evaluation.repair``.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import typer

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "repair" / "clean"
DEFAULT_DATA = Path("../shared/data")
DEFAULT_SEEDS = Path("../shared/seeds")

# evaluation kind -> repair kinds that count for it
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "loop": ("loop", "doubled_word"),
    "hyphen": ("hyphen",),
    "punctuation_space": ("punctuation_space",),
    "quote": ("quote",),
    "glued_sentence": ("glued_sentence",),
    "debris": ("debris",),
    "unicode": ("unicode",),
    "whitespace": ("whitespace",),
}
GROUP_OF = {k: g for g, ks in KIND_GROUPS.items() for k in ks}
TARGETS = {"loop": (0.98, 0.90), "hyphen": (0.98, 0.90)}  # (precision, recall)
MAX_FALSE_PER_10K = 1.0


# --------------------------------------------------------------------------- clean text
def load_clean_texts(data_dir: Path, fixtures: Path = FIXTURES) -> list[tuple[str, str]]:
    """(source label, text) for our clean fixtures and the real data sets that are present."""
    texts = [(f"fixture:{p.name}", p.read_text(encoding="utf-8")) for p in sorted(fixtures.glob("*.txt"))]
    basil = data_dir / "basil_dev.jsonl"
    if basil.exists():
        for line in basil.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append((f"basil:{row.get('id', '')}", row["text"]))
    allsides = data_dir / "allsides_dev.jsonl"
    if allsides.exists():
        for line in allsides.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                for n, art in enumerate(row.get("articles", [])):
                    if art.get("text"):
                        texts.append((f"allsides:{row.get('cluster_id', '')}:{n}", art["text"]))
    return [(label, t) for label, t in texts if len(t.split()) >= 40]


# --------------------------------------------------------------------------- damage generator
@dataclass
class Damage:
    kind: str  # an evaluation kind (KIND_GROUPS key)
    text: str  # the damaged text
    start: int  # span of the damage in ``text``
    end: int
    note: str = ""


# whole words only (not the "century" of "19th-century"): the repair tokenizer sees whole words
_PHRASE_WORD = re.compile(r"(?<![\w'’-])[A-Za-z]+(?:['’][a-z]+)?(?![\w'’-])")
_PREPOSITIONS = ("in", "of", "at", "on", "for")
_FIRST = ("Maria", "Jonas", "Aiko", "Tomasz", "Leila", "Samuel", "Ines", "Kofi", "Nadia", "Pavel",
          "Grace", "Rafael", "Hana", "Oskar", "Priya", "Dmitri")
_LAST = ("Okonkwo", "Lindqvist", "Tanaka", "Kowalski", "Haddad", "Brennan", "Moreau", "Mensah",
         "Petrenko", "Alvarez", "Novak", "Fischer", "Iyer", "Sato", "Castillo", "Weber")
_OUTLETS = ("for The New York Times", "for The Daily Ledger", "/Reuters", "/Associated Press",
            "/Getty Images", "/AFP via Getty Images", "for The Washington Post", "/EPA-EFE")
_CAPTIONS = (
    "Residents waited in line outside a shelter on Tuesday",
    "A police officer at a checkpoint near the border in March",
    "Workers repaired a damaged bridge over the river last week",
    "The minister arrived for talks at the foreign ministry",
    "Protesters gathered in the main square on Saturday evening",
    "A view of the port from the old lighthouse",
    "Volunteers sorted donations at a warehouse in the capital",
    "Firefighters worked through the night to contain the blaze",
)
_AD_LINES = ("Advertisement", "ADVERTISEMENT", "Share this article", "Facebook Twitter Email",
             "Share on Facebook Share on Twitter", "Continue reading the main story",
             "Story continues below advertisement")
_WIRE_TAILS = ("(Reporting by {name}; Editing by {other})", "{name} contributed to this report.",
               "Copyright {year} The Daily Ledger. All rights reserved.",
               "Copyright {year} The Associated Press. All rights reserved. This material may not be "
               "published, broadcast, rewritten or redistributed.",
               "Follow {name} on Twitter @{handle}")
_PROMPTS = ("Read more: {cap}", "RELATED: {cap}", "Sign up for our morning newsletter",
            "Sign up for the Daily Briefing newsletter to get the news in your inbox",
            "Follow us on Twitter for the latest updates", "Click here to subscribe")


def _word_windows(text: str) -> list[list[re.Match[str]]]:
    """Runs of words separated by single spaces (no punctuation), per line."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for m in _PHRASE_WORD.finditer(text):
        if current and text[current[-1].end() : m.start()] == " ":
            current.append(m)
        else:
            if len(current) >= 2:
                runs.append(current)
            current = [m]
    if len(current) >= 2:
        runs.append(current)
    return runs


def inject_loop(text: str, rng: random.Random) -> Damage | None:
    runs = _word_windows(text)
    if not runs:
        return None
    k = rng.choices([1, 2, 3, 4, 5], weights=[35, 25, 20, 10, 10])[0]
    candidates = [r for r in runs if len(r) > k]
    if not candidates:
        return None
    run = rng.choice(candidates)
    a = rng.randrange(0, len(run) - k)
    words = run[a : a + k]
    start, end = words[0].start(), words[-1].end()
    phrase = text[start:end]
    nxt = run[a + k] if a + k < len(run) else None
    if nxt is not None and nxt.group().lower() == words[0].group().lower():
        return None  # would merge with the text's own next word
    extra = rng.choices([1, 2, 3], weights=[60, 25, 15])[0]
    style = "space"
    if k >= 2:
        style = rng.choices(["space", "comma", "and", "rotated"], weights=[50, 15, 15, 20])[0]
    if style == "rotated":
        prep = rng.choice(_PREPOSITIONS)
        copies = [" " + prep + " " + _vary_case(phrase, rng) for _ in range(max(2, extra))]
        inserted = "".join(copies)
    else:
        sep = {"space": " ", "comma": ", ", "and": " and "}[style]
        inserted = "".join(sep + _vary_case(phrase, rng) for _ in range(extra))
    damaged = text[:end] + inserted + text[end:]
    return Damage("loop", damaged, end, end + len(inserted), f"{style} k={k}")


def _vary_case(phrase: str, rng: random.Random) -> str:
    if rng.random() < 0.2 and phrase[:1].islower():
        return phrase[:1].upper() + phrase[1:]
    return phrase


def inject_hyphen(text: str, rng: random.Random) -> Damage | None:
    found = list(re.finditer(r"(?<=[A-Za-z]{2})-(?=[A-Za-z]{2})", text))
    if not found:
        return None
    m = rng.choice(found)
    return Damage("hyphen", text[: m.start()] + " -" + text[m.end() :], m.start(), m.start() + 2)


def inject_punctuation_space(text: str, rng: random.Random) -> Damage | None:
    found = [("p", m) for m in re.finditer(r"(?<=[A-Za-z]{2})(?=[,;:]\s|\.\s[A-Z])", text)]
    found += [("c", m) for m in re.finditer(r"(?<=\$)(?=\d)", text)]
    if not found:
        return None
    _, m = rng.choice(found)
    return Damage("punctuation_space", text[: m.start()] + " " + text[m.start() :], m.start(),
                  m.start() + 1)


def inject_quote(text: str, rng: random.Random) -> Damage | None:
    options: list[tuple[str, int, int, str]] = []
    for m in re.finditer(r"\b(we|you|they|We|You|They)[’'](re)\b", text):
        options.append(("contraction", m.start(), m.end(), f"{m.group(1)}. ” {m.group(2).capitalize()}"))
    for m in re.finditer(r"\b(don|can|didn|isn|won|doesn)[’'](t)\b", text):
        options.append(("contraction", m.start(), m.end(), f"{m.group(1)}. ” T"))
    for m in re.finditer(r"(?<=[.,!?])”", text):
        options.append(("pushed", m.start(), m.end(), " ”"))
    for m in re.finditer(r"(?:(?<=\s)|^)“(?=[A-Za-z])", text):
        options.append(("open_spaced", m.start(), m.end(), "“ "))
    for m in re.finditer(r"(?<=[.,!?])”(?=\n|$)", text):
        options.append(("turned", m.start(), m.end(), " “"))
    if not options:
        return None
    note, a, b, repl = rng.choice(options)
    return Damage("quote", text[:a] + repl + text[b:], a, a + len(repl), note)


def inject_glued(text: str, rng: random.Random) -> Damage | None:
    found = list(re.finditer(r"(?<=[a-z]{2}\.) (?=[A-Z][a-z])", text))
    if not found:
        return None
    m = rng.choice(found)
    return Damage("glued_sentence", text[: m.start()] + text[m.end() :], m.start() - 1, m.start() + 1)


def inject_debris(text: str, rng: random.Random) -> Damage | None:
    breaks = [m.end() for m in re.finditer(r"\n+", text) if m.end() < len(text)]
    if not breaks:
        return None
    at = rng.choice(breaks)
    cap = rng.choice(_CAPTIONS)
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    style = rng.choices(["credit", "photo", "ad", "prompt", "glued_credit", "wire_tail"],
                        weights=[30, 10, 25, 20, 15, 15])[0]
    if style == "wire_tail":  # wire furniture glued to the last sentence of the text
        tail = rng.choice(_WIRE_TAILS).format(
            name=name, other=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", year=rng.randrange(2008, 2026),
            handle=name.split()[1].lower(),
        )
        end = len(text.rstrip())
        if text[end - 1 : end] not in (".", "”", '"', "!", "?"):
            return None
        return Damage("debris", text[:end] + " " + tail + text[end:], end, end + 1 + len(tail), style)
    if style == "credit":
        line = f"{cap}.Credit…{name} {rng.choice(_OUTLETS)}"
    elif style == "photo":
        line = f"{cap}. Photo: {name}/{rng.choice(['AP', 'Reuters', 'AFP'])}"
    elif style == "ad":
        line = rng.choice(_AD_LINES)
    elif style == "prompt":
        line = rng.choice(_PROMPTS).format(cap=cap)
    else:  # caption and credit glued to the start of the next paragraph
        line = f"{cap}.Credit{name}{rng.choice(['/Reuters', '/Associated Press', '/Getty Images'])}"
        nxt = text[at : at + 1]
        if not nxt.isupper():
            return None
        return Damage("debris", text[:at] + line + text[at:], at, at + len(line), style)
    inserted = line + "\n"
    return Damage("debris", text[:at] + inserted + text[at:], at, at + len(inserted), style)


def inject_unicode(text: str, rng: random.Random) -> Damage | None:
    found = [m for m in re.finditer(r"\S*[’“”—–éèáíóúñüöä]\S*", text)]
    if found and rng.random() < 0.7:
        m = rng.choice(found)
        try:
            bad = m.group().encode("utf-8").decode("cp1252")
        except UnicodeDecodeError:
            bad = m.group().encode("utf-8").decode("latin-1")
        return Damage("unicode", text[: m.start()] + bad + text[m.end() :], m.start(),
                      m.start() + len(bad), "mojibake")
    words = list(re.finditer(r"[A-Za-z]{4,}", text))
    if not words:
        return None
    m = rng.choice(words)
    cut = m.start() + rng.randrange(1, len(m.group()) - 1)
    ch = rng.choice(["\u200b", "\ufeff", "\u00ad"])
    return Damage("unicode", text[:cut] + ch + text[cut:], cut, cut + 1, "invisible")


def inject_whitespace(text: str, rng: random.Random) -> Damage | None:
    found = list(re.finditer(r"(?<=\w) (?=\w)", text))
    if not found:
        return None
    m = rng.choice(found)
    pad = rng.choice(["  ", "   ", " \t"])
    return Damage("whitespace", text[: m.start()] + pad + text[m.end() :], m.start(), m.start() + len(pad))


INJECTORS: dict[str, Callable[[str, random.Random], Damage | None]] = {
    "loop": inject_loop,
    "hyphen": inject_hyphen,
    "punctuation_space": inject_punctuation_space,
    "quote": inject_quote,
    "glued_sentence": inject_glued,
    "debris": inject_debris,
    "unicode": inject_unicode,
    "whitespace": inject_whitespace,
}


# --------------------------------------------------------------------------- scoring
@dataclass
class KindScore:
    injected: int = 0
    detected: int = 0
    exact: int = 0
    tp: int = 0
    fp: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "injected": self.injected,
            "recall": _ratio(self.detected, self.injected),
            "precision": _ratio(self.tp, self.tp + self.fp),
            "exact": _ratio(self.exact, self.injected),
            "true_positives": self.tp,
            "false_positives": self.fp,
        }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _applied(repairs: list[Any]) -> list[Any]:
    return [r for r in repairs if r.replacement != r.original]


def score_damage(per_kind: int, seed: int, texts: list[tuple[str, str]]) -> dict[str, KindScore]:
    from newsfuse.repair import repair_text

    rng = random.Random(seed)
    clean_cache: dict[int, Any] = {}
    scores = {kind: KindScore() for kind in INJECTORS}
    for kind, injector in INJECTORS.items():
        score = scores[kind]
        attempts = 0
        while score.injected < per_kind and attempts < per_kind * 20:
            attempts += 1
            idx = rng.randrange(len(texts))
            label, clean = texts[idx]
            damage = injector(clean, rng)
            if damage is None:
                continue
            if idx not in clean_cache:
                clean_cache[idx] = repair_text(clean)
            rc = clean_cache[idx]
            rd = repair_text(damage.text)
            score.injected += 1
            before = Counter((r.kind, r.original, r.replacement) for r in _applied(rc.repairs))
            hit = False
            for r in _applied(rd.repairs):
                group = GROUP_OF.get(r.kind, r.kind)
                touches = r.start <= damage.end and r.end >= damage.start
                if touches and group == kind:
                    score.tp += 1
                    hit = True
                    continue
                key = (r.kind, r.original, r.replacement)
                if before[key] > 0:
                    before[key] -= 1  # the same repair is made on the clean text: not ours
                    continue
                if group in scores:
                    scores[group].fp += 1
                    scores[group].false.append(f"{label} [{kind}/{damage.note}] "
                                               f"{r.original!r} -> {r.replacement!r}")
            if hit:
                score.detected += 1
            else:
                a, b = max(0, damage.start - 50), damage.end + 50
                score.misses.append(f"{label} [{damage.note}] {damage.text[a:b]!r}")
            if rd.text == rc.text:
                score.exact += 1
    return scores


def score_clean(texts: list[tuple[str, str]]) -> dict[str, Any]:
    """False repairs per 10,000 words on untouched clean text."""
    from newsfuse.repair import repair_text

    words = 0
    changes: list[dict[str, str]] = []
    by_kind: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    for label, text in texts:
        words += len(text.split())
        result = repair_text(text)
        for r in result.repairs:
            if r.replacement == r.original:
                flags[r.kind] += 1
                continue
            if r.kind == "whitespace":
                continue  # spaces only: no word, letter or mark changes
            by_kind[r.kind] += 1
            a, b = max(0, r.start - 40), r.end + 40
            changes.append({"source": label, "kind": r.kind, "original": r.original[:120],
                            "replacement": r.replacement[:120], "context": text[a:b]})
    total = sum(by_kind.values())
    return {
        "texts": len(texts),
        "words": words,
        "false_repairs": total,
        "false_repairs_per_10k_words": round(total * 10_000 / max(words, 1), 3),
        "by_kind": dict(by_kind),
        "flags": dict(flags),
        "changes": changes,
    }


# --------------------------------------------------------------------------- seed artifacts
@dataclass
class SeedCheck:
    name: str
    file_prefix: str
    passed: Callable[[str, Any], bool]


def _gone(pattern: str) -> Callable[[str, Any], bool]:
    rx = re.compile(pattern, re.I)
    return lambda original, result: bool(rx.search(original)) and not rx.search(result.text)


def _present(before: str, after: str) -> Callable[[str, Any], bool]:
    return lambda original, result: before in original and after in result.text and before not in result.text


def _garbled(fragment: str) -> Callable[[str, Any], bool]:
    def check(original: str, result: Any) -> bool:
        return any(fragment in result.text[g.start : g.end] for g in result.garbled)
    return check


# the artifacts named in issue 3 (quoted there), looked up in the seeds at run time
SEED_CHECKS = [
    SeedCheck("loop 'a meeting in a meeting in a Meeting …' collapsed", "000", _gone(r"meeting in a meeting")),
    SeedCheck("'the Middle East and the Middle East' collapsed", "003", _gone(r"Middle East and the Middle East")),
    SeedCheck("'minerals minerals' -> 'minerals'", "003", _gone(r"\bminerals minerals\b")),
    SeedCheck("'high -tech' -> 'high-tech'", "000", _present("high -tech", "high-tech")),
    SeedCheck("'NATO -assisting' -> 'NATO-assisting'", "000", _present("NATO -assisting", "NATO-assisting")),
    SeedCheck("'we. ” Re ready' -> 'we’re ready'", "000", _present("we. ” Re ready", "we’re ready")),
    SeedCheck("caption 'in December.Credit…Mauricio Lima …' removed", "000", _gone(r"December\.Credit…")),
    SeedCheck("all 'Credit…' caption lines removed", "000", _gone(r"Credit…")),
    SeedCheck("garbled 'kept in the Russia region in the Russia …' flagged", "003",
              _garbled("in the Russia kept in the Russia")),
]


def check_seeds(seeds_dir: Path) -> list[dict[str, Any]]:
    from newsfuse.repair import repair_text

    files = {p.name[:3]: p for p in sorted(seeds_dir.glob("*.txt"))}
    out = []
    for check in SEED_CHECKS:
        path = files.get(check.file_prefix)
        if path is None:
            out.append({"check": check.name, "passed": None, "file": None})
            continue
        original = path.read_text(encoding="utf-8")
        result = repair_text(original)
        out.append({"check": check.name, "passed": bool(check.passed(original, result)),
                    "file": path.name})
    return out


# --------------------------------------------------------------------------- report
def evaluate(seed: int = 0, data_dir: Path = DEFAULT_DATA, seeds_dir: Path = DEFAULT_SEEDS,
             per_kind: int = 150) -> dict[str, Any]:
    texts = load_clean_texts(data_dir)
    damage = score_damage(per_kind, seed, texts)
    clean = score_clean(texts)
    seeds = check_seeds(seeds_dir)
    targets = {}
    for kind, (p_min, r_min) in TARGETS.items():
        d = damage[kind].as_dict()
        targets[kind] = bool(d["precision"] is not None and d["precision"] >= p_min
                             and d["recall"] is not None and d["recall"] >= r_min)
    targets["false_repairs_per_10k_words"] = clean["false_repairs_per_10k_words"] <= MAX_FALSE_PER_10K
    targets["seed_artifacts"] = all(s["passed"] for s in seeds) and bool(seeds)
    return {
        "seed": seed,
        "clean_texts": len(texts),
        "per_kind": {k: v.as_dict() for k, v in damage.items()},
        "misses": {k: v.misses[:10] for k, v in damage.items()},
        "false_positives": {k: v.false[:10] for k, v in damage.items()},
        "clean": clean,
        "seed_artifacts": seeds,
        "targets_met": targets,
    }


def _print_rich(report: dict[str, Any], verbose: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"repair: injected damage (seed {report['seed']}, {report['clean_texts']} clean texts)")
    for col in ("kind", "injected", "precision", "recall", "exact", "target"):
        table.add_column(col, justify="left" if col == "kind" else "right")
    for kind, d in report["per_kind"].items():
        target = TARGETS.get(kind)
        table.add_row(kind, str(d["injected"]), _fmt(d["precision"]), _fmt(d["recall"]), _fmt(d["exact"]),
                      f"P≥{target[0]} R≥{target[1]}" if target else "")
    console.print(table)
    clean = report["clean"]
    console.print(f"clean text: {clean['texts']} texts, {clean['words']:,} words, "
                  f"{clean['false_repairs']} non-whitespace changes = "
                  f"{clean['false_repairs_per_10k_words']} per 10,000 words (target ≤ {MAX_FALSE_PER_10K}); "
                  f"by kind {clean['by_kind']}; flags (not applied) {clean['flags']}")
    for change in clean["changes"]:
        console.print(f"  {change['source']} {change['kind']}: {change['original']!r} -> "
                      f"{change['replacement']!r}   …{change['context']!r}…", markup=False)
    seeds = Table(title="seed artifacts (issue 3)")
    seeds.add_column("artifact")
    seeds.add_column("file")
    seeds.add_column("found")
    for s in report["seed_artifacts"]:
        seeds.add_row(s["check"], s["file"] or "-", {True: "yes", False: "NO", None: "seed missing"}[s["passed"]])
    console.print(seeds)
    console.print("targets met: " + ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in report["targets_met"].items()))
    if verbose:
        for kind in report["per_kind"]:
            for line in report["misses"][kind]:
                console.print(f"  miss {kind}: {line}", markup=False)
            for line in report["false_positives"][kind]:
                console.print(f"  false {kind}: {line}", markup=False)


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def command(
    json_output: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the damage generator."),
    data_dir: Path = typer.Option(DEFAULT_DATA, "--data-dir", help="Folder with basil_dev.jsonl / allsides_dev.jsonl."),
    seeds_dir: Path = typer.Option(DEFAULT_SEEDS, "--seeds-dir", help="Folder with the seed articles."),
    per_kind: int = typer.Option(150, "--per-kind", help="Damaged documents per damage kind."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List misses and false repairs."),
    check: bool = typer.Option(False, "--check", help="Exit 1 when a target of issue 3 is missed."),
) -> None:
    """Precision/recall per damage kind, false repairs per 10k clean words, seed artifacts."""
    report = evaluate(seed=seed, data_dir=data_dir, seeds_dir=seeds_dir, per_kind=per_kind)
    if json_output:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_rich(report, verbose)
    if check and not all(report["targets_met"].values()):
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(command)
