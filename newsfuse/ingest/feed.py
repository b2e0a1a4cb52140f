"""RSS and Atom feeds: refuse unsafe XML first, then feedparser; each entry is one article.

Safety comes before parsing. feedparser expands simple entity declarations itself, so a
billion-laughs document must never reach it: any ``<!ENTITY`` declaration (in the raw bytes or
the decoded text, which covers UTF-16 feeds) is refused as NF009, and the raw bytes are then
parsed by defusedxml with entities and external references forbidden, so whatever the regex
misses is refused too. feedparser only ever gets bytes, never a string it could take for a URL
or a file name, so it fetches nothing.

Entry fields: the longest ``content`` value (else ``summary``) as text, the entry title, its
``published`` (else ``updated``) date, ``link`` as url; the outlet is the entry's own
``source`` title, else the feed title, else the file name. Entries are named ``feed.xml#N``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from newsfuse.errors import NewsfuseError
from newsfuse.ingest.html import fragment_to_text
from newsfuse.limits import TimeBudgetExceeded

_ENTITY_DECL = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
_ROOT = re.compile(r"<(rss|feed|rdf:RDF|RDF)\b", re.IGNORECASE)


def looks_like_feed(text: str) -> bool:
    """An RSS/Atom/RDF root element near the start of the document."""
    head = text[:4096]
    return bool(_ROOT.search(head))


def check_xml_safety(raw: bytes, text: str, path: str) -> None:
    """Raise NF009 for entity declarations or external references, before any feed parser."""
    if _ENTITY_DECL.search(text) or re.search(rb"<!\s*ENTITY", raw, re.IGNORECASE):
        raise NewsfuseError("NF009", "the document declares XML entities", path)
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        safe_et.fromstring(raw, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise NewsfuseError("NF009", type(exc).__name__, path) from None
    except TimeBudgetExceeded:
        raise
    except Exception:  # noqa: BLE001 - malformed XML: feedparser's lenient parser may still read it
        return


def _entry_text(entry: Any) -> str:
    candidates: list[str] = []
    for content in entry.get("content") or []:
        value = content.get("value") if isinstance(content, dict) else None
        if isinstance(value, str):
            candidates.append(value)
    for key in ("summary", "description"):
        value = entry.get(key)
        if isinstance(value, str):
            candidates.append(value)
    if not candidates:
        return ""
    return fragment_to_text(max(candidates, key=len))


def _entry_date(entry: Any) -> tuple[Any, str | None]:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                return datetime(*parsed[:6], tzinfo=UTC), f"feed entry '{key}'"
            except (TypeError, ValueError):
                pass
        raw = entry.get(key)
        if raw:
            return raw, f"feed entry '{key}'"
    return None, None


def _plain(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return fragment_to_text(value) if "<" in value or "&" in value else value.strip()


def iter_entries(raw: bytes, text: str, path: str) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """(``path#N``, fields) per entry, or (path, reason) when the feed cannot be read."""
    check_xml_safety(raw, text, path)
    import feedparser

    parsed = feedparser.parse(raw, sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    feed_meta = parsed.get("feed") or {}
    if not entries:
        reason = "no entries"
        if parsed.get("bozo"):
            reason = f"not a readable feed ({type(parsed.get('bozo_exception')).__name__})"
        raise NewsfuseError("NF008", reason, path)
    feed_title = _plain(feed_meta.get("title"))
    warning = None
    if parsed.get("bozo"):
        warning = f"malformed feed read leniently ({type(parsed.get('bozo_exception')).__name__})"
    texts = [_entry_text(entry) for entry in entries]
    if warning and not any(texts):
        # a truncated or broken document whose "entries" are fragments: one error for the file
        raise NewsfuseError("NF008", f"no readable entry ({warning})", path)
    for index, (entry, body) in enumerate(zip(entries, texts), start=1):
        where = f"{path}#{index}"
        if not body:
            yield where, "the entry has no text"
            continue
        source_meta = entry.get("source") or {}
        source = _plain(source_meta.get("title")) if isinstance(source_meta, dict) else ""
        published, date_source = _entry_date(entry)
        extra: dict[str, Any] = {"format": "feed"}
        if feed_title:
            extra["feed_title"] = feed_title
        for key, out in (("author", "author"), ("id", "guid")):
            value = entry.get(key)
            if isinstance(value, str) and value:
                extra[out] = value
        tags = [t.get("term") for t in entry.get("tags") or [] if isinstance(t, dict) and t.get("term")]
        if tags:
            extra["tags"] = tags
        if warning:
            extra["feed_warning"] = warning
        yield where, {
            "body": body,
            "title": _plain(entry.get("title")),
            "source": source or feed_title or None,
            "published": published,
            "date_source": date_source,
            "url": entry.get("link") if isinstance(entry.get("link"), str) else None,
            "extra": extra,
        }
