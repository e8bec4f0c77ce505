"""The pipeline on a Dask distributed cluster (``--scheduler tcp://HOST:PORT``).

Articles are read (and fetched) here, processed on the cluster's workers,
and the outcomes come back here, where they are written to the store: the
store keeps a single writer however many workers there are, and the same
store (PostgreSQL for a team) is shared by every run.

The pipeline travels to each worker once, in a worker plugin, which builds
it and loads its models when the worker starts; tasks find it there.  Calls
into the pipeline on one worker are serialised (spaCy is not thread-safe), so
workers are best started with one thread each (``dask worker --nthreads 1``)
and scaled out in processes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from distributed import WorkerPlugin

from eventlens.errors import PipelineError, UsageError
from eventlens.ingest.sources import Work
from eventlens.ingest.workers import Outcome, process
from eventlens.pipeline import Pipeline

log = logging.getLogger(__name__)

PLUGIN_NAME = "eventlens-pipeline"


class PipelinePlugin(WorkerPlugin):
    """A Dask worker plugin that holds one loaded pipeline per worker."""

    name = PLUGIN_NAME

    def __init__(self, pipeline: Pipeline) -> None:
        super().__init__()
        self.pipeline = pipeline
        self.lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"pipeline": self.pipeline}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.pipeline = state["pipeline"]
        self.lock = threading.Lock()

    def setup(self, worker: Any) -> None:
        self.pipeline.warm_up()


def _run_on_worker(work: Work) -> Outcome:
    from distributed import get_worker

    plugin: Any = get_worker().plugins[PLUGIN_NAME]
    with plugin.lock:
        return process(plugin.pipeline, work)


class DaskRunner:
    """Process work items on a Dask cluster, a bounded number in flight."""

    def __init__(self, pipeline: Pipeline, scheduler: str, *, per_thread: int = 4) -> None:
        try:
            from distributed import Client
        except ImportError as e:  # pragma: no cover - dask is a dependency
            raise UsageError(f"--scheduler needs dask[distributed]: {e}") from None
        try:
            client = Client(scheduler, timeout="30s")  # type: ignore[no-untyped-call]
        except OSError as e:
            raise UsageError(f"cannot connect to Dask scheduler {scheduler}: {e}") from None
        self.client: Any = client
        self.client.register_plugin(PipelinePlugin(pipeline), name=PLUGIN_NAME)
        nthreads: dict[str, int] = client.nthreads()  # type: ignore[no-untyped-call]
        threads = sum(nthreads.values()) or 1
        self.max_in_flight = max(2, threads * per_thread)
        log.info("dask: %d workers, %d threads", len(nthreads), threads)

    def run(self, items: Iterable[Work]) -> Iterator[Outcome]:
        from distributed import as_completed

        it = iter(items)
        held: dict[Any, Work] = {}
        pending: Any = as_completed([])  # type: ignore[no-untyped-call]

        def submit() -> bool:
            try:
                w = next(it)
            except StopIteration:
                return False
            fut = self.client.submit(_run_on_worker, w, pure=False)
            held[fut] = w
            pending.add(fut)
            return True

        exhausted = False
        while not exhausted and len(held) < self.max_in_flight:
            exhausted = not submit()
        while held:
            fut = next(pending)
            w = held.pop(fut)
            try:
                outcome: Outcome = fut.result()
            except PipelineError:
                raise
            except Exception as e:  # KilledWorker and the like: this document failed
                outcome = Outcome(
                    replace(w, article=replace(w.article, content="")),
                    error_type=type(e).__name__,
                    reason=f"dask task failed: {type(e).__name__}: {e}",
                )
            fut.release()
            yield outcome
            if not exhausted:
                exhausted = not submit()

    def close(self) -> None:
        self.client.close()
