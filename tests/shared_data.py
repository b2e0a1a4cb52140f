"""Where the real third-party data lives: ``../shared`` beside the checkout, or
``$NEWSFUSE_SHARED``. One place, so every test module (and conftest's fixtures) reads the same
folder and the variable works for all of them."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"
