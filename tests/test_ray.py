"""The Ray engine gives the single-process stories, resumes after a kill, and never duplicates.

Real Ray (a small local cluster), real spaCy and MiniLM, real SQLite stores; the expected
stories come from running ``newsfuse.pipeline.analyze`` on the same inputs, never from a file.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import DATA, EXAMPLES, ROOT

ray = pytest.importorskip("ray", reason="the Ray engine needs ray[data] (pip install 'ray[data]')")

from newsfuse.scale.shards import make_shards  # noqa: E402
from newsfuse.settings import Settings  # noqa: E402


# --------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def local_ray():
    """One small local Ray for the module: 2 logical CPUs, 1 GB object store, no dashboard."""
    for attempt in range(3):
        if ray.is_initialized():
            break
        try:
            ray.init(address="local", num_cpus=2, object_store_memory=1_000_000_000, include_dashboard=False,
                     log_to_driver=False, logging_level="ERROR")
        except Exception:  # Ray gives its raylet 30 s to register: a busy machine can miss it
            ray.shutdown()
            if attempt == 2:
                raise
    yield
    ray.shutdown()


def small_options():
    """Actor sizes that fit 2 logical CPUs: one spaCy actor, one half-CPU embedding actor."""
    from newsfuse.scale import RayOptions

    return RayOptions(extract_actors=1, embed_actors=1, story_actors=1, extract_cpus=1.0,
                      embed_cpus=0.5, story_cpus=0.5, light_task_cpus=0.25)


def single_process_partition(inputs: list[str], tmp_path: Path, stdin: bytes | None = None) -> set[frozenset[str]]:
    import io

    from newsfuse.pipeline import analyze

    analysis = analyze(inputs, store=str(tmp_path / "single.sqlite"), settings=Settings(), until="cluster",
                       stdin=io.BytesIO(stdin) if stdin is not None else None)
    return {frozenset(s.article_ids) for s in analysis.stories}


def store_partition(store_url: str, article_ids: list[str]) -> set[frozenset[str]]:
    from newsfuse.store import open_store

    groups: dict[str, set[str]] = defaultdict(set)
    with open_store(store_url) as store:
        for aid in article_ids:
            sid = store.story_of_article(aid)
            assert sid is not None, f"article {aid} was stored without a story"
            groups[sid].add(aid)
    return {frozenset(g) for g in groups.values()}


def parquet_ids(work_dir: Path) -> list[str]:
    import pyarrow.parquet as pq

    ids: list[str] = []
    for part in sorted((work_dir / "articles").glob("part-*.parquet")):
        ids.extend(pq.read_table(part, columns=["id"]).column("id").to_pylist())
    return ids


def flatten_allsides(target: Path, *, files: int, limit: int | None = None) -> list[str]:
    """AllSides stories -> article JSONL lines, spread over ``files`` files (so, many shards)."""
    lines = []
    with open(DATA / "allsides_dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            story = json.loads(line)
            for art in story["articles"]:
                lines.append(json.dumps({
                    "title": art.get("title"), "text": art.get("text"), "source": art.get("source"),
                    "url": art.get("url"), "published": art.get("date") or story.get("date"),
                }))
    lines = lines[:limit] if limit else lines
    target.mkdir(parents=True, exist_ok=True)
    step = -(-len(lines) // files)
    paths = []
    for i in range(files):
        chunk = lines[i * step : (i + 1) * step]
        if chunk:
            p = target / f"part{i:03d}.jsonl"
            p.write_text("\n".join(chunk) + "\n", encoding="utf-8")
            paths.append(str(p))
    return paths


# --------------------------------------------------------------------------- sharding (no Ray)
def test_jsonl_shards_keep_whole_file_line_numbers(tmp_path):
    """A JSONL file cut into many shards yields the articles and line-numbered errors that
    reading it whole does."""
    from newsfuse.ingest import iter_inputs
    from newsfuse.scale.stages import _read_shard

    path = tmp_path / "wire.jsonl"
    rows = []
    for i in range(40):
        if i == 17:
            rows.append("{not json")
        else:
            rows.append(json.dumps({"title": f"Dispatch {i}", "source": "Wire",
                                    "text": f"Harbour officials counted {i * 3 + 7} ships on day {i} of the strike at the port."}))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    shards, errors = make_shards([str(path)], jsonl_chunk_bytes=600)
    assert not errors
    assert len(shards) > 5 and [s.index for s in shards] == list(range(len(shards)))
    settings = Settings()
    chunked = [item for s in shards for item in _read_shard(s.row(), settings)]
    whole = list(iter_inputs([str(path)], settings.ingest))
    assert [(type(x).__name__, x.path) for x in chunked] == [(type(x).__name__, x.path) for x in whole]
    assert [getattr(x, "id", None) for x in chunked] == [getattr(x, "id", None) for x in whole]
    bad = [x for x in chunked if not hasattr(x, "id")]
    assert len(bad) == 1 and bad[0].path == f"{path}:18" and f"{path}:18" in bad[0].error


def test_parquet_input_reads_like_the_same_rows_as_jsonl(tmp_path):
    """A Parquet file (title/text/url/source/published, a real date column) sharded by row
    group gives the articles its rows would give as JSON Lines, with whole-file row numbers."""
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsfuse.ingest import iter_inputs
    from newsfuse.scale.stages import _read_shard

    rows = [{"title": f"Ferry timetable change {i}", "source": "Harbor Gazette", "url": None,
             "published": datetime.date(2024, 3, 1 + i),
             "text": None if i == 5 else f"The ferry to the outer islands will leave at {6 + i} am from next week, the operator said."}
            for i in range(12)]
    table = pa.Table.from_pylist(rows)
    path = tmp_path / "feed.parquet"
    pq.write_table(table, path, row_group_size=4)
    shards, errors = make_shards([str(path)])
    assert not errors and len(shards) == 3
    settings = Settings()
    got = [x for s in shards for x in _read_shard(s.row(), settings)]
    jsonl = tmp_path / "feed.jsonl"
    jsonl.write_text("\n".join(json.dumps({k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                            for k, v in r.items() if v is not None}) for r in rows) + "\n")
    want = list(iter_inputs([str(jsonl)], settings.ingest))
    assert [getattr(x, "id", None) for x in got] == [getattr(x, "id", None) for x in want]
    assert [x.path.replace(str(path), "F") for x in got] == [x.path.replace(str(jsonl), "F") for x in want]
    assert [getattr(x, "published", None) for x in got] == [getattr(x, "published", None) for x in want]
    bad = [x for x in got if not hasattr(x, "id")]
    assert len(bad) == 1 and bad[0].path == f"{path}:6"


def test_missing_input_is_reported_not_sharded(tmp_path):
    shards, errors = make_shards([str(tmp_path / "nope.jsonl"), str(EXAMPLES)])
    assert [e.code for e in errors] == ["NF001"]
    assert shards and all(Path(s.path).is_file() for s in shards)


def test_the_store_and_work_directory_inside_an_input_folder_are_not_sharded(tmp_path):
    """run_ray passes the store's files and its work directory as not-inputs (ingest's rules)."""
    folder = tmp_path / "news"
    shutil.copytree(EXAMPLES, folder)
    (folder / "store.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(100))
    (folder / "work" / "articles").mkdir(parents=True)
    (folder / "work" / "articles" / "part-0.parquet").write_bytes(b"PAR1" + bytes(100))
    from newsfuse.store.engine import resolve_target

    exclude = [*resolve_target(str(folder / "store.sqlite")).files, str(folder / "work")]
    shards, errors = make_shards([str(folder)], exclude=exclude)
    plain, _ = make_shards([str(EXAMPLES)])
    assert errors == []
    assert sorted(Path(s.path).name for s in shards) == sorted(Path(s.path).name for s in plain)


def test_gpu_split_embedding_matches_bundled_model():
    """Tokenize-then-encode (the GPU layout) gives the vectors of the torch encoder, on CPU."""
    from newsfuse.embed import TorchEncoder
    from newsfuse.scale.gpu_embed import embed_texts

    texts = ["Port workers ended a nine-day strike on Monday.", "Short.",
             "The council voted 7 to 2 to approve the budget, which rises by 4 percent."]
    a, b = embed_texts(texts, device="cpu"), TorchEncoder().encode(texts, 64)
    assert a.shape == b.shape == (3, 384)
    assert (a * b).sum(axis=1).min() > 0.999


# --------------------------------------------------------------------------- Ray runs
# one more article, piped on stdin: an unrelated local story we wrote for this test
STDIN_ARTICLE = json.dumps({
    "title": "Library extends weekend opening hours",
    "source": "Valley Herald",
    "published": "2024-05-04",
    "text": "The central library will open on Sundays from June, the town council decided on "
            "Thursday. Opening hours on Saturdays grow from four to seven hours, and two "
            "part-time librarians will be hired to cover the extra shifts.",
}).encode() + b"\n"


def test_ray_examples_same_stories_as_single_process(tmp_path, local_ray):
    import io

    from newsfuse.scale import run_ray

    inputs = [str(EXAMPLES), "-"]
    expected = single_process_partition(inputs, tmp_path, stdin=STDIN_ARTICLE)
    store_url = str(tmp_path / "ray.sqlite")
    work = tmp_path / "work"
    result = run_ray(inputs, store_url=store_url, out_parquet=str(work), settings=Settings(),
                     progress=False, options=small_options(), stdin=io.BytesIO(STDIN_ARTICLE))
    ids = parquet_ids(work)
    assert len(ids) == len(set(ids)) and ids
    assert store_partition(store_url, ids) == expected
    assert result.new_articles == len(ids)
    assert len(result.story_ids) == len(expected)

    # the stored stories are whole: a brief that cites their own articles
    from newsfuse.store import open_store

    with open_store(store_url) as store:
        for sid in result.story_ids:
            story = store.get_story(sid)
            assert story is not None and set(story.article_ids) <= set(ids)
            for sentence in story.brief.sentences:
                assert set(sentence.article_ids) <= set(story.article_ids)
        before = store.counts()

    # read back as an Analysis, it is a valid newsfuse.analysis/1 document
    from newsfuse.render.contract import analysis_to_dict, validate

    analysis = result.to_analysis()
    assert {frozenset(s.article_ids) for s in analysis.stories} == expected
    assert {a.id for a in analysis.articles} == set(ids)
    validate(analysis_to_dict(analysis))

    with open_store(store_url) as store:
        piped = [a for a in store.load_articles(ids) if a.path == "-"]
    assert [a.title for a in piped] == ["Library extends weekend opening hours"]

    # rerunning the finished run changes nothing
    again = run_ray(inputs, store_url=store_url, out_parquet=str(work), settings=Settings(),
                    progress=False, options=small_options(), stdin=io.BytesIO(STDIN_ARTICLE))
    assert again.new_articles == 0 and again.resumed
    with open_store(store_url) as store:
        assert store.counts() == before
    assert sorted(parquet_ids(work)) == sorted(ids)


@pytest.mark.slow
def test_ray_allsides_same_stories_as_single_process(tmp_path, local_ray):
    from newsfuse.scale import run_ray

    inputs = flatten_allsides(tmp_path / "allsides", files=6)
    expected = single_process_partition(inputs, tmp_path)
    store_url = str(tmp_path / "ray.sqlite")
    work = tmp_path / "work"
    run_ray(inputs, store_url=store_url, out_parquet=str(work), settings=Settings(), progress=False,
            options=small_options())
    ids = parquet_ids(work)
    assert len(ids) == len(set(ids))
    assert store_partition(store_url, ids) == expected


def _kill_session(sid: int) -> None:
    """SIGKILL every process of the session we started (the driver and the Ray it started)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[3]) == sid:  # field 6 of stat: session id
                os.kill(int(entry), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            continue


@pytest.mark.slow
def test_ray_run_killed_mid_way_resumes_without_duplicates(tmp_path):
    """SIGKILL a real run once some Parquet parts exist; the rerun finishes the same stories."""
    inputs = flatten_allsides(tmp_path / "allsides", files=12, limit=120)
    store_url = str(tmp_path / "ray.sqlite")
    work = tmp_path / "work"
    script = (
        "import sys, json\n"
        "from newsfuse.scale import run_ray, RayOptions\n"
        "from newsfuse.settings import Settings\n"
        "args = json.loads(sys.argv[1])\n"
        "opts = RayOptions(extract_actors=1, embed_actors=1, story_actors=1, embed_cpus=0.5,"
        " story_cpus=0.5, extract_batch=8, embed_batch_cpu=8, write_batch=8)\n"
        "r = run_ray(args['inputs'], store_url=args['store'], out_parquet=args['work'],"
        " settings=Settings(), num_workers=1, progress=False, options=opts)\n"
        "print('NEW', r.new_articles)\n"
    )
    arg = json.dumps({"inputs": inputs, "store": store_url, "work": str(work)})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script, arg], cwd=ROOT, env=env,
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 400
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list((work / "articles").glob("part-*.parquet"))) >= 2:
                break
            time.sleep(0.5)
        assert proc.poll() is None, "the run finished before it could be killed: " + proc.stdout.read().decode()[-2000:]
        killed_with = len(parquet_ids(work))
    finally:
        _kill_session(proc.pid)
        proc.wait(timeout=60)
    assert killed_with > 0

    done = subprocess.run([sys.executable, "-c", script, arg], cwd=ROOT, env=env, timeout=900,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    out = done.stdout.decode()
    assert done.returncode == 0, out[-3000:]
    ids = parquet_ids(work)
    expected = single_process_partition(inputs, tmp_path)
    assert len(ids) == len(set(ids))
    assert set(ids) == set().union(*expected)
    assert store_partition(store_url, ids) == expected
    from newsfuse.store import open_store

    with open_store(store_url) as store:
        assert store.counts()["articles"] == len(ids)


@pytest.mark.slow
def test_ray_gpu_actor_path_on_a_logical_gpu(tmp_path):
    """A Ray that reports one GPU gets a GPU embedding actor (num_gpus=1, the GPU batch size).
    This machine has no CUDA, so inside that actor torch finds none and embeds on CPU: the
    scheduling and fallback of the GPU path run for real, the stories stay the single-process
    ones. (GPU throughput itself needs a GPU: bench/ray_bench.py --gpu.)"""
    inputs = [str(EXAMPLES)]
    expected = single_process_partition(inputs, tmp_path)
    store_url = str(tmp_path / "ray.sqlite")
    work = tmp_path / "work"
    script = (
        "import sys, json, ray\n"
        "from newsfuse.scale import run_ray, RayOptions\n"
        "from newsfuse.settings import Settings\n"
        "args = json.loads(sys.argv[1])\n"
        "ray.init(address='local', num_cpus=3, num_gpus=1, object_store_memory=500_000_000,"
        " include_dashboard=False, log_to_driver=False, logging_level='ERROR')\n"
        "opts = RayOptions(extract_actors=1, story_actors=1, story_cpus=0.5, embed_batch_gpu=16)\n"
        "r = run_ray(args['inputs'], store_url=args['store'], out_parquet=args['work'],"
        " settings=Settings(), progress=False, options=opts)\n"
        "print(json.dumps({'gpu_actors': r.embed_gpu_actors, 'counts': r.counts, 'new': r.new_articles}))\n"
    )
    arg = json.dumps({"inputs": inputs, "store": store_url, "work": str(work)})
    done = subprocess.run([sys.executable, "-c", script, arg], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=900, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = done.stdout.decode()
    assert done.returncode == 0, out[-3000:]
    got = json.loads(out.strip().splitlines()[-1])
    ids = parquet_ids(work)
    assert got["gpu_actors"] == 1
    assert got["counts"].get("embed on cpu") == len(ids) == got["new"]  # the fallback, per article
    assert "embed on cuda" not in got["counts"]
    assert store_partition(store_url, ids) == expected


def test_actor_pools_are_sized_to_leave_room_for_the_tasks_that_feed_them():
    """Fixed-size pools (Ray Data never grew a 1-to-N pool past one spaCy actor): half the CPUs
    each by default, one embedding actor per GPU, and never so many that the ingest and write
    tasks find no CPU."""
    from newsfuse.scale import RayOptions
    from newsfuse.scale.engine import local_workers, pool_sizes

    opts = RayOptions()
    # a local Ray: one worker (a spaCy and a MiniLM actor) per two cores, 2 * workers + 1 CPUs
    assert local_workers(2) == 1 and local_workers(16) == 8 and local_workers(1) == 1
    assert pool_sizes(2 * local_workers(2) + 1, 0, None, opts) == (1, 1)
    assert pool_sizes(5, 0, None, opts) == (2, 2)
    assert pool_sizes(5, 0, 2, opts) == (2, 2)
    assert pool_sizes(16, 0, None, opts) == (7, 7)
    assert pool_sizes(16, 2, None, opts) == (7, 2)  # GPUs embed
    assert pool_sizes(8, 0, 8, opts) == (4, 3)  # asked for too many: shrunk to fit 7.75 CPUs
    assert pool_sizes(16, 0, None, RayOptions(extract_actors=3, embed_actors=5)) == (3, 5)
