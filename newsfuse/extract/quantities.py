"""Quantities in any sentence: value, unit, hedge, what is counted, normalised value.

One compiled regex finds ``[hedge] [currency] number [scale] [unit]``; a bounded look at the
next few words finds a counted noun (``123 drones``) and what a percentage or sum is *of*
(``20 percent of Ukraine``, ``$500 billion in ... minerals``). Years, dates, ordinals, times,
model numbers (``G7``, ``F-16``) and legal references (``Article 5``) are not quantities.
``normalized`` is the value in the base unit (``$500 billion`` -> 5e11 USD, ``square miles``
-> km2) so later stages compare like with like. Usable on any text: no spaCy needed.
"""

from __future__ import annotations

import re

from newsfuse.types import Quantity

HEDGES = {
    "approx": "approx",
    "approx.": "approx",
    "approximately": "approx",
    "about": "approx",
    "around": "approx",
    "roughly": "approx",
    "some": "approx",
    "an estimated": "approx",
    "estimated": "approx",
    "circa": "approx",
    "ca.": "approx",
    "nearly": "almost",
    "almost": "almost",
    "close to": "almost",
    "just under": "almost",
    "more than": "more_than",
    "over": "more_than",
    "upwards of": "more_than",
    "above": "more_than",
    "just over": "more_than",
    "well over": "more_than",
    "in excess of": "more_than",
    "at least": "at_least",
    "no less than": "at_least",
    "no fewer than": "at_least",
    "a minimum of": "at_least",
    "at most": "at_most",
    "no more than": "at_most",
    "a maximum of": "at_most",
    "up to": "up_to",
    "as many as": "up_to",
    "as much as": "up_to",
    "less than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
    "below": "less_than",
}
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a hundred": 100,
    "a thousand": 1000,
    "a dozen": 12,
    "dozen": 12,
}
SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
CURRENCY_SYMBOLS = {
    "us$": "USD",
    "u.s.$": "USD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₽": "RUB",
    "₴": "UAH",
    "usd": "USD",
    "eur": "EUR",
    "gbp": "GBP",
    "c$": "CAD",
    "a$": "AUD",
}
# unit words -> (normalised unit, factor to the base unit)
UNITS = {
    "percent": ("percent", 1.0),
    "per cent": ("percent", 1.0),
    "%": ("percent", 1.0),
    "pct": ("percent", 1.0),
    "percentage points": ("percentage_points", 1.0),
    "percentage point": ("percentage_points", 1.0),
    "us dollars": ("USD", 1.0),
    "u.s. dollars": ("USD", 1.0),
    "dollars": ("USD", 1.0),
    "dollar": ("USD", 1.0),
    "euros": ("EUR", 1.0),
    "euro": ("EUR", 1.0),
    "pounds sterling": ("GBP", 1.0),
    "pounds": ("GBP", 1.0),
    "rubles": ("RUB", 1.0),
    "roubles": ("RUB", 1.0),
    "yuan": ("CNY", 1.0),
    "yen": ("JPY", 1.0),
    "hryvnias": ("UAH", 1.0),
    "hryvnia": ("UAH", 1.0),
    "naira": ("NGN", 1.0),
    "rupees": ("INR", 1.0),
    "francs": ("CHF", 1.0),
    "square kilometers": ("km2", 1.0),
    "square kilometres": ("km2", 1.0),
    "square kilometer": ("km2", 1.0),
    "square kilometre": ("km2", 1.0),
    "sq km": ("km2", 1.0),
    "km2": ("km2", 1.0),
    "km²": ("km2", 1.0),
    "square miles": ("km2", 2.589988),
    "square mile": ("km2", 2.589988),
    "sq mi": ("km2", 2.589988),
    "hectares": ("km2", 0.01),
    "hectare": ("km2", 0.01),
    "acres": ("km2", 0.00404686),
    "kilometers": ("km", 1.0),
    "kilometres": ("km", 1.0),
    "kilometer": ("km", 1.0),
    "kilometre": ("km", 1.0),
    "km": ("km", 1.0),
    "miles": ("km", 1.609344),
    "mile": ("km", 1.609344),
    "meters": ("km", 0.001),
    "metres": ("km", 0.001),
    "centimetres": ("km", 1e-5),
    "centimeters": ("km", 1e-5),
    "millimetres": ("km", 1e-6),
    "millimeters": ("km", 1e-6),
    "inches": ("km", 2.54e-5),
    "feet": ("km", 0.0003048),
    "tonnes": ("t", 1.0),
    "tons": ("t", 1.0),
    "metric tons": ("t", 1.0),
    "tonne": ("t", 1.0),
    "kilograms": ("t", 0.001),
    "kg": ("t", 0.001),
}
CURRENCY_UNITS = {
    "NGN",
    "INR",
    "CHF",
    "USD",
    "EUR",
    "GBP",
    "JPY",
    "RUB",
    "UAH",
    "CNY",
    "CAD",
    "AUD",
}


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]


_QUANTITY = re.compile(
    r"(?<![\w.,:/\-\u2013])"
    r"(?:(?P<hedge>" + _alternation(HEDGES) + r")[ \u00a0]+)?"
    r"(?P<cur>US\$|U\.S\.[ ]?\$|C\$|A\$|\$|€|£|¥|₽|₴|USD|EUR|GBP)?[ \u00a0]?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d+,\d{1,2}(?=[ \u00a0](?:thousand|million|billion|trillion|percent|per cent))"
    r"|\d+(?:\.\d+)?"
    r"|(?i:" + _alternation(NUMBER_WORDS) + r")(?![\w-]))"
    r"(?![\d]|[.,]\d|:\d|-[A-Za-z])"
    r"(?:[ \u00a0]?(?P<scale>thousand|million|billion|trillion|mln|mn|bn|tn|[kmb])(?![\w]))?"
    r"(?:[ \u00a0]?(?P<unit>" + _alternation(UNITS) + r")(?![\w²]))?",
    re.IGNORECASE,
)
_MONTHS = re.compile(
    r"(?i)\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?$"
)
_REFERENCE_WORDS = frozenset(
    "article articles section paragraph chapter page pages no no. number flight route resolution "
    "amendment room level phase grade class rule item point points act title stage season "
    "episode game match round verse psalm".split()
)
_STOP = frozenset(
    """a an the and or but of in on at to for from by with as is was were are be been has had
    have its it his her their our this that these those which who whom whose what when where
    while than then so if per each out more less up down over under into onto off about
    after before since until also not no nor just only still even such other another same
    would will could should can may might must did do does said says told people's""".split()
)
_PLURAL_IRREGULAR = frozenset(
    "people men women children police personnel staff aircraft cattle sheep fish deer "
    "livestock infantry cavalry".split()
)
_TIME_WORDS = frozenset("day days time times way point another of".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_YEAR_CONTEXT = re.compile(
    r"(?i)(?:\b(?:in|since|before|after|by|until|till|of|from|to|during|year|early|late|mid"
    r"|summer|winter|spring|autumn|fall|and|the)\W{1,2}|[-\u2013]|^)$"
)


def _number_value(raw: str) -> float | None:
    lowered = raw.lower()
    if lowered in NUMBER_WORDS:
        return float(NUMBER_WORDS[lowered])
    if re.fullmatch(r"\d+,\d{1,2}", raw):  # European decimal comma before a scale word
        return float(raw.replace(",", "."))
    try:
        return float(raw.replace(",", ""))
    except ValueError:
        return None


def _next_words(text: str, pos: int, limit: int = 60) -> list[re.Match[str]]:
    """The next few words after ``pos`` until punctuation (bounded look-ahead)."""
    window_end = min(len(text), pos + limit)
    words: list[re.Match[str]] = []
    cursor = pos
    for match in _WORD.finditer(text, pos, window_end):
        gap = text[cursor : match.start()]
        if gap.strip():  # punctuation between words ends the phrase
            break
        words.append(match)
        cursor = match.end()
        if len(words) >= 7:
            break
    return words


def _counted_noun(
    text: str, pos: int, value: float, hedged: bool = False
) -> tuple[str | None, int]:
    """A plural noun (after at most two modifiers) right after a bare number: ``123 drones``."""
    words = _next_words(text, pos)
    for index, match in enumerate(words[:3]):
        word = match.group(0)
        lowered = word.lower().replace("\u2019", "'")
        if lowered in ("more", "additional", "extra", "new") and index == 0:
            continue  # "35 more tanks"
        if lowered in _STOP:
            return None, pos
        if lowered.endswith(("ed", "ing", "ly")):
            if index == 0 and index + 1 < len(words):
                continue  # "20 missing residents", "40 injured people": an adjective, look on
            return None, pos
        if lowered in _PLURAL_IRREGULAR or (
            lowered.endswith("s")
            and not lowered.endswith(("ss", "'s", "us", "is"))
            and len(lowered) > 3
        ):
            if index + 1 < len(words) and index < 2:
                nxt = words[index + 1].group(0).lower()
                if (
                    nxt.endswith("s")
                    and not nxt.endswith(("ss", "us", "is"))
                    and nxt not in _STOP
                    and len(nxt) > 3
                ):
                    return nxt, words[index + 1].end()  # "40 police officers"
            return lowered, match.end()
        if (
            hedged
            and value == 1
            and index == 0
            and lowered not in _TIME_WORDS
            and word.islower()
            and len(lowered) > 2
        ):
            return lowered, match.end()
    return None, pos


def _counts_of(text: str, pos: int) -> str | None:
    """What a share or sum is of: ``of Ukraine``, ``in rare earth minerals``."""
    words = _next_words(text, pos)
    if not words or words[0].group(0).lower() not in ("of", "in", "for", "on"):
        return None
    phrase: list[str] = []
    for match in words[1:6]:
        word = match.group(0)
        lowered = word.lower()
        if lowered in ("the", "a", "an", "its", "their", "his", "her", "our") and not phrase:
            continue
        if lowered in _STOP or (word.islower() and lowered.endswith(("ed", "ing"))):
            break
        phrase.append(word.rstrip("'\u2019"))
    return " ".join(phrase) or None


def parse_quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Every quantity in ``text``; spans are ``offset`` + positions in ``text``."""
    found: list[Quantity] = []
    for match in _QUANTITY.finditer(text):
        raw = match.group("num")
        value = _number_value(raw)
        if value is None:
            continue
        hedge_raw, cur, scale_raw, unit_raw = (
            match.group("hedge"),
            match.group("cur"),
            match.group("scale"),
            match.group("unit"),
        )
        is_word = raw[0].isalpha()
        if re.match(r"[-\u2013]\d", text[match.end("num") : match.end("num") + 2]):
            continue  # a score or a range: 3-1, 10-15
        num_end = match.end("num")
        glued = num_end < len(text) and text[num_end].isalpha()
        if glued and not (
            (scale_raw and match.start("scale") == num_end)
            or (unit_raw and match.start("unit") == num_end)
        ):
            continue  # "3rd", "5G", "10am"
        start, end = match.start(), match.end()
        if (
            hedge_raw
            and hedge_raw.islower() is False
            and hedge_raw[0].isupper()
            and hedge_raw.lower() not in HEDGES
        ):
            hedge_raw = None
        before = text[max(0, start - 20) : start]
        prev_word = re.search(r"([A-Za-z.]+)\W{0,2}$", before)
        prev = prev_word.group(1).lower() if prev_word else ""
        if scale_raw and scale_raw.lower() in ("m", "b", "k") and not cur:
            # "5m" without currency is metres, "b"/"k" alone too ambiguous
            if scale_raw.lower() == "m":
                unit_raw, scale_raw = "meters", None
            else:
                continue
        if not (cur or scale_raw or unit_raw or hedge_raw):
            if prev in _REFERENCE_WORDS or _MONTHS.search(before.rstrip()):
                continue
            after = text[end : end + 12]
            if re.match(r"\s*(?:st|nd|rd|th)\b", after) or re.match(
                r"[ \u00a0]?(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", after
            ):
                continue
            if (
                not is_word
                and "," not in raw
                and "." not in raw
                and 1800 <= value <= 2100
                and len(raw) == 4
            ):
                continue  # a year: dates.py reads it
        unit: str | None = None
        factor = 1.0
        if unit_raw:
            unit, factor = UNITS.get(unit_raw.lower(), (unit_raw.lower(), 1.0))
        if cur:
            unit = CURRENCY_SYMBOLS.get(cur.lower().replace(" ", ""), "USD")
            if unit_raw and UNITS.get(unit_raw.lower(), ("", 1))[0] not in CURRENCY_UNITS:
                end = match.end("scale") if scale_raw else match.end("num")
                unit_raw = None
        scale = SCALES.get(scale_raw.lower(), 1.0) if scale_raw else 1.0
        counts: str | None = None
        if unit is None:
            noun, noun_end = _counted_noun(text, end, value, hedged=bool(hedge_raw))
            if noun:
                unit, end = noun, noun_end
            elif is_word and not scale_raw:
                continue  # "one day", "two of them": a bare number word is not a quantity
        if unit in ("percent", "percentage_points") or unit in CURRENCY_UNITS or scale_raw:
            counts = _counts_of(text, end)
        if not hedge_raw:
            hedge = None
        else:
            hedge = HEDGES.get(hedge_raw.lower())
        found.append(
            Quantity(
                text=text[start:end],
                start=start + offset,
                end=end + offset,
                value=value,
                unit=unit,
                normalized=value * scale * factor,
                hedge=hedge,
                counts=counts,
            )
        )
    return found
