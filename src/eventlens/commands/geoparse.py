"""``eventlens geoparse FILE…|-``: the toponyms of articles and the places they resolve to.

Same inputs as ``extract``.  Articles are cleaned, parsed with spaCy and
geoparsed; offsets point into the clean text.  A JSONL line carrying
``"spans": [[start, end], ...]`` is not cleaned: exactly those spans of its
``"text"`` are resolved (the rest of the text is context).

Output: a table per article for people; for programs ``--format json`` (an
array) or ``jsonl`` (a line per article), each article an object with its
``id``, ``origin``, ``places`` and the GeoNames attribution.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from eventlens.errors import DocumentError, InputError
from eventlens.formats import GEONAMES_ATTRIBUTION as ATTRIBUTION
from eventlens.model import Article, Place

OUTPUT_FORMATS = ("table", "json", "jsonl")
GEO_PIPELINE = ("eventlens.clean.v1", "eventlens.nlp.v1", "eventlens.geo.v1")

Spans = list[tuple[int, int]]


def register(sub: Any) -> None:
    from eventlens.commands.extract import add_input_arguments

    p = sub.add_parser(
        "geoparse",
        help="toponyms and the GeoNames places they resolve to",
        description="Find and resolve the places articles name. A JSONL line with "
        '"spans": [[start, end], ...] resolves exactly those spans of its "text". ' + ATTRIBUTION,
    )
    add_input_arguments(p)
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="table", help="output format")
    p.set_defaults(handler=run)


def place_dict(p: Place) -> dict[str, Any]:
    return {
        "start": p.start,
        "end": p.end,
        "text": p.text,
        "geonameid": p.geonameid,
        "name": p.name,
        "lat": p.lat,
        "lon": p.lon,
        "feature": p.feature,
        "admin1": p.admin1,
        "country": p.country,
        "score": p.score,
        "reason": p.reason,
    }


def run(args: argparse.Namespace) -> int:
    from eventlens.commands.extract import settings_options
    from eventlens.inputs import read_articles
    from eventlens.pipeline import Pipeline
    from eventlens.settings import Settings

    settings = Settings(**settings_options(args), pipeline=GEO_PIPELINE)
    pipeline = Pipeline(settings)
    failed = 0
    with _SpanSources(args.inputs, args.input_format) as sources:
        items = read_articles(sources.paths, args.input_format, settings)

        def documents() -> Iterator[dict[str, Any]]:
            nonlocal failed
            for item in items:
                if isinstance(item, DocumentError):
                    failed += 1
                    print(f"eventlens: error: {sources.origin(item.origin)}: {item.reason}",
                          file=sys.stderr)  # fmt: skip
                    continue
                origin = sources.origin(item.origin or item.id)
                try:
                    places = _geoparse(pipeline, item, sources.spans(item.origin))
                except DocumentError as e:
                    failed += 1
                    print(f"eventlens: error: {origin}: {e.reason}", file=sys.stderr)
                    continue
                yield {
                    "id": item.id,
                    "origin": origin,
                    "title": item.title,
                    "places": [place_dict(p) for p in places],
                    "attribution": ATTRIBUTION,
                }

        _write(documents(), args.format, sys.stdout)
    return 1 if failed else 0


def _geoparse(pipeline: Any, article: Article, spans: Spans | None) -> list[Place]:
    from eventlens.stages.geo import GeoStage

    if spans is None:
        doc = pipeline(article)
        return list(doc.places)
    if article.content_type != "text":
        raise InputError(article.origin or article.id, "'spans' need a 'text' field, not 'html'")
    text = article.content
    for start, end in spans:
        if not 0 <= start < end <= len(text):
            raise InputError(
                article.origin or article.id, f"span [{start}, {end}] is outside the text"
            )
    resources = pipeline.resources
    nlp_doc = resources.nlp(text[: pipeline.settings.max_chars])
    if len(nlp_doc.text) != len(text):
        nlp_doc = None  # too long to parse whole: context from the gazetteer only
    stage = next(c for c in pipeline.components if isinstance(c, GeoStage))
    source, countries = stage.source(article)
    places: list[Place] = resources.geoparser.resolve_spans(
        text, spans, nlp_doc, countries=countries, source=source
    )
    return places


class _SpanSources:
    """Inputs as paths read_articles can take, and the ``spans`` of their JSONL lines.

    ``inputs.read_articles`` does not carry a JSONL line's ``spans``, so JSONL
    inputs are read here too, by line number (the origins read_articles gives
    are ``path:line``).  Standard input is copied to a temporary file first.
    """

    def __init__(self, inputs: Sequence[str], input_format: str) -> None:
        self.inputs = list(inputs)
        self.input_format = input_format
        self.paths: list[str] = []
        self._spans: dict[str, Spans] = {}
        self._tmp: Path | None = None

    def __enter__(self) -> _SpanSources:
        for source in self.inputs:
            path = source
            if source == "-":
                fd, name = tempfile.mkstemp(prefix="eventlens-stdin-", suffix=self._suffix())
                with os.fdopen(fd, "wb") as f:
                    while chunk := sys.stdin.buffer.read(1 << 20):
                        f.write(chunk)
                self._tmp = Path(name)
                path = name
            self.paths.append(path)
            if self._is_jsonl(path):
                self._scan(path)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)

    def _suffix(self) -> str:
        return ".jsonl" if self.input_format == "jsonl" else ""

    def _is_jsonl(self, path: str) -> bool:
        p = Path(path)
        if not p.is_file():
            return False
        if self.input_format == "jsonl":
            return True
        return self.input_format == "auto" and p.suffix.lower() in (".jsonl", ".ndjson")

    def _scan(self, path: str) -> None:
        try:
            with open(path, "rb") as f:
                for lineno, raw in enumerate(f, 1):
                    if b'"spans"' not in raw:
                        continue
                    spans = _line_spans(raw)
                    if spans is not None:
                        self._spans[f"{path}:{lineno}"] = spans
        except OSError:
            return  # read_articles reports it

    def spans(self, origin: str | None) -> Spans | None:
        return self._spans.get(origin or "")

    def origin(self, origin: str) -> str:
        if self._tmp is not None and origin.startswith(str(self._tmp)):
            return "<stdin>" + origin[len(str(self._tmp)) :]
        return origin


def _line_spans(raw: bytes) -> Spans | None:
    try:
        obj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("spans"), list):
        return None
    out: Spans = []
    for item in obj["spans"]:
        if (
            isinstance(item, list | tuple)
            and len(item) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in item)
        ):
            out.append((int(item[0]), int(item[1])))
        else:
            return [(-1, -1)]  # reported as out of the text
    return out


def _write(documents: Iterator[dict[str, Any]], fmt: str, out: IO[str]) -> None:
    if fmt == "jsonl":
        for d in documents:
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
    elif fmt == "json":
        n = 0
        out.write("[")
        for d in documents:
            out.write(("\n  " if n == 0 else ",\n  ") + json.dumps(d, ensure_ascii=False))
            n += 1
        out.write("\n]\n" if n else "]\n")
    else:
        _print_tables(documents, out)


def _print_tables(documents: Iterator[dict[str, Any]], out: IO[str]) -> None:
    headers = ("span", "text", "geonameid", "name", "lat", "lon", "feature", "admin1",
               "country", "score")  # fmt: skip
    total = 0
    for d in documents:
        title = f"{d['title']}  ({d['origin']})" if d.get("title") else d["origin"]
        out.write(f"\n{title}\n")
        rows: list[tuple[str, ...]] = [headers]
        for p in d["places"]:
            if p["reason"]:
                row = (f"{p['start']}-{p['end']}", p["text"], "-", f"({p['reason']})",
                       "", "", "", "", "", "")  # fmt: skip
            else:
                row = (
                    f"{p['start']}-{p['end']}",
                    p["text"],
                    str(p["geonameid"] or "-"),
                    p["name"] or "",
                    f"{p['lat']:.5f}",
                    f"{p['lon']:.5f}",
                    p["feature"] or "-",
                    p["admin1"] or "-",
                    p["country"] or "-",
                    f"{p['score']:.2f}",
                )
            rows.append(tuple(" ".join(str(c).split()) for c in row))
        widths = [min(32, max(len(r[i]) for r in rows)) for i in range(len(headers))]
        for r in rows:
            out.write("  " + "  ".join(c[:32].ljust(w) for c, w in zip(r, widths, strict=True)))
            out.write("\n")
        total += len(d["places"])
    out.write(f"\n{total} toponyms. {ATTRIBUTION}\n")
