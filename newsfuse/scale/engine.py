"""run_ray(): the pipeline's stages on Ray Data, resumable, with the same stories as analyze().

Three phases, each safe to kill and rerun (a rerun of the same command finds its work directory
and goes on):

A. **Annotate** (Ray Data, parallel): shards -> ingest -> repair -> extract (spaCy actor pool)
   -> embed (MiniLM actor pool, GPU actors when the cluster has GPUs) -> Parquet parts written
   atomically. A rerun skips articles already in finished parts (their ids travel to the
   ingest stage as a sorted int64 array), then marks the phase done.
B. **Cluster** (driver, streaming): the parts are sorted into the single-process pipeline's
   order (``pipeline.stream_order``: undated first, then date, then id) and streamed to
   the driver in batches, which feeds the same ``StoryClusterer.add`` the single-process
   pipeline uses, in the same batches. The clusterer is index-based (MinHash-LSH for
   near-duplicates, a vector index for story candidates), so this is not quadratic; it is the
   one serial step, and it is cheap next to spaCy and the embeddings. Chosen over
   block-then-merge clustering because it gives exactly the single-process stories.
C. **Stories** (driver writes, then Ray Data in parallel): new articles go into the store in
   the pipeline's batches, each with its story memberships and the "dirty" marks of the
   stories it changed (newsfuse/store/dirty.py), the cluster state with the last batch. Then
   every dirty story is built once by ``newsfuse.pipeline.build_story`` in parallel tasks
   (entity linking, crosscheck, brief) and the driver saves them; each save clears the mark in
   the same transaction. A rerun after a kill while articles were being stored replays B from
   the store's unchanged cluster state (``pending.json`` says which stored ids are this run's)
   and saves the same rows again (idempotent); after a kill while stories were being built, the
   marks say what is left.

The store's writer lock is held for the whole run, so no other ingest interleaves with it.
"""

from __future__ import annotations

import contextlib
import glob as globmod
import hashlib
import json
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from newsfuse.scale import codec
from newsfuse.scale.progress import ProgressPrinter, report, start_counter, stop_counter
from newsfuse.scale.shards import Shard, make_shards, run_fingerprint
from newsfuse.settings import Settings
from newsfuse.types import Analysis, InputError, StoryAssignment

PHASE_A_DONE = "_ANNOTATED"
PENDING_FILE = "pending.json"  # ids stored by an attempt that has not saved the state yet


@dataclass
class RayOptions:
    """Sizes that matter on a cluster (docs/ray.md). ``None`` = derived from the cluster."""

    extract_actors: int | None = None  # spaCy actors (each ~250 MB, one CPU)
    embed_actors: int | None = None  # MiniLM actors (one GPU each when GPUs exist, else = workers)
    extract_batch: int = 64  # articles per spaCy call
    embed_batch_cpu: int = 128  # articles per embedding call on CPU
    embed_batch_gpu: int = 1024  # ... and on a GPU (the GPU must be fed large batches)
    write_batch: int = 1024  # articles per Parquet part (the unit a killed run redoes at most)
    light_task_cpus: float = 0.25  # ingest / repair / write tasks
    extract_cpus: float = 1.0  # logical CPUs Ray reserves per spaCy actor
    embed_cpus: float = 1.0  # ... per CPU embedding actor (GPU actors also take one CPU)
    story_cpus: float = 1.0  # ... per story-building actor
    story_actors: int | None = None  # concurrent story-building tasks
    driver_sort_bytes: int = 256 << 20  # parts up to this size are put in order on the driver
    jsonl_chunk_bytes: int = 4 << 20  # a JSONL shard
    parquet_row_groups: int = 1  # row groups per Parquet shard
    # local Ray only: Ray's default is 30% of RAM; 1 GiB is plenty (blocks stream and spill)
    object_store_memory: int | None = 1 << 30


@dataclass
class RayRunResult:
    """What one run did. ``str()`` is the summary the CLI prints."""

    articles: int = 0  # articles annotated (phase A, over all runs of this work directory)
    new_articles: int = 0  # articles clustered and stored by this run
    story_ids: list[str] = field(default_factory=list)  # stories created or changed
    errors: list[InputError] = field(default_factory=list)
    parquet_dir: str = ""
    store_url: str = ""
    resumed: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    busy_seconds: dict[str, float] = field(default_factory=dict)  # per stage, summed over workers
    embed_gpu_actors: int = 0  # embedding actors that asked Ray for a GPU (0: CPU actors)

    def to_analysis(self, max_stories: int | None = 1000) -> Analysis:
        """The touched stories and their articles read back from the store, as the
        single-process engine returns them (for --json/--html on small and mid-size runs)."""
        from newsfuse.store import open_store

        analysis = Analysis(errors=list(self.errors), timings=dict(self.timings))
        with open_store(self.store_url) as store:
            ids = self.story_ids if max_stories is None else self.story_ids[:max_stories]
            for sid in ids:
                story = store.get_story(sid)
                if story is not None:
                    analysis.stories.append(story)
            wanted = list(dict.fromkeys(a for s in analysis.stories for a in s.article_ids))
            analysis.articles = store.load_articles(wanted)
            analysis.annotations = store.load_annotations(wanted)
        analysis.stories.sort(key=lambda s: (-len(s.article_ids), s.title))
        return analysis

    def __str__(self) -> str:
        t = " · ".join(f"{k} {v:.1f}s" for k, v in self.timings.items())
        return (
            f"newsfuse ray: {self.new_articles:,} new articles in {len(self.story_ids):,} stories "
            f"({self.articles:,} annotated, {len(self.errors):,} errors"
            f"{', resumed' if self.resumed else ''}); parquet {self.parquet_dir}; "
            f"store {self.store_url}; {t}"
        )


# --------------------------------------------------------------------------- ray set-up
def local_workers(cores: int) -> int:
    """Workers for a local Ray on ``cores`` cores: one spaCy and one MiniLM actor per two."""
    return max(1, cores // 2)


def init_ray(ray_address: str | None, num_workers: int | None, options: RayOptions, progress: bool) -> bool:
    """Connect to ``ray_address`` or start a small local Ray; True when we started it."""
    import ray

    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_DEDUP_LOGS", "1")
    if ray_address:
        # joining a cluster: its size and object store are the cluster's own settings
        ray.init(address=ray_address, log_to_driver=progress)
    else:
        # logical CPUs: one per spaCy actor and per CPU embed actor, plus room for the light
        # tasks. Each worker is a spaCy and a MiniLM actor, so by default one worker per two
        # cores: on 2 cores, 2 workers ran 20,000 articles 7 % slower than 1 (docs/ray.md)
        workers = num_workers or local_workers(os.cpu_count() or 1)
        ray.init(
            address="local",  # a new local Ray, even where an old cluster's address file lingers
            num_cpus=2 * workers + 1,
            object_store_memory=options.object_store_memory,
            include_dashboard=False,
            log_to_driver=progress,
            logging_level="WARNING",
        )
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.enable_progress_bars = progress
    return True


def _cluster_gpus() -> int:
    import ray

    return int(ray.cluster_resources().get("GPU", 0))


# --------------------------------------------------------------------------- work directory
def default_work_dir(inputs: Sequence[str], store_url: str | None) -> str:
    """$XDG_CACHE_HOME/newsfuse/ray/<hash of inputs and store>: a rerun finds it again."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.blake2b(
        json.dumps([[os.path.abspath(i) for i in inputs], store_url or ""]).encode(), digest_size=8
    ).hexdigest()
    return os.path.join(base, "newsfuse", "ray", key)


def _spool_stdin(stdin: BinaryIO, work_dir: str, limit: int) -> str:
    from newsfuse.limits import read_stream_capped

    data = read_stream_capped(stdin, limit)
    path = os.path.join(work_dir, "stdin-" + hashlib.blake2b(data, digest_size=8).hexdigest())
    if not os.path.exists(path):
        with open(path + ".tmp", "wb") as fh:
            fh.write(data)
        os.replace(path + ".tmp", path)
    return path


def finished_ids(parts_dir: str) -> list[str]:
    """Ids in finished parts; half-written temp files and unreadable parts are removed."""
    import pyarrow.parquet as pq

    ids: list[str] = []
    for tmp in globmod.glob(os.path.join(parts_dir, ".tmp-*")):
        with contextlib.suppress(OSError):
            os.remove(tmp)
    for part in sorted(globmod.glob(os.path.join(parts_dir, "part-*.parquet"))):
        try:
            ids.extend(pq.read_table(part, columns=["id"]).column("id").to_pylist())
        except Exception:  # noqa: BLE001 - a torn part: drop it, its articles are redone
            with contextlib.suppress(OSError):
                os.remove(part)
    return ids


def _read_errors(errors_dir: str) -> list[InputError]:
    import pyarrow.parquet as pq

    rows = []
    for part in sorted(globmod.glob(os.path.join(errors_dir, "part-*.parquet"))):
        with contextlib.suppress(Exception):
            rows.extend(pq.read_table(part).to_pylist())
    rows.sort(key=lambda r: (r["shard"], r["pos"]))
    seen: set[tuple[str, str]] = set()
    out = []
    for r in rows:
        key = (r["error_path"] or "", r["error"] or "")
        if key not in seen:
            seen.add(key)
            out.append(InputError(path=key[0], error=key[1], code=r["code"] or "NF000"))
    return out


# --------------------------------------------------------------------------- phase A
def annotate_shards(
    shards: list[Shard],
    work_dir: str,
    settings: Settings,
    options: RayOptions,
    counter: Any,
    num_workers: int | None,
) -> int:
    """Ingest, repair, extract and embed every shard into ``work_dir/articles`` Parquet parts.

    Returns the number of GPU embedding actors it asked for (0: CPU actors)."""
    import ray
    import ray.data
    from ray.data import ActorPoolStrategy

    from newsfuse.scale import stages

    parts_dir = os.path.join(work_dir, "articles")
    os.makedirs(parts_dir, exist_ok=True)
    shutil.rmtree(os.path.join(work_dir, "errors"), ignore_errors=True)  # redone with the rest
    done = stages.done_keys(finished_ids(parts_dir))
    report(counter, "resumed", int(done.size))

    cpus = int(ray.cluster_resources().get("CPU", 1))
    gpus = _cluster_gpus()
    extract_actors, embed_actors = pool_sizes(cpus, gpus, num_workers, options)
    light = {"num_cpus": options.light_task_cpus}

    ds = ray.data.from_items([s.row() for s in shards], override_num_blocks=max(1, len(shards)))
    # one task per shard reads and repairs it, so each shard's articles are one block and the
    # actor pools below get as many blocks as there are shards. With repair as a map of its own
    # (batch_size=64), Ray fused the two and bundled up to 64 SHARD rows into one task: 40
    # shards of 20,000 articles became one block, and one spaCy actor did all the work.
    ds = ds.map_batches(
        _ingest_repair_task, batch_size=1, batch_format="pyarrow",
        fn_kwargs={"settings": settings, "done": ray.put(done), "counter": counter}, **light,
    )
    # fixed-size pools: Ray Data's autoscaler grows a pool only past 1.75 tasks in flight per
    # actor slot, which spaCy actors working through a queue never reach, so "1 to N" actors
    # stayed at one (ray-data.log of a 20,000-article run with 2 workers: "Extract ... Actors: 1")
    ds = ds.map_batches(
        stages.Extract, batch_size=options.extract_batch, batch_format="pyarrow",
        compute=ActorPoolStrategy(size=extract_actors),
        fn_constructor_kwargs={"settings": settings, "counter": counter}, num_cpus=options.extract_cpus,
    )
    embed_args: dict[str, Any] = {"num_cpus": embed_actor_cpus(gpus, options)}
    if gpus:
        embed_args["num_gpus"] = 1
        embed_batch = options.embed_batch_gpu
    else:
        embed_batch = options.embed_batch_cpu
    ds = ds.map_batches(
        stages.Embed, batch_size=embed_batch, batch_format="pyarrow",
        compute=ActorPoolStrategy(size=embed_actors),
        fn_constructor_kwargs={"settings": settings, "counter": counter, "batch_size": embed_batch},
        **embed_args,
    )
    ds = ds.map_batches(
        _write_task, batch_size=options.write_batch, batch_format="pyarrow",
        fn_kwargs={"out_dir": work_dir, "counter": counter}, **light,
    )
    for _ in ds.iter_batches(batch_size=None):
        pass
    return embed_actors if gpus else 0


def pool_sizes(cpus: int, gpus: int, num_workers: int | None, options: RayOptions) -> tuple[int, int]:
    """(spaCy actors, embedding actors) for a cluster of ``cpus`` logical CPUs.

    Half the CPUs each by default (on CPU an article's MiniLM vector costs about what its spaCy
    pass costs); one embedding actor per GPU when there are GPUs. The pools have a fixed size,
    so they must leave room for the light tasks that feed them, or the run would wait forever:
    the larger pool shrinks (the embedding pool on a tie: spaCy is the slower stage on CPU)
    until both fit with one light task beside them."""
    workers = num_workers or max(1, (cpus - 1) // 2)
    extract = options.extract_actors or workers
    embed = options.embed_actors or (gpus if gpus else workers)
    room = cpus - options.light_task_cpus
    while extract * options.extract_cpus + embed * embed_actor_cpus(gpus, options) > room and extract + embed > 2:
        if extract > embed:
            extract -= 1
        else:
            embed -= 1
    return extract, embed


def embed_actor_cpus(gpus: int, options: RayOptions) -> float:
    """Logical CPUs one embedding actor asks for: a GPU actor takes a whole one to feed its GPU."""
    return 1.0 if gpus else options.embed_cpus


def _ingest_repair_task(batch: Any, *, settings: Settings, done: Any, counter: Any) -> Any:
    import numpy as np
    import ray

    from newsfuse.scale.stages import Ingest, Repair

    if isinstance(done, ray.ObjectRef):
        done = ray.get(done)
    articles = Ingest(settings, np.asarray(done, dtype=np.int64).reshape(-1), counter)(batch)
    return Repair(settings, counter)(articles)


def _write_task(batch: Any, *, out_dir: str, counter: Any) -> Any:
    from newsfuse.scale.stages import WriteParts

    return WriteParts(out_dir, counter)(batch)


# --------------------------------------------------------------------------- phase B
CLUSTER_COLUMNS = [
    "id", "shard", "pos", "title", "text", "source", "published", "embedding",
    "ci_title", "ci_text", "ci_source", "ci_published", "ci_entities", "ci_numbers",
]


def iter_rows(
    parts_dir: str, columns: list[str], batch_rows: int, driver_sort_bytes: int = 256 << 20,
    by_time: bool = False,
) -> Iterator[list[dict[str, Any]]]:
    """Article rows of all parts in input order (shard, pos), or with ``by_time`` in the
    single-process path's clustering order (``pipeline.stream_order``: undated first, then
    date, then id), streamed in batches.

    Small runs sort on the driver with Arrow (a Ray Data sort costs seconds of scheduling);
    large ones use Ray Data's distributed sort and stream the sorted blocks to the driver.
    """
    paths = sorted(globmod.glob(os.path.join(parts_dir, "part-*.parquet")))
    if not paths:
        return
    keys = ["order_date", "id"] if by_time else ["shard", "pos"]
    wanted = list(dict.fromkeys([*columns, "published", "id"])) if by_time else columns
    if sum(os.path.getsize(p) for p in paths) <= driver_sort_bytes:
        import pyarrow.dataset as pads

        table = pads.dataset(paths, format="parquet").to_table(columns=wanted)
        if by_time:
            table = _with_order_date(table)
        table = table.sort_by([(k, "ascending") for k in keys])
        for batch in table.to_batches(max_chunksize=batch_rows):
            yield batch.to_pylist()
        return
    import ray.data

    ds = ray.data.read_parquet(paths).select_columns(wanted)
    if by_time:
        ds = ds.map_batches(_with_order_date, batch_format="pyarrow")
    for batch in ds.sort(keys).iter_batches(batch_size=batch_rows, batch_format="pyarrow"):
        yield batch.to_pylist()


def _with_order_date(table: Any) -> Any:
    """The publication date with undated rows as "" (before every date), as stream_order."""
    import pyarrow.compute as pc

    return table.append_column("order_date", pc.fill_null(table["published"], ""))


@dataclass
class Clustering:
    story_of: dict[str, str] = field(default_factory=dict)  # article -> surviving story
    merges: list[tuple[str, str]] = field(default_factory=list)
    duplicate_of: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    state: bytes = b""


def cluster_in_order(
    parts_dir: str, clusterer: Any, batch_size: int, counter: Any,
    already_stored: Callable[[list[str]], set[str]], driver_sort_bytes: int = 256 << 20,
) -> Clustering:
    """Feed the clusterer the run's new articles in the pipeline's order and batch size.

    Articles the store already holds are skipped, as ``pipeline.analyze`` skips them.
    """
    result = Clustering()
    seen: set[str] = set()
    pending: list[Any] = []

    def flush() -> None:
        if not pending:
            return
        assignment: StoryAssignment = clusterer.add(pending)
        result.story_of.update(assignment.story_of)
        result.merges.extend(assignment.merges)
        result.duplicate_of.update(assignment.duplicate_of)
        result.titles.update(assignment.titles)
        result.labels.update(assignment.labels)
        report(counter, "clustered", len(pending))
        pending.clear()

    for rows in iter_rows(
        parts_dir, CLUSTER_COLUMNS, 4 * batch_size, driver_sort_bytes, by_time=True
    ):
        known = already_stored([r["id"] for r in rows])
        report(counter, "known", sum(1 for r in rows if r["id"] in known and r["id"] not in seen))
        for row in rows:
            if row["id"] in seen or row["id"] in known:
                continue
            seen.add(row["id"])
            pending.append(codec.cluster_item(row))
            if len(pending) >= batch_size:
                flush()
    flush()
    result.story_of = {aid: clusterer.resolve(sid) for aid, sid in result.story_of.items()}
    result.merges = [(old, clusterer.resolve(new)) for old, new in result.merges]
    result.titles = {clusterer.resolve(s): t for s, t in result.titles.items()}
    result.labels = {clusterer.resolve(s): t for s, t in result.labels.items()}
    result.state = clusterer.state_bytes()
    return result


# --------------------------------------------------------------------------- phase C
def store_articles(
    parts_dir: str, store: Any, clustering: Clustering, batch_size: int, counter: Any,
    driver_sort_bytes: int = 256 << 20,
) -> None:
    """New articles into the store in input order, each batch with its story memberships and
    the dirty marks of their stories (store/dirty.py), as ``pipeline.analyze`` saves them. The
    merges go with the first batch, the cluster state with the last (one transaction each)."""
    from newsfuse.store.dirty import PendingStories

    wanted = set(clustering.story_of)
    cols = ["id", "shard", "pos", "article", "annotations"]
    batch_a: list[Any] = []
    batch_n: list[Any] = []
    saved: set[str] = set()
    merges = list(clustering.merges)

    def flush(state: bytes | None = None) -> None:
        if not batch_a and state is None and not merges:
            return
        pending = PendingStories(members={a.id: clustering.story_of[a.id] for a in batch_a})
        for aid, sid in pending.members.items():
            notes = pending.stories.setdefault(sid, {
                "duplicate_of": {}, "title": clustering.titles.get(sid, ""), "label": clustering.labels.get(sid, ""),
            })
            if aid in clustering.duplicate_of:
                notes["duplicate_of"][aid] = clustering.duplicate_of[aid]
        for _, survivor in merges:
            pending.stories.setdefault(survivor, {
                "duplicate_of": {}, "title": clustering.titles.get(survivor, ""),
                "label": clustering.labels.get(survivor, ""),
            })
        sub = StoryAssignment(story_of=dict(pending.members), merges=list(merges))
        store.save_batch(batch_a, batch_n, [], sub, state, pending=pending)
        report(counter, "stored", len(batch_a))
        batch_a.clear()
        batch_n.clear()
        merges.clear()

    for rows in iter_rows(parts_dir, cols, 4 * batch_size, driver_sort_bytes):
        for row in rows:
            if row["id"] not in wanted or row["id"] in saved:
                continue
            saved.add(row["id"])
            batch_a.append(codec.load_article(row))
            batch_n.append(codec.load_annotations(row))
            if len(batch_a) >= batch_size:
                flush()
    flush(clustering.state)


class BuildStories:
    """``newsfuse.pipeline.build_story`` per dirty story, reading everything from the store.

    Run as a Ray task: Ray reuses its worker processes, so the store connection pool and the
    embedding model (crosscheck) stay loaded in a worker from one batch of stories to the next.
    """

    def __init__(self, store_url: str, settings: Settings) -> None:
        from newsfuse.store import open_store

        self.settings = settings
        self.store = open_store(store_url, settings.store)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        from newsfuse.pipeline import build_story

        out_ids, out_blobs = [], []
        for sid in batch.column("story_id").to_pylist():
            story = build_story(sid, self.store, self.settings)
            out_ids.append(sid)
            out_blobs.append(pickle.dumps(story, protocol=pickle.HIGHEST_PROTOCOL))
        return pa.table({"story_id": out_ids, "story": pa.array(out_blobs, type=pa.binary())})


_builders: dict[str, BuildStories] = {}


def _build_stories_task(batch: Any, *, store_url: str, settings: Settings) -> Any:
    builder = _builders.get(store_url)
    if builder is None:
        builder = _builders[store_url] = BuildStories(store_url, settings)
    builder.settings = settings
    return builder(batch)


def build_and_save_stories(
    store: Any, store_url: str, settings: Settings, options: RayOptions, counter: Any,
    num_workers: int | None,
) -> list[str]:
    """Every dirty story in the store (this run's and any an interrupted run left), built in
    parallel tasks and saved by the driver; each save clears the story's mark."""
    import ray
    import ray.data

    from newsfuse.store.dirty import dirty_ids, drop

    tasks = [{"story_id": sid} for sid in dirty_ids(store)]
    if not tasks:
        return []
    cpus = int(ray.cluster_resources().get("CPU", 1))
    actors = options.story_actors or num_workers or max(1, cpus)  # phase A is over: every CPU
    ds = ray.data.from_items(tasks, override_num_blocks=max(1, min(len(tasks), 4 * actors)))
    ds = ds.map_batches(
        _build_stories_task, batch_size=8, batch_format="pyarrow",
        compute=ray.data.TaskPoolStrategy(size=actors),
        fn_kwargs={"store_url": store_url, "settings": settings}, num_cpus=options.story_cpus,
    )
    saved: list[str] = []
    pending: list[Any] = []
    empty: list[str] = []
    articles_in_pending = 0

    def flush() -> None:
        nonlocal articles_in_pending
        if pending:
            store.save_batch([], [], list(pending), StoryAssignment(), None)
            report(counter, "stories", len(pending))
            pending.clear()
            articles_in_pending = 0

    for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
        for sid, blob in zip(batch.column("story_id").to_pylist(), batch.column("story").to_pylist()):
            story = pickle.loads(blob)
            if story is None:
                continue
            if not story.article_ids:
                empty.append(sid)
                continue
            pending.append(story)
            saved.append(story.id)
            articles_in_pending += len(story.article_ids)
            if articles_in_pending >= settings.store.batch_size:
                flush()
    flush()
    if empty:
        drop(store, empty)
    return saved


# --------------------------------------------------------------------------- the run
def run_ray(
    inputs: Sequence[str],
    *,
    store_url: str | None,
    out_parquet: str | None,
    settings: Settings,
    ray_address: str | None = None,
    num_workers: int | None = None,
    progress: bool = True,
    stdin: BinaryIO | None = None,
    options: RayOptions | None = None,
    exclude: Sequence[str] = (),
) -> RayRunResult:
    """Analyze ``inputs`` on Ray and store the stories; rerun the same call to resume.

    ``store_url``: SQLite path or postgresql:// URL (None = a store inside the work directory).
    ``out_parquet``: the work directory; the annotated articles land in ``<out>/articles``
    (None = a per-input cache directory, found again by a rerun). ``num_workers``: spaCy actors
    (and, without GPUs, embedding actors at half that); local Ray only starts that many CPUs.
    ``exclude``: more paths that are not inputs (reports); the store's files and the work
    directory never are.
    """
    import ray

    from newsfuse.cluster import StoryClusterer
    from newsfuse.store import open_store

    options = options or RayOptions()
    work_dir = os.path.abspath(out_parquet or default_work_dir(inputs, store_url))
    os.makedirs(work_dir, exist_ok=True)
    store_url = store_url or os.path.join(work_dir, "store.sqlite")
    result = RayRunResult(parquet_dir=os.path.join(work_dir, "articles"), store_url=store_url)
    t0 = time.perf_counter()

    inputs = list(inputs)
    spooled: str | None = None
    stdin_errors: list[InputError] = []
    if "-" in inputs:
        from newsfuse.ingest.build import input_error
        from newsfuse.limits import InputTooLarge

        try:
            spooled = _spool_stdin(stdin or sys.stdin.buffer, work_dir, settings.ingest.max_input_bytes)
            inputs[inputs.index("-")] = spooled
        except InputTooLarge as exc:
            stdin_errors.append(input_error("NF005", "-", f"{exc.size:,} bytes > {settings.ingest.max_input_bytes:,}"))
            inputs.remove("-")
    from newsfuse.store.engine import resolve_target

    not_inputs = [*resolve_target(store_url).files, work_dir, *exclude]
    shards, expand_errors = make_shards(
        inputs, jsonl_chunk_bytes=options.jsonl_chunk_bytes, parquet_row_groups=options.parquet_row_groups,
        exclude=not_inputs,
    )
    expand_errors = stdin_errors + expand_errors
    if spooled:
        real = os.path.realpath(spooled)
        shards = [
            Shard(**{**s.row(), "name": "-"}) if os.path.realpath(s.path) == real else s  # type: ignore[arg-type]
            for s in shards
        ]
    fingerprint = run_fingerprint(shards)
    result.timings["shard"] = time.perf_counter() - t0

    started = init_ray(ray_address, num_workers, options, progress)
    store = open_store(store_url, settings.store)
    counter = None
    try:
        if store.dialect == "sqlite" and len(ray.nodes()) > 1:
            raise RuntimeError("a multi-node Ray cluster needs a PostgreSQL store (--db postgresql://...)")
        counter = start_counter()
        with ProgressPrinter(counter, enabled=progress) as printer, store.writer_lock():
            # phase A: annotate (skipped when a previous run over the same inputs finished it)
            t = time.perf_counter()
            marker = os.path.join(work_dir, PHASE_A_DONE)
            done_before = _read_text(marker) == fingerprint
            result.resumed = done_before or bool(globmod.glob(os.path.join(work_dir, "articles", "part-*")))
            if not done_before and shards:
                printer.phase = "annotate"
                result.embed_gpu_actors = annotate_shards(
                    shards, work_dir, settings, options, counter, num_workers
                )
                _write_text(marker, fingerprint)
            result.timings["annotate"] = time.perf_counter() - t

            # phase B: cluster on the driver from the store's current state
            t = time.perf_counter()
            printer.phase = "cluster"
            current = store.load_cluster_state()
            base = _sha(current or b"")
            pending_file = os.path.join(work_dir, PENDING_FILE)
            pending = _read_pending(pending_file, base)
            clusterer = StoryClusterer(current, settings.cluster)

            def already_stored(ids: list[str]) -> set[str]:
                # what the store holds is in the cluster state, except what an interrupted
                # attempt of this run stored before it could save the state
                return store.known_ids(ids) - pending

            clustering = cluster_in_order(
                result.parquet_dir, clusterer, max(1, settings.store.batch_size), counter,
                already_stored, options.driver_sort_bytes,
            )
            result.timings["cluster"] = time.perf_counter() - t

            # phase C: articles, then stories (parallel), then the cluster state, last
            t = time.perf_counter()
            printer.phase = "stories"
            if clustering.story_of:
                _write_text(pending_file, json.dumps({"base": base, "ids": sorted(clustering.story_of)}))
                store_articles(result.parquet_dir, store, clustering, settings.store.batch_size,
                               counter, options.driver_sort_bytes)
            # the cluster state is saved with the last articles: from here on the dirty marks
            # alone say what is left to do
            with contextlib.suppress(OSError):
                os.remove(pending_file)
            result.story_ids = build_and_save_stories(
                store, store_url, settings, options, counter, num_workers
            )
            result.timings["stories"] = time.perf_counter() - t
            result.new_articles = len(clustering.story_of)
            result.counts = printer.counts()
            result.busy_seconds = printer.busy_seconds()
        result.articles = len(finished_ids(result.parquet_dir))
        result.errors = expand_errors + _read_errors(os.path.join(work_dir, "errors"))
    finally:
        store.close()
        if counter is not None:
            stop_counter(counter)
        if started:
            ray.shutdown()
    result.timings["total"] = time.perf_counter() - t0
    return result


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_pending(path: str, base: str) -> set[str]:
    """Ids an interrupted attempt stored on top of the cluster state the store still has."""
    text = _read_text(path)
    if not text:
        return set()
    try:
        data = json.loads(text)
    except ValueError:
        return set()
    return set(data.get("ids", [])) if data.get("base") == base else set()


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    except OSError:
        return None


def _write_text(path: str, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
