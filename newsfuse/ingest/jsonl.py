"""JSON Lines, a JSON array of articles, or one JSON object -> article fields.

Each record is an object with at least ``text`` (``body`` and ``content`` are accepted as
aliases); ``title``/``headline``, ``url``/``link``, ``source`` (a string or an object with a
``name``) and ``published``/``date`` are read when present. A record without a title gets one
from its text as a text file does (its first line, or a headline run into the body:
``text.title_and_body``); ``extra["title_source"]`` says where it came from. Every other key is kept verbatim in
``Article.extra`` (an input ``id`` becomes ``extra["id"]``: our id is the content hash). A line
that is not an object or has no text is one NF010 error naming ``file.jsonl:LINE``; the rest of
the file goes on. Elements of a JSON array are named ``file.json#N`` (1-based).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from newsfuse.ingest.text import split_url_line, title_and_body

TEXT_KEYS = ("text", "body", "content")
TITLE_KEYS = ("title", "headline")
URL_KEYS = ("url", "link")
DATE_KEYS = ("published", "date", "published_at", "publication_date", "datetime")
_KNOWN = frozenset(TEXT_KEYS + TITLE_KEYS + URL_KEYS + DATE_KEYS + ("source",))

# (sub-path, fields) for a good record, (sub-path, error detail) for a bad one
Record = tuple[str, dict[str, Any] | str]


def _first_string(obj: dict[str, Any], keys: tuple[str, ...]) -> tuple[str | None, str | None]:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return key, value
    return None, None


def record_fields(obj: Any) -> dict[str, Any] | str:
    """Article fields of one JSON value, or the reason it is not an article."""
    if not isinstance(obj, dict):
        return f"expected a JSON object, got {type(obj).__name__}"
    text_key, text = _first_string(obj, TEXT_KEYS)
    if text is None:
        return "no non-empty text field (text, body or content)"
    _, title = _first_string(obj, TITLE_KEYS)
    _, url = _first_string(obj, URL_KEYS)
    date_key, published = None, None
    for key in DATE_KEYS:
        if obj.get(key) not in (None, ""):
            date_key, published = key, obj[key]
            break
    source = obj.get("source")
    if isinstance(source, dict):
        source = source.get("name") or source.get("title")
    if not isinstance(source, str):
        source = None
    extra = {key: value for key, value in obj.items() if key not in _KNOWN}
    if source is None and "source" in obj:
        extra["source"] = obj["source"]
    for alias in TEXT_KEYS:
        if alias != text_key and alias in obj:
            extra[alias] = obj[alias]
    extra["format"] = "json"
    text, title, url = _address_out_of_text(text, title, url, extra)
    if not title and "title_source" not in extra:
        # no title given: as for a text file, the first line or a headline glued to the body
        title, text, extra["title_source"] = title_and_body(text)
    return {
        "body": text,
        "title": title or "",
        "source": source,
        "published": published,
        "date_source": f"json field '{date_key}'" if date_key else None,
        "url": url,
        "extra": extra,
    }


def _address_out_of_text(text: str, title: str | None, url: str | None,
                         extra: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """A record whose text starts with its web address (corpora such as ECB+ give pages that
    way, tokenised as ``http: / / www. example. com / ...``) and whose title is that address:
    the address becomes the ``url``, and as for a text file the title is looked for after it.
    Without this the address was the article's title and the first words of its body."""
    address, rest = split_url_line(text)
    title_address, _ = split_url_line(title or "")
    if address is None and title_address is None:
        return text, title, url
    if title_address is not None:
        url = url or title_address
        title = None
        extra["url_source"] = "title field"
    if address is not None:
        text = rest
        url = url or address
        extra.setdefault("url_source", "first line")
        if not title:
            title, text, extra["title_source"] = title_and_body(text, after_address=True)
    return text, title, url


def _loads(line: str) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise ValueError(str(exc).split(":")[0][:120]) from None


def parse_whole(text: str) -> Any:
    """The document as one JSON value; ValueError when it is not one."""
    return _loads(text)


def first_line_is_json(text: str) -> bool:
    for line in text.split("\n", 50)[:50]:
        if line.strip():
            try:
                _loads(line)
                return True
            except ValueError:
                return False
    return False


def iter_document(value: Any, path: str) -> Iterator[Record]:
    """Records of one parsed JSON document (an array of articles or a single article)."""
    if isinstance(value, list):
        if not value:
            yield path, "the JSON array is empty"
        for index, item in enumerate(value, start=1):
            yield f"{path}#{index}", record_fields(item)
    else:
        yield path, record_fields(value)


def iter_lines(text: str, path: str) -> Iterator[Record]:
    """Records of a JSON Lines document, one per non-blank line, named ``path:LINE``."""
    any_line = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        any_line = True
        where = f"{path}:{number}"
        try:
            value = _loads(line)
        except ValueError as exc:
            yield where, f"not valid JSON ({exc})"
            continue
        yield where, record_fields(value)
    if not any_line:
        yield path, "no JSON lines"
