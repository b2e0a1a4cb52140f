"""A real PostgreSQL server for the tests (Debian's package, on loopback), once per session.

Use from a test module with ``from tests.pg import pg_server, pg_url  # noqa: F401``:
- ``pg_server``: the server's URL (session-wide). $NEWSFUSE_TEST_PG_URL points at a running
  server instead (it must let its user CREATE DATABASE); otherwise scripts/postgres.sh starts
  one in a temporary directory and stops it at the end.
- ``pg_url``: a fresh, empty database on that server for one test.
Without PostgreSQL binaries the tests are skipped with the reason, unless CI is set: in CI a
missing PostgreSQL is a failure, never a silent skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "postgres.sh"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _have_binaries() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or shutil.which("initdb") is not None


@pytest.fixture(scope="session")
def pg_server():
    if url := os.environ.get("NEWSFUSE_TEST_PG_URL"):
        yield url
        return
    if not _have_binaries() and not _in_ci():
        pytest.skip(
            "PostgreSQL is not installed (apt-get install postgresql, or run scripts/postgres.sh "
            "start); with CI=true the tests install and require it"
        )
    workdir = tempfile.mkdtemp(prefix="newsfuse-pg-")
    env = dict(os.environ, PG_FAST="1")
    proc = subprocess.run(
        ["bash", str(SCRIPT), "start", workdir], capture_output=True, text=True, env=env, timeout=300
    )
    if proc.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {proc.stderr[-2000:]}")
    url = proc.stdout.strip().splitlines()[-1]
    try:
        yield url
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", workdir], capture_output=True, timeout=120)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server):
    """A new empty database on the session's server; dropped after the test."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _db = pg_server.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
