"""Who an article is: its content id and, when no metadata names the outlet, a source name.

``article_id`` hashes the *normalised* body text, so the same article ingested twice (or once
as .txt and once re-saved with CRLF line endings, curly quotes or different case) gets the same
id and the store never duplicates it.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata

_SPACE = re.compile(r"\s+")
_HEXISH = re.compile(r"^[0-9a-f]{12,}$")


def normalise_for_id(text: str) -> str:
    """NFKC, casefold, punctuation and format characters to spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    chars = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] == "P" or cat in ("Cf", "Cc", "Sk"):
            chars.append(" ")
        else:
            chars.append(ch)
    return _SPACE.sub(" ", "".join(chars)).strip()


def article_id(text: str) -> str:
    """Stable 16-hex-digit id of the article body (sha256 of ``normalise_for_id(text)``)."""
    return hashlib.sha256(normalise_for_id(text).encode("utf-8", "replace")).hexdigest()[:16]


def source_from_name(path: str) -> str:
    """A readable outlet name from a file name, for inputs without outlet metadata.

    Each such file counts as its own outlet (we cannot know better), so its name must be
    distinct and recognisable: separators become spaces and long hex hashes are cut to 8
    digits, e.g. ``000_7290f064e099097e.txt`` -> ``000 7290f064``,
    ``reuters-2024-05-01.html`` -> ``reuters 2024 05 01``. Standard input is ``stdin``.
    """
    if path in ("-", ""):
        return "stdin"
    base = os.path.basename(path.rstrip("/\\")) or path
    stem = base
    for _ in range(2):  # story.html.gz -> story
        root, ext = os.path.splitext(stem)
        if ext and len(ext) <= 6 and root:
            stem = root
    tokens = [t for t in re.split(r"[\s_\-.]+", stem) if t]
    readable = [t[:8] if _HEXISH.match(t.lower()) else t for t in tokens]
    name = " ".join(readable).strip()
    return name[:80] or base[:80]
