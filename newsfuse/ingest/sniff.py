"""What is this input? Binary file types by magic number, then the text format by content.

The file name is only a hint: a ``.txt`` that is really a PNG is refused as an image, an
``.html`` that is really JSON Lines is read as JSON Lines. Content decides.
"""

from __future__ import annotations

import os
import re

from newsfuse.ingest.decode import _utf16_without_bom

# (magic, offset, what it is) of file types that never hold article text for us
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"%PDF-", 0, "PDF document"),
    (b"\x7fELF", 0, "ELF executable"),
    (b"\xcf\xfa\xed\xfe", 0, "Mach-O executable"),
    (b"\xce\xfa\xed\xfe", 0, "Mach-O executable"),
    (b"\xca\xfe\xba\xbe", 0, "Java class or Mach-O universal binary"),
    (b"\x00asm", 0, "WebAssembly module"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"\x28\xb5\x2f\xfd", 0, "Zstandard-compressed data (unsupported)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "legacy Office document"),
    (b"OggS", 0, "Ogg media"),
    (b"fLaC", 0, "FLAC audio"),
    (b"ID3", 0, "MP3 audio"),
    (b"II*\x00", 0, "TIFF image"),
    (b"MM\x00*", 0, "TIFF image"),
    (b"ftyp", 4, "MP4/QuickTime media"),
    (b"WEBP", 8, "WebP image"),
    (b"WAVE", 8, "WAV audio"),
    (b"AVI ", 8, "AVI video"),
)

_CONTROL_BYTES = bytes(list(range(0x00, 0x09)) + list(range(0x0E, 0x20)) + [0x7F])
_BINARY_SAMPLE = 65_536

_HTML_MARKERS = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|div|p|meta|title|main|section|h1)\b", re.IGNORECASE
)


def binary_kind(data: bytes) -> str | None:
    """A description when ``data`` is a known binary type or mostly control bytes, else None."""
    for magic, offset, what in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return what
    sample = data[:_BINARY_SAMPLE]
    if not sample:
        return None
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(sample):
        return None  # UTF-16/32: NUL bytes are expected there
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    # a handful of stray NULs in a tiny file is damaged text, not a binary file
    if controls > 0.05 * len(sample) and controls >= 32:
        return "binary data (control bytes)"
    return None


def name_extension(name: str) -> str:
    """Lower-case extension of the name without compression suffixes: ``a.JSONL.gz`` -> ``.jsonl``."""
    base = os.path.basename(name or "").lower()
    root, ext = os.path.splitext(base)
    if ext in (".gz", ".bz2", ".xz", ".zip"):
        ext = os.path.splitext(root)[1]
    return ext


_OWN_OUTPUT = (
    ("a newsfuse JSON report", re.compile(r'\{\s*"schema"\s*:\s*"newsfuse\.')),
    ("a newsfuse Markdown report", re.compile(r"# newsfuse report\n")),
    ("an HTML report or page newsfuse wrote", re.compile(r'<!doctype html>.{0,600}?<meta name="generator" content="newsfuse">', re.I | re.S)),
)


def newsfuse_output(text: str) -> str | None:
    """What newsfuse output ``text`` is (its JSON, Markdown or HTML report, a page of the web
    app), else None: read back as an article it would become a story about itself."""
    head = text[:2048].lstrip("\ufeff \t\r\n")
    for what, pattern in _OWN_OUTPUT:
        if pattern.match(head):
            return what
    return None


def text_format(text: str, name: str) -> str:
    """'feed', 'html', 'json' or 'text' for decoded content (the name only breaks ties)."""
    head = text[:4096].lstrip("\ufeff \t\r\n")
    ext = name_extension(name)
    if head.startswith("<"):
        from newsfuse.ingest.feed import looks_like_feed

        if looks_like_feed(head):
            return "feed"
        if _HTML_MARKERS.search(head) or ext in (".html", ".htm", ".xhtml"):
            return "html"
        if head.startswith("<?xml") or ext in (".xml", ".rss", ".atom"):
            return "feed"  # an XML document that is not a known feed: NF008 from the feed reader
        return "html"
    if head.startswith(("{", "[")):
        return "json"
    if ext in (".json", ".jsonl", ".ndjson"):
        return "json"
    if ext in (".html", ".htm", ".xhtml") and _HTML_MARKERS.search(head):
        return "html"
    return "text"
