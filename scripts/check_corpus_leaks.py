"""Does any coder-corpus passage echo an evaluation set?  (Dev sets are for measuring.)

    .venv/bin/python scripts/check_corpus_leaks.py                  # report
    .venv/bin/python scripts/check_corpus_leaks.py --remove         # and drop what it flags
    .venv/bin/python scripts/check_corpus_leaks.py --data data/threads  # the thread set

Compares every record of ``data/coder/corpus/*.jsonl`` (or of ``--data``) with every
sentence of the evaluation sets that hold running text in ``../shared`` (the seed,
``eval/realnews-dev``, PLOVER GSR's example texts, the ECB+ documents of
``eval/ecbplus-dev``): a record is flagged when it shares a run of ``--ngram`` words
with one of them (numbers and punctuation ignored) or when its encoder cosine to one
of them is at least ``--cosine``.  Written passages about the same kind of incident
score about 0.6-0.7; 0.75 and over is a passage written with an evaluation sentence
in view, and it goes, with the other records of its group (its variants; in
``data/threads``, the other reports of its story).  A record's text is its ``title``
(when it has one) and ``text``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventlens.encoder import Encoder  # noqa: E402

CORPUS = ROOT / "data" / "coder" / "corpus"
SHARED = ROOT.parent / "shared"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def _text(r: dict[str, object]) -> str:
    return f"{r.get('title') or ''} {r['text']}".strip()


def _group(r: dict[str, object]) -> str:
    return str(r.get("group") or r.get("story") or r["id"])


def eval_sentences(shared: Path) -> list[str]:
    """The evaluation sets' sentences (of 6 words or more)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared / "seed").glob("*.txt"))]
    texts += [
        p.read_text(encoding="utf-8") for p in sorted((shared / "eval/realnews-dev").glob("*.txt"))
    ]
    gsr = shared / "eval/plover-gsr/PLOVER_GSR_CAMEO.txt"
    if gsr.is_file():
        texts += [str(r.get("eventText", "")) for r in json.loads(gsr.read_text(encoding="utf-8"))]
    ecb = shared / "eval/ecbplus-dev"
    if ecb.is_dir():
        from eventlens.evaluate.stories import load_corpus

        texts += [d.text for d in load_corpus(ecb)]
    out = []
    for t in texts:
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", t) if len(s.split()) >= 6]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--ngram", type=int, default=8)
    ap.add_argument("--cosine", type=float, default=0.75)
    ap.add_argument("--remove", action="store_true", help="rewrite the files without them")
    ap.add_argument("--data", type=Path, default=CORPUS, help="a folder of JSONL records")
    args = ap.parse_args(argv)
    sents = eval_sentences(args.shared)
    if not sents:
        print(f"{args.shared}: no evaluation sets found", file=sys.stderr)
        return 2
    grams = set()
    for s in sents:
        w = _words(s)
        grams |= {tuple(w[i : i + args.ngram]) for i in range(len(w) - args.ngram + 1)}
    files = sorted(args.data.glob("*.jsonl"))
    records = [(f, json.loads(line)) for f in files for line in f.read_text("utf-8").splitlines()]
    enc = Encoder()
    ev = enc.embed(sents)
    ev /= np.linalg.norm(ev, axis=1, keepdims=True)
    flagged: dict[str, str] = {}
    step = 2048
    for i in range(0, len(records), step):
        chunk = records[i : i + step]
        vec = enc.embed([_text(r) for _, r in chunk])
        vec /= np.linalg.norm(vec, axis=1, keepdims=True)
        sim = vec @ ev.T
        for j, (_, r) in enumerate(chunk):
            k = int(sim[j].argmax())
            w = _words(_text(r))
            shared = any(
                tuple(w[n : n + args.ngram]) in grams for n in range(len(w) - args.ngram + 1)
            )
            if shared or sim[j, k] >= args.cosine:
                why = "shares a word run" if shared else f"cosine {sim[j, k]:.2f}"
                flagged[str(r["id"])] = f"{why} with «{sents[k][:80]}»"
    groups = {_group(r) for _, r in records if str(r["id"]) in flagged}
    drop = {str(r["id"]) for _, r in records if _group(r) in groups} | set(flagged)
    for rid, why in sorted(flagged.items()):
        print(f"{rid}\t{why}")
    print(
        f"{len(records)} records, {len(sents)} evaluation sentences: {len(flagged)} flagged, "
        f"{len(drop)} with their groups",
        file=sys.stderr,
    )
    if args.remove:
        for f in files:
            lines = f.read_text("utf-8").splitlines()
            kept = [ln for ln in lines if str(json.loads(ln)["id"]) not in drop]
            if len(kept) != len(lines):
                f.write_text("".join(ln + "\n" for ln in kept), encoding="utf-8")
                print(f"{f.name}: {len(lines) - len(kept)} removed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
