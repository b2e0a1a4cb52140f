"""Apply edits pass after pass while keeping every change tied to the ORIGINAL text.

Each repair pass looks at the current text and proposes :class:`Edit` objects in current-text
offsets. :class:`Ledger` applies them and keeps one record per changed region of the original,
so that ``original[start:end]`` is exactly what was replaced and replaying the records on the
original reproduces the repaired text. When a later pass edits text an earlier pass produced
(or deletes across it), the two become one record: the later pass's kind, the lower
confidence. Records never overlap each other; flags (suggestions not applied, garbled
sentences) are kept apart with ``replacement == original`` and may overlap records.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsfuse.types import Repair, Span


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` of the CURRENT text with ``replacement``."""

    start: int
    end: int
    replacement: str
    kind: str
    confidence: float = 1.0


@dataclass
class _Record:
    ostart: int
    oend: int
    replacement: str
    kind: str
    confidence: float

    @property
    def delta(self) -> int:
        return len(self.replacement) - (self.oend - self.ostart)


class Ledger:
    """The original text, the current text, and the non-overlapping records between them."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = original
        self._records: list[_Record] = []  # sorted by ostart, non-overlapping
        self.flags: list[Repair] = []

    # ------------------------------------------------------------------ editing
    def apply(self, edits: list[Edit]) -> None:
        """Apply edits (current-text offsets, any order, must not overlap each other)."""
        edits = [e for e in edits if e.replacement != self.text[e.start : e.end]]
        if not edits:
            return
        edits.sort(key=lambda e: (e.start, e.end))
        for a, b in zip(edits, edits[1:]):
            if b.start < a.end or (b.start == a.end == b.end == a.start):
                raise ValueError(f"overlapping edits {a} and {b}")
        cur_spans = self._current_spans()
        records = self._records
        new_records: list[_Record] = []
        i = 0
        delta = 0  # sum of deltas of records kept before the current position
        n = len(records)
        pieces: list[str] = []
        last = 0  # end of the previous group in current-text offsets
        k = 0
        while k < len(edits):
            group = [edits[k]]
            gs, ge = edits[k].start, edits[k].end
            # records entirely before this group are kept as they are
            while i < n and cur_spans[i][1] <= gs:
                new_records.append(records[i])
                delta += records[i].delta
                i += 1
            merged: list[_Record] = []
            k += 1
            while True:
                grew = False
                while i < n and _overlaps(cur_spans[i], gs, ge):
                    rs, re_ = cur_spans[i]
                    gs, ge = min(gs, rs), max(ge, re_)
                    merged.append(records[i])
                    i += 1
                    grew = True
                # a following edit that now falls inside the grown group joins it
                while k < len(edits) and (edits[k].start < ge or (
                        edits[k].start == ge and merged and edits[k].start == edits[k].end)):
                    group.append(edits[k])
                    ge = max(ge, edits[k].end)
                    k += 1
                    grew = True
                if not grew:
                    break
            # build the replacement text of the whole group in current text
            parts: list[str] = []
            pos = gs
            for e in group:
                parts.append(self.text[pos : e.start])
                parts.append(e.replacement)
                pos = e.end
            parts.append(self.text[pos:ge])
            replacement = "".join(parts)
            ostart = gs - delta
            oend = ostart + (ge - gs) - sum(r.delta for r in merged)
            kind = _main_kind(group, merged)
            confidence = min([e.confidence for e in group] + [r.confidence for r in merged])
            pieces.append(self.text[last:gs])
            pieces.append(replacement)
            last = ge
            delta += sum(r.delta for r in merged)  # old records now behind us
            if replacement != self.original[ostart:oend]:
                new_records.append(_Record(ostart, oend, replacement, kind, confidence))
            # else: the edit undid earlier repairs; the region is original again
        while i < n:
            new_records.append(records[i])
            i += 1
        pieces.append(self.text[last:])
        self.text = "".join(pieces)
        self._records = new_records

    def flag(self, kind: str, start: int, end: int, confidence: float) -> Span:
        """Record a suggestion on CURRENT offsets without changing text; returns its original span."""
        os_, oe = self.to_original(start, end)
        if any(f.kind == kind and f.start == os_ and f.end == oe for f in self.flags):
            return Span(os_, oe)  # already flagged in an earlier round
        self.flags.append(Repair(kind, os_, oe, self.original[os_:oe], self.original[os_:oe],
                                 confidence))
        return Span(os_, oe)

    # ------------------------------------------------------------------ mapping
    def _current_spans(self) -> list[tuple[int, int]]:
        spans = []
        delta = 0
        for r in self._records:
            cs = r.ostart + delta
            spans.append((cs, cs + len(r.replacement)))
            delta += r.delta
        return spans

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a current-text span to the smallest original span that produced it."""
        ostart: int | None = None
        oend: int | None = None
        delta_start = delta_end = 0
        for r, (cs, ce) in zip(self._records, self._current_spans()):
            if cs >= end and not (cs == ce == end and start == end):
                break
            if ce <= start:
                delta_start += r.delta
            elif cs < start < ce:
                ostart = r.ostart
            if cs < end < ce:
                oend = r.oend
            elif ce <= end and not (cs == ce == end):
                delta_end += r.delta
        if ostart is None:
            ostart = start - delta_start
        if oend is None:
            oend = end - delta_end
        return ostart, max(ostart, oend)

    def repairs(self) -> list[Repair]:
        """Applied records as Repair objects (original offsets), then the flags, by start."""
        out = [Repair(r.kind, r.ostart, r.oend, self.original[r.ostart : r.oend], r.replacement,
                      r.confidence) for r in self._records]
        out.extend(self.flags)
        out.sort(key=lambda r: (r.start, r.end, r.replacement == r.original))
        return out


def _main_kind(group: list[Edit], merged: list[_Record]) -> str:
    """Kind of a merged record: that of its largest part (a caption cut whose leftover blank
    line was then tidied stays ``debris``, not ``whitespace``)."""
    parts = [((e.end - e.start) + len(e.replacement), e.kind) for e in group]
    parts += [((r.oend - r.ostart) + len(r.replacement), r.kind) for r in merged]
    return max(parts, key=lambda p: p[0])[1]


def _overlaps(span: tuple[int, int], gs: int, ge: int) -> bool:
    """Whether a record's current span must merge with an edit group ``[gs, ge)``."""
    rs, re_ = span
    if rs < ge and gs < re_:
        return True
    if rs == re_ and gs < rs < ge:  # a deletion strictly inside the group
        return True
    if gs == ge and rs < gs < re_:  # an insertion strictly inside the record
        return True
    return False


def apply_repairs(original: str, repairs: list[Repair]) -> str:
    """Replay applied repairs on the original text (flags, replacement == original, are skipped)."""
    edits = sorted((r for r in repairs if r.replacement != r.original), key=lambda r: (r.start, r.end))
    out: list[str] = []
    pos = 0
    for r in edits:
        if r.start < pos:
            raise ValueError(f"repairs overlap at {r.start}")
        out.append(original[pos : r.start])
        out.append(r.replacement)
        pos = r.end
    out.append(original[pos:])
    return "".join(out)
