#!/usr/bin/env bash
# Install what the tests need and run every check: ruff, mypy, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
echo "== ruff"
.venv/bin/ruff check src tests bench scripts
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass" >&2
  exit 1
fi
exit "$rc"
