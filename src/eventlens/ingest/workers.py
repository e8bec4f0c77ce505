"""Running the pipeline on work items: in this process or in worker processes.

:func:`process` is what every runner does with one item: run the pipeline,
and return an :class:`Outcome` small enough to send between processes (the
article without its raw content, the clean text, the events; or the error
as plain strings).  A runner maps an iterable of :class:`Work` to outcomes,
pulling items lazily with a bounded number in flight, so memory does not grow
with the number of articles.

- :class:`SerialRunner`: the pipeline in this process (``--workers 1``).
- :class:`ProcessRunner`: ``N`` worker processes (``spawn``), each loading
  the pipeline's models once; a worker that dies (killed, out of memory, a
  crash in native code) is replaced, the document it was processing is
  recorded as a failure and the ones queued behind it go to another worker.
- :class:`eventlens.ingest.dask_runner.DaskRunner`: a Dask cluster.

Results may come back in any order; each is written to the store on its own.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnProcess
from types import TracebackType
from typing import Any, Protocol

from eventlens.errors import PipelineError, ProcessingError, ResourceError
from eventlens.ingest.sources import Work
from eventlens.model import Event
from eventlens.pipeline import Pipeline

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What processing one article produced."""

    work: Work
    text: str | None = None
    events: tuple[Event, ...] = ()
    sentences: tuple[tuple[int, str], ...] = ()
    """The sentences the events come from (index, text)."""
    error_type: str | None = None
    reason: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.reason is None


def _light(work: Work) -> Work:
    """The work item without the raw content (not needed after processing)."""
    return replace(work, article=replace(work.article, content=""))


def process(pipeline: Pipeline, work: Work) -> Outcome:
    """Run one article under the pipeline's error policy (:meth:`Pipeline.run`)."""
    t0 = time.perf_counter()
    result = pipeline.run(work.article)
    seconds = time.perf_counter() - t0
    if result.error is not None or result.doc is None:
        e = result.error
        kind = e.kind if isinstance(e, ProcessingError) else type(e).__name__
        reason = e.reason if e is not None else "the pipeline returned no document"
        return Outcome(_light(work), error_type=kind, reason=reason, seconds=seconds)
    doc = result.doc
    used = {e.evidence.sentence for e in doc.events}
    sentences = tuple((s.index, s.text) for s in doc.sentences if s.index in used)
    # The article as the pipeline left it: the clean stage fills in the title,
    # date, source and language from the page (the article as read has none).
    return Outcome(
        _light(replace(work, article=doc.article)),
        doc.text,
        tuple(doc.events),
        sentences,
        seconds=seconds,
    )


class Runner(Protocol):
    """Maps work items to outcomes, in any order."""

    def run(self, items: Iterable[Work]) -> Iterator[Outcome]: ...

    def close(self) -> None: ...


class SerialRunner:
    """The pipeline in this process, one article at a time."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def run(self, items: Iterable[Work]) -> Iterator[Outcome]:
        for w in items:
            yield process(self.pipeline, w)

    def close(self) -> None:
        pass

    def __enter__(self) -> SerialRunner:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _worker_main(pipeline: Pipeline, inbox: Any, results: Connection) -> None:
    """A worker process: load the models once, then process until told to stop.

    Results go back on a pipe, written synchronously: a result sent is a
    result received, even if the process dies the next instant.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    try:
        pipeline.warm_up()
    except Exception as e:
        results.send(("fatal", f"{type(e).__name__}: {e}"))
        return
    while True:
        work = inbox.get()
        if work is None:
            return
        try:
            results.send(("done", process(pipeline, work)))
        except (PipelineError, ResourceError) as e:
            results.send(("fatal", str(e)))
            return


@dataclass(slots=True)
class _Slot:
    process: SpawnProcess
    inbox: Any
    results: Connection
    held: deque[Work]


class ProcessRunner:
    """``workers`` processes, each with its own pipeline (models loaded once)."""

    def __init__(self, pipeline: Pipeline, workers: int, *, per_worker: int = 2) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.pipeline = pipeline
        self.workers = workers
        self.per_worker = per_worker
        self._ctx = mp.get_context("spawn")
        self._requeued: deque[Work] = deque()
        self._slots: list[_Slot] = [self._start(i) for i in range(workers)]

    def _start(self, index: int) -> _Slot:
        inbox = self._ctx.Queue()
        receiver, sender = self._ctx.Pipe(duplex=False)
        p = self._ctx.Process(
            target=_worker_main,
            args=(self.pipeline, inbox, sender),
            name=f"eventlens-worker-{index}",
            daemon=True,
        )
        p.start()
        sender.close()  # the worker holds the only writing end: EOF when it dies
        return _Slot(p, inbox, receiver, deque())

    def run(self, items: Iterable[Work]) -> Iterator[Outcome]:
        it = iter(items)
        exhausted = False
        while True:
            # Keep every worker fed, at most per_worker items each.
            if not exhausted or self._requeued:
                for slot in sorted(self._slots, key=lambda s: len(s.held)):
                    if len(slot.held) >= self.per_worker:
                        continue
                    if self._requeued:
                        w = self._requeued.popleft()
                    else:
                        try:
                            w = next(it)
                        except StopIteration:
                            exhausted = True
                            break
                    slot.held.append(w)
                    slot.inbox.put(w)
            if exhausted and not self._requeued and not any(s.held for s in self._slots):
                return
            ready = set(wait([s.results for s in self._slots], timeout=1.0))
            for i, slot in enumerate(self._slots):
                if slot.results not in ready:
                    continue
                try:
                    kind, payload = slot.results.recv()
                except (EOFError, OSError):
                    yield from self._replace(i)
                    continue
                if kind == "fatal":
                    raise PipelineError(f"worker {i} failed: {payload}")
                if slot.held:
                    slot.held.popleft()
                yield payload

    def _replace(self, i: int) -> Iterator[Outcome]:
        """Replace a dead worker.  The document it was processing (the first it
        held) becomes a failure; the ones queued behind it go to another worker."""
        slot = self._slots[i]
        slot.process.join(5)
        code = slot.process.exitcode
        log.warning("worker %d died (exit code %s); restarting it", i, code)
        held = list(slot.held)
        slot.inbox.cancel_join_thread()
        slot.inbox.close()
        slot.results.close()
        self._slots[i] = self._start(i)
        if held:
            self._requeued.extend(held[1:])
            yield Outcome(
                _light(held[0]),
                error_type="WorkerDied",
                reason=f"worker process died (exit code {code}) while processing this document",
            )

    def close(self) -> None:
        for slot in self._slots:
            with contextlib.suppress(OSError, ValueError):
                slot.inbox.put(None)
        deadline = time.monotonic() + 10
        for slot in self._slots:
            slot.process.join(max(0.1, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.terminate()
                slot.process.join(2)
            slot.results.close()

    def __enter__(self) -> ProcessRunner:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
