"""annotate(): sentences, mentions, spans and bad input, on text written for these tests."""

from __future__ import annotations

import pytest

from newsfuse.extract import annotate, link_entities, split_sentences
from newsfuse.types import Article


def article(text: str, id: str = "a1") -> Article:
    return Article(
        id=id, path=id, source=id, title="", text=text, original_text=text, published="2025-03-12"
    )


def test_sentences_respect_titles_initials_and_abbreviations():
    text = (
        "Mr. Trump spoke with President Vladimir V. Putin of Russia. Russia holds approx. 20 percent "
        "of the land. \u201cWe will see,\u201d he said.\nA new paragraph starts here"
    )
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == [
        "Mr. Trump spoke with President Vladimir V. Putin of Russia.",
        "Russia holds approx. 20 percent of the land.",
        "\u201cWe will see,\u201d he said.",
        "A new paragraph starts here",
    ]


def test_plural_titles_do_not_end_a_sentence():
    # an AllSides brief line ended at "Democratic Reps." before the names it introduced
    text = "A statement came from Democratic Reps. Mondaire Jones and Hank Johnson. Sens. Ed Markey agreed."
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == [
        "A statement came from Democratic Reps. Mondaire Jones and Hank Johnson.",
        "Sens. Ed Markey agreed.",
    ]


def test_title_rules_give_persons_and_their_names():
    text = "On Monday Mr. HEELEY DON'T answer, but former President Bid's policy was clear to Mr. Trump."
    ann = annotate([article(text)])[0]
    persons = {m.text for m in ann.mentions if m.label == "PERSON"}
    assert {"HEELEY", "Bid", "Trump"} <= persons
    for m in ann.mentions:
        assert text[m.start : m.end] == m.text



def test_a_title_word_naming_an_institution_gives_no_person():
    # "Justice" and "General" are titles before a name, but not before these nouns: over the
    # AllSides and BASIL stories "Department" had become a person in ten of them
    text = (
        "Jeffrey Clark, a former Justice Department official, met the General Assembly and "
        "General Electric managers. Justice Kennedy and Gen. Mark Milley did not attend."
    )
    ann = annotate([article(text)])[0]
    persons = {m.text for m in ann.mentions if m.label == "PERSON"}
    assert {"Jeffrey Clark", "Kennedy", "Mark Milley"} <= persons
    assert not persons & {"Department", "Assembly", "Electric"}

def test_one_annotation_per_article_in_order_with_valid_spans():
    arts = [
        article("Berlin is calm today.", "x"),
        article("", "empty"),
        article("no names here at all.", "y"),
    ]
    anns = annotate(arts)
    assert [a.article_id for a in anns] == ["x", "empty", "y"]
    assert anns[1].mentions == [] and anns[1].quotes == [] and anns[1].sentences == []
    assert anns[2].mentions == []
    links = link_entities(arts, anns)
    assert [e.name for e in links.entities] == ["Berlin"]


def test_seed_quantities_and_sentences(seeds_dir):
    text = (seeds_dir / "003_5912240154522c01.txt").read_text(encoding="utf-8")
    ann = annotate([article(text)])[0]
    quantities = {q.text: q for q in ann.quantities}
    assert quantities["almost 20 percent"].hedge == "almost"
    assert quantities["more than 112,000 square kilometers"].unit == "km2"
    assert quantities["123 drones"].unit == "drones"
    assert quantities["65 billion US dollars"].normalized == pytest.approx(6.5e10)
    assert all(text[s.start : s.end].strip() == text[s.start : s.end] for s in ann.sentences)
    covered = sum(s.end - s.start for s in ann.sentences)
    assert covered > 0.95 * len(text.replace("\n", "").strip())


PARAGRAPH = (
    "Mayor Helen Okoro said on Monday that the city of Lagos would spend $12 million on "
    "roads. \u201cWe start now,\u201d she said. "
)


def _long_article(paragraphs: int) -> None:
    text = "\n".join([PARAGRAPH] * paragraphs)
    ann = annotate([article(text)])[0]
    assert len(ann.quotes) >= paragraphs
    assert {q.speaker for q in ann.quotes if q.kind == "direct"} == {"Helen Okoro"}
    assert all(m.end <= len(text) for m in ann.mentions)
    assert ann.mentions[-1].start > len(text) - 2000  # NER reached the end of the text


def test_long_article_is_processed_in_chunks():
    _long_article(700)  # about 20,000 words


@pytest.mark.slow
def test_hundred_thousand_word_article():
    _long_article(3500)  # about 100,000 words


def test_pathological_runs_stay_linear():
    """Runs of one character must not make any rule regex backtrack (no timing assertion:
    a quadratic pattern would make this test hang, which is the failure)."""
    from newsfuse.extract import find_dates, parse_quantities
    from newsfuse.extract.quotes import find_direct_quotes

    for text in (".", "?!", "1", "1,", "\u201c", '"', "approx. ", "Mr ", "said "):
        blob = text * (200_000 // len(text)) + " A"
        assert split_sentences(blob) is not None
        parse_quantities(blob)
        find_dates(blob)
        find_direct_quotes(blob)


def test_a_prefix_glued_to_a_name_is_not_part_of_it():
    # the seeds' "non-Nato mission" had made "non-Nato" an entity (and a word of the label)
    text = "Troops would serve in a non-Nato mission, said an ex-Justice Department official in Brussels."
    ann = annotate([article(text)])[0]
    names = {m.text for m in ann.mentions}
    assert "Justice Department" in names and "Nato" in names
    assert not any(n.lower().startswith(("non-", "ex-")) for n in names)
