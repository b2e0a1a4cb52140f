"""Rendered pages remembered per worker process, never served stale.

Every entry carries the revision it was rendered at, and a request first reads the current
revision with one primary-key query (``Store.story_revision`` for a story, ``Store.revision``
for pages that depend on the whole store: search, the index). A different revision is a miss,
so a story the ingest just changed is rendered again on its next request. Revisions are kept by
the database itself (store/migrations.py, ``_v3_revisions``), which every process shares: the
CLI ingesting in another process invalidates the server's entries as surely as an upload does.

The same revision makes the ETag: a browser revalidating a page it has (``If-None-Match``) gets
304 after that one query. ``Cache-Control: no-cache`` makes browsers always revalidate.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

DEFAULT_MAX_BYTES = 32 * 1024 * 1024  # per worker process


class PageCache:
    """A thread-safe LRU of ``key -> (revision, body, extra)``, bounded by the bodies' bytes."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max(0, int(max_bytes))
        self._items: OrderedDict[Hashable, tuple[Any, bytes, Any]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, revision: Any) -> tuple[bytes, Any] | None:
        """The body (and what was stored with it) when it was rendered at ``revision``."""
        with self._lock:
            got = self._items.get(key)
            if got is None or got[0] != revision:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return got[1], got[2]

    def put(self, key: Hashable, revision: Any, body: bytes, extra: Any = None) -> None:
        if len(body) > self.max_bytes // 4:  # a few huge pages must not flush everything else
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._items[key] = (revision, body, extra)
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._items:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped[1])

    def __contains__(self, key: Hashable) -> bool:
        """Whether any revision of ``key`` is kept (a cold key skips the revision query)."""
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size_bytes(self) -> int:
        return self._bytes


def build_id(template_dir: Path) -> str:
    """A short hash of the templates: part of every ETag, so a new release (other markup for
    the same revision) never answers 304 to a page rendered by the old one."""
    h = hashlib.sha256()
    for path in sorted(template_dir.rglob("*")):
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:10]


def etag(build: str, *parts: Any) -> str:
    return '"' + "-".join([build, *(str(p) for p in parts)]) + '"'


def not_modified(if_none_match: str | None, tag: str) -> bool:
    """True when the request's If-None-Match names ``tag`` (or is ``*``)."""
    if not if_none_match:
        return False
    wanted = {v.strip().removeprefix("W/") for v in if_none_match.split(",")}
    return tag in wanted or "*" in wanted


def story_revalidated(
    state: Any, if_none_match: str | None, key: Hashable, kind: str, story_id: str, media_type: str
) -> Any:
    """A 304, or the cached body, when the story's revision says what the client or this
    worker holds is current; None when the story must be read and rendered. Nothing kept and
    nothing to revalidate: no query at all (a cold page goes straight to its reads)."""
    from starlette.responses import Response

    if not (if_none_match or key in state.pages):
        return None
    revision = state.store.story_revision(story_id)
    if revision is None:
        return None
    tag = etag(state.build, kind, revision)
    headers = {"etag": tag, "cache-control": "no-cache"}
    if not_modified(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    hit = state.pages.get(key, revision)
    if hit is not None:
        return Response(hit[0], media_type=media_type, headers=headers)
    return None


__all__ = ["PageCache", "build_id", "etag", "not_modified", "story_revalidated", "DEFAULT_MAX_BYTES"]
