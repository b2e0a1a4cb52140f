"""Coded, user-facing errors: every rejected input gets one line ``[NF0xx] path: what, fix``.

The code list is documented in docs/errors.md; tests check that the two agree.
"""

from __future__ import annotations

# code -> (short title, what the user can do about it)
ERROR_CODES: dict[str, tuple[str, str]] = {
    "NF000": ("unexpected error", "report it with the input attached"),
    "NF001": ("file not found", "check the path or glob"),
    "NF002": ("empty input", "the file has no text; remove it from the batch"),
    "NF003": ("binary input", "pass text, HTML, JSONL, RSS/Atom or gzip of those"),
    "NF004": ("undecodable text", "re-save the file as UTF-8"),
    "NF005": ("input too large", "split the file or raise ingest.max_input_bytes"),
    "NF006": ("decompressed input too large", "possible compression bomb; raise ingest.max_decompressed_bytes if it is genuine"),
    "NF007": ("malformed HTML", "the page has no extractable article text"),
    "NF008": ("malformed XML/feed", "the feed could not be parsed; check it in a feed validator"),
    "NF009": ("unsafe XML", "entity expansion or external entities are refused"),
    "NF010": ("malformed JSONL line", "each line must be a JSON object with a text field"),
    "NF011": ("article too long", "split it or raise ingest.max_article_chars"),
    "NF012": ("article too short", "it has too little text to analyze"),
    "NF013": ("HTML too large or too deep", "raise ingest.max_html_nodes / max_html_depth if genuine"),
    "NF014": ("time budget exceeded", "the article took longer than ingest.seconds_per_article"),
    "NF015": ("unreadable input", "check permissions and that it is a regular file"),
    "NF016": ("corrupt compressed input", "the gzip/bz2/xz/zip data is truncated or damaged; download it again"),
    "NF017": ("not an input", "pass the articles, not the store or the reports newsfuse writes"),
}


class NewsfuseError(Exception):
    """An error tied to one input; ``str()`` is the one line the user sees."""

    def __init__(self, code: str, detail: str = "", path: str = "") -> None:
        self.code = code
        self.detail = detail
        self.path = path
        super().__init__(self.line())

    def line(self) -> str:
        title, fix = ERROR_CODES.get(self.code, ERROR_CODES["NF000"])
        what = f"{title}: {self.detail}" if self.detail else title
        where = f"{self.path}: " if self.path else ""
        return f"[{self.code}] {where}{what} ({fix})"
