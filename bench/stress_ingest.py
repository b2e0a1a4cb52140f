"""Stress benchmark for ingest (issue 9): prints tables, asserts nothing.

1. 10,000 files, 10 % malformed, through ``iter_inputs`` in one process: crashes (exceptions
   escaping the iterator), lost articles (expected ids not yielded), unexpected outcomes,
   throughput and peak memory.
2. Memory over 20 passes of the same 1,000 articles in one process (RSS after each pass).
3. ``--kill-points N`` (default 20): the CLI ingests a directory into a fresh SQLite store and
   is SIGKILLed N times at random points (every fourth after a random delay, model loading
   included; the others right after the store has grown by a random 1-20 articles, so the kills
   are spread over the whole ingest), resumed each time; then it runs to completion and the store must hold
   exactly the unique articles, with a clean ``PRAGMA integrity_check`` and no duplicates.
4. ``--pipeline-passes N``: memory over N passes of ``newsfuse.pipeline.analyze`` on the same
   articles in one process (slow: spaCy and embeddings run every pass).

    python bench/stress_ingest.py                      # everything at the issue's sizes
    python bench/stress_ingest.py --files 2000 --kill-points 5 --kill-files 120
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from newsfuse.ingest import iter_inputs
from newsfuse.settings import IngestSettings
from newsfuse.testing.synthetic import synthetic_article, write_synthetic_files
from newsfuse.types import Article, InputError

ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- malformed files
def _malformed(index: int, rng: random.Random) -> tuple[str, bytes, str]:
    """(file name, content, expected code) for malformed file number ``index``."""
    story = synthetic_article(10_000_000 + index).text
    kinds = [
        ("empty.txt", b"", "NF002"),
        ("binary.txt", rng.randbytes(2048), "NF003"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + rng.randbytes(512), "NF003"),
        ("noise.txt", bytes(rng.randrange(0x80, 0x100) for _ in range(1500)), "NF004"),
        ("cut.txt.gz", gzip.compress((story * 30).encode())[:90], "NF016"),
        ("laughs.xml", ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                        "<rss><channel><item><description>&b;</description></item></channel></rss>").encode(), "NF009"),
        ("xxe.rss", ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                     f"<rss><channel><item><description>&x; {story}</description></item></channel></rss>").encode(), "NF009"),
        ("deep.html", ("<html><body>" + "<div>" * 400 + f"<p>{story}</p>" + "</div>" * 400 + "</body></html>").encode(), "NF013"),
        ("bad.jsonl", b'{"title": "broken", "text": "unterminated\n', "NF010"),
        ("notext.jsonl", json.dumps({"title": "no body", "source": "x"}).encode(), "NF010"),
        ("short.txt", b"Too short.", "NF012"),
        ("shell.html", b"<html><body><script>var a=1;</script><div id='app'></div></body></html>", "NF007"),
        ("notfeed.xml", b'<?xml version="1.0"?><catalog><book id="1"/></catalog>', "NF008"),
    ]
    name, content, code = kinds[index % len(kinds)]
    return f"bad{index:05d}_{name}", content, code


def build_corpus(directory: Path, files: int, malformed_share: float, seed: int) -> dict[str, str]:
    """Write the corpus; return {file name: expected code} for the malformed files."""
    rng = random.Random(seed)
    bad = int(files * malformed_share)
    write_synthetic_files(directory, files - bad, seed=seed)
    expected: dict[str, str] = {}
    for i in range(bad):
        name, content, code = _malformed(i, rng)
        (directory / name).write_bytes(content)
        expected[name] = code
    return expected


# --------------------------------------------------------------------------- 1. stress
def _file_of(path: str) -> str:
    """The file an outcome belongs to: ``f.rss#2`` and ``f.jsonl:3`` -> the file name."""
    base = path.split("#", 1)[0]
    head, sep, tail = base.rpartition(":")
    return head if sep and tail.isdigit() else base


def stress(files: int, seed: int) -> None:
    settings = IngestSettings()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        expected_bad = build_corpus(directory, files, 0.10, seed)
        good_files = files - len(expected_bad)
        started = time.perf_counter()
        outcomes: list[Article | InputError] = []
        crashes = 0
        try:
            for outcome in iter_inputs([str(directory)], settings):
                outcomes.append(outcome)
        except BaseException as exc:  # noqa: BLE001 - the number we report
            crashes += 1
            print(f"CRASH: {type(exc).__name__}: {exc}", file=sys.stderr)
        elapsed = time.perf_counter() - started
        stored = [o for o in outcomes if isinstance(o, Article)]
        errors = [o for o in outcomes if isinstance(o, InputError)]
        stored_files = {_file_of(a.path) for a in stored}
        lost = good_files - len(stored_files)  # a good file that gave no article lost one
        wrong = 0
        for err in errors:
            name = os.path.basename(_file_of(err.path))
            if expected_bad.get(name) != err.code:
                wrong += 1
                print(f"unexpected: {err.error}", file=sys.stderr)
        no_outcome = files - len({_file_of(o.path) for o in outcomes})
        codes = Counter(e.code for e in errors)
        print("\n## 1. Ingest stress: one process, iter_inputs over a directory\n")
        print("| files | malformed | stored | rejected | crashes | lost articles | inputs without outcome | "
              "wrong code | seconds | files/s | peak RSS MB |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        print(f"| {files:,} | {len(expected_bad):,} | {len(stored):,} | {len(errors):,} | {crashes} | {lost} | "
              f"{no_outcome} | {wrong} | {elapsed:.1f} | {files / elapsed:.0f} | {peak_rss_mb():.0f} |")
        print("\nrejections by code: " + ", ".join(f"{c} {n}" for c, n in sorted(codes.items())))


# --------------------------------------------------------------------------- 2. memory
def memory(articles: int, passes: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_synthetic_files(tmp, articles, seed=seed + 1)
        rows = []
        for n in range(1, passes + 1):
            count = sum(1 for o in iter_inputs([tmp]) if isinstance(o, Article))
            gc.collect()
            rows.append((n, count, rss_mb()))
        print(f"\n## 2. Memory over {passes} ingest passes of the same {articles:,} articles (one process)\n")
        print("| pass | articles | RSS MB |")
        print("|---|---|---|")
        for n, count, mb in rows:
            if n in (1, 2, 5, 10, 15, 20) or n == passes:
                print(f"| {n} | {count:,} | {mb:.1f} |")
        first, second, last = rows[0][2], rows[1][2], rows[-1][2]
        print(f"\ngrowth pass 1 -> {passes}: {100 * (last - first) / first:+.2f} %; "
              f"pass 2 -> {passes} (after warm-up): {100 * (last - second) / second:+.2f} %")


# --------------------------------------------------------------------------- 3. kill -9
def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def kill_points(points: int, files: int, seed: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "in"
        directory.mkdir()
        build_corpus(directory, files, 0.10, seed + 2)
        expected = {o.id for o in iter_inputs([str(directory)]) if isinstance(o, Article)}
        db = Path(tmp) / "store.db"
        settings = Path(tmp) / "settings.toml"
        settings.write_text("[store]\nbatch_size = 10\n", encoding="utf-8")
        cmd = [sys.executable, "-m", "newsfuse", "analyze", str(directory), "--db", str(db),
               "--settings", str(settings), "--quiet"]
        rows = []
        started = time.perf_counter()
        for point in range(1, points + 1):
            before = _count(db)
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if point % 4 == 1:  # by time: anywhere, model loading included
                how = f"after {rng.uniform(0.5, 25.0):.1f} s"
                deadline = time.monotonic() + float(how.split()[1])
                while time.monotonic() < deadline and proc.poll() is None:
                    time.sleep(0.05)
            else:  # by progress: one or two batches further than the last kill
                target = before + rng.randrange(1, 21)
                how = f"store > {target}"
                while _count(db) <= target and proc.poll() is None:
                    time.sleep(0.05)
            finished = proc.poll() is not None
            if not finished:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            with sqlite3.connect(db, timeout=30) as conn:
                integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            rows.append((point, how, "finished" if finished else "SIGKILL", before, _count(db), integrity,
                         "Traceback" in stderr or "database is locked" in stderr))
        final = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        with sqlite3.connect(db, timeout=30) as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            in_story = {r[0] for r in conn.execute("SELECT article_id FROM story_articles")}
        elapsed = time.perf_counter() - started
        print(f"\n## 3. kill -9 during CLI ingest ({files} files, 10 % malformed, batch 10), resumed each time\n")
        print("| kill | when | result | stored before | stored after | integrity | traceback/locked |")
        print("|---|---|---|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(str(c) for c in row) + " |")
        print("\n| expected unique | stored | duplicates | missing | extra | without story | integrity | "
              "final exit | seconds |")
        print("|---|---|---|---|---|---|---|---|---|")
        print(f"| {len(expected)} | {len(set(ids))} | {len(ids) - len(set(ids))} | {len(expected - set(ids))} | "
              f"{len(set(ids) - expected)} | {len(set(ids) - in_story)} | {integrity} | {final.returncode} | "
              f"{elapsed:.0f} |")


# --------------------------------------------------------------------------- 4. pipeline memory
def pipeline_memory(articles: int, passes: int, seed: int) -> None:
    from newsfuse.pipeline import analyze

    with tempfile.TemporaryDirectory() as tmp:
        write_synthetic_files(tmp, articles, seed=seed + 3)
        rows = []
        for n in range(1, passes + 1):
            started = time.perf_counter()
            result = analyze([tmp])  # in-memory store each pass
            gc.collect()
            rows.append((n, len(result.articles), len(result.stories), time.perf_counter() - started, rss_mb()))
            del result
        print(f"\n## 4. Memory over {passes} pipeline passes of the same {articles} articles (one process)\n")
        print("| pass | articles | stories | seconds | RSS MB |")
        print("|---|---|---|---|---|")
        for row in rows:
            print(f"| {row[0]} | {row[1]} | {row[2]} | {row[3]:.1f} | {row[4]:.1f} |")
        if len(rows) > 2:
            second, last = rows[1][4], rows[-1][4]
            print(f"\ngrowth pass 2 -> {passes}: {100 * (last - second) / second:+.2f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--memory-articles", type=int, default=1_000)
    parser.add_argument("--passes", type=int, default=20)
    parser.add_argument("--kill-points", type=int, default=20)
    parser.add_argument("--kill-files", type=int, default=300)
    parser.add_argument("--pipeline-passes", type=int, default=0)
    parser.add_argument("--pipeline-articles", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--skip", nargs="*", default=[], choices=["stress", "memory", "kill"])
    args = parser.parse_args()
    if "stress" not in args.skip:
        stress(args.files, args.seed)
    if "memory" not in args.skip:
        memory(args.memory_articles, args.passes, args.seed)
    if "kill" not in args.skip and args.kill_points:
        kill_points(args.kill_points, args.kill_files, args.seed)
    if args.pipeline_passes:
        pipeline_memory(args.pipeline_articles, args.pipeline_passes, args.seed)


if __name__ == "__main__":
    main()
