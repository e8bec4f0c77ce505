#!/usr/bin/env bash
# Install eventlens, code the bundled sample articles, store them, and serve the dashboard:
#   1. the seed article (a real 2023 news page) as a table, with --published 2023-02-06;
#   2. the seed article and 300 SYNTHETIC stories (LLM-generated, not real events)
#      ingested into the SQLite store out/sample.db (events grouped into stories);
#   3. the dashboard and REST API on http://127.0.0.1:8000/ (Ctrl-C to stop).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh runtime
samples=src/eventlens/samples
db=out/sample.db
mkdir -p out
echo "== The seed article: events coded from a real news page (published 2023-02-06)"
.venv/bin/eventlens extract "$samples/seed-article.txt" --published 2023-02-06
echo
echo "== Ingesting the samples into $db (300 of them are SYNTHETIC stories, not real news)"
.venv/bin/eventlens ingest "$samples/seed-article.txt" --published 2023-02-06 --db "$db"
.venv/bin/eventlens ingest "$samples/synthetic.jsonl" --db "$db"
echo
echo "== Dashboard: http://127.0.0.1:${EVENTLENS_PORT:-8000}/   (API docs at /docs; Ctrl-C to stop)"
exec .venv/bin/eventlens serve --db "$db" --port "${EVENTLENS_PORT:-8000}"
