"""Turn stored stories and articles into what the templates show.

Templates only place values; all decisions (which passage a citation opens, how repairs split
the original text) are made here, in plain Python that is easy to test. Nothing here marks
text as safe: the templates escape every string.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from newsfuse.types import Article

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
_WORD = re.compile(r"\w{2,40}")
MAX_SCAN_CHARS = 60_000  # passage finding looks at this much of an article, no more
CONTEXT_CHARS = 160


@dataclass
class Passage:
    """A cited stretch of one article, with a little context either side."""

    anchor: str
    article_id: str
    source: str
    title: str
    start: int
    end: int
    before: str
    text: str
    after: str
    exact: bool  # False when the brief sentence was matched to its closest sentence


@dataclass
class Citation:
    label: str
    passage: Passage


@dataclass
class BriefLine:
    text: str
    citations: list[Citation] = field(default_factory=list)
    claim_ids: list[str] = field(default_factory=list)


@dataclass
class Segment:
    text: str
    kind: str = ""  # "" plain, "mark" highlighted passage, "garbled", "repair"
    replacement: str = ""
    note: str = ""


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    start = 0
    for m in _SENTENCE_END.finditer(text, max(0, pos - 2000), pos):
        start = m.end()
    m = _SENTENCE_END.search(text, pos, min(len(text), pos + 2000))
    end = m.end() if m else min(len(text), pos + 400)
    while start < end and text[start].isspace():
        start += 1
    return start, end


class SentenceIndex:
    """An article's sentences with their word sets, built once per article per page."""

    def __init__(self, text: str) -> None:
        self.sentences: list[tuple[int, int, frozenset[str]]] = []
        scan = text[:MAX_SCAN_CHARS]
        start = 0
        for m in list(_SENTENCE_END.finditer(scan)) + [None]:
            end = m.end() if m else len(scan)
            s = start
            while s < end and scan[s].isspace():
                s += 1
            words = frozenset(w.lower() for w in _WORD.findall(scan[s:end]))
            if words:
                self.sentences.append((s, end, words))
            start = end

    def best(self, target: str) -> tuple[int, int] | None:
        """The sentence sharing most words with ``target`` (None below 30 % of its words)."""
        want = {w.lower() for w in _WORD.findall(target)}
        if not want:
            return None
        best: tuple[float, int, int] | None = None
        for s, e, words in self.sentences:
            score = len(want & words) / len(want)
            if best is None or score > best[0]:
                best = (score, s, e)
        if best is None or best[0] < 0.3:
            return None
        return best[1], best[2]


def make_passage(anchor: str, article: Article, start: int, end: int, exact: bool) -> Passage:
    text = article.text
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    if start - CONTEXT_CHARS > 0:
        before = "…" + before.split(" ", 1)[-1] if " " in before else "…" + before
    if end + CONTEXT_CHARS < len(text):
        after = (after.rsplit(" ", 1)[0] if " " in after else after) + "…"
    return Passage(anchor, article.id, article.source, article.title, start, end, before, text[start:end], after, exact)


def find_passage(anchor: str, article: Article, sentence: str, evidence: list[dict[str, Any]],
                 index: dict[str, SentenceIndex] | None = None) -> Passage:
    """Where in ``article`` the cited ``sentence`` is: claim evidence, exact text, or closest."""
    for ev in evidence:
        if ev.get("article_id") == article.id and isinstance(ev.get("start"), int) and isinstance(ev.get("end"), int):
            if 0 <= ev["start"] < ev["end"] <= len(article.text):
                return make_passage(anchor, article, ev["start"], ev["end"], True)
    probe = sentence.strip()
    if probe:
        pos = article.text.find(probe[:300])
        if pos >= 0:
            return make_passage(anchor, article, pos, pos + len(probe), True)
    index = index if index is not None else {}
    if article.id not in index:
        index[article.id] = SentenceIndex(article.text)
    found = index[article.id].best(sentence)
    if found:
        return make_passage(anchor, article, found[0], found[1], False)
    s, e = _sentence_bounds(article.text, 0)
    return make_passage(anchor, article, s, e, False)


def source_labels(articles: list[Article]) -> dict[str, str]:
    """A short chip label per article: its outlet, numbered when an outlet has several."""
    by_source: dict[str, list[str]] = OrderedDict()
    for a in articles:
        by_source.setdefault(a.source or "unknown outlet", []).append(a.id)
    labels = {}
    for source, ids in by_source.items():
        for n, aid in enumerate(ids, 1):
            labels[aid] = source if len(ids) == 1 else f"{source} {n}"
    return labels


def brief_lines(story: dict[str, Any], articles: dict[str, Article], labels: dict[str, str]) -> list[BriefLine]:
    claims = {c["id"]: c for c in story.get("claims", [])}
    index: dict[str, SentenceIndex] = {}
    lines = []
    for i, b in enumerate(story.get("brief", [])):
        evidence = [ev for cid in b.get("claim_ids", []) for ev in claims.get(cid, {}).get("evidence", [])]
        line = BriefLine(text=b.get("text", ""), claim_ids=list(b.get("claim_ids", [])))
        for j, aid in enumerate(dict.fromkeys(b.get("article_ids", []))):
            art = articles.get(aid)
            if art is None:
                continue
            passage = find_passage(f"c{i}-{j}", art, line.text, evidence, index)
            line.citations.append(Citation(labels.get(aid, aid[:8]), passage))
        lines.append(line)
    return lines


def claim_views(story: dict[str, Any], articles: dict[str, Article], labels: dict[str, str]) -> list[dict[str, Any]]:
    order = {"conflicting": 0, "corroborated": 1, "single_source": 2}
    index: dict[str, SentenceIndex] = {}
    out = []
    for k, c in enumerate(story.get("claims", [])):
        evidence = []
        for j, ev in enumerate(c.get("evidence", [])):
            art = articles.get(ev.get("article_id", ""))
            if art is None:
                continue
            p = find_passage(f"e{k}-{j}", art, ev.get("sentence", ""), [ev], index)
            evidence.append(Citation(labels.get(art.id, art.source), p))
        numbers = [
            {"text": n.get("text", ""), "source": n.get("source") or labels.get(n.get("article_id", ""), ""), "article_id": n.get("article_id", "")}
            for n in c.get("numbers", [])
        ]
        out.append(dict(c, evidence_views=evidence, number_views=numbers, index=k))
    out.sort(key=lambda c: (order.get(c.get("status", ""), 3), c["index"]))
    return out


def quote_groups(story: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Who said what: quotes grouped by speaker (unattributed last)."""
    groups: dict[str, dict[str, Any]] = OrderedDict()
    for q in story.get("quotes", []):
        speaker = (q.get("speaker") or "").strip()
        key = q.get("speaker_entity_id") or speaker.lower() or "\uffff"
        g = groups.setdefault(key, {"speaker": speaker or "Unattributed", "entity_id": q.get("speaker_entity_id"), "quotes": []})
        g["quotes"].append(dict(q, label=labels.get(q.get("article_id", ""), "")))
    return sorted(groups.values(), key=lambda g: (g["speaker"] == "Unattributed", -len(g["quotes"]), g["speaker"]))


def coverage(story: dict[str, Any], articles: list[Article]) -> list[dict[str, Any]]:
    notes = story.get("coverage", {}) or {}
    outlets: dict[str, dict[str, Any]] = OrderedDict()
    for a in articles:
        o = outlets.setdefault(a.source or "unknown outlet", {"source": a.source or "unknown outlet", "articles": [], "note": ""})
        o["articles"].append(a)
    for source, note in notes.items():
        if source in outlets:
            outlets[source]["note"] = note
    return sorted(outlets.values(), key=lambda o: (-len(o["articles"]), o["source"]))


def text_segments(text: str, highlight: tuple[int, int] | None, garbled: list[tuple[int, int]]) -> list[Segment]:
    """``text`` cut into plain / highlighted / garbled runs (highlight wins on overlap)."""
    marks: list[tuple[int, int, str]] = []
    if highlight and 0 <= highlight[0] < highlight[1] <= len(text):
        marks.append((highlight[0], highlight[1], "mark"))
    for s, e in garbled:
        if 0 <= s < e <= len(text):
            if not (highlight and s < highlight[1] and e > highlight[0]):
                marks.append((s, e, "garbled"))
    marks.sort()
    out: list[Segment] = []
    pos = 0
    for s, e, kind in marks:
        if s < pos:
            continue
        if s > pos:
            out.append(Segment(text[pos:s]))
        out.append(Segment(text[s:e], kind))
        pos = e
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def repair_segments(original: str, repairs: list[dict[str, Any]]) -> list[Segment]:
    """The original text with each repair shown as original -> replacement."""
    out: list[Segment] = []
    pos = 0
    for r in sorted(repairs, key=lambda r: (r.get("start", 0), r.get("end", 0))):
        s, e = int(r.get("start", 0)), int(r.get("end", 0))
        if s < pos or e < s or e > len(original):
            continue
        if s > pos:
            out.append(Segment(original[pos:s]))
        out.append(Segment(original[s:e], "repair", r.get("replacement", ""), r.get("kind", "")))
        pos = e
    if pos < len(original):
        out.append(Segment(original[pos:]))
    return out


def parse_span(s: str | None, e: str | None, length: int) -> tuple[int, int] | None:
    try:
        start, end = int(s or ""), int(e or "")
    except ValueError:
        return None
    if 0 <= start < end <= length:
        return start, end
    return None


def snippet_parts(snippet: str, marks: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """A search snippet cut into (text, matched) runs for the template to wrap in <mark>."""
    parts, pos = [], 0
    for s, e in sorted(marks):
        if s < pos:
            continue
        if s > pos:
            parts.append((snippet[pos:s], False))
        parts.append((snippet[s:e], True))
        pos = e
    if pos < len(snippet):
        parts.append((snippet[pos:], False))
    return parts
