"""One ingest run: sources → pipeline (here, in processes, or on Dask) → store.

Nothing is lost and nothing doubled:

- each article is written in its own transaction (events, stories, and the
  removal of any earlier failure, together), as soon as it is processed;
- before an article is processed, its content hash is compared with the
  store's: an article already stored as it is counts as unchanged and costs
  nothing (a URL is fetched conditionally and a 304 costs nothing either);
  so a second run over the same sources adds nothing, and a run after a
  crash (``kill -9``) resumes where the last committed article left off;
- a changed article replaces its events (and its part in stories) atomically;
- every document that cannot be read, fetched, processed or stored is
  recorded with its reason (``eventlens failures``), said on one line (names
  with control characters escaped), and the batch goes on; only a broken
  installation (:class:`~eventlens.errors.PipelineError`,
  :class:`~eventlens.errors.ResourceError`) stops the run;
- every article is bounded (:func:`eventlens.store.bounds.bounded_article`)
  before the store sees it, so both stores take the same input;
- within one run, a second article with an id already used and different
  content is a failure (``DuplicateId``), never a silent replacement of the
  first (the same content again is unchanged).  The run keeps each id's hash
  and origin for this: about 200 bytes per article.  A document that
  failed in processing is not tried again while its content is the same,
  unless ``retry_failed`` is set; read and fetch failures are always retried.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from eventlens import __version__
from eventlens.errors import UsageError
from eventlens.formats import printable
from eventlens.ingest.fetch import Fetcher, FetchOptions
from eventlens.ingest.sources import ReadFailure, SourceReader, Unchanged, Work
from eventlens.ingest.workers import Outcome, ProcessRunner, Runner, SerialRunner
from eventlens.inputs import unexpected_reason
from eventlens.pipeline import Pipeline
from eventlens.settings import Settings
from eventlens.store import Store
from eventlens.store.bounds import bounded_article

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestOptions:
    workers: int = 1
    scheduler: str | None = None
    input_format: str = "auto"
    feed_content: bool = False
    reprocess: bool = False
    """Process articles again even when the store has them as they are."""
    retry_failed: bool = False
    """Process again documents that failed in processing with the same content."""
    fetch: FetchOptions = field(default_factory=FetchOptions)


@dataclass(slots=True)
class IngestStats:
    """Counts of one run (``failed`` covers read, fetch and processing failures)."""

    new: int = 0
    unchanged: int = 0
    changed: int = 0
    failed: int = 0
    skipped_failed: int = 0
    """Of ``failed``: documents not tried again (failed before with this content)."""
    events: int = 0
    stories_new: int = 0
    stories_joined: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def articles(self) -> int:
        return self.new + self.unchanged + self.changed + self.failed

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    @property
    def rate(self) -> float:
        s = self.seconds
        return self.articles / s if s > 0 else 0.0


Progress = Callable[[IngestStats], None]


def make_runner(pipeline: Pipeline, options: IngestOptions) -> Runner:
    if options.scheduler:
        from eventlens.ingest.dask_runner import DaskRunner

        return DaskRunner(pipeline, options.scheduler)
    if options.workers > 1:
        return ProcessRunner(pipeline, options.workers)
    return SerialRunner(pipeline)


def ingest(
    sources: Sequence[str],
    store: Store,
    settings: Settings | None = None,
    options: IngestOptions | None = None,
    *,
    pipeline: Pipeline | None = None,
    on_progress: Progress | None = None,
) -> IngestStats:
    """Ingest ``sources`` into ``store``; returns the run's counts.

    Pass ``settings`` or a ``pipeline`` (which carries its own settings), not
    two that disagree.
    """
    if pipeline is not None and settings is not None and settings != pipeline.settings:
        raise UsageError("ingest: pass settings or a pipeline, not both (a pipeline has its own)")
    pipeline = pipeline or Pipeline(settings or Settings())
    store.share_knowledge(pipeline.resources.knowledge)
    run = _Run(store, options or IngestOptions(), on_progress or (lambda _s: None))

    with Fetcher(run.options.fetch) as fetcher:
        reader = SourceReader(
            pipeline.settings,
            fetcher,
            input_format=run.options.input_format,
            feed_content=run.options.feed_content,
            known=run.known,
        )
        runner = make_runner(pipeline, run.options)
        try:
            for outcome in runner.run(run.works(reader(sources))):
                run.write(outcome)
        finally:
            runner.close()
    run.stats.finished = time.monotonic()
    run.notify(run.stats)
    return run.stats


class _Run:
    """The state of one ingest run: its store, options, counts and the ids seen."""

    def __init__(self, store: Store, options: IngestOptions, notify: Progress) -> None:
        self.store = store
        self.options = options
        self.notify = notify
        self.stats = IngestStats()
        # Article id -> (content hash, origin) of every article of this run, so
        # that a second, different article with the same id is not taken for a
        # change of the first (which it would silently replace).
        self.seen: dict[str, tuple[str, str]] = {}

    def known(self, article_id: str) -> tuple[str | None, str | None] | None:
        st = self.store.states([article_id]).get(article_id)
        return (st.etag, st.last_modified) if st else None

    def works(self, items: Iterable[Work | ReadFailure | Unchanged]) -> Iterator[Work]:
        """The work items to process; every other item is counted or recorded here."""
        for item in items:
            try:
                work = self._screen(item)
            except Exception as e:  # one bad document never stops a batch
                log.debug("unexpected failure on %s", printable(_name(item)), exc_info=True)
                reason = unexpected_reason("reading", e)
                _record(self.store, self.stats, _name(item), reason, "read", "InputError", None)
                work = None
            if work is not None:
                yield work
            else:
                self.notify(self.stats)

    def _screen(self, item: Work | ReadFailure | Unchanged) -> Work | None:
        """The item to process, or None once it has been counted or recorded."""
        store, stats, options = self.store, self.stats, self.options
        if isinstance(item, Work):
            item = replace(item, article=bounded_article(item.article))
            dup = _duplicate(self.seen, item)
            if dup is not None:
                # No article id: the first article's success must not clear it.
                _record(store, stats, _name(item), dup, "read", "DuplicateId", None)
                return None
        if isinstance(item, ReadFailure):
            _record(
                store, stats, item.origin, item.reason, item.stage, item.error_type, item.article_id
            )
        elif isinstance(item, Unchanged) or _unchanged(store, item, options):
            stats.unchanged += 1
        elif _failed_before(store, item, options):
            stats.failed += 1
            stats.skipped_failed += 1
            log.error(
                "%s: failed before with the same content; not tried again "
                "(--retry-failed tries it)",
                printable(_name(item)),
            )
        else:
            return item
        return None

    def write(self, outcome: Outcome) -> None:
        try:
            _write(self.store, outcome, self.stats, self.options)
        except Exception as e:  # one bad document never stops a batch
            log.debug("failed to store %s", _name(outcome.work), exc_info=True)
            reason = unexpected_reason("storing", e)
            _fail(self.store, self.stats, reason, outcome.work, "store", type(e).__name__)
        self.notify(self.stats)


def _unchanged(store: Store, work: Work, options: IngestOptions) -> bool:
    if options.reprocess:
        return False
    st = store.states([work.article.id]).get(work.article.id)
    return st is not None and st.content_hash == work.content_hash


def _failed_before(store: Store, work: Work, options: IngestOptions) -> bool:
    if options.retry_failed:
        return False
    origin = work.article.origin or work.article.id
    f = store.failure_states([origin]).get(origin)
    return f is not None and f.stage == "process" and f.content_hash == work.content_hash


def _name(item: Work | ReadFailure | Unchanged) -> str:
    if isinstance(item, Work):
        return item.article.origin or item.article.id
    return item.origin


def _duplicate(seen: dict[str, tuple[str, str]], work: Work) -> str | None:
    """Why ``work`` is refused as a second article with an id already used in
    this run (the same content again is not a duplicate: it is unchanged)."""
    a = work.article
    first = seen.get(a.id)
    if first is None:
        seen[a.id] = (work.content_hash, a.origin or a.id)
        return None
    if first[0] == work.content_hash:
        return None
    return f"duplicate id {a.id!r}: another article with this id came first, at {first[1]}"


def _record(
    store: Store,
    stats: IngestStats,
    origin: str,
    reason: str,
    stage: str,
    error_type: str,
    article_id: str | None,
    content_hash: str | None = None,
) -> None:
    """Record a failure, say so on one line, and count it; never raises."""
    stats.failed += 1
    log.error("%s: %s", printable(origin), printable(reason))
    try:
        store.record_failure(
            origin,
            reason,
            stage=stage,
            error_type=error_type,
            article_id=article_id,
            content_hash=content_hash,
        )
    except Exception:
        log.exception("could not record the failure of %s", printable(origin))


def _fail(
    store: Store, stats: IngestStats, reason: str, work: Work, stage: str, error_type: str
) -> None:
    a = work.article
    _record(store, stats, a.origin or a.id, reason, stage, error_type, a.id, work.content_hash)


def _write(store: Store, outcome: Outcome, stats: IngestStats, options: IngestOptions) -> None:
    w = outcome.work
    a = w.article
    if not outcome.ok:
        _fail(
            store,
            stats,
            outcome.reason or "unknown error",
            w,
            "process",
            outcome.error_type or "DocumentError",
        )
        return
    res = store.save_article(
        a,
        content_hash=w.content_hash,
        text=outcome.text or "",
        events=outcome.events,
        etag=w.etag,
        last_modified=w.last_modified,
        pipeline_version=__version__,
        force=options.reprocess,
        sentences=dict(outcome.sentences),
    )
    if res.status == "new":
        stats.new += 1
    elif res.status == "changed":
        stats.changed += 1
    else:
        stats.unchanged += 1
        return
    stats.events += res.n_events
    stats.stories_new += res.stories_new
    stats.stories_joined += res.stories_joined
