"""Ingesting news at scale: sources → pipeline → deduplicated event store.

- :mod:`~eventlens.ingest.fetch`: the HTTP client (timeouts, size limit,
  retries with backoff, per-host rate limit, conditional requests).
- :mod:`~eventlens.ingest.feeds`: RSS/Atom feeds and URL lists.
- :mod:`~eventlens.ingest.sources`: ``SOURCE…`` arguments to work items.
- :mod:`~eventlens.ingest.workers`: the pipeline in this process or in
  worker processes; :mod:`~eventlens.ingest.dask_runner`: on Dask.
- :mod:`~eventlens.ingest.run`: one run, with its counts.
"""

from __future__ import annotations

from eventlens.ingest.fetch import Fetcher, FetchError, FetchOptions
from eventlens.ingest.run import IngestOptions, IngestStats, ingest

__all__ = ["FetchError", "FetchOptions", "Fetcher", "IngestOptions", "IngestStats", "ingest"]
