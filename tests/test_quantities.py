"""parse_quantities on sentences written for these tests (no spaCy needed)."""

from __future__ import annotations

import pytest

from newsfuse.extract import find_dates, parse_quantities


def one(text: str):
    found = parse_quantities(text)
    assert len(found) == 1, found
    return found[0]


def test_same_value_different_hedges():
    a = one("The army now holds approx. 20 percent of the valley.")
    b = one("The army now holds almost 20 percent of the valley.")
    assert (a.value, a.unit, a.hedge) == (20.0, "percent", "approx")
    assert (b.value, b.unit, b.hedge) == (20.0, "percent", "almost")
    assert a.counts == b.counts == "valley"


def test_money_is_normalised_to_base_units():
    q = one("The deal is worth $500 billion in rare earth minerals.")
    assert q.value == 500.0 and q.unit == "USD"
    assert q.normalized == pytest.approx(5e11)
    assert q.counts == "rare earth minerals"
    spaced = one("He wants approx. $ 500 billion for the aid.")
    assert spaced.normalized == pytest.approx(5e11) and spaced.hedge == "approx"
    words = one("The sum was put at 65 billion US dollars.")
    assert words.unit == "USD" and words.normalized == pytest.approx(6.5e10)
    euro = one("Repairs will cost about €40 million.")
    assert euro.unit == "EUR" and euro.normalized == pytest.approx(4e7)


def test_area_units_are_converted_to_km2():
    km = one("Fires burned more than 112,000 square kilometers.")
    assert (km.value, km.unit, km.hedge, km.normalized) == (112000.0, "km2", "more_than", 112000.0)
    miles = one("Nearly 930 square miles have burned.")
    assert miles.unit == "km2" and miles.normalized == pytest.approx(930 * 2.589988)


def test_counted_things_and_bare_numbers():
    found = parse_quantities("Of 123 drones, the air force shot down 71.")
    assert [(q.value, q.unit) for q in found] == [(123.0, "drones"), (71.0, None)]
    hedged = one("The strike killed at least one civilian.")
    assert (hedged.value, hedged.unit, hedged.hedge) == (1.0, "civilian", "at_least")
    assert one("Some 40 police officers were hurt.").unit == "officers"
    assert one("Berlin will send 35 more tanks.").unit == "tanks"


def test_things_that_are_not_quantities():
    text = "Under Article 5, adopted in 1949, the G7 met at 10:30 on the 3rd; the match ended 3-1. He will one day return."
    assert parse_quantities(text) == []


def test_offsets_index_the_given_text():
    text = "Prices rose 4 percent."
    q = one(text)
    assert text[q.start : q.end] == q.text == "4 percent"
    shifted = parse_quantities(text, offset=100)[0]
    assert shifted.start == q.start + 100


def test_dates_resolve_against_publication_date():
    text = "On Wednesday the minister recalled the crisis of February 2022 and the vote on March 10, 2025; last year was calm, and in 2014 war began."
    found = {d.text: d.date for d in find_dates(text, "2025-03-12")}
    assert found["Wednesday"] == "2025-03-12"
    assert found["February 2022"] == "2022-02"
    assert found["March 10, 2025"] == "2025-03-10"
    assert found["last year"] == "2024"
    assert found["2014"] == "2014"
    unresolved = {d.text: d.date for d in find_dates(text, None)}
    assert unresolved["Wednesday"] is None
