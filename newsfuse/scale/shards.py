"""Cut the inputs into shards: the unit of work Ray schedules and the unit of input order.

A shard is a whole file, a run of whole lines of a large JSONL file, or a run of row groups of a
Parquet file. Shards are numbered in the order the single-process ingest reads its inputs, and
articles inside a shard keep their position, so ``(shard, pos)`` is the global input order the
clusterer must see (the result then matches ``newsfuse.pipeline.analyze``).

Cutting is cheap (one pass over JSONL bytes looking for newlines, Parquet footers only), runs
on the driver, and gives every shard a fingerprint so a rerun can tell the inputs changed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

from newsfuse.types import InputError

JSONL_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet", ".pq")
# articles read from a Parquet input; everything else in the file is left alone
PARQUET_COLUMNS = ("title", "text", "url", "source", "published")


@dataclass(frozen=True)
class Shard:
    index: int  # position in input order
    kind: str  # "file" | "jsonl" | "parquet"
    path: str  # where to read it (absolute)
    name: str  # the input location as the user gave it (Article.path)
    start: int = 0  # jsonl: byte offset; parquet: first row group
    end: int = -1  # jsonl: byte offset (exclusive); parquet: row group (exclusive); -1 = all
    first_line: int = 1  # jsonl: line number of the shard's first line (error messages)
    fingerprint: str = ""

    def row(self) -> dict[str, object]:
        return asdict(self)


def expand_inputs(inputs: Sequence[str], exclude: Sequence[str] = ()) -> Iterator[tuple[str, str] | InputError]:
    """(path to read, name as given) per input file, in ingest's order; an error per bad input.

    Delegates to ``newsfuse.ingest.sources`` so directories, globs and duplicates follow exactly
    the single-process rules. ``-`` (stdin) must have been spooled to a file by the caller.
    """
    from newsfuse.ingest.sources import expand_inputs as ingest_expand

    for source in ingest_expand(list(inputs), exclude):
        if source.error is not None:
            err = source.error
            yield InputError(path=source.path, error=err.line(), code=err.code)
        elif source.fs_path is None:
            raise ValueError("stdin must be spooled to a file before sharding")
        else:
            yield source.fs_path, source.path


def _fingerprint(path: str, *parts: object) -> str:
    try:
        st = os.stat(path)
        stamp = f"{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        stamp = "missing"
    raw = "|".join([path, stamp, *map(str, parts)])
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def _jsonl_ranges(path: str, chunk_bytes: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, first line number) of runs of whole lines, each about ``chunk_bytes``."""
    size = os.path.getsize(path)
    start, line_no = 0, 1
    with open(path, "rb") as fh:
        while start < size:
            fh.seek(start)
            data = fh.read(chunk_bytes)
            if start + len(data) >= size:
                yield start, size, line_no
                return
            cut = data.rfind(b"\n")
            if cut < 0:  # one line longer than a chunk: read on to its end
                extra = b""
                while True:
                    more = fh.read(1 << 20)
                    if not more:
                        break
                    nl = more.find(b"\n")
                    if nl >= 0:
                        extra += more[: nl + 1]
                        break
                    extra += more
                end = start + len(data) + len(extra)
                lines = 1
            else:
                end = start + cut + 1
                lines = data.count(b"\n", 0, cut + 1)
            yield start, end, line_no
            line_no += lines
            start = end


def make_shards(
    inputs: Sequence[str], *, jsonl_chunk_bytes: int = 4 << 20, parquet_row_groups: int = 1,
    exclude: Sequence[str] = (),
) -> tuple[list[Shard], list[InputError]]:
    """All shards of ``inputs`` in input order, plus an error per input that matched nothing.
    ``exclude``: paths that are never inputs (ingest/sources.py)."""
    shards: list[Shard] = []
    errors: list[InputError] = []
    for item in expand_inputs(inputs, exclude):
        if isinstance(item, InputError):
            errors.append(item)
            continue
        path, name = item
        # absolute: workers on other nodes (or a cluster started elsewhere) have another cwd
        path = os.path.abspath(path)
        lower = path.lower()
        if lower.endswith(JSONL_SUFFIXES) and os.path.getsize(path) > jsonl_chunk_bytes:
            for start, end, first_line in _jsonl_ranges(path, jsonl_chunk_bytes):
                shards.append(
                    Shard(len(shards), "jsonl", path, name, start, end, first_line,
                          _fingerprint(path, start, end))
                )
        elif lower.endswith(PARQUET_SUFFIXES):
            shards.extend(_parquet_shards(path, name, len(shards), parquet_row_groups))
        else:
            shards.append(Shard(len(shards), "file", path, name, fingerprint=_fingerprint(path)))
    return shards, errors


def _parquet_shards(path: str, name: str, first_index: int, per_shard: int) -> list[Shard]:
    import pyarrow.parquet as pq

    try:
        groups = pq.ParquetFile(path).metadata.num_row_groups
    except Exception:  # noqa: BLE001 - the reader reports it as a bad input
        return [Shard(first_index, "parquet", path, name, 0, -1, fingerprint=_fingerprint(path))]
    step = max(1, per_shard)
    return [
        Shard(first_index + i, "parquet", path, name, g, min(g + step, groups),
              fingerprint=_fingerprint(path, g))
        for i, g in enumerate(range(0, max(groups, 1), step))
    ]


def run_fingerprint(shards: Sequence[Shard]) -> str:
    """One hash of every shard: a rerun over the same inputs finds its own work directory."""
    h = hashlib.blake2b(digest_size=10)
    for s in shards:
        h.update(f"{s.index}:{s.kind}:{s.path}:{s.start}:{s.end}:{s.fingerprint}\n".encode())
    return h.hexdigest()
