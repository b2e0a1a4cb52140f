"""The two MiniLM encoders (int8 ONNX on CPU by default, sentence-transformers on torch for a GPU)
on real text: the same geometry, so a store can hold vectors from either."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from newsfuse import embed
from newsfuse.extract.sentences import split_sentences
from tests.shared_data import SEEDS, require


def _seed_passages() -> list[str]:
    """Sentences and whole paragraphs of the two seed articles (mangled translations, real news)."""
    passages: list[str] = []
    for path in sorted(require(SEEDS, "the seed articles are").glob("*")):
        text = path.read_text(encoding="utf-8", errors="replace")
        paragraphs = [p.strip() for p in text.split("\n") if len(p.strip()) > 40]
        passages += paragraphs[:6]
        for p in paragraphs[:6]:
            passages += [p[s.start:s.end] for s in split_sentences(p) if s.end - s.start > 20][:3]
    return passages


@pytest.fixture(scope="module")
def both():
    texts = _seed_passages()
    onnx = embed.OnnxEncoder().encode(texts, 8)
    torch = embed.TorchEncoder().encode(texts, 64)
    return texts, onnx, torch


def test_onnx_and_torch_encoders_give_the_same_vectors(both):
    texts, onnx, torch = both
    assert len(texts) >= 20 and onnx.shape == torch.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-4)
    assert (onnx * torch).sum(axis=1).min() > 0.995


def test_onnx_and_torch_encoders_agree_on_every_pairwise_cosine(both):
    _, onnx, torch = both
    diff = np.abs(onnx @ onnx.T - torch @ torch.T)
    assert diff.max() < 0.03
    assert diff.mean() < 0.005


def test_batching_and_order_do_not_change_vectors(both):
    texts, onnx, _ = both
    reordered = list(reversed(texts))
    again = embed.OnnxEncoder().encode(reordered, 3)[::-1]
    assert np.abs(again - onnx).max() < 1e-4


def test_long_text_is_truncated_at_the_models_limit():
    encoder = embed.OnnxEncoder()
    words = " ".join(f"word{i}" for i in range(2000))
    assert len(encoder.tokenizer.encode(words).ids) == embed.MAX_TOKENS
    assert encoder.encode([words], 8).shape == (1, 384)


def test_default_backend_loads_neither_torch_nor_sentence_transformers():
    code = ("import sys; from newsfuse import embed; v = embed.embed(['Port workers ended a strike.']);"
            "print(embed.backend().name, v.shape, 'sentence_transformers' in sys.modules, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin"}).stdout.split()
    assert out == ["onnx", "(1,", "384)", "False", "False"]


def test_unknown_backend_is_refused_with_the_variable_named(monkeypatch):
    monkeypatch.setenv(embed.BACKEND_ENV, "tensorflow")
    with pytest.raises(ValueError, match="NEWSFUSE_EMBED_BACKEND='tensorflow'"):
        embed.use_backend()


def test_onnx_backend_refuses_a_gpu():
    with pytest.raises(ValueError, match="CPU only"):
        embed.use_backend("onnx", device="cuda")


def test_cli_refuses_an_unknown_backend_in_one_line_before_any_work(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), embed.BACKEND_ENV: "tensorflow"}
    run = subprocess.run([sys.executable, "-m", "newsfuse", "analyze", "--db", str(tmp_path / "s.db"), "-"],
                         input="Port workers ended a nine-day strike on Monday, the union said.",
                         capture_output=True, text=True, env=env)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "newsfuse: NEWSFUSE_EMBED_BACKEND='tensorflow': expected one of onnx, torch"]
    assert not (tmp_path / "s.db").exists()
