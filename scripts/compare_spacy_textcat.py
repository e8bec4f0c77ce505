"""The alternative the coder was measured against: spaCy textcat, one per head.

    .venv/bin/python scripts/compare_spacy_textcat.py [--epochs 6]

Trains a spaCy 3.8 ``textcat`` (exclusive classes, bag-of-words n-gram architecture
``spacy.TextCatBOW.v3``, the one that runs at spaCy speed on one core) per head on the
same train split as ``scripts/train_coder.py``, with the trigger marked in its sentence
("… police [[arrested]] four …"), and prints the same test figures.  Fixed seed.  It
writes nothing: the figures go into the model README beside the shipped model's.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import spacy  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from spacy.training import Example  # noqa: E402
from spacy.util import fix_random_seed, minibatch  # type: ignore[attr-defined]  # noqa: E402

from eventlens.coder import HEADS, NO_ACLED, RELEVANT  # noqa: E402
from eventlens.coder_corpus import Record, load_corpus, split_of  # noqa: E402

SEED = 13


def marked(r: Record) -> str:
    c = r.cand
    return f"{c.sentence[: c.start]}[[{c.sentence[c.start : c.end]}]]{c.sentence[c.end :]}"


def train_head(head: str, train: list[Record], epochs: int) -> spacy.language.Language:
    rows = [r for r in train if r.labels[head]]
    labels = sorted({r.labels[head] for r in rows})
    nlp = spacy.blank("en")
    tc: Any = nlp.add_pipe(
        "textcat",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": True,
                "ngram_size": 2,
                "no_output_layer": False,
            }
        },
    )
    for lab in labels:
        tc.add_label(lab)
    examples = [
        Example.from_dict(
            nlp.make_doc(marked(r)), {"cats": {lab: float(lab == r.labels[head]) for lab in labels}}
        )
        for r in rows
    ]
    opt = nlp.initialize(lambda: examples)
    rng = random.Random(SEED)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=32):  # type: ignore[no-untyped-call]
            nlp.update(batch, sgd=opt, drop=0.1)
    return nlp


def predict(nlp: spacy.language.Language, recs: list[Record]) -> list[str]:
    out = []
    for doc in nlp.pipe(marked(r) for r in recs):
        out.append(max(doc.cats.items(), key=lambda kv: kv[1])[0])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=6)
    args = ap.parse_args(argv)
    fix_random_seed(SEED)
    records, _ = load_corpus(sorted((ROOT / "data" / "coder" / "corpus").glob("*.jsonl")))
    train = [r for r in records if split_of(r.group) == "train"]
    test = [r for r in records if split_of(r.group) == "test"]
    t0 = time.time()
    pred: dict[str, list[str]] = {}
    for head in HEADS:
        if head == "mode":
            continue
        nlp = train_head(head, train, args.epochs)
        pred[head] = predict(nlp, test)
        print(f"  trained {head} ({time.time() - t0:.0f} s)", flush=True)
    rel_true = [r.labels["relevance"] == RELEVANT for r in test]
    rel_pred = [p == RELEVANT for p in pred["relevance"]]
    pos = [i for i, r in enumerate(test) if rel_true[i]]
    acl = [i for i in pos if test[i].labels["acled"] != NO_ACLED]
    acl_f1 = f1_score(
        [test[i].labels["acled"] for i in acl], [pred["acled"][i] for i in acl], average="weighted"
    )
    st_f1 = f1_score(
        [test[i].labels["status"] for i in pos], [pred["status"][i] for i in pos], average="macro"
    )
    print("spaCy textcat (TextCatBOW, bigrams), test split:")
    print(f"  relevance_f1           {f1_score(rel_true, rel_pred):.3f}")
    print(f"  acled_sub_weighted_f1  {acl_f1:.3f}")
    print(f"  status_macro_f1        {st_f1:.3f}")
    acc = sum(pred["plover"][i] == test[i].labels["plover"] for i in pos) / max(1, len(pos))
    print(f"  plover_accuracy        {acc:.3f}")
    print(f"  train time             {time.time() - t0:.0f} s for 4 heads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
