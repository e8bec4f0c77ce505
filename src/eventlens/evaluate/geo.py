"""``eventlens eval geo FILE.xml``: score the geoparser on an LGL- or GeoVirus-format corpus.

Resolution is scored on the gold spans (the geoparser resolves exactly the
annotated toponyms that carry coordinates): accuracy within 161 km, mean and
median error in km, and the area under the log-error curve (AUC, Gritta et
al. 2018: lower is better; an unresolved toponym counts as the largest
possible error, 20,039 km).  With ``--recognition`` the articles are parsed
with spaCy and the toponyms the geoparser finds are scored against every
annotated toponym (exact spans, and overlapping spans), also without the
gold demonyms ("American"), which eventlens does not count as places.  With
``--end-to-end`` (which implies ``--recognition``) the geoparser also
recognises and resolves from the raw text, demonyms included, and each gold
toponym is scored by the place found at an overlapping span: a toponym it
misses counts as unresolved (the largest error), beside the gold-span figure.

Coordinate fixes (``*_patches.tsv`` beside the corpus, Kulkarni et al. 2020)
are applied with ``--patches``.  They are not applied by default: published
figures (Mordecai 3, CamCoder) use the original coordinates, and the patches
are uneven (they move "United States" to Washington, D.C. but leave "U.S.").
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventlens.errors import UsageError
from eventlens.geo.distance import haversine_km

if TYPE_CHECKING:
    from spacy.language import Language

    from eventlens.geo.geoparser import Geoparser
    from eventlens.model import Place

log = logging.getLogger(__name__)

MAX_ERROR_KM = 20039.0
"""Half the Earth's circumference: the error of an unresolved toponym."""
ACCURACY_KM = 161.0


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    geonameid: int | None = None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]


@dataclass(frozen=True, slots=True)
class ResolutionScores:
    toponyms: int
    unresolved: int
    accuracy_161: float
    mean_km: float
    median_km: float
    auc: float
    geonameid_accuracy: float | None
    """Share of gold GeoNames ids matched exactly (LGL only)."""


@dataclass(frozen=True, slots=True)
class RecognitionScores:
    gold: int
    predicted: int
    exact: int
    overlap: int
    precision: float
    recall: float
    f1: float
    overlap_precision: float
    overlap_recall: float
    overlap_f1: float


@dataclass(frozen=True, slots=True)
class GeoReport:
    corpus: str
    documents: int
    patched: int
    resolution: ResolutionScores
    recognition: RecognitionScores | None = None
    recognition_without_demonyms: RecognitionScores | None = None
    end_to_end: ResolutionScores | None = None
    """From raw text: each gold toponym takes the place the geoparser found at an
    overlapping span (a missed toponym counts as unresolved, the largest error)."""
    end_to_end_found: float | None = None
    """Share of gold toponyms (with coordinates) the geoparser found at all."""
    seconds: dict[str, float] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ----- reading -----


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text is not None and text.strip() else None
    except ValueError:
        return None


def _align(text: str, start: int, end: int, name: str | None) -> tuple[int, int]:
    """Offsets that select ``name``: GeoVirus counts from 1, LGL from 0."""
    if not name or text[start:end] == name:
        return start, end
    for d in (-1, 1, -2, 2):
        if text[start + d : end + d] == name:
            return start + d, end + d
    return start, end


def read_corpus(path: Path) -> list[GoldArticle]:
    """Articles and toponyms of an LGL (``<toponyms>``) or GeoVirus (``<locations>``) file."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        raise UsageError(f"cannot read {path}: {e}") from e
    articles = []
    for n, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        toponyms: list[GoldToponym] = []
        for t in art.iter("toponym"):
            start, end = int(t.findtext("start") or 0), int(t.findtext("end") or 0)
            g = t.find("gaztag")
            lat = lon = None
            gid = None
            if g is not None:
                lat, lon = _float(g.findtext("lat")), _float(g.findtext("lon"))
                gid_s = g.get("geonameid")
                gid = int(gid_s) if gid_s and gid_s.isdigit() else None
            start, end = _align(text, start, end, t.findtext("phrase"))
            toponyms.append(GoldToponym(start, end, text[start:end], lat, lon, gid))
        for loc in art.iter("location"):
            start, end = int(loc.findtext("start") or 0), int(loc.findtext("end") or 0)
            lat, lon = _float(loc.findtext("lat")), _float(loc.findtext("lon"))
            start, end = _align(text, start, end, loc.findtext("name"))
            toponyms.append(GoldToponym(start, end, text[start:end], lat, lon))
        art_id = art.get("docid") or art.findtext("source") or str(n)
        articles.append(GoldArticle(art_id, text, tuple(sorted(toponyms, key=lambda t: t.start))))
    return articles


def read_patches(path: Path) -> dict[str, list[tuple[float, float, float, float]]]:
    """Coordinate fixes: toponym -> [(lat, lon in the corpus, fixed lat, fixed lon)]."""
    out: dict[str, list[tuple[float, float, float, float]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 3:
            continue
        try:
            old = [float(x) for x in parts[1].split(",")]
            new = [float(x) for x in parts[2].split(",")]
        except ValueError:
            continue
        out.setdefault(parts[0], []).append((old[0], old[1], new[0], new[1]))
    return out


def apply_patches(
    articles: list[GoldArticle], patches: dict[str, list[tuple[float, float, float, float]]]
) -> tuple[list[GoldArticle], int]:
    """The articles with patched coordinates, and how many toponyms changed."""
    changed = 0
    out = []
    for a in articles:
        tops = []
        for t in a.toponyms:
            if t.lat is not None and t.lon is not None:
                for olat, olon, nlat, nlon in patches.get(t.text.strip(), ()):
                    if abs(olat - t.lat) < 0.01 and abs(olon - t.lon) < 0.01:
                        if (nlat, nlon) != (t.lat, t.lon):
                            changed += 1
                        t = GoldToponym(t.start, t.end, t.text, nlat, nlon, t.geonameid)
                        break
            tops.append(t)
        out.append(GoldArticle(a.id, a.text, tuple(tops)))
    return out, changed


# ----- scoring -----


def resolution_scores(
    errors: Sequence[float], unresolved: int, ids: Sequence[bool] | None
) -> ResolutionScores:
    if not errors:
        return ResolutionScores(0, 0, 0.0, 0.0, 0.0, 0.0, None)
    logs = sorted(math.log(e + 1) for e in errors)
    n = len(logs)
    trapezoid = sum((logs[i] + logs[i + 1]) / 2 for i in range(n - 1))
    auc = (
        trapezoid / (math.log(MAX_ERROR_KM) * (n - 1))
        if n > 1
        else logs[0] / math.log(MAX_ERROR_KM)
    )
    return ResolutionScores(
        toponyms=n,
        unresolved=unresolved,
        accuracy_161=sum(1 for e in errors if e < ACCURACY_KM) / n,
        mean_km=statistics.fmean(errors),
        median_km=statistics.median(errors),
        auc=auc,
        geonameid_accuracy=(sum(ids) / len(ids)) if ids else None,
    )


def recognition_scores(
    gold: Sequence[tuple[str, int, int]], predicted: Sequence[tuple[str, int, int]]
) -> RecognitionScores:
    """Exact and overlap P/R/F1 of (doc, start, end) spans."""
    gold_set, pred_set = set(gold), set(predicted)
    exact = len(gold_set & pred_set)
    by_doc: dict[str, list[tuple[int, int]]] = {}
    for d, s, e in gold_set:
        by_doc.setdefault(d, []).append((s, e))
    overlap_pred = sum(
        1 for d, s, e in pred_set if any(s < ge and gs < e for gs, ge in by_doc.get(d, ()))
    )
    pred_by_doc: dict[str, list[tuple[int, int]]] = {}
    for d, s, e in pred_set:
        pred_by_doc.setdefault(d, []).append((s, e))
    overlap_gold = sum(
        1 for d, s, e in gold_set if any(s < pe and ps < e for ps, pe in pred_by_doc.get(d, ()))
    )

    def prf(tp_p: int, tp_g: int) -> tuple[float, float, float]:
        p = tp_p / len(pred_set) if pred_set else 0.0
        r = tp_g / len(gold_set) if gold_set else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    p, r, f = prf(exact, exact)
    op, orr, of = prf(overlap_pred, overlap_gold)
    return RecognitionScores(
        len(gold_set), len(pred_set), exact, overlap_gold, p, r, f, op, orr, of
    )


@dataclass
class _Tally:
    """What :func:`evaluate` gathers article by article."""

    errors: list[float] = field(default_factory=list)
    ids: list[bool] = field(default_factory=list)
    unresolved: int = 0
    worst: list[dict[str, Any]] = field(default_factory=list)
    gold_spans: list[tuple[str, int, int]] = field(default_factory=list)
    gold_no_demonyms: list[tuple[str, int, int]] = field(default_factory=list)
    predicted: list[tuple[str, int, int]] = field(default_factory=list)
    e2e_errors: list[float] = field(default_factory=list)
    e2e_missed: int = 0
    e2e_found: int = 0
    t_nlp: float = 0.0
    t_resolve: float = 0.0
    t_parse: float = 0.0


def evaluate(
    path: Path,
    geoparser: Geoparser,
    *,
    nlp: Language | None = None,
    patches: Path | None = None,
    limit: int | None = None,
    keep_errors: int = 0,
    end_to_end: bool = False,
) -> GeoReport:
    """Score ``geoparser`` on the corpus at ``path`` (see the module docstring).

    With ``nlp``, articles are parsed with spaCy, recognition is scored and the
    parse is given to the resolver; without it resolution uses the gazetteer
    alone for context.
    """
    articles = read_corpus(path)
    if limit is not None:
        articles = articles[:limit]
    patched = 0
    if patches is not None:
        articles, patched = apply_patches(articles, read_patches(patches))
    tally = _Tally()
    for a in articles:
        doc = None
        if nlp is not None:
            t0 = time.perf_counter()
            doc = nlp(a.text)
            tally.t_nlp += time.perf_counter() - t0
            _recognise(a, doc, geoparser, tally, end_to_end=end_to_end)
        _resolve_gold(a, doc, geoparser, tally, keep_errors=keep_errors)
    tally.worst.sort(key=lambda w: -float(w["km"]))
    seconds = {"resolve": round(tally.t_resolve, 3)}
    if nlp is not None:
        seconds.update(
            {"spacy": round(tally.t_nlp, 3), "recognize_and_resolve": round(tally.t_parse, 3)}
        )
    e2e, parsed = tally.e2e_errors, nlp is not None
    return GeoReport(
        corpus=str(path),
        documents=len(articles),
        patched=patched,
        resolution=resolution_scores(tally.errors, tally.unresolved, tally.ids or None),
        recognition=recognition_scores(tally.gold_spans, tally.predicted) if parsed else None,
        recognition_without_demonyms=(
            recognition_scores(tally.gold_no_demonyms, tally.predicted) if parsed else None
        ),
        end_to_end=resolution_scores(e2e, tally.e2e_missed, None) if end_to_end else None,
        end_to_end_found=(tally.e2e_found / len(e2e)) if end_to_end and e2e else None,
        seconds=seconds,
        errors=tally.worst[:keep_errors] if keep_errors > 0 else [],
    )


def _recognise(
    a: GoldArticle, doc: Any, geoparser: Geoparser, tally: _Tally, *, end_to_end: bool
) -> None:
    """Recognise (and, with ``end_to_end``, resolve) the toponyms of ``a`` from its text."""
    t0 = time.perf_counter()
    found = geoparser.parse(a.text, doc, demonyms=end_to_end)
    tally.t_parse += time.perf_counter() - t0
    tally.predicted.extend((a.id, p.start, p.end) for p in found)
    if end_to_end:
        for t in a.toponyms:
            if t.lat is None or t.lon is None:
                continue
            hit = _overlapping(found, t.start, t.end)
            if hit is not None:
                tally.e2e_found += 1
            if hit is None or hit.lat is None or hit.lon is None:
                tally.e2e_errors.append(MAX_ERROR_KM)
                tally.e2e_missed += 1
            else:
                tally.e2e_errors.append(haversine_km(t.lat, t.lon, hit.lat, hit.lon))
    for t in a.toponyms:
        tally.gold_spans.append((a.id, t.start, t.end))
        if not geoparser.gazetteer.is_demonym(t.text):
            tally.gold_no_demonyms.append((a.id, t.start, t.end))


def _resolve_gold(
    a: GoldArticle, doc: Any, geoparser: Geoparser, tally: _Tally, *, keep_errors: int
) -> None:
    """Resolve exactly the gold spans of ``a`` that carry coordinates, and score them."""
    gold = [t for t in a.toponyms if t.lat is not None and t.lon is not None]
    if not gold:
        return
    t0 = time.perf_counter()
    places = geoparser.resolve_spans(a.text, [(t.start, t.end) for t in gold], doc)
    tally.t_resolve += time.perf_counter() - t0
    for t, p in zip(gold, places, strict=True):
        assert t.lat is not None and t.lon is not None
        if p.lat is None or p.lon is None:
            err = MAX_ERROR_KM
            tally.unresolved += 1
        else:
            err = haversine_km(t.lat, t.lon, p.lat, p.lon)
        tally.errors.append(err)
        if t.geonameid is not None:
            tally.ids.append(p.geonameid == t.geonameid)
        if keep_errors and err >= ACCURACY_KM:
            tally.worst.append(
                {
                    "doc": a.id,
                    "text": t.text,
                    "gold": [t.lat, t.lon, t.geonameid],
                    "got": [p.name, p.feature, p.admin1, p.country, p.lat, p.lon, p.score],
                    "reason": p.reason,
                    "km": round(err),
                    "context": a.text[max(0, t.start - 60) : t.end + 60].replace("\n", " "),
                }
            )


def _overlapping(found: Sequence[Place], start: int, end: int) -> Place | None:
    """The found place whose span overlaps ``start:end`` most (a resolved one first)."""
    best: Place | None = None
    best_key = (False, 0)
    for p in found:
        overlap = min(end, p.end) - max(start, p.start)
        if overlap <= 0:
            continue
        key = (p.lat is not None, overlap)
        if best is None or key > best_key:
            best, best_key = p, key
    return best


# ----- command line -----


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.xml", type=Path, help="LGL/GeoVirus-format corpus")
    parser.add_argument(
        "--patches",
        nargs="?",
        const="auto",
        default=None,
        metavar="TSV",
        help="apply coordinate fixes (default file: *_patches.tsv beside the corpus)",
    )
    parser.add_argument(
        "--recognition",
        action="store_true",
        help="also parse with spaCy and score toponym recognition (slower)",
    )
    parser.add_argument(
        "--end-to-end",
        action="store_true",
        help="also recognise and resolve from raw text (implies --recognition): a gold "
        "toponym the geoparser misses counts as wrong",
    )
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="list the N largest errors"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")


def _default_patches(corpus: Path) -> Path | None:
    for p in sorted(corpus.parent.glob("*_patches.tsv")):
        return p
    return None


def run(args: argparse.Namespace) -> int:
    from eventlens.geo.geoparser import Geoparser
    from eventlens.settings import Settings

    path: Path = args.file
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    patches: Path | None = None
    if args.patches == "auto":
        patches = _default_patches(path)
        if patches is None:
            raise UsageError(f"no *_patches.tsv beside {path}")
    elif args.patches:
        patches = Path(args.patches)
    settings = Settings()
    geoparser = Geoparser.from_settings(settings)
    nlp = None
    if args.recognition or args.end_to_end:
        import spacy

        nlp = spacy.load(settings.spacy_model)
    report = evaluate(
        path,
        geoparser,
        nlp=nlp,
        patches=patches,
        limit=args.limit,
        keep_errors=args.errors,
        end_to_end=args.end_to_end,
    )
    if args.format == "json":
        json.dump(report.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print_table(report, patches)
    return 0


def _print_table(r: GeoReport, patches: Path | None) -> None:
    res = r.resolution
    out = sys.stdout
    out.write(f"corpus            {r.corpus} ({r.documents} documents)\n")
    out.write(f"patches           {patches or 'none'} ({r.patched} coordinates changed)\n")
    out.write(f"gold toponyms     {res.toponyms} ({res.unresolved} unresolved)\n")
    out.write(f"accuracy@161km    {res.accuracy_161:.3f}\n")
    out.write(f"mean error        {res.mean_km:.0f} km\n")
    out.write(f"median error      {res.median_km:.1f} km\n")
    out.write(f"AUC               {res.auc:.3f}  (lower is better)\n")
    if res.geonameid_accuracy is not None:
        out.write(f"GeoNames id match {res.geonameid_accuracy:.3f}\n")
    for label, rec in (
        ("recognition", r.recognition),
        ("recognition, gold without demonyms", r.recognition_without_demonyms),
    ):
        if rec is None:
            continue
        out.write(
            f"{label}: P {rec.precision:.3f} R {rec.recall:.3f} F1 {rec.f1:.3f} (exact); "
            f"P {rec.overlap_precision:.3f} R {rec.overlap_recall:.3f} "
            f"F1 {rec.overlap_f1:.3f} (overlap); gold {rec.gold}, predicted {rec.predicted}\n"
        )
    if r.end_to_end is not None:
        e2e = r.end_to_end
        out.write(
            f"end to end        accuracy@161km {e2e.accuracy_161:.3f} on {e2e.toponyms} gold "
            f"toponyms ({e2e.unresolved} missed or unresolved; found "
            f"{r.end_to_end_found or 0.0:.3f}); median {e2e.median_km:.1f} km, "
            f"AUC {e2e.auc:.3f}\n"
        )
    for k, v in r.seconds.items():
        out.write(f"seconds {k:<26}{v:.2f}\n")
    for e in r.errors:
        out.write(f"  {e['km']:>6} km  {e['text']!r} -> {e['got']}  gold {e['gold']}\n")
        out.write(f"           …{e['context']}…\n")
