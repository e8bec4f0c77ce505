#!/usr/bin/env bash
# Install eventlens and run it on the bundled sample articles:
#   1. the seed article (real news, 2023) as a table, with --published 2023-02-06;
#   2. 300 SYNTHETIC stories (LLM-generated, not real events) to out/sample-events.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh runtime
samples=src/eventlens/samples
mkdir -p out
echo "== The seed article: events coded from a real news page (published 2023-02-06)"
.venv/bin/eventlens extract "$samples/seed-article.txt" --published 2023-02-06
echo
echo "== 300 synthetic stories (LLM-generated, NOT real news) -> out/sample-events.jsonl"
.venv/bin/eventlens extract --input-format jsonl "$samples/synthetic.jsonl" --format jsonl \
  > out/sample-events.jsonl
.venv/bin/python - <<'PY'
import collections, json
events = [json.loads(line) for line in open("out/sample-events.jsonl", encoding="utf-8")]
by_type = collections.Counter(e["event_type"] for e in events)
by_status = collections.Counter(e["status"] for e in events)
articles = len({e["article_id"] for e in events})
print(f"{len(events)} events from {articles} synthetic stories")
print("by type:   " + ", ".join(f"{k} {v}" for k, v in by_type.most_common()))
print("by status: " + ", ".join(f"{k} {v}" for k, v in by_status.most_common()))
print("Place coordinates from GeoNames (CC BY 4.0).")
PY
