"""Crash safety through the real CLI and a real SQLite store: kill -9 mid-ingest, then resume;
two processes writing at once. Each check compares the store with the unique articles that
ingest finds in the same files (computed by the library, not hard-coded).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsfuse.ingest import iter_inputs
from newsfuse.testing.synthetic import write_synthetic_files
from newsfuse.types import Article

ROOT = Path(__file__).resolve().parents[1]


def unique_ids(paths) -> set[str]:
    return {o.id for o in iter_inputs([str(p) for p in paths]) if isinstance(o, Article)}


def settings_file(tmp_path: Path, batch_size: int = 5) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(f"[store]\nbatch_size = {batch_size}\n", encoding="utf-8")
    return path


def start_cli(inputs, db: Path, settings: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "newsfuse", "analyze", *[str(i) for i in inputs],
           "--db", str(db), "--settings", str(settings), "--quiet"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:  # schema not created yet
        return 0


def check_store(db: Path, expected: set[str]) -> None:
    """Exactly the expected articles, no duplicates, a clean file, every article in a story."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        ids = [row[0] for row in conn.execute("SELECT id FROM articles")]
        assert len(ids) == len(set(ids)), "duplicate articles"
        assert set(ids) == expected, (len(set(ids)), len(expected))
        in_story = {row[0] for row in conn.execute("SELECT article_id FROM story_articles")}
        assert in_story == expected, "every stored article belongs to exactly one story"
        dangling = conn.execute(
            "SELECT count(*) FROM story_articles WHERE story_id NOT IN (SELECT id FROM stories)"
        ).fetchone()[0]
        assert dangling == 0, "story membership points at a missing story"
        annotated = {row[0] for row in conn.execute("SELECT article_id FROM annotations")}
        assert annotated == expected, "articles and their annotations are committed together"
    finally:
        conn.close()


def finish(proc: subprocess.Popen, timeout: float = 400) -> str:
    _, err = proc.communicate(timeout=timeout)
    assert "Traceback" not in err, err[-3000:]
    assert "database is locked" not in err, err[-3000:]
    assert proc.returncode == 0, (proc.returncode, err[-3000:])
    return err


def kill_when(proc: subprocess.Popen, db: Path, condition, deadline: float = 300) -> bool:
    """SIGKILL ``proc`` as soon as ``condition(stored_count)`` holds; False if it ended first."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        if condition(stored_count(db)):
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return True


def test_kill_9_mid_ingest_then_two_writers_resume(tmp_path):
    """One test, two properties, at the cost of about two CLI runs (model loading dominates):
    a run killed right after its first committed batch leaves a clean store, and two processes
    resuming at once over overlapping halves of the input lose nothing and never see
    'database is locked'."""
    files = write_synthetic_files(tmp_path / "in", 40, seed=11)
    expected = unique_ids(files)
    assert len(expected) == 40
    db, settings = tmp_path / "store.db", settings_file(tmp_path)
    proc = start_cli([tmp_path / "in"], db, settings)
    killed = kill_when(proc, db, lambda n: n > 0)  # right after the first batch committed
    assert killed, "the run ended before it could be killed; raise the article count"
    partial = stored_count(db)
    assert 0 < partial < len(expected)
    with sqlite3.connect(db, timeout=30) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    resumers = [start_cli(files[:25], db, settings), start_cli(files[15:], db, settings)]
    for resumer in resumers:
        finish(resumer)
    check_store(db, expected)


@pytest.mark.slow
def test_rerun_changes_nothing(tmp_path):
    files = write_synthetic_files(tmp_path / "in", 20, seed=14)
    db, settings = tmp_path / "store.db", settings_file(tmp_path)
    finish(start_cli([tmp_path / "in"], db, settings))
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT id, data FROM articles ORDER BY id").fetchall()
        members = conn.execute("SELECT article_id, story_id FROM story_articles ORDER BY 1").fetchall()
    finish(start_cli([tmp_path / "in"], db, settings))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, data FROM articles ORDER BY id").fetchall() == before
        assert conn.execute("SELECT article_id, story_id FROM story_articles ORDER BY 1").fetchall() == members
    check_store(db, unique_ids(files))


@pytest.mark.slow
def test_two_writers_at_once(tmp_path):
    files = write_synthetic_files(tmp_path / "in", 50, seed=12)
    first, second = files[:30], files[20:]  # ten articles in both
    expected = unique_ids(files)
    db, settings = tmp_path / "store.db", settings_file(tmp_path)
    procs = [start_cli(first, db, settings), start_cli(second, db, settings)]
    for proc in procs:
        finish(proc)
    check_store(db, expected)


@pytest.mark.slow
def test_random_kill_points_then_resume(tmp_path):
    files = write_synthetic_files(tmp_path / "in", 80, seed=13)
    expected = unique_ids(files)
    db, settings = tmp_path / "store.db", settings_file(tmp_path)
    rng = random.Random(5)
    for _ in range(5):
        proc = start_cli([tmp_path / "in"], db, settings)
        time.sleep(rng.uniform(1.0, 20.0))  # anywhere: model loading, mid-batch, mid-commit
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        with sqlite3.connect(db, timeout=30) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finish(start_cli([tmp_path / "in"], db, settings))
    check_store(db, expected)


@pytest.mark.slow
def test_two_writers_keep_both_in_the_cluster_state(tmp_path):
    """No lost write of the clusterer's state either: after two concurrent ingests of
    disjoint halves, the persisted state must know every stored article, or the next run
    cannot join new articles to the first writer's stories."""
    from newsfuse.cluster import StoryClusterer
    from newsfuse.store import open_store

    files = write_synthetic_files(tmp_path / "in", 40, seed=21)
    db, settings = tmp_path / "store.db", settings_file(tmp_path)
    procs = [start_cli(files[:20], db, settings), start_cli(files[20:], db, settings)]
    for proc in procs:
        finish(proc)
    check_store(db, unique_ids(files))
    store = open_store(str(db))
    try:
        clusterer = StoryClusterer(store.load_cluster_state())
    finally:
        store.close()
    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM articles")]
    assert [i for i in ids if i not in clusterer.recent] == []


@pytest.mark.slow
def test_every_article_stays_in_a_story_when_stories_merge(tmp_path):
    """Found by bench/stress_ingest.py: on this corpus (no kill at all) stories merge during
    the run and the members of a merged-away story ended up in no story at all."""
    files = write_synthetic_files(tmp_path / "in", 270, seed=2027)
    db, settings = tmp_path / "store.db", settings_file(tmp_path, batch_size=10)
    finish(start_cli([tmp_path / "in"], db, settings), timeout=1800)
    check_store(db, unique_ids(files))
