"""Decoding: every encoding we promise, never an exception, always valid UTF-8 out."""

from __future__ import annotations

import codecs

import ftfy
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from newsfuse.ingest import article_id, decode_bytes, normalise_for_id, read_bytes_input
from newsfuse.testing import write_hostile_corpus
from newsfuse.types import Article

WESTERN = "Caf\u00e9 owner Ren\u00e9e Br\u00fcckner paid 12\u20ac for \u201cfresh\u201d bread \u2013 d\u00e9j\u00e0 vu in Z\u00fcrich."
GERMAN = "Die B\u00fcrger \u00e4rgerten sich \u00fcber die Stra\u00dfenbahn, die s\u00fcdlich von M\u00fcnchen h\u00e4lt."
CHINESE = "\u6e2f\u53e3\u7684\u6e21\u8f6e\u5de5\u4eba\u5468\u4e00\u590d\u5de5\uff0c\u7ed3\u675f\u4e86\u4e24\u5468\u7684\u7f62\u5de5\u3002"


@pytest.mark.parametrize(
    "data,encoding",
    [
        (codecs.BOM_UTF8 + WESTERN.encode(), "utf-8-sig"),
        (WESTERN.encode("utf-16"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + WESTERN.encode("utf-16-be"), "utf-16-be"),
        (WESTERN.encode("utf-16-le"), "utf-16-le"),  # no BOM: NULs every other byte
        (WESTERN.encode("utf-16-be"), "utf-16-be"),
        (WESTERN.encode("utf-32"), "utf-32-le"),
        (WESTERN.encode(), "utf-8"),
        (WESTERN.encode("cp1252"), "cp1252"),
    ],
)
def test_unicode_and_windows_encodings(data, encoding):
    decoded = decode_bytes(data)
    assert decoded.text == WESTERN
    assert decoded.encoding == encoding
    assert decoded.plausible


def test_latin1_with_c1_bytes_cp1252_leaves_undefined():
    text = "Se\u00f1or Ib\u00e1\u00f1ez fand die Stra\u00dfe in Z\u00fcrich sch\u00f6n."
    decoded = decode_bytes(text.encode("latin-1"))
    assert decoded.text == text and decoded.encoding == "cp1252"
    # byte 0x81 is undefined in cp1252: it is taken as Latin-1 and decoding still succeeds
    odd = decode_bytes(text.encode("latin-1") + b" \x81 end")
    assert odd.encoding == "latin-1" and odd.text.startswith(text)


def test_gb18030_is_recognised_and_western_text_is_not_mistaken_for_it():
    decoded = decode_bytes((CHINESE * 2).encode("gb18030"))
    assert decoded.encoding == "gb18030" and decoded.text == CHINESE * 2
    # Latin-1 letters followed by ASCII letters also form valid GB18030 byte pairs
    german = decode_bytes(GERMAN.encode("latin-1"))
    assert german.encoding == "cp1252" and german.text == GERMAN


def test_damaged_utf8_keeps_the_good_part_and_decodes_stray_bytes():
    data = WESTERN.encode() + " Preis: 5\u20ac.".encode("cp1252")
    decoded = decode_bytes(data)
    assert decoded.text == WESTERN + " Preis: 5\u20ac."
    assert decoded.warning and "damaged UTF-8" in decoded.warning


def test_nul_bytes_controls_and_line_endings():
    data = "First line\r\nSecond\x00 line\rThird\x07 line\n\x1b[0mFourth\u2028end".encode()
    decoded = decode_bytes(data)
    assert decoded.text == "First line\nSecond line\nThird line\n[0mFourth\nend"
    assert decoded.removed_controls == 3
    assert "control" in decoded.warning


def test_noise_and_wrong_single_byte_scripts_are_implausible():
    import random

    rng = random.Random(3)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(2000))
    assert not decode_bytes(noise).plausible
    # a Cyrillic cp1251 file would come out as accented Latin mojibake: refused, not stored
    russian = "\u041f\u0430\u0440\u043e\u043c \u0432\u0435\u0440\u043d\u0443\u043b\u0441\u044f \u0432 \u043f\u043e\u0440\u0442 \u0432 \u043f\u043e\u043d\u0435\u0434\u0435\u043b\u044c\u043d\u0438\u043a."
    assert not decode_bytes(russian.encode("cp1251")).plausible
    assert decode_bytes(russian.encode("utf-8")).plausible


def test_mojibake_stays_repairable_by_ftfy():
    """Decoding keeps double-encoded text intact (C1 characters included) so repair can fix it."""
    sloppy = WESTERN.encode("utf-8").decode("cp1252", errors="newsfuse-cp1252")
    decoded = decode_bytes(sloppy.encode("utf-8"))
    assert decoded.text == sloppy
    assert ftfy.fix_text(decoded.text, uncurl_quotes=False) == WESTERN


def test_every_encoding_case_of_the_hostile_corpus(tmp_path):
    cases = [c for c in write_hostile_corpus(tmp_path) if "encoding" in c.tags]
    assert len(cases) >= 12
    for case in cases:
        outcomes = list(read_bytes_input((tmp_path / case.filename).read_bytes(), case.filename))
        assert [type(o) for o in outcomes] == [Article], case.name
        text = outcomes[0].text
        text.encode("utf-8")
        assert "\r" not in text and "\x00" not in text
        if case.must_contain:
            assert case.must_contain in text, case.name
        for bad in case.must_not_contain:
            assert bad not in text, case.name


# --------------------------------------------------------------------------- properties
@hsettings(max_examples=400, deadline=None)
@given(st.binary(max_size=2000))
def test_decoding_any_bytes_never_raises_and_gives_clean_utf8(data):
    decoded = decode_bytes(data)
    decoded.text.encode("utf-8")  # raises on lone surrogates
    assert "\r" not in decoded.text
    assert not any(ch < " " and ch not in "\t\n" for ch in decoded.text)


_CLEAN_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\ufeff"),
    max_size=300,
)


@hsettings(max_examples=300, deadline=None)
@given(_CLEAN_TEXT)
def test_utf8_and_utf16_round_trip(text):
    assert decode_bytes(text.encode("utf-8")).text == text
    assert decode_bytes(text.encode("utf-16")).text == text
    assert decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8")).text == text


_WORDS = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                          min_size=1, max_size=12), min_size=1, max_size=40)
_SPACES = st.sampled_from([" ", "  ", "\n", "\r\n", "\t", " \n\n "])


@hsettings(max_examples=300, deadline=None)
@given(_WORDS, st.lists(_SPACES, min_size=1, max_size=40), st.booleans())
def test_article_id_stable_under_whitespace_and_case(words, spaces, upper):
    plain = " ".join(words)
    varied = "".join(w + spaces[i % len(spaces)] for i, w in enumerate(words))
    varied = varied.upper() if upper else varied.lower()
    assert article_id(varied) == article_id(plain)
    assert article_id("  " + plain + "\n\n") == article_id(plain)


def test_article_id_ignores_punctuation_style_but_not_words():
    straight = 'He said "we will stay" - and left. It\'s over.'
    curly = "He said \u201cwe will stay\u201d \u2013 and left. It\u2019s over."
    assert article_id(straight) == article_id(curly)
    assert article_id("\uff28\uff45 said") == article_id("He said")  # NFKC: full-width letters
    assert article_id(straight) != article_id(straight.replace("stay", "go"))
    assert article_id("prices rose 5") != article_id("prices rose 6")
    assert normalise_for_id("Zero\u200bwidth") == "zero width"
    assert len(article_id("x")) == 16
