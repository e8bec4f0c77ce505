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
- every document that cannot be read, fetched or processed is recorded with
  its reason (``eventlens failures``) and the batch goes on.  A document that
  failed in processing is not tried again while its content is the same,
  unless ``retry_failed`` is set; read and fetch failures are always retried.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from eventlens import __version__
from eventlens.ingest.fetch import Fetcher, FetchOptions
from eventlens.ingest.sources import ReadFailure, SourceReader, Unchanged, Work
from eventlens.ingest.workers import Outcome, ProcessRunner, Runner, SerialRunner
from eventlens.pipeline import Pipeline
from eventlens.settings import Settings
from eventlens.store import Store

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
    """Ingest ``sources`` into ``store``; returns the run's counts."""
    settings = settings or Settings()
    options = options or IngestOptions()
    pipeline = pipeline or Pipeline(settings)
    stats = IngestStats()
    notify = on_progress or (lambda _s: None)

    def known(article_id: str) -> tuple[str | None, str | None] | None:
        st = store.states([article_id]).get(article_id)
        return (st.etag, st.last_modified) if st else None

    with Fetcher(options.fetch) as fetcher:
        reader = SourceReader(
            settings,
            fetcher,
            input_format=options.input_format,
            feed_content=options.feed_content,
            known=known,
        )

        def works() -> Iterator[Work]:
            for item in reader(sources):
                if isinstance(item, ReadFailure):
                    store.record_failure(
                        item.origin,
                        item.reason,
                        stage=item.stage,
                        error_type=item.error_type,
                        article_id=item.article_id,
                    )
                    log.info("%s: %s", item.origin, item.reason)
                    stats.failed += 1
                elif isinstance(item, Unchanged) or _unchanged(store, item, options):
                    stats.unchanged += 1
                elif _failed_before(store, item, options):
                    stats.failed += 1
                    stats.skipped_failed += 1
                else:
                    yield item
                    continue
                notify(stats)

        runner = make_runner(pipeline, options)
        try:
            for outcome in runner.run(works()):
                _write(store, outcome, stats, options)
                notify(stats)
        finally:
            runner.close()
    stats.finished = time.monotonic()
    notify(stats)
    return stats


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


def _write(store: Store, outcome: Outcome, stats: IngestStats, options: IngestOptions) -> None:
    w = outcome.work
    a = w.article
    if not outcome.ok:
        store.record_failure(
            a.origin or a.id,
            outcome.reason or "unknown error",
            stage="process",
            error_type=outcome.error_type or "DocumentError",
            article_id=a.id,
            content_hash=w.content_hash,
        )
        log.info("%s: %s", a.origin or a.id, outcome.reason)
        stats.failed += 1
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
