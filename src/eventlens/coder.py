"""The learned event coder: what each candidate event is.

The trigger lexicon (:mod:`eventlens.stages.events`) finds where an event may be mentioned and
its roles; this stage decides, for every candidate, whether it is an event of interest
at all (and why not), its PLOVER type and mode, its status, and its ACLED event and
sub-event type, with a calibrated ``confidence``: the probability that the event is
real and correctly typed.  Definitions: ``docs/codebook.md``.

Model
    Linear heads (multinomial logistic regression) over two feature blocks of a
    candidate: the sentence-encoder embedding (:mod:`eventlens.encoder`) of the text
    around the trigger, and hashed word n-grams of the sentence, the window and the
    trigger (:func:`sparse_features`).  Trained by ``scripts/train_coder.py`` on the
    project's corpus (``data/coder/``); the figures it printed are in ``model.json``
    and ``src/eventlens/data/coder/README.md``.

Files
    ``data/coder/model.npz`` (the weights) and ``data/coder/model.json`` (labels,
    feature settings, calibration, provenance).  A missing or damaged file is a
    :class:`ResourceError` naming it and the command that rebuilds it; there is no
    silent fall-back to rules.
"""

from __future__ import annotations

import json
import logging
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from eventlens.coder_labels import NO_ACLED as NO_ACLED  # the coder's callers read it here
from eventlens.coder_labels import (
    load_acled_words,
    load_compatibility,
    load_labels,
    load_other_events,
    load_statement_status,
)
from eventlens.encoder import DIM, Encoder, file_digest
from eventlens.errors import ResourceError
from eventlens.knowledge.loader import data_path
from eventlens.model import Status

log = logging.getLogger(__name__)

FORMAT = "eventlens.coder/1"
MODEL_FILES = ("model.npz", "model.json")
REBUILD = ".venv/bin/python scripts/train_coder.py"
RELEVANT = "relevant"
HEADS = ("relevance", "plover", "mode", "status", "acled")

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_DIGIT = re.compile(r"\d")

Matrix = npt.NDArray[np.float32]


def model_dir() -> Path:
    return data_path("coder")


# ----------------------------------------------------------------------------- features


def window(sentence: str, start: int, end: int, chars: int) -> str:
    """The trigger ``sentence[start:end]`` with ``chars`` characters each side, cut at spaces."""
    left = max(0, start - chars)
    if left > 0:
        sp = sentence.find(" ", left)
        left = sp + 1 if 0 <= sp < start else left
    right = min(len(sentence), end + chars)
    if right < len(sentence):
        sp = sentence.rfind(" ", end, right)
        right = sp if sp > end else right
    return sentence[left:right].strip()


def _words(text: str) -> list[str]:
    return [_DIGIT.sub("0", w.lower()) for w in _WORD.findall(text)]


def sparse_tokens(
    sentence: str, start: int, end: int, chars: int, directional: bool = False
) -> list[str]:
    """The hashed-feature strings of a candidate (trigger ``sentence[start:end]``).

    ``directional`` adds the sentence's words before the trigger and after it as two
    separate bags ("planned to ... attack" is not "attack ... was planned").
    """
    left = _words(sentence[max(0, start - chars) : start])
    right = _words(sentence[end : end + chars])
    trig = _words(sentence[start:end])
    toks = [f"s:{w}" for w in set(_words(sentence))]
    if directional:
        toks += [f"L:{w}" for w in set(_words(sentence[:start]))]
        toks += [f"R:{w}" for w in set(_words(sentence[end:]))]
    win = [*left, *trig, *right]
    toks += [f"w:{w}" for w in set(win)]
    toks += [f"b:{a}_{b}" for a, b in set(pairwise(win))]
    toks += [f"t:{w}" for w in trig]
    toks += [f"l:{w}" for w in left[-3:]]
    toks += [f"r:{w}" for w in right[:3]]
    return toks


def sparse_features(tokens: Sequence[str], dims: int) -> tuple[npt.NDArray[np.int64], Matrix]:
    """Hashed, binary, L2-normalised feature indexes and values of one candidate."""
    idx = np.array(sorted({zlib.crc32(t.encode("utf-8")) % dims for t in tokens}), dtype=np.int64)
    val = np.full(len(idx), 1.0 / max(1.0, float(np.sqrt(len(idx)))), dtype=np.float32)
    return idx, val


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the coder reads: the sentence and the trigger's span in it."""

    sentence: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Coding:
    """The coder's decision on one candidate."""

    relevant: bool
    p_relevant: float
    not_event: str | None
    plover: str
    mode: str | None
    status: Status
    acled_type: str | None
    acled_sub: str | None
    confidence: float
    specificity: float = 0.0
    p_type: float = 0.0


# ----------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class Head:
    labels: tuple[str, ...]
    dense: Matrix
    sparse: Matrix
    bias: Matrix

    def logits(self, dense: Matrix, rows: Sequence[tuple[npt.NDArray[np.int64], Matrix]]) -> Matrix:
        z = dense @ self.dense + self.bias
        for i, (idx, val) in enumerate(rows):
            z[i] += val @ self.sparse[idx]
        return z


def softmax(z: Matrix) -> Matrix:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out: Matrix = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def model_encoder(folder: Path, meta: dict[str, Any]) -> Encoder:
    """The encoder a model was trained with: its own fine-tuned file when ``model.json``
    names one (checked against the digest recorded there), else the packaged encoder."""
    spec = meta.get("encoder") or {}
    name = spec.get("file")
    if not name:
        return Encoder()
    path = folder / str(name)
    if not path.is_file():
        raise ResourceError(
            f"{path}: fine-tuned sentence encoder missing; rebuild it with {REBUILD}"
        )
    if spec.get("sha256") and file_digest(path) != spec["sha256"]:
        raise ResourceError(
            f"{path}: fine-tuned sentence encoder does not match model.json (damaged or from "
            f"another training); rebuild it with {REBUILD}"
        )
    return Encoder(path=path, rebuild=f"rebuild it with {REBUILD}")


class CoderModel:
    """The trained heads, the feature settings and the calibration."""

    def __init__(
        self,
        meta: dict[str, Any],
        heads: dict[str, Head],
        encoder: Encoder,
        cooc: Matrix | None = None,
    ) -> None:
        self.meta = meta
        self.heads = heads
        self.labels = {h: head.labels for h, head in heads.items()}
        self.encoder = encoder
        self.window_chars = int(meta["features"]["window_chars"])
        self.dims = int(meta["features"]["hash_dims"])
        self.directional = bool(meta["features"].get("directional", False))
        self.dense_blocks: tuple[str, ...] = tuple(meta["features"]["dense"])
        self.calibration = tuple(float(x) for x in meta["calibration"]["coef"])
        labels_yaml = load_labels()
        self.compatible = load_compatibility(labels_yaml)
        self.statement_status = load_statement_status(labels_yaml)
        self.other_events = load_other_events(labels_yaml)
        acled = list(self.labels["acled"])
        self.acled_words = {
            acled.index(k): v for k, v in load_acled_words(labels_yaml).items() if k in acled
        }
        self.status_policy = str(meta.get("status_policy", "coder"))
        self.lexicon_weight = float(meta.get("lexicon_type_weight", 1.0))
        self.cooc = cooc
        self.cooc_weight = float(meta.get("decoding", {}).get("cooc_weight", 0.0))
        self.joint_type = meta["calibration"].get("type_probability", "head") == "joint"
        self.tables = DecodeTables(self.labels, self.compatible)

    @classmethod
    def load(cls, folder: Path | None = None, encoder: Encoder | None = None) -> CoderModel:
        folder = folder or model_dir()
        json_path, npz_path = folder / "model.json", folder / "model.npz"
        for p in (json_path, npz_path):
            if not p.is_file():
                raise ResourceError(
                    f"{p}: event coder model file missing; rebuild it with {REBUILD}"
                )
        try:
            meta = json.loads(json_path.read_text(encoding="utf-8"))
            with np.load(npz_path) as z:
                arrays = {k: z[k] for k in z.files}
        except (OSError, ValueError, json.JSONDecodeError) as e:
            raise ResourceError(
                f"{folder}: event coder model damaged ({e}); rebuild it with {REBUILD}"
            ) from None
        if meta.get("format") != FORMAT:
            raise ResourceError(
                f"{json_path}: format {meta.get('format')!r}, expected {FORMAT!r}; "
                f"rebuild it with {REBUILD}"
            )
        heads: dict[str, Head] = {}
        try:
            for name in HEADS:
                labels = tuple(meta["heads"][name])
                head = Head(
                    labels,
                    arrays[f"{name}_dense"].astype(np.float32),
                    arrays[f"{name}_sparse"].astype(np.float32),
                    arrays[f"{name}_bias"].astype(np.float32),
                )
                k = len(labels)
                dense_in = DIM * len(meta["features"]["dense"])
                if (
                    head.dense.shape != (dense_in, k)
                    or head.sparse.shape[1] != k
                    or head.bias.shape != (k,)
                ):
                    raise ValueError(f"head {name}: weights do not match its {k} labels")
                heads[name] = head
            cooc = arrays["cooc"].astype(np.float32) if "cooc" in arrays else None
            if cooc is not None and cooc.shape != (
                len(heads["mode"].labels),
                len(heads["acled"].labels),
            ):
                raise ValueError("cooc: shape does not match the mode and ACLED labels")
        except (KeyError, ValueError) as e:
            raise ResourceError(
                f"{npz_path}: event coder model damaged ({e}); rebuild it with {REBUILD}"
            ) from None
        return cls(meta, heads, encoder or model_encoder(folder, meta), cooc)

    # -- features ---------------------------------------------------------------------

    def dense(self, cands: Sequence[Candidate]) -> Matrix:
        blocks: list[Matrix] = []
        for b in self.dense_blocks:
            if b == "window":
                texts = [window(c.sentence, c.start, c.end, self.window_chars) for c in cands]
            else:
                texts = [c.sentence for c in cands]
            uniq = sorted(set(texts))
            vecs = self.encoder.embed(uniq)
            pos = {t: i for i, t in enumerate(uniq)}
            blocks.append(
                vecs[[pos[t] for t in texts]] if texts else np.zeros((0, DIM), np.float32)
            )
        return np.hstack(blocks).astype(np.float32)

    def sparse(self, cands: Sequence[Candidate]) -> list[tuple[npt.NDArray[np.int64], Matrix]]:
        return [
            sparse_features(
                sparse_tokens(c.sentence, c.start, c.end, self.window_chars, self.directional),
                self.dims,
            )
            for c in cands
        ]

    def probabilities(self, cands: Sequence[Candidate]) -> dict[str, Matrix]:
        dense, rows = self.dense(cands), self.sparse(cands)
        return {name: softmax(h.logits(dense, rows)) for name, h in self.heads.items()}

    # -- decisions --------------------------------------------------------------------

    def code(
        self,
        cands: Sequence[Candidate],
        rules: Sequence[Status] | None = None,
        lexicon_types: Sequence[str] | None = None,
    ) -> list[Coding]:
        """Codings of the candidates; ``rules``: the status the status rules gave each,
        ``lexicon_types``: the type the trigger lexicon gave each."""
        if not cands:
            return []
        probs = self.probabilities(cands)
        self._require_words(probs["acled"], cands)
        out = []
        for i in range(len(cands)):
            forced = rule_status(rules[i], self.status_policy) if rules is not None else None
            lex = lexicon_types[i] if lexicon_types is not None else None
            out.append(self._decide({k: v[i] for k, v in probs.items()}, forced, lex))
        return out

    def _require_words(self, p_acled: Matrix, cands: Sequence[Candidate]) -> None:
        """No ACLED label a passage does not name (``acled_needs_words``), in place."""
        if not self.acled_words:
            return
        for i, c in enumerate(cands):
            words = set(_words(c.sentence))
            for j, need in self.acled_words.items():
                if p_acled[i, j] > 0 and not words & need:
                    p_acled[i, j] = 0.0
            total = float(p_acled[i].sum())
            if total > 0:
                p_acled[i] /= total

    def _decode(
        self, p: dict[str, Matrix], status: Status | None, lexicon_type: str | None
    ) -> Coding:
        return decide(
            p,
            self.labels,
            self.compatible,
            status,
            lexicon_type,
            self.lexicon_weight,
            self.cooc,
            self.cooc_weight,
            self.joint_type,
            self.tables,
        )

    def calibrated(self, p_relevant: float, p_type: float) -> float:
        a, b, c = self.calibration
        x = a * _logit(p_relevant) + b * float(np.log(max(p_type, 1e-6))) + c
        return float(1.0 / (1.0 + np.exp(-x)))

    def _decide(
        self, p: dict[str, Matrix], status: Status | None = None, lexicon_type: str | None = None
    ) -> Coding:
        c = self._decode(p, status, lexicon_type)
        own = self.statement_status.get((c.plover, c.status))
        if own is not None and lexicon_type is not None:
            # in the pipeline (the trigger lexicon has typed the candidate): the status
            # rules and the status head read "threatened to attack" as the attack's
            # status; the coder says the event is the threat itself, and a threat made
            # occurred.  ``eval coder`` scores the heads alone, without it.
            c = replace(c, status=own)
        # kept to the 3 decimals every output shows, so that a filter on confidence and
        # the value a reader sees agree (0.8996 would show as 0.9 yet fail ">= 0.9")
        return replace(c, confidence=round(self.calibrated(c.p_relevant, c.p_type), 3))


def decide(
    p: dict[str, Matrix],
    labels: Mapping[str, Sequence[str]],
    compatible: Mapping[str, frozenset[str]],
    status: Status | None = None,
    lexicon_type: str | None = None,
    lexicon_weight: float = 1.0,
    cooc: Matrix | None = None,
    cooc_weight: float = 0.0,
    joint_type: bool = False,
    tables: DecodeTables | None = None,
) -> Coding:
    """One candidate's coding from its head probabilities (uncalibrated ``confidence``).

    PLOVER type, mode and ACLED label are decoded together: the (type|mode, ACLED) pair
    that maximises P(type) * P(mode | type) * P(ACLED) * P(ACLED | type|mode)^w among
    the pairs ``compatible`` allows (an ASSAULT that occurred is always some ACLED event;
    a CONSULT never is; plans, threats, warnings, denials and speculation are not ACLED
    events).  ``cooc`` is log P(ACLED | type|mode) counted on the training split, ``w``
    (``cooc_weight``) chosen on the dev split (``model.json``).  ``p_type`` (calibrated
    into ``confidence``) is the type head's probability of the chosen type, or with
    ``joint_type`` the chosen type's share of the joint decoding's mass.  ``tables``:
    what the labels alone decide (:class:`DecodeTables`; built here when not given).
    """
    tables = tables or DecodeTables(labels, compatible)
    rel = list(labels["relevance"])
    p_rel = float(p["relevance"][rel.index(RELEVANT)])
    reasons = [(float(p["relevance"][i]), r) for i, r in enumerate(rel) if r != RELEVANT]
    not_event = max(reasons)[1] if reasons else None
    st = list(labels["status"])
    if status is None:
        status = st[int(np.argmax(p["status"]))]  # type: ignore[assignment]
    assert status is not None
    types, acleds, modes = tables.types, tables.acleds, tables.modes
    type_p = p["plover"].astype(np.float64)
    if lexicon_type in types and lexicon_weight != 1.0:
        # the trigger's own sense in the lexicon, as a prior (weight chosen by measurement)
        type_p[types.index(lexicon_type)] *= lexicon_weight
    rows = tables.rows
    scores = _pair_scores(p, rows, tables.allowed(status), type_p, cooc, cooc_weight)
    best_by_type = scores.max(axis=(1, 2))
    ti = int(np.argmax(best_by_type))
    if joint_type:
        mass = np.exp(scores - float(best_by_type.max())).sum(axis=(1, 2))
        type_share = mass / max(float(mass.sum()), 1e-12)
    else:
        type_share = p["plover"].astype(np.float64)
    p_type = float(type_share[ti])
    verbal = compatible.get("!lexicon_decides", frozenset())
    if lexicon_type in verbal and types[ti] in verbal and lexicon_type in types:
        # between verbal and cooperative types the lexicon's PLOVER conventions decide
        # ("agreed to withdraw" is AGREE); the coder decides that it is one of them
        ti = types.index(lexicon_type)
        p_type = float(sum(type_share[i] for i, t in enumerate(types) if t in verbal))
    mi, ai = np.unravel_index(int(np.argmax(scores[ti])), scores[ti].shape)
    plover, acled = types[ti], acleds[int(ai)]
    row = rows[ti]
    mode = modes[row[int(mi)]].split("|", 1)[1] or None if row and int(mi) < len(row) else None
    a_type, a_sub = acled.split("|", 1) if acled != NO_ACLED else (None, None)
    specific = [float(p["acled"][i]) for i, a in enumerate(acleds) if a != NO_ACLED]
    return Coding(
        relevant=p_rel >= 0.5,
        p_relevant=p_rel,
        not_event=None if p_rel >= 0.5 else not_event,
        plover=plover,
        mode=mode,
        status=status,
        acled_type=a_type,
        acled_sub=a_sub,
        confidence=p_rel,
        specificity=max(specific) if specific and acled != NO_ACLED else 0.0,
        p_type=p_type,
    )


class DecodeTables:
    """What decoding reads that depends on the labels and ``compatible`` only, built
    once per model: each type's mode slots and, per status, each type's allowed ACLED
    labels (:func:`_allowed`)."""

    def __init__(
        self, labels: Mapping[str, Sequence[str]], compatible: Mapping[str, frozenset[str]]
    ) -> None:
        self.types = list(labels["plover"])
        self.acleds = list(labels["acled"])
        self.modes = list(labels["mode"])
        self.compatible = compatible
        self.rows = _type_modes(self.types, self.modes)
        self._allowed: dict[str, list[npt.NDArray[np.bool_]]] = {}

    def allowed(self, status: Status) -> list[npt.NDArray[np.bool_]]:
        got = self._allowed.get(status)
        if got is None:
            got = [_allowed(t, self.acleds, self.compatible, status) for t in self.types]
            self._allowed[status] = got
        return got


def _type_modes(types: Sequence[str], modes: Sequence[str]) -> list[list[int]]:
    """For each PLOVER type, the indexes of its ``TYPE|mode`` labels in the mode head."""
    out: list[list[int]] = [[] for _ in types]
    pos = {t: i for i, t in enumerate(types)}
    for j, m in enumerate(modes):
        t = m.split("|", 1)[0]
        if t in pos:
            out[pos[t]].append(j)
    return out


def _allowed(
    t: str, acleds: Sequence[str], compatible: Mapping[str, frozenset[str]], status: Status
) -> npt.NDArray[np.bool_]:
    """Which ACLED labels a type ``t`` with this status may take."""
    happened = status in ("occurred", "attempted", "foiled")
    allowed = compatible.get(t if happened else "", frozenset({NO_ACLED}))
    if status == "occurred" and t in compatible.get("!required", frozenset()):
        allowed = allowed - {NO_ACLED}
    # an attack that happened is not "Disrupted weapons use" (a police seizure of arms is)
    attack_occurred = status == "occurred" and t == "ASSAULT"
    barred = compatible.get("!not_occurred", frozenset()) if attack_occurred else frozenset()
    ok = np.array(
        [(a in allowed or a.split("|", 1)[0] in allowed) and a not in barred for a in acleds]
    )
    if not ok.any():
        ok = np.array([a == NO_ACLED for a in acleds])
    return ok


def _pair_scores(
    p: dict[str, Matrix],
    rows: Sequence[Sequence[int]],
    allowed: Sequence[npt.NDArray[np.bool_]],
    type_p: npt.NDArray[np.float64],
    cooc: Matrix | None,
    cooc_weight: float,
) -> npt.NDArray[np.float64]:
    """log score of every (type, mode slot, ACLED label); -inf where not allowed.

    ``rows``: each type's indexes in the mode head (:func:`_type_modes`), ``allowed``:
    each type's allowed ACLED labels.  Shape (types, most modes of one type, ACLED
    labels); a type whose mode head has no label gets one slot with mode null.  Each
    type's mode slots are scored at once (the same additions, element by element).
    """
    tiny = 1e-9
    width = max(1, *(len(r) for r in rows))
    out = np.full((len(rows), width, len(p["acled"])), -np.inf)
    log_acled = np.log(p["acled"].astype(np.float64) + tiny)
    p_mode = p["mode"].astype(np.float64)
    for ti, row in enumerate(rows):
        ok = allowed[ti]
        base = np.log(type_p[ti] + tiny) + log_acled
        if not row:
            out[ti, 0] = np.where(ok, base, -np.inf)
            continue
        own = p_mode[row]
        own = own / max(float(own.sum()), tiny)
        s = base + np.log(own + tiny)[:, None]
        if cooc is not None and cooc_weight:
            s = s + cooc_weight * cooc[row].astype(np.float64)
        out[ti, : len(row)] = np.where(ok, s, -np.inf)
    return out


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def rule_status(rule: Status, policy: str) -> Status | None:
    """The status rules' answer where the policy trusts them, else None (the coder decides).

    ``coder``: never; ``rules``: always; ``rules:foiled,attempted``: when the rules give
    one of those statuses.  The policy is chosen by measurement (model.json, README).
    """
    if policy == "rules":
        return rule
    if policy.startswith("rules:") and rule in policy.removeprefix("rules:").split(","):
        return rule
    return None
