"""MiniLM sentence embeddings split the way a GPU wants them: tokenize on CPUs, encode on a GPU.

On one process the Hugging Face tokenizer, not the model, is the bottleneck (a GPU encodes an
order of magnitude more sentences per second than one CPU can tokenize). So tokenization is a
Ray Data task stage spread over every CPU, and the GPU actor only runs the transformer, in fp16,
on large length-sorted batches, then mean-pools and L2-normalises exactly as the bundled
sentence-transformers model does (Transformer -> mean Pooling -> Normalize; max 256 tokens).

Also runs on CPU (fp32), which is how it is tested against ``newsfuse.embed.embed`` here.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from newsfuse.embed import MAX_TOKENS, model_dir


_tokenizer: Any = None


def _get_tokenizer() -> Any:
    global _tokenizer
    if _tokenizer is None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # parallelism comes from Ray
        from transformers import AutoTokenizer

        _tokenizer = AutoTokenizer.from_pretrained(str(model_dir()))
    return _tokenizer


def tokenize_batch(batch: Any, text_column: str = "text") -> Any:
    """Ray Data task (pyarrow batches): adds ``ids``, each row's token ids (at most 256).

    Rows keep their own length: padding happens in the encoder, per micro-batch of similar
    lengths, so Ray never has to glue together blocks of different widths.
    """
    import pyarrow as pa

    texts = [str(t) for t in batch.column(text_column).to_pylist()]
    enc = _get_tokenizer()(
        texts, padding=False, truncation=True, max_length=MAX_TOKENS, return_attention_mask=False
    )["input_ids"]
    return batch.append_column("ids", pa.array(enc, type=pa.list_(pa.int32())))


class Encoder:
    """Ray Data actor: token rows -> 384-d L2-normalised vectors (fp16 on a GPU)."""

    def __init__(self, device: str | None = None, micro_batch: int = 1024) -> None:
        import torch
        from transformers import AutoModel

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.torch = torch
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        model = AutoModel.from_pretrained(str(model_dir()))
        if self.device == "cuda":
            model = model.half()
        self.model = model.to(self.device).eval()
        self.micro_batch = micro_batch

    def encode(self, rows: list[list[int]]) -> np.ndarray:
        """Vectors in the order of ``rows``; encoded in length-sorted micro-batches."""
        torch = self.torch
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        out = np.zeros((len(rows), 384), dtype=np.float32)
        with torch.inference_mode():
            for s in range(0, len(order), self.micro_batch):
                chunk = order[s : s + self.micro_batch]
                width = max(1, max(len(rows[i]) for i in chunk))
                ids = np.zeros((len(chunk), width), dtype=np.int64)
                mask = np.zeros((len(chunk), width), dtype=np.int64)
                for r, i in enumerate(chunk):
                    ids[r, : len(rows[i])] = rows[i]
                    mask[r, : len(rows[i])] = 1
                t_ids = torch.from_numpy(ids).to(self.device, non_blocking=True)
                t_mask = torch.from_numpy(mask).to(self.device, non_blocking=True)
                hidden = self.model(input_ids=t_ids, attention_mask=t_mask).last_hidden_state
                weights = t_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled.float(), p=2, dim=1)
                out[chunk] = pooled.cpu().numpy()
        return out

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        vectors = self.encode(batch.column("ids").to_pylist())
        flat = pa.array(vectors.reshape(-1), type=pa.float32())
        return batch.drop_columns(["ids"]).append_column(
            "embedding", pa.FixedSizeListArray.from_arrays(flat, 384)
        )


def embed_texts(texts: list[str], device: str | None = None) -> np.ndarray:
    """Both halves in one process (tests, small inputs): the vectors the Ray stages give."""
    import pyarrow as pa

    tokens = tokenize_batch(pa.table({"text": texts}))
    return Encoder(device=device).encode(tokens.column("ids").to_pylist())
