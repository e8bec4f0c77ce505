#!/usr/bin/env bash
# Install eventlens, code the bundled sample articles, store them, and serve the dashboard:
#   1. the seed article (a real 2023 news page) as a table, with --published 2023-02-06;
#   2. the seed article and 164 real Wikinews articles (2004-2020, CC BY 2.5 and others:
#      src/eventlens/samples/WIKINEWS.md lists each one's licence and URL) ingested into
#      the SQLite store out/sample.db (events grouped into stories);
#   3. how to write a situation brief from that store;
#   4. the dashboard and REST API on http://127.0.0.1:8000/ (Ctrl-C to stop).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh runtime
samples=src/eventlens/samples
db=out/sample.db
mkdir -p out
echo "== The seed article: events coded from a real news page (published 2023-02-06)"
.venv/bin/eventlens extract "$samples/seed-article.txt" --published 2023-02-06
echo
echo "== Ingesting the seed article and 164 Wikinews articles into $db"
.venv/bin/eventlens ingest "$samples/seed-article.txt" --published 2023-02-06 --db "$db"
.venv/bin/eventlens ingest "$samples/wikinews.jsonl" --db "$db"
echo
echo "== A situation brief (figures against a baseline, map, top stories, what was foiled or warned of):"
echo "   .venv/bin/eventlens brief --db $db --country TUR --since 2023-01-01 --until 2023-03-01 -o out/brief-TUR.html"
echo "   (Markdown: -o out/brief.md or standard output; PDF: -o out/brief.pdf, needs Chromium;"
echo "    in the dashboard: the Brief button, for the current filters)"
echo
echo "== Dashboard: http://127.0.0.1:${EVENTLENS_PORT:-8000}/   (API docs at /docs; Ctrl-C to stop)"
exec .venv/bin/eventlens serve --db "$db" --port "${EVENTLENS_PORT:-8000}"
