"""The event coder's corpus: records, their checks, candidates and splits.

A record is one JSON line of ``data/coder/corpus/*.jsonl`` (fields in
``docs/codebook.md``).  :func:`check_record` says what is wrong with one;
:func:`load_corpus` reads a folder, skipping (and counting) bad records;
:func:`split_of` puts a record's ``group`` in train, dev or test by a hash, so
variants of one passage never cross a split.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from eventlens.coder import NO_ACLED, RELEVANT, Candidate
from eventlens.knowledge.loader import data_digest, load_yaml

log = logging.getLogger(__name__)

_SENT = re.compile(r"([.!?][\"'”’)]*)\s+(?=[\"'“‘(]?[A-Z0-9])")

REQUIRED = ("id", "text", "trigger", "relevant", "source", "group")


def load_labels() -> dict[str, Any]:
    """The label sets (labels.yaml) with the PLOVER types and their modes (ontology.yaml)."""
    labels: dict[str, Any] = load_yaml("coder/labels.yaml")
    ontology = load_yaml("ontology.yaml")
    labels["plover"] = {
        t: sorted((spec or {}).get("modes", {})) for t, spec in ontology["types"].items()
    }
    return labels


def check_record(rec: Any, labels: dict[str, Any]) -> list[str]:
    """The problems of one corpus record (empty when it is sound)."""
    if not isinstance(rec, dict):
        return ["not a JSON object"]
    problems = [f"missing field {f!r}" for f in REQUIRED if f not in rec]
    if problems:
        return problems
    text, trigger = rec["text"], rec["trigger"]
    if not isinstance(text, str) or not text.strip():
        return ["empty text"]
    if not isinstance(trigger, str) or not trigger:
        problems.append("empty trigger")
    elif text.count(trigger) != 1:
        problems.append(f"trigger {trigger!r} occurs {text.count(trigger)} times in text (need 1)")
    sentences = len(re.findall(r"[.!?][\"'”’)]*(?:\s+|$)", text.strip()))
    if sentences > 4:
        problems.append(f"{sentences} sentences (1-3 expected)")
    if rec["relevant"] is True:
        problems += _check_relevant(rec, labels)
    elif rec["relevant"] is False:
        if rec.get("not_event") not in labels["not_event_reasons"]:
            problems.append(f"not_event {rec.get('not_event')!r} is not a reason in labels.yaml")
        for f in ("plover", "mode", "acled_type", "acled_sub", "status"):
            if rec.get(f) is not None:
                problems.append(f"{f} must be null when relevant is false")
    else:
        problems.append("relevant must be true or false")
    for f, allowed in (("style", labels["styles"]), ("region", labels["regions"])):
        if rec.get(f) is not None and rec[f] not in allowed:
            problems.append(f"{f} {rec[f]!r} not in labels.yaml")
    year = rec.get("year")
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2030):
        problems.append(f"year {year!r} not an integer 1900-2030")
    return problems


def _check_relevant(rec: dict[str, Any], labels: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if rec.get("not_event") is not None:
        problems.append("not_event must be null when relevant is true")
    plover, mode = rec.get("plover"), rec.get("mode")
    if plover not in labels["plover"]:
        problems.append(f"plover {plover!r} is not a PLOVER type")
    elif mode is not None and mode not in labels["plover"][plover]:
        problems.append(f"mode {mode!r} is not a mode of {plover}")
    if rec.get("status") not in labels["statuses"]:
        problems.append(f"status {rec.get('status')!r} not in labels.yaml")
    a_type, a_sub = rec.get("acled_type"), rec.get("acled_sub")
    if (a_type is None) != (a_sub is None):
        problems.append("acled_type and acled_sub are both null or both set")
    elif a_type is not None:
        if a_type not in labels["acled"]:
            problems.append(f"acled_type {a_type!r} unknown")
        elif a_sub not in labels["acled"][a_type]:
            problems.append(f"acled_sub {a_sub!r} is not a sub-event of {a_type}")
    return problems


@dataclass(frozen=True, slots=True)
class Record:
    rid: str
    group: str
    source: str
    cand: Candidate
    labels: dict[str, str]
    raw: dict[str, Any]


def split_of(group: str) -> str:
    """train (70%), dev (15%) or test (15%) by a hash of the group."""
    h = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if h < 70 else "dev" if h < 85 else "test"


def candidate(text: str, trigger: str) -> Candidate:
    """The sentence of ``text`` holding ``trigger`` and the trigger's span in it."""
    at = text.index(trigger)
    start = 0
    for m in _SENT.finditer(text):
        if m.end() <= at:
            start = m.end()
        else:
            break
    m2 = _SENT.search(text, at + len(trigger))
    end = m2.end(1) if m2 else len(text)
    sentence = text[start:end]
    return Candidate(sentence, at - start, at - start + len(trigger))


def head_labels(rec: dict[str, Any]) -> dict[str, str]:
    """The label of each head for one record ('' where the head does not learn from it)."""
    if not rec["relevant"]:
        return {
            "relevance": str(rec["not_event"]),
            "plover": "",
            "mode": "",
            "status": "",
            "acled": "",
        }
    acled = f"{rec['acled_type']}|{rec['acled_sub']}" if rec.get("acled_type") else NO_ACLED
    return {
        "relevance": RELEVANT,
        "plover": rec["plover"],
        "mode": f"{rec['plover']}|{rec.get('mode') or ''}",
        "status": rec["status"],
        "acled": acled,
    }


def _weak_relevant() -> dict[str, str]:
    return {"relevance": RELEVANT, "plover": "", "mode": "", "status": "", "acled": ""}


def load_corpus(files: Sequence[Path], weak: bool = False) -> tuple[list[Record], int]:
    """Sound records of the files (first use of an id wins) and the number skipped.

    ``weak`` records carry a relevance label only (a relevant one has no type or status).
    """
    labels = load_labels()
    out: list[Record] = []
    bad = 0
    seen: set[str] = set()
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                bad += 1
                continue
            problems = check_record(rec, labels)
            if weak and isinstance(rec, dict) and rec.get("relevant") is True:
                problems = [p for p in problems if "plover" not in p and "status" not in p]
            if problems or rec["id"] in seen:
                bad += 1
                continue
            seen.add(rec["id"])
            out.append(
                Record(
                    rec["id"],
                    str(rec["group"]),
                    str(rec["source"]),
                    candidate(rec["text"], rec["trigger"]),
                    head_labels(rec) if not (weak and rec["relevant"]) else _weak_relevant(),
                    rec,
                )
            )
    return out, bad


ALIGN_STAGES = ("eventlens.clean.v1", "eventlens.nlp.v1", "eventlens.geo.v1", "eventlens.events.v1")


def trigger_cache(folder: Path) -> Path:
    """The cache file of :func:`align_triggers`' marks in ``folder``, named by a digest of
    what makes them (the code of the stages and the geoparser, the data files, the spaCy
    model), so marks made with another lexicon are never read back."""
    from importlib import metadata

    import eventlens
    from eventlens.settings import Settings

    pkg = Path(eventlens.__file__).parent
    h = hashlib.sha256(data_digest("*.yaml").encode())
    for sub in ("stages", "geo", "knowledge"):
        for path in sorted((pkg / sub).glob("*.py")):
            h.update(f"{sub}/{path.name}".encode())
            h.update(path.read_bytes())
    model = Settings().spacy_model
    try:
        version = metadata.version(model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        version = ""
    h.update(f"{model} {version}".encode())
    return folder / f"coder-triggers-{h.hexdigest()[:12]}.json"


def align_triggers(records: list[Record], cache: Path) -> list[Record]:
    """Each record's trigger as the run-time lexicon would mark it.

    Writers mark phrases ("threatened to blow up the pipeline", "would shell the
    airport"); at run time a candidate's trigger is the lexicon's word ("blow up",
    "shell").  The record takes the lexicon trigger inside its phrase (of its own PLOVER
    type where there is one, else the last), so the coder learns from what it will see;
    a record whose phrase holds no lexicon trigger keeps its phrase.
    """
    from eventlens.model import Article
    from eventlens.pipeline import Pipeline
    from eventlens.settings import Settings

    done: dict[str, list[list[Any]]] = {}
    if cache.is_file():
        done = json.loads(cache.read_text(encoding="utf-8"))
    todo = sorted({r.cand.sentence for r in records} - set(done))
    if todo:
        t0 = time.time()
        pipe = Pipeline(Settings(pipeline=ALIGN_STAGES, check_language=False))
        for sent in todo:
            try:
                doc = pipe(Article(id="a", content=sent, origin="corpus"))
            except Exception:  # a passage the pipeline rejects keeps its phrase
                done[sent] = []
                continue
            off = len(sent) - len(sent.lstrip())  # clean text is stripped
            done[sent] = [
                [e.trigger[0] + off, e.trigger[1] + off, e.event_type]
                for e in doc.events
                if e.trigger and doc.text == sent.strip()
            ]
        log.info("marked lexicon triggers in %d sentences in %.0f s", len(todo), time.time() - t0)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(done), encoding="utf-8")
    out: list[Record] = []
    moved = 0
    for r in records:
        c = r.cand
        inside = [t for t in done.get(c.sentence, []) if c.start <= t[0] and t[1] <= c.end]
        if not inside or (c.end - c.start) == (inside[0][1] - inside[0][0]):
            out.append(r)
            continue
        own = [t for t in inside if t[2] == r.labels["plover"]]
        t0_, t1_, _ = (own or inside)[-1]
        out.append(replace(r, cand=replace(c, start=t0_, end=t1_)))
        moved += 1
    log.info("%d of %d triggers narrowed to the lexicon's word", moved, len(records))
    return out
