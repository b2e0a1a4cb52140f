"""Coverage-guided fuzzing of ingest and decoding with atheris, for a bounded time.

    pip install atheris
    python bench/fuzz_ingest.py --seconds 120            # every target, 120 s each, then a table
    python bench/fuzz_ingest.py --target ingest --seconds 600

Targets (each checks invariants, so a wrong result is a crash too, not only an exception):
  decode   decode_bytes(data): never raises; valid UTF-8; no C0 controls but tab/newline; no CR
  ingest   read_bytes_input(data, name): never raises; >= 1 outcome; every outcome is an Article
           or an InputError with a known code whose path belongs to the input; article text is
           valid UTF-8 and its id is article_id(text). The first byte picks the name hint
           (.txt, .html, .jsonl, .rss, .json, .gz, none), so every format reader is reached.
  text     split_title + article_id on arbitrary text: the body is a suffix of the input's
           stripped text and the title plus body lose no words.

Each target runs in its own process (libFuzzer exits when its time is up); the seed corpus is
the hostile corpus from newsfuse.testing plus tests/fixtures/ingest. Crash inputs are written to
the artifacts folder; turn each into a regression test in tests/test_hostile.py.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("x.txt", "x.html", "x.jsonl", "x.rss", "x.json", "x.txt.gz", "upload")


def _target(name: str):  # noqa: ANN202 - returns the atheris callback
    import atheris

    with atheris.instrument_imports(include=["newsfuse"]):
        from newsfuse.errors import ERROR_CODES
        from newsfuse.ingest import article_id, decode_bytes, read_bytes_input
        from newsfuse.ingest.text import split_title
        from newsfuse.settings import IngestSettings
        from newsfuse.testing import belongs_to
        from newsfuse.types import Article, InputError

    settings = IngestSettings(max_input_bytes=200_000, max_decompressed_bytes=1_000_000,
                              max_html_nodes=5_000, max_html_depth=100, seconds_per_article=5)

    def decode(data: bytes) -> None:
        out = decode_bytes(data)
        out.text.encode("utf-8")
        assert "\r" not in out.text
        assert not any(ch < " " and ch not in "\t\n" for ch in out.text)

    def ingest(data: bytes) -> None:
        name = NAMES[data[0] % len(NAMES)] if data else "x.txt"
        outcomes = list(read_bytes_input(data[1:], name, settings))
        assert outcomes, "no outcome"
        for o in outcomes:
            assert isinstance(o, (Article, InputError)), type(o)
            assert belongs_to(o.path, name), o.path
            if isinstance(o, InputError):
                assert o.code in ERROR_CODES and o.error.startswith(f"[{o.code}]"), o.error
                assert "\n" not in o.error
            else:
                o.text.encode("utf-8")
                o.title.encode("utf-8")
                assert o.id == article_id(o.text)
                assert o.text == o.original_text

    def text(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        raw = fdp.ConsumeUnicodeNoSurrogates(4000)
        title, body = split_title(raw)
        stripped = raw.strip()
        assert stripped.endswith(body) or not body, (raw, body)
        assert len(title.split()) + len(body.split()) == len(stripped.split())
        article_id(raw)

    return {"decode": decode, "ingest": ingest, "text": text}[name]


def run_target(name: str) -> None:
    """Inside the child process: hand the target to libFuzzer (argv carries its options)."""
    import atheris

    callback = _target(name)
    atheris.Setup(sys.argv[:1] + sys.argv[3:], callback)
    atheris.Fuzz()


def seed_corpus(directory: Path) -> int:
    from newsfuse.testing import write_hostile_corpus
    from newsfuse.settings import IngestSettings

    small = IngestSettings(max_input_bytes=200_000, max_decompressed_bytes=1_000_000,
                           max_html_nodes=5_000, max_html_depth=100, max_article_chars=50_000)
    hostile = directory / "hostile"
    write_hostile_corpus(hostile, small, huge_bytes=300_000)
    seeds = directory / "seeds"
    seeds.mkdir()
    count = 0
    for path in list(hostile.iterdir()) + list((ROOT / "tests" / "fixtures" / "ingest").iterdir()):
        data = path.read_bytes()
        if 0 < len(data) <= 200_000:
            hint = next((i for i, n in enumerate(NAMES) if path.name.endswith(n[1:])), 0)
            (seeds / f"{count:04d}").write_bytes(bytes([hint]) + data)
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=["decode", "ingest", "text", "all"], default="all")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--artifacts", default=os.path.join(tempfile.gettempdir(), "newsfuse-fuzz"))
    args = parser.parse_args()
    targets = ["decode", "ingest", "text"] if args.target == "all" else [args.target]
    Path(args.artifacts).mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        seeds = seed_corpus(Path(tmp))
        for target in targets:
            corpus = Path(tmp) / f"corpus-{target}"
            corpus.mkdir()
            started = time.perf_counter()
            cmd = [sys.executable, __file__, "--child", target,
                   f"-max_total_time={args.seconds}", "-timeout=60", "-rss_limit_mb=2048",
                   "-max_len=20000", f"-artifact_prefix={args.artifacts}/{target}-",
                   "-print_final_stats=1", str(corpus), str(Path(tmp) / "seeds")]
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                                  env={**os.environ, "PYTHONHASHSEED": "0"})
            elapsed = time.perf_counter() - started
            log = proc.stderr
            runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
            cov = re.findall(r"cov: (\d+)", log)
            crashed = re.findall(r"Test unit written to (\S+)", log)
            rows.append((target, int(runs[-1]) if runs else 0, cov[-1] if cov else "?",
                         len(crashed), proc.returncode, elapsed, crashed))
            if proc.returncode != 0:
                print(log[-4000:], file=sys.stderr)
    print(f"\n## Fuzzing ingest with atheris ({seeds} seed inputs, {args.seconds} s per target)\n")
    print("| target | inputs run | coverage (edges) | crashes | exit | seconds |")
    print("|---|---|---|---|---|---|")
    for target, runs, cov, crashes, rc, elapsed, _ in rows:
        print(f"| {target} | {runs:,} | {cov} | {crashes} | {rc} | {elapsed:.0f} |")
    for row in rows:
        for path in row[6]:
            print(f"crash input ({row[0]}): {path}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        run_target(sys.argv[2])
    else:
        main()
