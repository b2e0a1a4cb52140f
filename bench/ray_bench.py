"""Benchmark: the same generated corpus through the single-process pipeline and local Ray.

    python bench/ray_bench.py --articles 20000            # single process, Ray with 1 and 2 workers
    python bench/ray_bench.py --articles 2000 --workers 1,2
    python bench/ray_bench.py --gpu --sentences 1000000   # GPU embedding throughput (CUDA only)

The corpus is made from the real articles in ../shared/data (AllSides, BASIL, ECB+): each copy
is re-dated (shifted by whole months per round), has its numbers changed and one sentence left
out, so every copy is a distinct article with a distinct id. It is written to a temporary
directory and deleted afterwards; nothing of it enters the repository.

Each engine runs in its own process; peak memory is the largest sum of PSS (proportional set
size, so shared pages such as Ray's object store are counted once) over that process and all its
descendants, sampled every second (``MEMORY_SAMPLE_SECONDS``), and beside it the largest sum of
RSS (shared pages counted in every process). Sampling is not free: reading ``smaps_rollup`` of
Ray's processes is kernel work, and at 0.2 s the sampler took a third of a core during the
20,000-article Ray run of 3 Dec 2026 (docs/ray.md). ``--code DIR`` runs the engines from another checkout (a snapshot that others'
edits cannot change mid-run, or before/after pairs: ``git archive REV | tar -x -C DIR``);
``--workers ''`` runs no Ray. Ray's per-stage rate is articles per busy second of that
stage summed over its workers (what one worker of that stage does), its overall rate is
articles per wall second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"


# --------------------------------------------------------------------------- corpus
def real_articles() -> list[dict]:
    """Every article of the shared data sets as {title, text, source, published}."""
    out: list[dict] = []
    with open(DATA / "allsides_dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            story = json.loads(line)
            for a in story["articles"]:
                out.append({"title": a.get("title"), "text": a.get("text"), "source": a.get("source"),
                            "published": a.get("date") or story.get("date")})
    with open(DATA / "basil_dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            out.append({"title": a.get("title"), "text": a.get("text"), "source": a.get("source"),
                        "published": a.get("date")})
    with open(DATA / "ecbplus_dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            out.append({"title": a.get("title"), "text": a.get("text"), "source": "ecbplus",
                        "published": None})
    return [a for a in out if a["text"] and len(a["text"]) > 200]


_NUMBER = re.compile(r"\b\d{1,6}\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def perturb(article: dict, round_no: int, rng: random.Random) -> dict:
    """A re-dated variant: numbers shifted by the round, one sentence (not the lead) left out."""
    sentences = _SENTENCE_END.split(article["text"])
    if len(sentences) > 3:
        del sentences[rng.randrange(1, len(sentences))]
    elif len(sentences) > 1:
        sentences[-2], sentences[-1] = sentences[-1], sentences[-2]
    text = " ".join(sentences)
    text = _NUMBER.sub(lambda m: str(int(m.group()) + round_no), text)
    base = None
    if article["published"]:
        try:
            base = date.fromisoformat(str(article["published"])[:10])
        except ValueError:
            base = None
    base = base or date(2021, 9, 1)
    published = base - timedelta(days=30 * round_no)
    # a wire-style update line keeps copies apart whose text had nothing else to change
    text = f"(Updated {published.isoformat()}, edition {round_no}) {text}"
    return {"title": article["title"], "text": text, "source": article["source"],
            "published": published.isoformat()}


def make_corpus(n: int, out_dir: Path, per_file: int = 500, seed: int = 7, order: str = "file") -> int:
    """``order="file"``: round after round, each in the data sets' order (a story's articles
    mostly next to each other); ``"published"``: sorted by date like a news feed, so the
    articles of one day's stories interleave and a story grows across many batches."""
    base = real_articles()
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        art = base[i % len(base)]
        round_no = i // len(base)
        rows.append(art if round_no == 0 else perturb(art, round_no, rng))
    if order == "published":
        rows = [r for _, r in sorted(enumerate(rows), key=lambda p: (str(p[1]["published"] or ""), p[0]))]
    written = 0
    fh = None
    for row in rows:
        if written % per_file == 0:
            if fh:
                fh.close()
            fh = open(out_dir / f"corpus{written // per_file:05d}.jsonl", "w", encoding="utf-8")
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        written += 1
    if fh:
        fh.close()
    return written


# --------------------------------------------------------------------------- memory
def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return kids


def tree_memory_bytes(pid: int) -> tuple[int, int]:
    """(PSS, RSS) summed over ``pid`` and its descendants; RSS counts shared pages per process."""
    kids = _children_map()
    todo, pss, rss = [pid], 0, 0
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, []))
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return pss, rss


MEMORY_SAMPLE_SECONDS = 1.0


def run_measured(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[dict, float, tuple[int, int]]:
    """Run ``cmd``; its last stdout line is JSON. Returns (json, wall seconds, peak PSS/RSS)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=None, text=True)
    peak = (0, 0)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(MEMORY_SAMPLE_SECONDS):
            pss, rss = tree_memory_bytes(proc.pid)
            peak = (max(peak[0], pss), max(peak[1], rss))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    stop.set()
    sampler.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed with {proc.returncode}")
    return json.loads(out.strip().splitlines()[-1]), wall, peak


SINGLE = """
import json, sys, time
import newsfuse
print("code:", newsfuse.__file__, file=sys.stderr)
import newsfuse.pipeline as pipeline
from newsfuse.settings import Settings
builds = [0, 0]  # story builds, and their articles summed: the work, whatever the machine load
real = pipeline.assemble_story
def counted(story_id, articles, *args, **kwargs):
    builds[0] += 1
    builds[1] += len(articles)
    return real(story_id, articles, *args, **kwargs)
pipeline.assemble_story = counted
t = time.perf_counter()
a = pipeline.analyze([sys.argv[1]], store=sys.argv[2], settings=Settings())
print(json.dumps({"timings": a.timings, "articles": sum(len(s.article_ids) for s in a.stories),
                  "stories": len(a.stories), "builds": builds[0], "built_articles": builds[1],
                  "wall": time.perf_counter() - t}))
"""

RAY = """
import json, sys, time
from newsfuse.scale import run_ray
from newsfuse.settings import Settings
t = time.perf_counter()
r = run_ray([sys.argv[1]], store_url=sys.argv[2], out_parquet=sys.argv[3], settings=Settings(),
            num_workers=int(sys.argv[4]), progress=False)
print(json.dumps({"timings": r.timings, "busy": r.busy_seconds, "counts": r.counts,
                  "articles": r.new_articles, "stories": len(r.story_ids),
                  "wall": time.perf_counter() - t}))
"""


def rate(n: int, seconds: float | None) -> str:
    return f"{n / seconds:,.1f}" if seconds else "-"


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def bench_engines(n: int, workers: list[int], skip_single: bool, code: Path | None = None,
                  order: str = "file") -> None:
    """``code``: run the single-process engine from another checkout (a before/after pair)."""
    tmp = Path(tempfile.mkdtemp(prefix="newsfuse-raybench-"))
    try:
        t = time.perf_counter()
        count = make_corpus(n, tmp / "corpus", order=order)
        print(f"corpus: {count:,} articles in {tmp / 'corpus'}, {order} order ({time.perf_counter() - t:.1f} s)",
              file=sys.stderr)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        rows = []
        single_env = {**env, "PYTHONPATH": str(code)} if code else env  # every engine runs ``code``
        if not skip_single:
            load0 = _load()
            res, wall, (pss, rss) = run_measured(
                [sys.executable, "-c", SINGLE, str(tmp / "corpus"), str(tmp / "single.sqlite")], single_env,
                cwd=code or ROOT)  # ``python -c`` puts its cwd first on sys.path
            tm = res["timings"]
            k = res["articles"]
            name = f"single process ({code.name})" if code else "single process"
            print("code:", code or ROOT, file=sys.stderr)
            rows.append([name, "1", f"{k:,}", rate(k, tm.get("ingest")), rate(k, tm.get("repair")),
                         rate(k, tm.get("extract")), "(in cluster)", rate(k, tm.get("cluster")),
                         rate(k, (tm.get("crosscheck", 0) + tm.get("brief", 0) + tm.get("store", 0)) or None),
                         rate(k, wall), f"{pss / 2**20:,.0f} MiB", f"{rss / 2**20:,.0f} MiB", f"{wall:,.1f}",
                         f"{load0} -> {_load()}"])
            print("done:", " | ".join(rows[-1]), json.dumps(tm), file=sys.stderr, flush=True)
            print(f"single process: {res['stories']:,} stories; {res['builds']:,} story builds holding "
                  f"{res['built_articles']:,} articles in all ({res['built_articles'] / max(k, 1):.2f} per article)")
        for w in workers:
            load0 = _load()
            res, wall, (pss, rss) = run_measured(
                [sys.executable, "-c", RAY, str(tmp / "corpus"), str(tmp / f"ray{w}.sqlite"),
                 str(tmp / f"work{w}"), str(w)], single_env, cwd=code or ROOT)
            busy, tm, k = res["busy"], res["timings"], res["articles"]
            rows.append(["ray (local)", str(w), f"{k:,}", rate(k, busy.get("ingest")), rate(k, busy.get("repair")),
                         rate(k, busy.get("extract")), rate(k, busy.get("embed")), rate(k, tm.get("cluster")),
                         rate(k, tm.get("stories")), rate(k, wall), f"{pss / 2**20:,.0f} MiB",
                         f"{rss / 2**20:,.0f} MiB", f"{wall:,.1f}", f"{load0} -> {_load()}"])
            print("done:", " | ".join(rows[-1]), json.dumps(tm), file=sys.stderr, flush=True)
        head = ["engine", "workers", "articles", "ingest a/s", "repair a/s", "extract a/s", "embed a/s",
                "cluster a/s", "stories+store a/s", "overall a/s", "peak PSS", "peak RSS (sum)", "wall s",
                "load avg before -> after"]
        print_table(head, rows)
        print("\nsingle process: a/s per stage = articles / seconds in that stage (its 'cluster' "
              "includes the article embeddings, its 'extract' the entity linking).\nray: ingest..embed = "
              "articles per busy second of that stage summed over its workers; cluster and stories = "
              "articles per wall second of that phase (driver clustering; story assembly + store "
              "writes); overall = wall, including Ray start-up.\npeak PSS counts shared pages once; "
              "peak RSS (sum) adds every process's RSS (shared pages counted in each).")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def print_table(head: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")


# --------------------------------------------------------------------------- GPU
def gpu_utilisation_sampler() -> tuple[threading.Event, list[float]]:
    samples: list[float] = []
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(0.5):
            try:
                out = subprocess.run(["nvidia-smi", "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits"],
                                     capture_output=True, text=True, timeout=5).stdout
                vals = [float(x) for x in out.split() if x.strip()]
                if vals:
                    samples.append(sum(vals) / len(vals))
            except (OSError, ValueError, subprocess.TimeoutExpired):
                return

    threading.Thread(target=loop, daemon=True).start()
    return stop, samples


def bench_gpu(n_sentences: int, tokenize_batch_rows: int, gpu_batch_rows: int) -> None:
    try:
        import torch
    except ImportError:
        print("no GPU (torch is not installed)")
        return
    if not torch.cuda.is_available():
        print("no GPU: torch.cuda.is_available() is False; the GPU section was not measured")
        return
    import pyarrow as pa
    import ray
    import ray.data
    from ray.data import ActorPoolStrategy

    from newsfuse.scale.gpu_embed import Encoder, tokenize_batch

    sentences = [s for a in real_articles() for s in _SENTENCE_END.split(a["text"]) if len(s) > 20]
    reps = -(-n_sentences // len(sentences))
    texts = (sentences * reps)[:n_sentences]
    print(f"{len(texts):,} news sentences ({len(sentences):,} distinct), "
          f"{torch.cuda.get_device_name(0)}, {os.cpu_count()} CPUs")
    rows = []

    # 1. the model alone (pre-tokenized, one process): the GPU's ceiling
    enc = Encoder(device="cuda", micro_batch=gpu_batch_rows)
    sample = texts[: min(len(texts), 200_000)]
    tok = tokenize_batch(pa.table({"text": sample})).column("ids").to_pylist()
    enc.encode(tok[:2048])
    torch.cuda.synchronize()
    stop, util = gpu_utilisation_sampler()
    t = time.perf_counter()
    enc.encode(tok)
    torch.cuda.synchronize()
    secs = time.perf_counter() - t
    stop.set()
    rows.append(["model alone (pre-tokenized, fp16)", f"{len(tok):,}", f"{len(tok) / secs:,.0f}", _util(util)])

    # 2. naive: one process tokenizes and encodes (sentence-transformers encode)
    from newsfuse import embed

    model = embed.load_model(device="cuda").half()
    naive = texts[: min(len(texts), 100_000)]
    stop, util = gpu_utilisation_sampler()
    t = time.perf_counter()
    model.encode(naive, batch_size=256, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
    torch.cuda.synchronize()
    secs = time.perf_counter() - t
    stop.set()
    rows.append(["single process (sentence-transformers)", f"{len(naive):,}", f"{len(naive) / secs:,.0f}", _util(util)])
    del model, enc
    torch.cuda.empty_cache()

    # 3. Ray Data: tokenize on every CPU, encode on the GPU actor in large batches
    cpus = os.cpu_count() or 1
    ray.init(num_cpus=cpus, num_gpus=torch.cuda.device_count(), include_dashboard=False, log_to_driver=False)
    try:
        ds = ray.data.from_arrow(pa.table({"text": texts})).repartition(max(cpus * 4, 16))
        ds = ds.map_batches(tokenize_batch, batch_size=tokenize_batch_rows, batch_format="pyarrow", num_cpus=1)
        ds = ds.map_batches(Encoder, batch_size=gpu_batch_rows * 4, batch_format="pyarrow",
                            fn_constructor_kwargs={"device": "cuda", "micro_batch": gpu_batch_rows},
                            compute=ActorPoolStrategy(size=torch.cuda.device_count()), num_gpus=1, num_cpus=1)
        stop, util = gpu_utilisation_sampler()
        t = time.perf_counter()
        done = 0
        for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
            done += batch.num_rows
        secs = time.perf_counter() - t
        stop.set()
        rows.append([f"ray data: tokenize on {cpus} CPUs -> GPU actor", f"{done:,}", f"{done / secs:,.0f}", _util(util)])
    finally:
        ray.shutdown()
    print_table(["embedding path", "sentences", "sentences/s", "GPU utilisation mean / max"], rows)


def _util(samples: list[float]) -> str:
    if not samples:
        return "n/a (no nvidia-smi samples)"
    return f"{sum(samples) / len(samples):.0f}% / {max(samples):.0f}%"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20_000, help="corpus size (default 20,000)")
    ap.add_argument("--workers", default="1,2", help="Ray worker counts to run (default 1,2)")
    ap.add_argument("--skip-single", action="store_true", help="do not run the single-process path")
    ap.add_argument("--order", choices=["file", "published"], default="file", help="corpus order (see make_corpus)")
    ap.add_argument("--code", type=Path, help="run the engines from this checkout (a snapshot, or before/after)")
    ap.add_argument("--gpu", action="store_true", help="measure GPU embedding throughput (CUDA only)")
    ap.add_argument("--sentences", type=int, default=1_000_000, help="sentences for --gpu")
    ap.add_argument("--tokenize-batch", type=int, default=4096)
    ap.add_argument("--gpu-batch", type=int, default=1024)
    args = ap.parse_args()
    if args.gpu:
        bench_gpu(args.sentences, args.tokenize_batch, args.gpu_batch)
        return
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    bench_engines(args.articles, workers, args.skip_single, args.code.resolve() if args.code else None,
                  args.order)


if __name__ == "__main__":
    main()
