"""Uploads: validate what a user sent, ingest it with the CLI's reader, analyse it, store it.

No URL is ever fetched: only the bytes in the request are read. The format is decided by the
ingest reader from the (sanitised) file name and the content, exactly as for files on disk.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from newsfuse.types import Analysis, Article, InputError

ALLOWED_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson",
                    ".xml", ".rss", ".atom", ".gz")
SUFFIX_FOR_TYPE = {
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/json": ".json",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "application/x-jsonlines": ".jsonl",
    "application/rss+xml": ".xml",
    "application/atom+xml": ".xml",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/gzip": ".gz",
}
MAX_FILES = 20
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


class UploadRejected(ValueError):
    """The request itself is unusable (wrong type, too many files): HTTP 415/422."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class UploadResult:
    """What one upload did: the pipeline's analysis plus which articles came from this upload."""

    analysis: Analysis
    uploaded_ids: list[str] = field(default_factory=list)
    already_stored: list[str] = field(default_factory=list)  # uploaded before: nothing changed

    @property
    def stories(self) -> list[Any]:
        """The stories holding this upload's articles."""
        wanted = set(self.uploaded_ids)
        return [s for s in self.analysis.stories if wanted & set(s.article_ids)]

    @property
    def errors(self) -> list[InputError]:
        return self.analysis.errors


def clean_name(name: str | None, content_type: str | None) -> str:
    """A safe display/hint name: base name only, plain characters, an allowed suffix."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("_", base).strip(" .")[:100]
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if not base:
        base = "upload" + SUFFIX_FOR_TYPE.get(ctype, ".txt")
    lower = base.lower()
    if not lower.endswith(ALLOWED_SUFFIXES):
        if ctype in SUFFIX_FOR_TYPE:
            base += SUFFIX_FOR_TYPE[ctype]
        elif "." in base:
            raise UploadRejected(415, f"unsupported file type: {base} (use {', '.join(ALLOWED_SUFFIXES)})")
        else:
            base += ".txt"
    return "upload/" + base


def ingest_bytes(data: bytes, name: str, settings: Any, overrides: dict[str, str] | None = None) -> tuple[list[Article], list[InputError]]:
    """Articles and errors found in one uploaded body or file (same reader as the CLI)."""
    from newsfuse.ingest import read_bytes_input

    articles: list[Article] = []
    errors: list[InputError] = []
    for item in read_bytes_input(data, name, settings.ingest):
        if isinstance(item, InputError):
            errors.append(item)
        else:
            articles.append(item)
    overrides = {k: v.strip()[:300] for k, v in (overrides or {}).items() if v and v.strip()}
    if overrides:
        if "title" in overrides and len(articles) != 1:
            overrides.pop("title")
        articles = [dataclasses.replace(a, **overrides) for a in articles]
    return articles, errors


def analyse_and_store(state: Any, articles: list[Article], errors: list[InputError]) -> UploadResult:
    """Run the pipeline on the uploaded articles into the app's store (one ingest at a time)."""
    from newsfuse.pipeline import analyze_articles

    ids = [a.id for a in articles]
    if not articles:
        return UploadResult(Analysis(errors=list(errors)))
    with state.ingest_lock, state.store.writer_lock():
        known = state.store.known_ids(ids)
        analysis = analyze_articles(articles, store=state.store, settings=state.settings)
    analysis.errors = list(errors) + list(analysis.errors)
    return UploadResult(analysis, ids, [i for i in ids if i in known])
