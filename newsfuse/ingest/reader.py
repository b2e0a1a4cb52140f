"""The ingest loop: every input becomes Articles or coded InputErrors, never an exception.

Per input: size cap (stat, then a capped read) -> decompression with a cap (gzip, bz2, xz,
zip members) -> binary check -> decoding -> format by content -> format reader -> checks in
``build.make_article``. Each article is built inside a per-article time budget
(``IngestSettings.seconds_per_article``); parsing a container (a feed, a JSON array) gets one
budget per started megabyte, since it holds many articles. No budget is held across a
``yield``: the consumer's time is never charged to the input.

Anything unexpected inside one input (a parser bug, RecursionError, MemoryError) becomes an
NF000 error for that input and the batch goes on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, BinaryIO, TypeVar

from newsfuse.errors import NewsfuseError
from newsfuse.ingest import feed as feed_format
from newsfuse.ingest import html as html_format
from newsfuse.ingest import jsonl as json_format
from newsfuse.ingest.build import input_error, make_article, warm_up
from newsfuse.ingest.decode import decode_bytes
from newsfuse.ingest.sniff import binary_kind, newsfuse_output, text_format
from newsfuse.ingest.sources import expand_inputs
from newsfuse.ingest.text import split_url_line, title_and_body
from newsfuse.limits import (
    DecompressedTooLarge,
    InputTooLarge,
    TimeBudgetExceeded,
    compression_kind,
    decompress_capped,
    read_capped,
    read_stream_capped,
    time_budget,
    zip_members_capped,
)
from newsfuse.settings import IngestSettings
from newsfuse.types import Article, InputError

Outcome = Article | InputError
T = TypeVar("T")

_MAX_NESTING = 2  # gzip inside zip is fine; deeper nesting is refused as a possible bomb
_COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zip")


def _guarded(path: str, seconds: float, work: Callable[[], T]) -> T | InputError:
    """Run ``work`` under the time budget; any failure becomes this input's InputError."""
    try:
        with time_budget(seconds):
            return work()
    except TimeBudgetExceeded as exc:
        return input_error("NF014", path, f"over {exc.seconds:g} s")
    except NewsfuseError as exc:
        return InputError(path=exc.path or path, error=_line(exc, path), code=exc.code)
    except InputTooLarge as exc:
        return input_error("NF005", path, f"{exc.size:,} bytes > {exc.limit:,}")
    except DecompressedTooLarge as exc:
        return input_error("NF006", path, str(exc))
    except RecursionError:
        return input_error("NF000", path, "structure nested too deeply")
    except MemoryError:
        return input_error("NF000", path, "out of memory")
    except Exception as exc:  # noqa: BLE001 - one bad input must not end the batch
        return input_error("NF000", path, f"{type(exc).__name__}: {str(exc)[:200]}")


def _line(exc: NewsfuseError, path: str) -> str:
    if not exc.path:
        exc = NewsfuseError(exc.code, exc.detail, path)
    return exc.line()


def _container_seconds(settings: IngestSettings, size: int) -> float:
    return settings.seconds_per_article * max(1, -(-size // 1_000_000))


def _article(fields: dict[str, Any], path: str, name: str, settings: IngestSettings) -> Outcome:
    return _guarded(
        path,
        settings.seconds_per_article,
        lambda: make_article(path=path, settings=settings, name_for_source=name, **fields),
    )


def _strip_compression_suffix(name: str) -> str:
    for suffix in _COMPRESSED_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _from_bytes(data: bytes, path: str, name: str, settings: IngestSettings, depth: int) -> Iterator[Outcome]:
    warm_up()
    if not data.strip():
        yield input_error("NF002", path, "the file is empty" if not data else "only whitespace")
        return
    if len(data) > settings.max_input_bytes:
        yield input_error("NF005", path, f"{len(data):,} bytes > {settings.max_input_bytes:,}")
        return

    kind = compression_kind(data)
    if kind is not None:
        yield from _from_compressed(data, kind, path, name, settings, depth)
        return

    what = binary_kind(data)
    if what:
        yield input_error("NF003", path, what)
        return

    decoded = decode_bytes(data)
    if not decoded.plausible:
        yield input_error("NF004", path, f"not text in any supported encoding (best guess {decoded.encoding})")
        return
    text = decoded.text
    if not text.strip():
        yield input_error("NF002", path, "no text after decoding")
        return
    own = newsfuse_output(text)
    if own:
        yield input_error("NF017", path, own)
        return
    decode_extra: dict[str, Any] = {"encoding": decoded.encoding}
    if decoded.warning:
        decode_extra["decode_warning"] = decoded.warning

    fmt = text_format(text, name)
    if fmt == "json":
        yield from _from_json(text, path, name, settings, decode_extra)
    elif fmt == "feed":
        yield from _from_feed(data, text, path, name, settings, decode_extra)
    elif fmt == "html":
        yield _from_html(text, path, name, settings, decode_extra)
    else:
        yield _from_text(text, path, name, settings, decode_extra)


def _from_compressed(
    data: bytes, kind: str, path: str, name: str, settings: IngestSettings, depth: int
) -> Iterator[Outcome]:
    if depth >= _MAX_NESTING:
        yield input_error("NF006", path, "compressed data nested too deeply")
        return
    limit = settings.max_decompressed_bytes
    if kind == "zip":
        yield from _from_zip(data, path, settings, depth)
        return
    def work() -> bytes:
        try:
            return decompress_capped(data, limit, kind)
        except ValueError as exc:
            raise NewsfuseError("NF016", str(exc)[:200], path) from None

    inner = _guarded(path, settings.seconds_per_article, work)
    if isinstance(inner, InputError):
        yield inner
        return
    if isinstance(inner, bytes):
        yield from _from_bytes_checked(inner, path, _strip_compression_suffix(name), settings, depth + 1)


def _from_bytes_checked(data: bytes, path: str, name: str, settings: IngestSettings, depth: int) -> Iterator[Outcome]:
    """Decompressed content may exceed the per-input cap legitimately: use the decompressed cap."""
    if len(data) > settings.max_input_bytes:
        relaxed = IngestSettings(**{**settings.__dict__, "max_input_bytes": settings.max_decompressed_bytes})
        yield from _from_bytes(data, path, name, relaxed, depth)
    else:
        yield from _from_bytes(data, path, name, settings, depth)


_OFFICE_MARKERS = ("[Content_Types].xml", "mimetype", "META-INF/manifest.xml", "AndroidManifest.xml")


def _from_zip(data: bytes, path: str, settings: IngestSettings, depth: int) -> Iterator[Outcome]:
    def members() -> list[tuple[str, bytes]]:
        try:
            return list(
                zip_members_capped(data, settings.max_decompressed_bytes, settings.max_archive_members)
            )
        except ValueError as exc:
            raise NewsfuseError("NF016", str(exc)[:200], path) from None

    listed = _guarded(path, _container_seconds(settings, len(data)), members)
    if isinstance(listed, InputError):
        yield listed
        return
    names = {member for member, _ in listed}
    if names & set(_OFFICE_MARKERS):
        yield input_error("NF003", path, "an office document, e-book or application package, not articles")
        return
    if not listed:
        yield input_error("NF002", path, "the archive holds no files")
        return
    for member, content in listed:
        yield from _from_bytes_checked(content, f"{path}!{member}", member, settings, depth + 1)


def _from_text(text: str, path: str, name: str, settings: IngestSettings, extra: dict[str, Any]) -> Outcome:
    url, text = split_url_line(text)
    title, body, title_source = title_and_body(text, after_address=url is not None)
    fields = {"body": body, "title": title, "url": url, "extra": {**extra, "format": "text",
              "title_source": title_source,
              **({"url_source": "first line"} if url else {})}}
    return _article(fields, path, name, settings)


def _from_html(text: str, path: str, name: str, settings: IngestSettings, extra: dict[str, Any]) -> Outcome:
    warm_up(html=True)
    def work() -> Outcome:
        html_format.check_html_shape(text, path, settings.max_html_nodes, settings.max_html_depth)
        fields = html_format.extract_html(text, path)
        fields["extra"] = {**extra, **fields["extra"]}
        return make_article(path=path, settings=settings, name_for_source=name, **fields)

    return _guarded(path, settings.seconds_per_article, work)


def _from_json(text: str, path: str, name: str, settings: IngestSettings, extra: dict[str, Any]) -> Iterator[Outcome]:
    records: Iterator[json_format.Record] | None = None
    try:
        whole = json_format.parse_whole(text)
        records = json_format.iter_document(whole, path)
    except ValueError as exc:
        if json_format.first_line_is_json(text):
            records = json_format.iter_lines(text, path)
        elif name.lower().endswith((".json", ".jsonl", ".ndjson")) or text.lstrip().startswith("{"):
            yield input_error("NF010", path, f"not valid JSON ({exc})")
            return
    if records is None:  # "[Updated] ..." plain text that merely starts like JSON
        yield _from_text(text, path, name, settings, extra)
        return
    for where, fields in records:
        if isinstance(fields, str):
            yield input_error("NF010", where, fields)
            continue
        fields["extra"] = {**extra, **fields["extra"]}
        yield _article(fields, where, name, settings)


def _from_feed(raw: bytes, text: str, path: str, name: str, settings: IngestSettings, extra: dict[str, Any]) -> Iterator[Outcome]:
    entries = _guarded(
        path, _container_seconds(settings, len(raw)), lambda: list(feed_format.iter_entries(raw, text, path))
    )
    if isinstance(entries, InputError):
        yield entries
        return
    for where, fields in entries:
        if isinstance(fields, str):
            yield input_error("NF002", where, fields)
            continue
        fields["extra"] = {**extra, **fields["extra"]}
        fields["extra"].pop("encoding", None)  # feedparser decoded the raw bytes itself
        yield _article(fields, where, name, settings)


# --------------------------------------------------------------------------- public API
def read_bytes_input(data: bytes, name: str, settings: IngestSettings | None = None) -> Iterator[Outcome]:
    """Articles (or errors) in bytes already in memory; ``name`` labels them and hints the format."""
    settings = settings or IngestSettings()
    try:
        yield from _from_bytes(bytes(data), name, name, settings, 0)
    except Exception as exc:  # noqa: BLE001 - last line of defence: one outcome, never a crash
        yield input_error("NF000", name, f"{type(exc).__name__}: {str(exc)[:200]}")


def _read_source(fs_path: str | None, path: str, settings: IngestSettings, stdin: BinaryIO | None) -> bytes | InputError:
    try:
        if fs_path is None:
            stream = stdin if stdin is not None else sys.stdin.buffer
            return read_stream_capped(stream, settings.max_input_bytes)
        return read_capped(fs_path, settings.max_input_bytes)
    except InputTooLarge as exc:
        return input_error("NF005", path, f"{exc.size:,} bytes > {settings.max_input_bytes:,}")
    except FileNotFoundError:
        return input_error("NF001", path, "no such file")
    except IsADirectoryError:
        return input_error("NF015", path, "is a directory")
    except OSError as exc:
        return input_error("NF015", path, exc.strerror or type(exc).__name__)


def iter_inputs(
    inputs: Sequence[str],
    settings: IngestSettings | None = None,
    stdin: BinaryIO | None = None,
    exclude: Iterable[str | os.PathLike[str]] = (),
) -> Iterator[Outcome]:
    """One Article per article found (feeds and JSONL give several) or one InputError per
    rejected input or bad line. Never raises for bad input; never drops an input silently.
    ``exclude``: paths that are never inputs (the store, reports; see sources.py)."""
    settings = settings or IngestSettings()
    if isinstance(inputs, (str, bytes)):
        inputs = [inputs]  # type: ignore[list-item]
    for source in expand_inputs(list(inputs), exclude):
        if source.error is not None:
            yield InputError(path=source.path, error=source.error.line(), code=source.error.code)
            continue
        data = _read_source(source.fs_path, source.path, settings, stdin)
        if isinstance(data, InputError):
            yield data
            continue
        yield from read_bytes_input_named(data, source.path, settings)
        del data


def read_bytes_input_named(data: bytes, path: str, settings: IngestSettings) -> Iterator[Outcome]:
    """Like read_bytes_input, for a file read from disk (``path`` is label and name hint)."""
    name = "" if path == "-" else path
    try:
        yield from _from_bytes(data, path, name, settings, 0)
    except Exception as exc:  # noqa: BLE001
        yield input_error("NF000", path, f"{type(exc).__name__}: {str(exc)[:200]}")
