"""Dates and years, resolved to (reduced-precision) ISO 8601 against the publication date.

``February 12, 2025`` -> 2025-02-12; ``in February 2022`` -> 2022-02; ``in 2014`` -> 2014;
``on Wednesday`` -> the Wednesday nearest the publication date; ``last year`` -> year - 1.
Without a publication date, relative expressions keep ``date=None`` (never guessed).
"""

from __future__ import annotations

import datetime as dt
import re

from newsfuse.types import DateMention

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?"
    r"|Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DATE = re.compile(
    r"(?<![\w-])(?:"
    r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))"
    r"|(?P<mdy>(?P<m1>"
    + _MONTH
    + r")[ \u00a0](?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:,?[ \u00a0](?P<y1>\d{4}))?)"
    r"|(?P<dmy>(?P<d2>\d{1,2})(?:st|nd|rd|th)?[ \u00a0](?:of[ \u00a0])?(?P<m2>"
    + _MONTH
    + r")(?:,?[ \u00a0](?P<y2>\d{4}))?)"
    r"|(?P<my>(?P<m3>" + _MONTH + r")(?:[ \u00a0](?:of[ \u00a0])?(?P<y3>\d{4}))?)"
    r"|(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?P<rel>(?i:yesterday|today|tomorrow|last year|this year|next year))"
    r"|(?P<year>(?:1[89]|20)\d\d)(?!\d|[ \u00a0]?(?:%|percent|per cent|people|km|miles))"
    r")(?![\w-])"
)
_YEAR_BEFORE = re.compile(
    r"(?i)(?:\b(?:in|since|before|after|by|until|till|of|from|to|during|early|late|mid|summer"
    r"|winter|spring|autumn|fall|and|year|between|through|the|around|circa)[ \u00a0]|[-\u2013(]|^)$"
)


def _published(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _month_number(name: str) -> int:
    return MONTHS[name[:3].lower()]


def _safe_date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _nearest_year(month: int, day: int, ref: dt.date | None) -> int | None:
    if ref is None:
        return None
    best = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            distance = abs((dt.date(year, month, day) - ref).days)
        except ValueError:
            continue
        if best is None or distance < best[0]:
            best = (distance, year)
    return best[1] if best else None


def find_dates(text: str, published: str | None = None, offset: int = 0) -> list[DateMention]:
    """Every date, month, weekday, relative day/year and year in ``text``."""
    ref = _published(published)
    found: list[DateMention] = []
    for match in _DATE.finditer(text):
        iso: str | None = None
        kind = match.lastgroup
        if match.group("iso"):
            iso = _safe_date(int(match["iy"]), int(match["im"]), int(match["id"]))
            if iso is None:
                continue
        elif match.group("mdy") or match.group("dmy"):
            month = _month_number(match["m1"] or match["m2"])
            day = int(match["d1"] or match["d2"])
            year_raw = match["y1"] or match["y2"]
            if not 1 <= day <= 31:
                continue
            year = int(year_raw) if year_raw else _nearest_year(month, day, ref)
            iso = _safe_date(year, month, day) if year else None
        elif match.group("my"):
            name = match["m3"]
            if name == "May" and not match["y3"]:
                continue  # the verb "may" capitalised at a sentence start
            month = _month_number(name)
            if match["y3"]:
                iso = f"{int(match['y3']):04d}-{month:02d}"
            elif ref is not None:
                year = ref.year if month <= ref.month else ref.year - 1
                iso = f"{year:04d}-{month:02d}"
        elif match.group("wd"):
            if ref is not None:
                delta = (WEEKDAYS[match["wd"].lower()] - ref.weekday()) % 7
                if delta > 3:
                    delta -= 7
                iso = (ref + dt.timedelta(days=delta)).isoformat()
        elif match.group("rel"):
            rel = match["rel"].lower()
            if ref is not None:
                shifts = {"yesterday": -1, "today": 0, "tomorrow": 1}
                if rel in shifts:
                    iso = (ref + dt.timedelta(days=shifts[rel])).isoformat()
                else:
                    year_shift = {"last year": -1, "this year": 0, "next year": 1}[rel]
                    iso = str(ref.year + year_shift)
        elif match.group("year"):
            before = text[max(0, match.start() - 12) : match.start()]
            if not _YEAR_BEFORE.search(before):
                continue
            if text[match.start() - 1 : match.start()] in "$€£":
                continue
            iso = match["year"]
        else:  # pragma: no cover - every alternative is a named group
            continue
        del kind
        found.append(DateMention(match.group(0), match.start() + offset, match.end() + offset, iso))
    return found
