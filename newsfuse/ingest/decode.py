"""Bytes -> text that is always valid UTF-8; never raises.

Order of decisions (each cheap, most on a bounded sample):
1. a byte-order mark: UTF-8, UTF-32 and UTF-16 (LE/BE);
2. UTF-16 without a BOM, recognised by NUL bytes at every other position;
3. strict UTF-8;
4. *damaged* UTF-8 (more valid multi-byte sequences than invalid bytes, as when a scraper
   concatenated a UTF-8 page with a cp1252 fragment): invalid bytes are decoded one by one as
   cp1252, so nothing is lost and ftfy can still repair the rest later;
5. GB18030, only when it decodes strictly *and* the Han characters come in runs (Western text
   mis-decoded as GB18030 gives isolated Han characters between Latin letters);
6. cp1252, with the five bytes cp1252 leaves undefined taken as Latin-1 (so Latin-1 files,
   which never use the C1 range for text, come out the same).

Then NUL bytes and other control characters are removed and line endings become ``\\n``.
``Decoded.plausible`` says whether the result looks like text at all (letters, few controls):
ingest rejects implausible results as NF004 instead of storing noise. Mojibake repair (ftfy) is
the repair stage's job, not this one's.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

_SAMPLE = 65_536

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls except \t \n \r, and DEL: removed from every decoded text. C1 controls
# (U+0080-U+009F) are kept: in mojibake they are pieces of characters ftfy can still restore
# (the repair stage runs ftfy and drops the ones that are real junk).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029]")


def _cp1252_then_latin1(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode each offending byte as cp1252, else Latin-1 (never fails)."""
    assert isinstance(err, UnicodeDecodeError)
    out = []
    for byte in err.object[err.start : err.end]:
        single = bytes((byte,))
        try:
            out.append(single.decode("cp1252"))
        except UnicodeDecodeError:
            out.append(single.decode("latin-1"))
    return "".join(out), err.end


codecs.register_error("newsfuse-cp1252", _cp1252_then_latin1)


@dataclass
class Decoded:
    text: str
    encoding: str
    # set when the bytes were not clean UTF-8 (damaged, legacy encoding, NUL bytes removed)
    warning: str | None = None
    plausible: bool = True
    removed_controls: int = 0


def _utf16_without_bom(sample: bytes) -> str | None:
    if len(sample) < 4:
        return None
    even = sample[0::2]
    odd = sample[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _utf8_balance(data: bytes) -> tuple[int, int]:
    """(valid multi-byte characters, invalid sequences) in a bounded sample of ``data``."""
    text = data[:_SAMPLE].decode("utf-8", errors="replace")
    already = data[:_SAMPLE].count(b"\xef\xbf\xbd")  # real U+FFFD in the input
    invalid = text.count("\ufffd") - already
    valid = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd") + already
    return valid, invalid


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x2FFFF
    )


def _looks_like_gb18030(data: bytes) -> str | None:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    sample = text[:_SAMPLE]
    han = [i for i, ch in enumerate(sample) if _is_han(ch)]
    non_ascii = sum(1 for ch in sample if ord(ch) > 0x7F)
    if len(han) < 2 or len(han) < 0.9 * non_ascii:
        return None
    in_runs = sum(
        1
        for i in han
        if (i > 0 and _is_han(sample[i - 1])) or (i + 1 < len(sample) and _is_han(sample[i + 1]))
    )
    return text if in_runs >= 0.6 * len(han) else None


def _clean(text: str) -> tuple[str, int]:
    """Drop controls and lone surrogates, unify line endings, drop a leading BOM."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _NEWLINES.sub("\n", text)
    cleaned, removed = _CONTROLS.subn("", text)
    # lone surrogates cannot come out of the codecs used above, but JSON escapes can produce
    # them and callers reuse this function: re-encode to be sure the result is valid UTF-8
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError:
        cleaned = cleaned.encode("utf-8", errors="replace").decode("utf-8")
    return cleaned, removed


def clean_text(text: str) -> str:
    """Make any str valid, control-free UTF-8 text with ``\\n`` line endings."""
    return _clean(text)[0]


def _plausible(text: str, removed: int, single_byte: bool = False) -> bool:
    """Looks like text: mostly letters, little junk; for a single-byte legacy guess also mostly
    ASCII letters (Western text has a few accents; random bytes or a Cyrillic/Greek file read as
    cp1252 are mostly accented letters, and storing that mojibake would be worse than refusing)."""
    sample = text[:_SAMPLE]
    visible = [ch for ch in sample if not ch.isspace()]
    if not visible:
        return True  # empty/whitespace: the empty-input check reports it
    if removed > 0.1 * (len(sample) + removed):
        return False
    letters = sum(1 for ch in visible if ch.isalpha())
    junk = sum(
        1 for ch in visible if ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cn", "Cs")
    )
    if letters < 0.3 * len(visible) or junk > 0.05 * len(visible):
        return False
    if single_byte:
        ascii_letters = sum(1 for ch in visible if ch.isascii() and ch.isalpha())
        return ascii_letters >= 0.5 * letters
    return True


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data`` to clean text; never raises (see the module docstring for the order)."""
    from newsfuse.limits import TimeBudgetExceeded

    try:
        return _decode(data)
    except TimeBudgetExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 - decoding must never take the batch down
        text, removed = _clean(data.decode("latin-1"))
        return Decoded(text, "latin-1", f"decoder fell back to latin-1 ({type(exc).__name__})",
                       plausible=_plausible(text, removed), removed_controls=removed)


def _decode(data: bytes) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text, removed = _clean(data[len(bom) :].decode(encoding.replace("-sig", ""), errors="replace"))
            return _result(text, encoding, removed, strict_source=encoding == "utf-8-sig")

    utf16 = _utf16_without_bom(data[:_SAMPLE])
    if utf16:
        text, removed = _clean(data.decode(utf16, errors="replace"))
        return _result(text, utf16, removed, strict_source=False, note="UTF-16 without BOM")

    try:
        text, removed = _clean(data.decode("utf-8"))
        return _result(text, "utf-8", removed, strict_source=True)
    except UnicodeDecodeError:
        pass

    valid, invalid = _utf8_balance(data)
    if valid and valid >= invalid:
        text, removed = _clean(data.decode("utf-8", errors="newsfuse-cp1252"))
        return _result(text, "utf-8", removed, strict_source=False,
                       note=f"damaged UTF-8: {invalid}+ invalid byte sequences decoded as cp1252")

    gb_text = _looks_like_gb18030(data)
    if gb_text is not None:
        text, removed = _clean(gb_text)
        return _result(text, "gb18030", removed, strict_source=False, note="decoded as GB18030")

    try:
        raw = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        raw = data.decode("cp1252", errors="newsfuse-cp1252")
        encoding = "latin-1"
    text, removed = _clean(raw)
    return _result(text, encoding, removed, strict_source=False, single_byte=True,
                   note=f"not UTF-8; decoded as {encoding}")


def _result(text: str, encoding: str, removed: int, *, strict_source: bool,
            single_byte: bool = False, note: str | None = None) -> Decoded:
    warnings = []
    if note:
        warnings.append(note)
    if removed:
        warnings.append(f"{removed} control/NUL characters removed")
    plausible = True if strict_source and not removed else _plausible(text, removed, single_byte)
    return Decoded(text, encoding, "; ".join(warnings) or None, plausible, removed)
