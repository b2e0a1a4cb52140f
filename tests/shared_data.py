"""Where the real third-party data lives: ``../shared`` beside the checkout, or
``$NEWSFUSE_SHARED``. One place, so every test module (and conftest's fixtures) reads the same
folder and the variable works for all of them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


def require(path: Path, what: str) -> Path:
    """The folder, or a clear stop naming where it was expected. A clone without the data
    (no ``../shared`` beside it) skips these tests; CI (``CI`` set) must have the data and
    fails instead, so a missing copy never passes unnoticed there."""
    if path.is_dir():
        return path
    message = f"{what} missing: expected {path} (set NEWSFUSE_SHARED to the folder holding seeds/ and data/)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
