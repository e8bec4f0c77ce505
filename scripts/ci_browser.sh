#!/usr/bin/env bash
# Install Debian's Chromium for the dashboard's browser tests (Playwright drives
# /usr/bin/chromium; no browser is downloaded by Playwright).  Needs root.
# Idempotent: does nothing when /usr/bin/chromium is there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update >&2
apt-get install -y chromium >&2
