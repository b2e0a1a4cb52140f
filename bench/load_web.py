"""Load test of ``newsfuse serve`` on loopback, SQLite and PostgreSQL, while an ingest runs.

    python bench/load_web.py                     # 10,000 articles, 50 clients, 30 s, both databases
    python bench/load_web.py --articles 2000 --seconds 10 --kinds sqlite

1. A store of N articles is built from real articles in ../shared/data (AllSides, BASIL, ECB+,
   SemEval pairs), each copied several times with small perturbations (a sentence dropped, two
   sentences swapped, an update marker) so every copy has its own content-hash id. Running the
   full pipeline over 10,000 articles takes hours on a 2-core machine, so stories are SYNTHETIC:
   one per copied real story group, with a brief citing its articles, claims with evidence
   spans, quotes and capitalised-name entities, and they are written with ``Store.save_batch``
   (the pipeline's own write path) in batches of 200.
2. ``newsfuse serve`` runs in its own process (uvicorn, N workers) on a free loopback port.
3. While the load runs, the real CLI ingests fresh articles into the same store in a loop
   (``newsfuse analyze batch.jsonl --db ...``): the web app reads while the pipeline writes.
4. C concurrent clients request story pages (55 %), search pages (15 %), the JSON search (10 %),
   index pages (10 %) and JSON stories (10 %) for S seconds, each on its own keep-alive
   connection, one request after another with no pause (a closed loop: latency includes waiting
   for the server). Story ids and search words are drawn uniformly at random, so most story
   pages are not in the server's page cache. The clients are a small asyncio HTTP/1.1 client on
   uvloop with httptools' parser (``HttpConn``), not httpx: they share the server's CPUs, and
   httpx cost as much CPU per request as the server. A response counts as an error unless it is
   a 200 with a body. Printed: requests/s, p50/p95/p99 latency and errors per endpoint, and the
   CPU seconds the server, the load generator, the ingest and everything else used meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared")) / "data"
OUT = ROOT / "bench" / "out"

_SENT = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[A-Z“\"])")
_NAME = re.compile(r"\b([A-Z][a-z]{2,15}(?: [A-Z][a-z]{2,15}){0,2})\b")
_QUOTE = re.compile(r"[“\"]([^”\"]{20,200})[”\"]")
_STOP = {"The", "This", "That", "But", "And", "When", "What", "After", "Its", "His", "Her", "They", "There",
         "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "However", "While"}


# --------------------------------------------------------------------------- data
def real_groups() -> list[list[dict]]:
    """Real stories as groups of articles (title, text, source, published)."""
    groups: list[list[dict]] = []
    with open(DATA / "allsides_dev.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            groups.append([{"title": a.get("title") or d["title"], "text": a["text"], "source": a.get("source") or "AllSides",
                            "published": (a.get("date") or d.get("date") or "")[:10] or None} for a in d["articles"] if a.get("text")])
    by_key: dict[str, list[dict]] = defaultdict(list)
    with open(DATA / "basil_dev.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            by_key[f"basil-{d['gold_cluster']}"].append({"title": d["title"], "text": d["text"], "source": d["source"],
                                                        "published": d.get("date")})
    with open(DATA / "ecbplus_dev.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            by_key[f"ecb-{d['event']}"].append({"title": d["title"][:200], "text": d["text"], "source": f"ECB+ {d['id'].split('_')[1]}",
                                                "published": None})
    with open(DATA / "semeval8_en_pairs.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            for k in ("text1", "text2"):
                text = d.get(k) or ""
                if len(text) > 200:
                    by_key[f"sem-{d['pair_id']}-{k}"].append({"title": text.split("\n", 1)[0][:140], "text": text,
                                                              "source": "SemEval", "published": None})
    groups += [g for g in by_key.values() if g]
    return [g for g in groups if any(len(a["text"]) > 100 for a in g)]


def perturb(text: str, rng: random.Random, copy: int) -> str:
    sents = [s for s in _SENT.split(text.strip()) if s]
    if len(sents) > 4:
        sents.pop(rng.randrange(1, len(sents)))
    if len(sents) > 3:
        i = rng.randrange(1, len(sents) - 1)
        sents[i], sents[i + 1] = sents[i + 1], sents[i]
    return " ".join(sents) + f" (Update {copy}.)"


def make_corpus(n_articles: int, seed: int = 7):
    """[(story key, [article dict])] with about n_articles articles in all."""
    rng = random.Random(seed)
    groups = real_groups()
    out, total, copy = [], 0, 0
    while total < n_articles:
        for gi, group in enumerate(groups):
            arts = []
            for a in group:
                if total >= n_articles:
                    break
                text = perturb(a["text"][:20_000], rng, copy) if copy else a["text"][:20_000]
                arts.append(dict(a, text=text, title=a["title"] + (f" (update {copy})" if copy else "")))
                total += 1
            if arts:
                out.append((f"g{gi}-c{copy}", arts))
            if total >= n_articles:
                break
        copy += 1
    return out


def synthetic_batch(key: str, arts: list[dict]):
    """Articles, annotations and one synthetic story for one group (see the module docstring)."""
    from newsfuse.types import (Alias, Article, ArticleAnnotations, Brief, BriefSentence, Claim, Entity, Evidence,
                                Quote, Span, Story, StoryAssignment, TimelineEntry)

    articles, notes = [], []
    for a in arts:
        aid = hashlib.sha256(a["text"].encode()).hexdigest()[:16]
        articles.append(Article(id=aid, path=f"bench/{key}.jsonl", source=a["source"], title=a["title"], text=a["text"],
                                original_text=a["text"], published=a["published"], language="en"))
        spans, pos = [], 0
        for s in _SENT.split(a["text"]):
            start = a["text"].find(s, pos)
            if start >= 0:
                spans.append(Span(start, start + len(s)))
                pos = start + len(s)
        notes.append(ArticleAnnotations(article_id=aid, sentences=spans[:200]))
    sid = "load-" + hashlib.sha256(key.encode()).hexdigest()[:12]
    names: Counter = Counter()
    where: dict[str, list[str]] = defaultdict(list)
    for art in articles:
        for m in _NAME.finditer(art.text[:5000]):
            name = m.group(1)
            if name.split()[0] not in _STOP:
                names[name] += 1
                if art.id not in where[name]:
                    where[name].append(art.id)
    entities = [Entity(id="ent-" + hashlib.sha256(n.lower().encode()).hexdigest()[:12], name=n, type="NAME",
                       aliases=[Alias(n, aid, 1) for aid in where[n]], article_ids=where[n], mentions=c)
                for n, c in names.most_common(8)]
    claims, brief, quotes = [], [], []
    firsts = []
    for k, (art, note) in enumerate(zip(articles, notes)):
        if not note.sentences:
            continue
        sp = note.sentences[0]
        firsts.append((art, sp))
        claims.append(Claim(f"{sid}-c{k}", art.text[sp.start:sp.end][:300], "single_source",
                            evidence=[Evidence(art.id, art.text[sp.start:sp.end], sp.start, sp.end, art.source)],
                            sources=[art.source]))
        if len(brief) < 4:
            brief.append(BriefSentence(art.text[sp.start:sp.end][:400], [art.id], [claims[-1].id], [art.source]))
        q = _QUOTE.search(art.text[:5000])
        if q:
            quotes.append((art.id, Quote(q.group(1), q.start(1), q.end(1), None)))
    if len(firsts) >= 2:
        (a0, s0), (a1, s1) = firsts[:2]
        claims.insert(0, Claim(f"{sid}-both", a0.text[s0.start:s0.end][:300], "corroborated",
                               evidence=[Evidence(a0.id, a0.text[s0.start:s0.end], s0.start, s0.end, a0.source),
                                         Evidence(a1.id, a1.text[s1.start:s1.end], s1.start, s1.end, a1.source)],
                               sources=[a0.source, a1.source]))
    story = Story(id=sid, title=arts[0]["title"], article_ids=[a.id for a in articles], label=", ".join(n for n, _ in names.most_common(3)),
                  entities=entities, quotes=quotes, claims=claims,
                  brief=Brief(sentences=brief, timeline=[TimelineEntry(a.published, a.title, [a.id]) for a in articles if a.published]))
    return articles, notes, story, StoryAssignment(story_of={a.id: sid for a in articles}, touched=[sid])


def build_store(url: str, corpus, batch_articles: int = 200) -> tuple[float, list[str], list[str]]:
    """Fill the store; returns (seconds, story ids, search words)."""
    from newsfuse.store import open_store

    t0 = time.perf_counter()
    story_ids, words = [], []
    with open_store(url) as store:
        pending: list = []
        count = 0

        def flush():
            if pending:
                arts = [a for p in pending for a in p[0]]
                notes = [n for p in pending for n in p[1]]
                stories = [p[2] for p in pending]
                merged = {}
                for p in pending:
                    merged.update(p[3].story_of)
                from newsfuse.types import StoryAssignment

                store.save_batch(arts, notes, stories, StoryAssignment(story_of=merged), None)
                pending.clear()

        for key, arts in corpus:
            b = synthetic_batch(key, arts)
            story_ids.append(b[2].id)
            words += [e.name for e in b[2].entities[:2]]
            pending.append(b)
            count += len(arts)
            if sum(len(p[0]) for p in pending) >= batch_articles:
                flush()
        flush()
        counts = store.counts()
    print(f"  store built: {counts['articles']:,} articles, {counts['stories']:,} stories, "
          f"{counts['entities']:,} entities in {time.perf_counter() - t0:.1f} s", flush=True)
    return time.perf_counter() - t0, story_ids, sorted(set(words))


# --------------------------------------------------------------------------- processes
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, NEWSFUSE_SERVE_DB=url, NEWSFUSE_SERVE_HOST="127.0.0.1")
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "newsfuse.serve.app:app_from_env", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-server-header"]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)


def wait_ready(base: str, timeout: float = 120) -> None:
    import httpx

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(base + "/api/stories?limit=1", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server did not come up")


def ingest_loop(url: str, corpus, workdir: Path, stop_at: float) -> tuple[subprocess.Popen | None, list]:
    """Start the real CLI ingesting fresh articles into the store, one batch after another."""
    script = workdir / "ingest_loop.sh"
    files = []
    for i in range(20):
        path = workdir / f"ingest_{i}.jsonl"
        key, arts = corpus[i]
        with open(path, "w", encoding="utf-8") as f:
            for a in arts:
                f.write(json.dumps({"title": "Fresh: " + a["title"], "text": a["text"] + f" (Fresh copy {i}.)",
                                    "source": a["source"], "published": a["published"]}) + "\n")
        files.append(path)
    lines = ["#!/bin/sh", "i=0"]
    lines += [f'for f in {" ".join(str(p) for p in files)}; do',
              f'  [ "$(date +%s)" -ge {int(stop_at)} ] && break',
              f'  "{sys.executable}" -m newsfuse analyze "$f" --db "{url}" >/dev/null 2>>"{workdir}/ingest.err" && echo ok >>"{workdir}/ingest.done"',
              "done"]
    script.write_text("\n".join(lines) + "\n")
    proc = subprocess.Popen(["sh", str(script)], cwd=ROOT, start_new_session=True)
    return proc, files


def tree_cpu(pid: int | None) -> float:
    """CPU seconds used so far by ``pid`` and its descendants (finished children included)."""
    if pid is None:
        return 0.0
    parents: dict[int, int] = {}
    stats: dict[int, list[str]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                fields = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(d)] = int(fields[1])
            stats[int(d)] = fields
    tree, frontier = {pid}, [pid]
    while frontier:
        kids = [c for c, par in parents.items() if par in frontier and c not in tree]
        tree.update(kids)
        frontier = kids
    ticks = sum(int(stats[p][11]) + int(stats[p][12]) + int(stats[p][13]) + int(stats[p][14]) for p in tree if p in stats)
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> float:
    """CPU seconds all processes on the machine have used (busy time from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def self_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# --------------------------------------------------------------------------- load
class HttpConn:
    """One keep-alive HTTP/1.1 connection: a GET, the whole response read and parsed (httptools,
    the parser uvicorn itself uses; chunked and content-length bodies alike).

    The load generator shares the server's two CPUs; httpx spends about 4 ms of CPU per request
    here, as much as the server, so it would measure the client more than the server."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, int, dict[str, str]]:
        """(status, body bytes, response headers) of ``GET path``."""
        import httptools

        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: text/html,*/*\r\n{extra}\r\n".encode())
        state = {"body": 0, "done": False, "headers": {}}

        class Proto:
            def on_header(self, name: bytes, value: bytes) -> None:
                state["headers"][name.decode("latin-1").lower()] = value.decode("latin-1")

            def on_body(self, body: bytes) -> None:
                state["body"] += len(body)

            def on_message_complete(self) -> None:
                state["done"] = True

        parser = httptools.HttpResponseParser(Proto())
        while not state["done"]:
            data = await self.reader.read(65536)
            if not data:
                await self.close()
                raise ConnectionError("server closed the connection mid-response")
            parser.feed_data(data)
        if not parser.should_keep_alive():
            await self.close()
        return parser.get_status_code(), state["body"], state["headers"]


async def run_load(base: str, story_ids: list[str], words: list[str], clients: int, seconds: float, seed: int = 3):
    from urllib.parse import quote, urlsplit

    import httptools

    rng = random.Random(seed)
    lat: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    statuses: Counter = Counter()
    end = time.perf_counter() + seconds
    mix = [("story page", 0.55), ("search page", 0.15), ("api search", 0.1), ("index", 0.1), ("api story", 0.1)]

    def pick() -> tuple[str, str]:
        r, acc = rng.random(), 0.0
        for name, p in mix:
            acc += p
            if r <= acc:
                break
        if name == "story page":
            return name, f"/stories/{rng.choice(story_ids)}"
        if name == "api story":
            return name, f"/api/stories/{rng.choice(story_ids)}"
        if name == "search page":
            return name, f"/search?q={quote(rng.choice(words))}"
        if name == "api search":
            return name, f"/api/search?q={quote(rng.choice(words))}"
        return name, f"/?page={rng.randint(1, 20)}"

    where = urlsplit(base)

    async def worker():
        conn = HttpConn(where.hostname, where.port)
        try:
            while time.perf_counter() < end:
                name, path = pick()
                t0 = time.perf_counter()
                try:
                    status, size, _ = await asyncio.wait_for(conn.get(path), 30)
                    statuses[status] += 1
                    if status != 200 or size == 0:
                        errors[name] += 1
                except (OSError, asyncio.TimeoutError, httptools.HttpParserError) as exc:
                    await conn.close()
                    errors[name] += 1
                    statuses[type(exc).__name__] += 1
                lat[name].append(time.perf_counter() - t0)
        finally:
            await conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - t0
    return lat, errors, statuses, elapsed


def run_async(coro):
    """asyncio.run, on uvloop when it is installed (it is: uvicorn's own loop), to keep the load
    generator's CPU share small."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] * 1000


def report(kind: str, lat, errors, elapsed: float, rows: list) -> None:
    total = sum(len(v) for v in lat.values())
    for name in ["story page", "api story", "search page", "api search", "index"]:
        v = lat.get(name, [])
        rows.append((kind, name, len(v), len(v) / elapsed, pct(v, .5), pct(v, .95), pct(v, .99), errors.get(name, 0)))
    allv = [x for v in lat.values() for x in v]
    rows.append((kind, "all", total, total / elapsed, pct(allv, .5), pct(allv, .95), pct(allv, .99), sum(errors.values())))


def print_table(rows, header: str) -> None:
    print()
    print(header)
    print(f"| {'store':10} | {'endpoint':11} | {'requests':>8} | {'req/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | {'errors':>6} |")
    print("|" + "|".join("-" * w for w in (12, 13, 10, 9, 9, 9, 9, 8)) + "|")
    for kind, name, n, rps, p50, p95, p99, err in rows:
        print(f"| {kind:10} | {name:11} | {n:>8,} | {rps:>7.1f} | {p50:>7.1f} | {p95:>7.1f} | {p99:>7.1f} | {err:>6} |")


def start_postgres(workdir: Path) -> str:
    out = subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "start", str(workdir / "pg")],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--kinds", default="sqlite,postgres")
    ap.add_argument("--no-ingest", action="store_true", help="no concurrent CLI ingest")
    ap.add_argument("--sqlite-cache", default=None,
                    help="keep the built SQLite store at this path and reuse it on later runs (same --articles)")
    args = ap.parse_args()

    corpus = make_corpus(args.articles)
    print(f"corpus: {sum(len(a) for _, a in corpus):,} articles in {len(corpus):,} story groups "
          f"(real articles from {DATA}, perturbed copies)", flush=True)
    rows: list = []
    notes = []
    for kind in [k.strip() for k in args.kinds.split(",") if k.strip()]:
        workdir = Path(tempfile.mkdtemp(prefix=f"newsfuse-load-{kind}-"))
        pg_dir = None
        server = ingest = None
        try:
            reuse = False
            if kind == "sqlite":
                url = str(workdir / "load.db")
                if args.sqlite_cache:
                    url = args.sqlite_cache
                    reuse = Path(url).exists() and Path(url + ".json").exists()
            else:
                pg_dir = workdir / "pg"
                if os.geteuid() == 0:
                    os.chmod(workdir, 0o755)
                url = start_postgres(workdir)
            if reuse:
                cached = json.loads(Path(url + ".json").read_text())
                build_s, story_ids, words = cached["build_s"], cached["story_ids"], cached["words"]
                print(f"[{kind}] reusing the store at {url}", flush=True)
            else:
                print(f"[{kind}] building the store", flush=True)
                build_s, story_ids, words = build_store(url, corpus)
                if kind == "sqlite" and args.sqlite_cache:
                    Path(url + ".json").write_text(json.dumps({"build_s": build_s, "story_ids": story_ids, "words": words}))
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = start_server(url, port, args.workers)
            wait_ready(base)
            run_async(run_load(base, story_ids, words, 5, 3))  # warm up the workers
            if not args.no_ingest:
                ingest, _ = ingest_loop(url, corpus[-40:], workdir, time.time() + args.seconds)
                time.sleep(1)
            print(f"[{kind}] {args.clients} clients for {args.seconds:g} s"
                  f"{'' if args.no_ingest else ' while the CLI ingests'}", flush=True)
            load_before = os.getloadavg()[0]
            pg_pid = None
            if pg_dir is not None and (pg_dir / "data" / "postmaster.pid").exists():
                pg_pid = int((pg_dir / "data" / "postmaster.pid").read_text().split()[0])

            def cpu_now() -> tuple[float, ...]:
                return (tree_cpu(server.pid), self_cpu(), tree_cpu(ingest.pid if ingest else None), tree_cpu(pg_pid),
                        machine_cpu())

            cpu0 = cpu_now()
            lat, errors, statuses, elapsed = run_async(run_load(base, story_ids, words, args.clients, args.seconds))
            cpu1 = cpu_now()
            srv_s, gen_s, ing_s, pg_s, all_s = (b - a for a, b in zip(cpu0, cpu1))
            notes.append(f"{kind}: machine load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after the run "
                         f"(the load generator runs on the same {os.cpu_count()} CPUs)")
            notes.append(f"{kind}: CPU seconds during the {elapsed:.0f} s of load ({os.cpu_count()} CPUs: "
                         f"{elapsed * os.cpu_count():.0f} available): server {srv_s:.1f}, load generator {gen_s:.1f}, "
                         f"CLI ingest {ing_s:.1f}, " + (f"PostgreSQL server {pg_s:.1f}, " if pg_pid else "")
                         + f"everything else on the machine {max(0.0, all_s - srv_s - gen_s - ing_s - pg_s):.1f}; "
                         f"server {srv_s / max(1, sum(len(v) for v in lat.values())) * 1000:.2f} ms of CPU per request")
            report(kind, lat, errors, elapsed, rows)
            if ingest is not None:
                ingest.wait(timeout=600)
                done = (workdir / "ingest.done").read_text().count("ok") if (workdir / "ingest.done").exists() else 0
                err = (workdir / "ingest.err").read_text()[-300:] if (workdir / "ingest.err").exists() else ""
                notes.append(f"{kind}: the CLI ingest completed {done} batch(es) during/after the load"
                             + (f"; stderr tail: {err.strip()!r}" if err.strip() else ""))
            notes.append(f"{kind}: statuses {dict(statuses)}; store build {build_s:.0f} s")
        finally:
            stop(ingest)
            stop(server)
            if pg_dir is not None:
                subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "stop", str(pg_dir)], capture_output=True)
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(rows, f"newsfuse serve under load: {args.clients} clients, {args.seconds:g} s, "
                      f"{sum(len(a) for _, a in corpus):,} articles, {args.workers} uvicorn worker(s), {os.cpu_count()} CPUs")
    for n in notes:
        print("  " + n)


if __name__ == "__main__":
    main()
