"""Mojibake (via ftfy), invisible characters and odd spaces.

Kinds produced:
- ``unicode``: mojibake decoded back (``Ã©`` -> ``é``, ``â€™`` -> ``’``), zero-width and
  control characters dropped, soft hyphens dropped.
- ``whitespace``: no-break and other typographic spaces turned into a plain space,
  ``\\r\\n`` / ``\\r`` line ends turned into ``\\n``.

Left alone on purpose: curly quotes (ftfy would straighten them), full-width forms and
ligatures (legitimate in CJK and typeset text), Unicode normalisation (invisible, and it would
make every accented article "changed"), ZWJ/ZWNJ next to non-Latin letters (they shape
Persian, Indic scripts and emoji).
"""

from __future__ import annotations

import re

from newsfuse.repair.spans import Edit

try:  # ftfy is a declared dependency; the stage still mends the rest without it
    import ftfy

    _FTFY_CONFIG = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=True,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=True,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
except ImportError:  # pragma: no cover - exercised only in broken installs
    ftfy = None

# UTF-8 read as Latin-1/cp1252 always shows a lead byte as one of these characters
_MOJIBAKE_HINT = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178"
                            r"\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-"
                            r"\u2022\u2026\u2030\u2039\u203a\u20ac\u2122\u00a0 ]|[\u0080-\u009f]")
_TOKEN = re.compile(r"[^ \t\n]+")
# invisible characters that never carry meaning in news prose
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\u180e]+|"
                        r"(?<=[A-Za-z0-9])[\u200c\u200d]+(?=[A-Za-z0-9])|"
                        r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")
_ANY_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\u180e\u200c\u200d\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ODD_SPACE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f]")
_CR = re.compile(r"\r\n?")
_MAX_FTFY_LINE = 200_000  # longer "lines" are not prose; ftfy's cost is not worth it there


def mojibake_edits(text: str) -> list[Edit]:
    """One edit per damaged token where ftfy can decode it back."""
    if ftfy is None or not _MOJIBAKE_HINT.search(text):
        return []
    edits: list[Edit] = []
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        if len(line) > _MAX_FTFY_LINE or not _MOJIBAKE_HINT.search(line):
            continue
        fixed = ftfy.fix_text(line, _FTFY_CONFIG)
        if fixed == line:
            continue
        token_edits = []
        rebuilt = []
        last = 0
        for m in _TOKEN.finditer(line):
            rebuilt.append(line[last : m.start()])
            tok = m.group()
            new = ftfy.fix_text(tok, _FTFY_CONFIG) if _MOJIBAKE_HINT.search(tok) else tok
            rebuilt.append(new)
            last = m.end()
            if new != tok:
                token_edits.append(Edit(start + m.start(), start + m.end(), new, "unicode", 0.95))
        rebuilt.append(line[last:])
        if "".join(rebuilt) == fixed:
            edits.extend(token_edits)
        else:  # mojibake spanning spaces: one edit for the changed middle of the line
            a = 0
            while a < min(len(line), len(fixed)) and line[a] == fixed[a]:
                a += 1
            b = 0
            while b < min(len(line), len(fixed)) - a and line[-1 - b] == fixed[-1 - b]:
                b += 1
            edits.append(Edit(start + a, start + len(line) - b, fixed[a : len(fixed) - b],
                              "unicode", 0.9))
    return edits


def invisible_edits(text: str) -> list[Edit]:
    """Drop zero-width, soft-hyphen and control characters; plain spaces for odd spaces."""
    edits: list[Edit] = []
    if _ANY_INVISIBLE.search(text):  # one cheap character-class scan first
        edits += [Edit(m.start(), m.end(), "", "unicode", 1.0) for m in _INVISIBLE.finditer(text)]
    edits += [Edit(m.start(), m.end(), " ", "whitespace", 1.0) for m in _ODD_SPACE.finditer(text)]
    if "\r" in text:
        edits += [Edit(m.start(), m.end(), "\n", "whitespace", 1.0) for m in _CR.finditer(text)]
    return edits
