"""The Ray Data stages: ingest -> repair -> extract -> embed -> write, one ``map_batches`` each.

Every stage calls the single-process stage functions (``newsfuse.ingest``, ``repair``,
``extract``, ``cluster``) and the pipeline's per-article error policy; nothing here decides
anything about articles. Batches are Arrow tables of ``codec.STAGE_COLUMNS`` rows; an article a
stage cannot handle becomes an error row and travels on to the writer.

Stateless, cheap stages (ingest, repair, write) are Ray tasks; stages that load a model (extract:
spaCy, embed: MiniLM) are callable classes run by an actor pool, so a model loads once per actor.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from typing import Any

import numpy as np
import pyarrow as pa

from newsfuse.scale import codec
from newsfuse.scale.progress import report, report_time
from newsfuse.scale.shards import PARQUET_COLUMNS
from newsfuse.settings import Settings
from newsfuse.types import Article, InputError


# --------------------------------------------------------------------------- resumability
def id_key(article_id: str) -> int:
    """A 63-bit key of an article id: the done set travels as one sorted int64 array."""
    return int.from_bytes(hashlib.blake2b(article_id.encode(), digest_size=8).digest(), "big") >> 1


def done_keys(ids: Any) -> np.ndarray:
    return np.unique(np.fromiter((id_key(i) for i in ids), dtype=np.int64))


def _is_done(keys: np.ndarray, article_id: str) -> bool:
    if keys.size == 0:
        return False
    k = id_key(article_id)
    i = int(np.searchsorted(keys, k))
    return i < keys.size and int(keys[i]) == k


# --------------------------------------------------------------------------- ingest
def _read_shard(shard: dict[str, Any], settings: Settings) -> list[Article | InputError]:
    """The articles of one shard, read by the single-process ingest code."""
    from newsfuse.ingest.reader import _read_source, read_bytes_input_named

    ingest = settings.ingest
    kind, path, name = shard["kind"], shard["path"], shard["name"]
    if kind == "jsonl":
        with open(path, "rb") as fh:
            fh.seek(int(shard["start"]))
            data = fh.read(int(shard["end"]) - int(shard["start"]))
        items = list(read_bytes_input_named(data, name, ingest))
        return _renumber_lines(items, name, int(shard["first_line"]))
    if kind == "parquet":
        return _read_parquet_shard(shard, settings)
    data = _read_source(path, name, ingest, None)
    if isinstance(data, InputError):
        return [data]
    return list(read_bytes_input_named(data, name, ingest))


def _renumber_lines(
    items: list[Article | InputError], name: str, first_line: int, force: bool = False
) -> list[Article | InputError]:
    """Give articles and errors of a JSONL chunk the line numbers of the whole file.

    The single-process reader names each line ``file.jsonl:LINE``; a chunk starting at line
    ``first_line`` reads its lines as 1, 2, ... (and a one-line chunk as the bare file name).
    """
    if first_line == 1 and not force:
        return items
    prefix = name + ":"
    for item in items:
        old = item.path
        if old == name:
            new = f"{name}:{first_line}"
        elif old.startswith(prefix) and old[len(prefix):].isdigit():
            new = f"{name}:{int(old[len(prefix):]) + first_line - 1}"
        else:
            continue
        item.path = new
        if isinstance(item, InputError):
            item.error = item.error.replace(old + ":", new + ":", 1)
    return items


def _read_parquet_shard(shard: dict[str, Any], settings: Settings) -> list[Article | InputError]:
    """Parquet rows become JSONL lines, so the JSONL reader's rules (ids, dates, outlets) apply.

    Article paths are ``file.parquet:ROW`` (1-based over the whole file), like JSONL lines.
    """
    import pyarrow.parquet as pq

    from newsfuse.ingest.build import input_error
    from newsfuse.ingest.reader import read_bytes_input_named

    name = shard["name"]
    try:
        pf = pq.ParquetFile(shard["path"])
        columns = [c for c in PARQUET_COLUMNS if c in pf.schema_arrow.names]
        if "text" not in columns:
            return [input_error("NF010", name, "Parquet input has no text column (title/text/url/source/published)")]
        first_group = int(shard["start"])
        end = pf.metadata.num_row_groups if int(shard["end"]) < 0 else int(shard["end"])
        first_row = sum(pf.metadata.row_group(g).num_rows for g in range(first_group)) + 1
        table = pf.read_row_groups(list(range(first_group, end)), columns=columns)
    except Exception as exc:  # noqa: BLE001 - one bad file is one error line
        return [input_error("NF015", name, f"unreadable Parquet ({type(exc).__name__}: {str(exc)[:200]})")]
    lines = []
    for row in table.to_pylist():
        if row.get("published") is not None and not isinstance(row["published"], str):
            row["published"] = row["published"].isoformat()
        lines.append(codec.dumps({k: v for k, v in row.items() if v is not None}))
    if not lines:
        return []
    # read as JSON Lines under a .jsonl name, then named after the Parquet file again
    pseudo = name + ".jsonl"
    data = ("\n".join(lines) + "\n").encode("utf-8")
    items = list(read_bytes_input_named(data, pseudo, settings.ingest))
    items = _renumber_lines(items, pseudo, first_row, force=True)
    for item in items:
        if item.path.startswith(pseudo):
            old = item.path
            item.path = name + old[len(pseudo):]
            if isinstance(item, InputError):
                item.error = item.error.replace(old, item.path, 1)
    return items


class _TimedStage:
    """A map_batches callable whose busy time is reported under ``stage``; subclasses
    implement ``_run`` and set ``self.counter``."""

    stage = ""
    counter: Any

    def __call__(self, batch: pa.Table) -> pa.Table:
        t0 = time.perf_counter()
        try:
            return self._run(batch)
        finally:
            report_time(self.counter, self.stage, time.perf_counter() - t0)

    def _run(self, batch: pa.Table) -> pa.Table:
        raise NotImplementedError


class Ingest(_TimedStage):
    stage = "ingest"
    """Shard rows -> article rows; drops articles a finished earlier run already wrote."""

    def __init__(self, settings: Settings, done: np.ndarray, counter: Any) -> None:
        self.settings = settings
        self.done = done
        self.counter = counter

    def _run(self, batch: pa.Table) -> pa.Table:
        rows: list[dict[str, Any]] = []
        read = skipped = 0
        for shard in batch.to_pylist():
            seen: set[str] = set()
            try:
                items = _read_shard(shard, self.settings)
            except Exception as exc:  # noqa: BLE001 - never lose the batch for one shard
                items = [InputError(shard["name"], f"[NF000] {shard['name']}: {type(exc).__name__}: {exc}", "NF000")]
            for pos, item in enumerate(items):
                if isinstance(item, InputError):
                    rows.append(codec.error_row(shard["index"], pos, item))
                    continue
                read += 1
                if item.id in seen or _is_done(self.done, item.id):
                    skipped += 1
                    continue
                seen.add(item.id)
                rows.append(codec.article_row(shard["index"], pos, item))
        report(self.counter, "ingest", read)
        report(self.counter, "skipped", skipped)
        report(self.counter, "shards", len(batch))
        return codec.rows_to_table(rows)


# --------------------------------------------------------------------------- repair
def _failure_row(row: dict[str, Any], article: Article, exc: BaseException, settings: Settings) -> dict[str, Any]:
    from newsfuse.pipeline import article_error  # the pipeline's per-article error policy

    return codec.error_row(row["shard"], row["pos"], article_error(article, exc, settings))


class Repair(_TimedStage):
    stage = "repair"
    """Repair each article under the per-article time budget (a Ray task, no model)."""

    def __init__(self, settings: Settings, counter: Any) -> None:
        self.settings = settings
        self.counter = counter

    def _run(self, batch: pa.Table) -> pa.Table:
        from newsfuse.limits import time_budget
        from newsfuse.repair import repair_article

        out: list[dict[str, Any]] = []
        done = 0
        for row in batch.to_pylist():
            if row["article"] is None:
                out.append(row)
                continue
            article = codec.load_article(row)
            try:
                with time_budget(self.settings.ingest.seconds_per_article):
                    fixed = repair_article(article, self.settings.repair)
            except Exception as exc:  # noqa: BLE001 - per-article error policy
                out.append(_failure_row(row, article, exc, self.settings))
                continue
            row["article"] = codec.dumps(codec.article_to_dict(fixed))
            out.append(row)
            done += 1
        report(self.counter, "repair", done)
        return codec.rows_to_table(out)


# --------------------------------------------------------------------------- extract
class Extract(_TimedStage):
    stage = "extract"
    """spaCy annotation in an actor: the model loads once, in ``__init__``."""

    def __init__(self, settings: Settings, counter: Any) -> None:
        from newsfuse.extract import annotate

        self.settings = settings
        self.counter = counter
        self._annotate = annotate
        # load the spaCy pipeline now, not inside the first batch's time budget
        from newsfuse.extract.nlp import get_nlp

        get_nlp(settings.extract.spacy_model)

    def _run(self, batch: pa.Table) -> pa.Table:
        from newsfuse.limits import time_budget

        rows = batch.to_pylist()
        live = [r for r in rows if r["article"] is not None]
        articles = [codec.load_article(r) for r in live]
        budget = self.settings.ingest.seconds_per_article
        notes_by_row: dict[int, Any] = {}
        try:
            with time_budget(budget * max(1, len(articles))):
                notes = self._annotate(articles, self.settings.extract)
            notes_by_row = {id(r): n for r, n in zip(live, notes)}
        except Exception:  # noqa: BLE001 - find the culprit article by article
            for r, a in zip(live, articles):
                try:
                    with time_budget(budget):
                        notes_by_row[id(r)] = self._annotate([a], self.settings.extract)[0]
                except Exception as exc:  # noqa: BLE001
                    notes_by_row[id(r)] = exc
        out: list[dict[str, Any]] = []
        for r in rows:
            if r["article"] is None:
                out.append(r)
                continue
            note = notes_by_row.get(id(r))
            if isinstance(note, BaseException) or note is None:
                exc = note if note is not None else RuntimeError("no annotations")
                out.append(_failure_row(r, codec.load_article(r), exc, self.settings))
                continue
            r["annotations"] = codec.dump_annotations(note)
            out.append(r)
        report(self.counter, "extract", sum(1 for r in out if r["annotations"] is not None))
        return codec.rows_to_table(out)


# --------------------------------------------------------------------------- embed
def embed_device() -> str:
    """``cuda`` when this actor was given a GPU, else ``cpu``."""
    try:
        import torch

        if torch.cuda.is_available():
            return "cuda"
    except Exception:  # noqa: BLE001 - no torch CUDA build: CPU
        pass
    return "cpu"


class Embed(_TimedStage):
    stage = "embed"
    """Cluster features (MiniLM embedding, entities, numbers) in an actor, GPU when it has one.

    Calls ``newsfuse.cluster.cluster_items``: the same features the single-process clusterer
    gets. On a GPU the model runs in fp16 and is fed large batches.
    """

    def __init__(self, settings: Settings, counter: Any, batch_size: int = 64) -> None:
        from newsfuse import embed

        self.settings = settings
        self.counter = counter
        self.device = embed_device()
        if self.device == "cuda":
            model = embed.use_backend("torch", device="cuda").model
            model.half()
            # cluster_items calls embed.embed with its CPU batch size; a GPU wants far larger
            # batches. This actor process only ever embeds here, so widen the default in it.
            import functools

            embed.embed = functools.partial(embed.embed, batch_size=batch_size)
        else:
            # one CPU per actor: more actors, not more threads
            embed.use_backend(threads=1)
            if embed.backend().name == "torch":
                import torch

                torch.set_num_threads(1)
        self.batch_size = batch_size

    def _run(self, batch: pa.Table) -> pa.Table:
        from newsfuse.cluster import cluster_items

        rows = batch.to_pylist()
        live = [r for r in rows if r["article"] is not None and r["annotations"] is not None]
        articles = [codec.load_article(r) for r in live]
        notes = [codec.load_annotations(r) for r in live]
        items = cluster_items(articles, notes) if live else []
        finals = [codec.final_row(r, a, it) for r, a, it in zip(live, articles, items)]
        errors = [codec.final_error_row(r) for r in rows if r["article"] is None]
        report(self.counter, "embed", len(finals))
        report(self.counter, f"embed on {self.device}", len(finals))
        return pa.Table.from_pylist(finals + errors, schema=codec.OUTPUT_SCHEMA)


# --------------------------------------------------------------------------- write
class WriteParts(_TimedStage):
    stage = "write"
    """Write each batch as Parquet parts, atomically (temp file, then rename).

    A part's name is a hash of the article ids in it, so a task that Ray retries after it had
    already renamed its file rewrites the same file instead of adding a duplicate.
    """

    def __init__(self, out_dir: str, counter: Any) -> None:
        self.out_dir = out_dir
        self.counter = counter

    def _run(self, batch: pa.Table) -> pa.Table:
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        is_error = pc.is_valid(batch.column("error"))
        parts = {
            "articles": batch.filter(pc.invert(is_error)).select(codec.ARTICLE_SCHEMA.names),
            "errors": batch.filter(is_error).select(codec.ERROR_SCHEMA.names),
        }
        counts = {"articles": 0, "errors": 0}
        for kind, table in parts.items():
            if table.num_rows == 0:
                continue
            key_col = "id" if kind == "articles" else "error"
            h = hashlib.blake2b(digest_size=12)
            for s, p, k in zip(table.column("shard").to_pylist(), table.column("pos").to_pylist(),
                               table.column(key_col).to_pylist()):
                h.update(f"{s}:{p}:{k}\n".encode())
            folder = os.path.join(self.out_dir, kind)
            os.makedirs(folder, exist_ok=True)
            final = os.path.join(folder, f"part-{h.hexdigest()}.parquet")
            tmp = os.path.join(folder, f".tmp-{uuid.uuid4().hex}.parquet")
            pq.write_table(table, tmp, compression="zstd")
            os.replace(tmp, final)
            counts[kind] = table.num_rows
        report(self.counter, "written", counts["articles"])
        report(self.counter, "errors", counts["errors"])
        return pa.table({"written": [counts["articles"]], "errors": [counts["errors"]]})
