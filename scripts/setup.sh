#!/usr/bin/env bash
# Create .venv and install eventlens with hash-pinned dependencies.
#   scripts/setup.sh          runtime dependencies (requirements/runtime.lock)
#   scripts/setup.sh dev      plus the test tools (requirements/dev.lock)
# Everything comes from PyPI; nothing is downloaded at run time afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"
lock="requirements/${profile}.lock"
[ -f "$lock" ] || { echo "setup: no lock file $lock" >&2; exit 2; }
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.installed-${profile}"
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  touch "$stamp"
fi
