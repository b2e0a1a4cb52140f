"""Ingest: files, directories, globs and stdin -> Article objects (or InputError lines).

Public API:
    iter_inputs(inputs, settings=None, stdin=None) -> Iterator[Article | InputError]
    read_bytes_input(data, name, settings=None) -> Iterator[Article | InputError]
    article_id(text) -> str   # hash of the normalised text: same article, same id
    count_outcomes(outcomes) -> OutcomeCounts   # stored / rejected / timed out, for run summaries
    looks_like_dateline(line) -> bool   # "3 July 2013 Last updated at 13:38 GMT": a date, no prose

Formats are recognised by content (the name is a hint): plain text, HTML (trafilatura),
JSON Lines / JSON array / JSON object, RSS/Atom (feedparser behind an XML-safety check), and
gzip/bz2/xz/zip of those. Field-by-field rules live in the module docstrings
(text.py: titles, identity.py: ids and outlet names, jsonl.py, feed.py, html.py, reader.py).
"""

from newsfuse.ingest.decode import Decoded, clean_text, decode_bytes
from newsfuse.ingest.identity import article_id, normalise_for_id, source_from_name
from newsfuse.ingest.outcomes import OutcomeCounts, count_outcomes
from newsfuse.ingest.reader import iter_inputs, read_bytes_input
from newsfuse.ingest.text import looks_like_dateline

__all__ = [
    "Decoded",
    "OutcomeCounts",
    "article_id",
    "clean_text",
    "count_outcomes",
    "decode_bytes",
    "iter_inputs",
    "looks_like_dateline",
    "normalise_for_id",
    "read_bytes_input",
    "source_from_name",
]
