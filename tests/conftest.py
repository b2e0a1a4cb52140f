"""Shared fixtures: where the real data lives, a scratch store, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared_data import DATA, ROOT, SEEDS, SHARED, require  # noqa: F401  (one place for the real data)

EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return require(SEEDS, "the seed articles are")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return require(DATA, "the real evaluation data is")


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess[bytes]:
    """Run the real ``newsfuse`` command in a subprocess (no TTY, like a pipe)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "newsfuse", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env=full_env,
        cwd=ROOT,
    )
