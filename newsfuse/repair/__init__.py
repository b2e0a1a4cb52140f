"""Repair: mend machine-translation damage and page debris, every change recorded.

Public API:
    repair_text(text, settings=None) -> RepairResult   # (text, repairs, garbled)
    repair_article(article, settings=None) -> Article  # repairs article.original_text and the title
    apply_repairs(original, repairs) -> str            # replays the applied records

Repair kinds (``Repair.kind``; docs/repair.md has the full rules and what is left alone):
    unicode            mojibake decoded (ftfy), zero-width/control/soft-hyphen characters dropped
    whitespace         runs of spaces, odd spaces (NBSP), trailing spaces, piles of blank lines
    debris             captions with photo credits, Advertisement, share bars, prompts
    hyphen             detached hyphen ``high -tech`` -> ``high-tech``
    punctuation_space  ``word ,`` -> ``word,``; ``$ 500`` -> ``$500``
    quote              split contractions ``we. ” Re`` -> ``we’re``; mis-spaced/turned quotes
    glued_sentence     ``December.Then`` -> ``December. Then``
    doubled_word       ``minerals minerals`` -> ``minerals``
    loop               repeated phrases, with or without commas/"and" between copies
    garbled            a FLAG: a sentence that cannot be mended safely (never an edit)

Every record indexes the ORIGINAL text: ``original[start:end] == repair.original``.
``confidence`` is how sure the rule is that the change restores what the author wrote.
Records with ``replacement == original`` are flags: suggestions below
``RepairSettings.min_confidence`` (not applied), suspected debris that could not be cut
safely, and garbled sentences (confidence 0.2-0.3 = "this text is unreliable").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from newsfuse.repair.debris import debris_edits
from newsfuse.repair.garbled import garbled_spans
from newsfuse.repair.glued import glued_edits
from newsfuse.repair.hyphens import hyphen_edits, punctuation_space_edits
from newsfuse.repair.loops import flood_edits, loop_edits
from newsfuse.repair.quotes import quote_edits
from newsfuse.repair.spans import Edit, Ledger, apply_repairs
from newsfuse.repair.unicode import invisible_edits, mojibake_edits
from newsfuse.repair.whitespace import whitespace_edits
from newsfuse.settings import RepairSettings
from newsfuse.types import Article, RepairResult, Span

__all__ = ["repair_text", "repair_article", "apply_repairs", "KINDS"]

KINDS = ("unicode", "whitespace", "debris", "hyphen", "punctuation_space", "quote",
         "glued_sentence", "doubled_word", "loop", "garbled")

_DEBRIS_SUSPECT_CONFIDENCE = 0.4
_MAX_ROUNDS = 4


def repair_text(text: str, settings: RepairSettings | None = None) -> RepairResult:
    """Repair one text; the result's repairs index ``text``, its garbled spans the result."""
    s = settings or RepairSettings()
    if not s.enabled or not text:
        return RepairResult(text=text)
    ledger = Ledger(text)
    disabled = set(s.disabled_kinds)

    def run(make: Callable[[str], list[Edit]]) -> int:
        edits = [e for e in make(ledger.text) if e.kind not in disabled]
        keep: list[Edit] = []
        for e in edits:
            if e.confidence >= s.min_confidence:
                keep.append(e)
            else:
                ledger.flag(e.kind, e.start, e.end, e.confidence)
        keep = _disjoint(keep)
        ledger.apply(keep)
        return len(keep)

    def debris_pass(current: str) -> list[Edit]:
        edits, suspects = debris_edits(current)
        if "debris" not in disabled:
            for a, b in suspects:
                ledger.flag("debris", a, b, _DEBRIS_SUSPECT_CONFIDENCE)
        return edits

    def one_round() -> int:
        """One pass of everything; returns how many edits could expose new damage."""
        changed = run(flood_edits)  # hostile floods of one word first: the rest is then small
        run(mojibake_edits)
        run(invisible_edits)
        if _until_stable(lambda: run(whitespace_edits)):
            # a collapsed space can leave a mojibake sequence ftfy only reads right on its own
            # ("\xa0â€™" is not a mangled ’, "â€™" is): look again, or a second repair would
            run(mojibake_edits)
        changed += run(debris_pass) + run(hyphen_edits) + run(punctuation_space_edits)
        changed += run(quote_edits) + run(glued_edits)
        changed += run(lambda t: loop_edits(t, s.max_loop_words))  # new loops: next round
        _until_stable(lambda: run(whitespace_edits))  # spaces only: exposes nothing new
        return changed

    # a repair can expose damage an earlier pass already looked for (a loop collapses into a
    # lone "Advertisement" line): another round while structural edits were made, so
    # repairing twice is a no-op; a text that only needed whitespace/unicode fixes takes one
    _until_stable(one_round, limit=_MAX_ROUNDS)

    garbled: list[Span] = []
    if s.flag_garbled and "garbled" not in disabled:
        for a, b, conf in garbled_spans(ledger.text):
            garbled.append(Span(a, b))
            ledger.flag("garbled", a, b, conf)
    return RepairResult(text=ledger.text, repairs=ledger.repairs(), garbled=garbled)


def repair_article(article: Article, settings: RepairSettings | None = None) -> Article:
    """Repair ``article.original_text`` (never ``article.text``), so repairing twice is stable.

    The title gets the same rules (ECB+ headlines read ``6. 1 - magnitude quake``). Its
    records index the original title, kept as ``extra["original_title"]``, and are listed in
    ``extra["title_repairs"]``; a title nothing changed carries neither key."""
    s = settings or RepairSettings()
    extra = dict(article.extra)
    original_title = extra.pop("original_title", None) or article.title
    extra.pop("title_repairs", None)
    if not s.enabled:
        return dataclasses.replace(article, title=original_title, text=article.original_text, repairs=[],
                                   garbled=[], extra=extra)
    title = original_title
    if original_title.strip():
        mended = repair_text(original_title, s)
        applied = [r for r in mended.repairs if r.replacement != r.original]
        if applied and mended.text:
            title = mended.text
            extra["original_title"] = original_title
            extra["title_repairs"] = [dataclasses.asdict(r) for r in applied]
    result = repair_text(article.original_text, s)
    return dataclasses.replace(article, title=title, text=result.text, repairs=result.repairs,
                               garbled=result.garbled, extra=extra)


def _until_stable(step: Callable[[], int], limit: int = 4) -> int:
    total = 0
    for _ in range(limit):
        n = step()
        total += n
        if not n:
            break
    return total


def _disjoint(edits: list[Edit]) -> list[Edit]:
    """Sort edits; merge overlapping deletions, drop any other edit that overlaps an earlier one."""
    out: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, -e.end)):
        if out and (e.start < out[-1].end or (e.start == out[-1].start and e.start == e.end)):
            prev = out[-1]
            if prev.replacement == "" and e.replacement == "" and e.end > prev.end:
                out[-1] = Edit(prev.start, e.end, "", prev.kind, min(prev.confidence, e.confidence))
            continue
        out.append(e)
    return out
