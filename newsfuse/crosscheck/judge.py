"""Judge aligned statements: do the sources agree, or do they contradict each other?

Precision first: a conflict is declared only when two independent sources state the *same*
quantity (same unit, same thing counted, one such quantity per sentence) with values outside
each other's hedges and rounding, the same event on incompatible absolute dates, or the same
quoted words from different speakers. Everything else that two sources share is
corroboration.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from newsfuse.crosscheck.statements import Statement, content_tokens, is_absolute_date, stem
from newsfuse.types import DateMention, Quantity, Quote

INF = math.inf

_PRONOUNS = frozenset("he she they it we i you his her their its this that who".split())


# --------------------------------------------------------------------------- numbers
def _rounding(q: Quantity) -> float:
    """How far the true value may lie from the written one through rounding alone.

    Half a unit of the last written digit ('123' -> 0.5, '2.5' -> 0.05); a round number
    ('500', '3,000') is read as rounded, but only to a fifth of its last zero place
    ('3,000' -> +-100), so '3,000' and '4,000' still conflict. At least 1 percent.
    """
    raw = re.sub(r"[^\d.]", "", re.sub(r"^\D*", "", q.text or "")).strip(".")
    value = abs(q.value)
    if raw and "." in raw:
        decimals = len(raw.split(".", 1)[1])
        tolerance = 0.5 * 10.0 ** (-decimals)
    elif value >= 1:
        digits = str(int(round(value)))
        trailing = len(digits) - len(digits.rstrip("0"))
        tolerance = 0.5 if trailing == 0 else 0.1 * 10.0**trailing
    else:
        tolerance = 0.005
    return max(tolerance, 0.01 * value)


def interval(q: Quantity) -> tuple[float, float]:
    """The values a quantity as written allows, in its base unit (hedge and rounding applied)."""
    base = q.normalized if q.normalized is not None else q.value
    factor = (base / q.value) if q.value else 1.0
    r = _rounding(q) * abs(factor)
    v = base
    hedge = (q.hedge or "").lower()
    if hedge in ("approx", "about", "around", "roughly", "estimated", "some"):
        return v * 0.85 - r, v * 1.15 + r
    if hedge in ("almost", "nearly", "just_under", "close_to"):
        return v * 0.85 - r, v + r
    if hedge in ("more_than", "over", "at_least", "above", "exceeds"):
        return v - r, INF
    if hedge in ("less_than", "under", "at_most", "up_to", "fewer_than", "below"):
        return -INF, v + r
    return v - r, v + r


# nouns that count people: one kind, whatever word an outlet chose ("residents", "inhabitants")
PERSON_NOUNS = frozenset(
    """people person persons resident residents inhabitant inhabitants individual individuals
    citizen citizens villager villagers local locals civilian civilians""".split()
)


def noun_kind(noun: str) -> str:
    """A counted noun as a comparable kind: person nouns are one kind, others their stem."""
    low = noun.lower()
    return "person" if low in PERSON_NOUNS else stem(low)


def _kind(q: Quantity) -> tuple[str | None, str | None]:
    unit = noun_kind(q.unit) if q.unit and q.unit[:1].isalpha() and q.unit not in ("USD",) else q.unit
    counts = noun_kind(q.counts) if q.counts else None
    return unit, counts


def comparable(a: Quantity, b: Quantity) -> bool:
    """Same unit and, when both say what is counted, the same thing counted."""
    ua, ca = _kind(a)
    ub, cb = _kind(b)
    if ua is None and ub is None:
        return ca is not None and ca == cb
    if ua != ub:
        return False
    return ca is None or cb is None or ca == cb


def _is_year(q: Quantity) -> bool:
    return q.unit is None and float(q.value).is_integer() and 1800 <= q.value <= 2100 and not q.hedge


def quantities_agree(a: Quantity, b: Quantity) -> bool:
    lo_a, hi_a = interval(a)
    lo_b, hi_b = interval(b)
    return lo_a <= hi_b and lo_b <= hi_a


CONTEXT_CHARS = 50  # characters either side of a number or date that say what it is about
CONTEXT_OVERLAP = 0.4  # share of the smaller context the two must have in common


def _context(s: Statement, start: int, end: int) -> set[str]:
    lo = max(0, start - s.start - CONTEXT_CHARS)
    hi = min(len(s.text), end - s.start + CONTEXT_CHARS)
    words = content_tokens(s.text[lo : start - s.start]) + content_tokens(s.text[end - s.start : hi])
    return {w for w in words if not w[:1].isdigit()}


def same_context(a: Statement, x: Quantity | DateMention, b: Statement, y: Quantity | DateMention) -> bool:
    """Do the words around two numbers (or dates) say they measure the same thing?

    '120 homes destroyed before the fire was contained' vs '300 homes destroyed before
    firefighters contained it': yes. '90% effective against hospitalisation' vs 'below 50
    percent after five months': no, so no conflict is claimed.
    """
    ca, cb = _context(a, x.start, x.end), _context(b, y.start, y.end)
    if not ca or not cb:
        return False
    return len(ca & cb) / min(len(ca), len(cb)) >= CONTEXT_OVERLAP


def number_conflict(a: Statement, b: Statement) -> tuple[Quantity, Quantity] | None:
    """The first quantity stated differently by the two statements, if any.

    Only unambiguous pairings count: the quantity kind appears once in each sentence, and
    the words around both numbers agree on what is measured.
    """
    qa = [q for q in a.quantities if not _is_year(q)]
    qb = [q for q in b.quantities if not _is_year(q)]
    for x in qa:
        partners = [y for y in qb if comparable(x, y)]
        same_kind_a = [z for z in qa if comparable(x, z)]
        if len(partners) != 1 or len(same_kind_a) != 1:
            continue
        y = partners[0]
        if not quantities_agree(x, y) and same_context(a, x, b, y):
            return x, y
    return None


# --------------------------------------------------------------------------- dates
# a date right after one of these words bounds a period; it is not when something happened
BOUND_WORDS = re.compile(r"\b(?:since|before|after|until|till|from|by|than)\s*$", re.IGNORECASE)


def _date_parts(d: DateMention, s: Statement | None = None) -> str | None:
    """The ISO date of an event date; None for relative ones and bounds ('since 1995')."""
    if not d.date or not is_absolute_date(d):
        return None
    if s is not None and BOUND_WORDS.search(s.text[max(0, d.start - s.start - 12) : d.start - s.start]):
        return None
    return d.date.split("T", 1)[0]


def _dates_compatible(x: str, y: str) -> bool:
    if x.startswith("--") or y.startswith("--"):  # month-day without a year
        return x[-5:] == y[-5:] or len(x) < 8 or len(y) < 8
    short, long_ = sorted((x, y), key=len)
    return long_.startswith(short)


def date_conflict(a: Statement, b: Statement) -> tuple[DateMention, DateMention] | None:
    """Absolute dates that cannot be the same day, when each sentence names exactly one."""
    da = [d for d in a.dates if _date_parts(d, a)]
    db = [d for d in b.dates if _date_parts(d, b)]
    if len(da) != 1 or len(db) != 1:
        return None
    x, y = _date_parts(da[0], a), _date_parts(db[0], b)
    assert x is not None and y is not None
    # a year against a full date in another year is a conflict; against one in it is not
    if _dates_compatible(x, y) or not same_context(a, da[0], b, db[0]):
        return None
    return da[0], db[0]


# --------------------------------------------------------------------------- quotes
_GENERIC = frozenset(
    """official officials spokesman spokeswoman spokesperson source sources aide aides
    minister ministry government police statement agency department office""".split()
)


def _speaker_key(
    q: Quote, entity_names: dict[str, str], entity_types: dict[str, str], sentence: str = ""
) -> str | None:
    """A comparable identity for a person named in the quote's own sentence.

    None for pronouns ('he said', even when resolved elsewhere), titles ('a US official'),
    places, groups, and speakers whose name is not in the sentence: an attribution carried
    over from another sentence is too weak to call two outlets contradictory.
    """
    surface = (q.speaker or "").strip()
    if not surface or surface.split()[0].lower() in _PRONOUNS:
        return None
    if sentence and surface.split()[-1] not in sentence:
        return None
    if q.speaker_entity_id:
        kind = entity_types.get(q.speaker_entity_id)
        if kind is not None and kind != "PERSON":
            return None
        name = entity_names.get(q.speaker_entity_id, q.speaker or "")
    else:
        name = q.speaker or ""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’\-]*", name)]
    if not words or any(w.lower() in _GENERIC for w in words) or words[0].lower() in _PRONOUNS:
        return None
    if not all(w[0].isupper() for w in words):
        return None
    return " ".join(w.lower() for w in words)


def _same_person(a: str, b: str) -> bool:
    """'Peskov' and 'Dmitry Peskov': same last name, one name contained in the other."""
    ta, tb = a.split(), b.split()
    if ta == tb:
        return True
    return ta[-1] == tb[-1] or set(ta) <= set(tb) or set(tb) <= set(ta)


def quote_conflict(
    a: Statement, b: Statement, entity_names: dict[str, str], entity_types: dict[str, str] | None = None
) -> tuple[Quote, Quote] | None:
    """The same directly quoted words (at least 4) attributed to two different named people.

    Partial and reported quotes are left out: their attribution is the extractor's reading
    of the surrounding clause, too uncertain to accuse an outlet of a wrong attribution.
    """
    from rapidfuzz import fuzz

    entity_types = entity_types or {}
    for qa in a.quotes:
        ka = _speaker_key(qa, entity_names, entity_types, a.text)
        if ka is None or len(qa.text.split()) < 4 or qa.kind != "direct":
            continue
        for qb in b.quotes:
            kb = _speaker_key(qb, entity_names, entity_types, b.text)
            if kb is None or len(qb.text.split()) < 4 or qb.kind != "direct":
                continue
            if fuzz.ratio(qa.text.lower(), qb.text.lower()) < 80 and fuzz.partial_ratio(
                qa.text.lower(), qb.text.lower()
            ) < 90:
                continue
            if not _same_person(ka, kb):
                return qa, qb
    return None


def speaker_label(q: Quote, entity_names: dict[str, str]) -> str:
    if q.speaker_entity_id and q.speaker_entity_id in entity_names:
        return entity_names[q.speaker_entity_id]
    return q.speaker or "unattributed"


# --------------------------------------------------------------------------- group verdict
def judge_group(
    members: Sequence[Statement],
    entity_names: dict[str, str],
    entity_types: dict[str, str] | None = None,
    pair_score: Callable[[int, int], float] | None = None,
    conflict_min_similarity: float = 0.0,
) -> tuple[str, str]:
    """(status, note) for a group of aligned statements.

    Conflicts are looked for only between members that were aligned directly and closely
    (``pair_score >= conflict_min_similarity``): two sentences merely on the same topic may
    well give different numbers for different things.
    """
    sources = []
    for s in members:
        if s.outlet not in sources:
            sources.append(s.outlet)
    if len({s.source for s in members}) < 2:
        return "single_source", f"only {sources[0]} reports this"
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if a.source == b.source:
                continue
            close = pair_score is None or pair_score(a.index, b.index) >= conflict_min_similarity
            quotes = quote_conflict(a, b, entity_names, entity_types)
            if quotes:
                x, y = quotes
                return "conflicting", (
                    f"quote attributed to {speaker_label(x, entity_names)} by {a.outlet} "
                    f"but to {speaker_label(y, entity_names)} by {b.outlet}"
                )
            if not close:
                continue
            nums = number_conflict(a, b)
            if nums:
                x, y = nums
                return "conflicting", (
                    f"numbers differ: {a.outlet} says “{x.text}”, {b.outlet} says “{y.text}”"
                )
            dates = date_conflict(a, b)
            if dates:
                x, y = dates
                return "conflicting", (
                    f"dates differ: {a.outlet} says “{x.text}”, {b.outlet} says “{y.text}”"
                )
    return "corroborated", "reported by " + ", ".join(sources)
