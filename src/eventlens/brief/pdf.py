"""PDF through a headless Chromium (Debian's ``chromium``, which CI installs with
``scripts/ci_browser.sh``): the brief's HTML printed to PDF, offline.

The HTML has no script and a Content-Security-Policy that allows none, and
Chromium runs with networking off, so printing cannot fetch or run anything.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from eventlens.errors import UsageError

log = logging.getLogger(__name__)

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = (
    "PDF needs Chromium: install Debian's chromium (apt-get install chromium, as "
    "scripts/ci_browser.sh does) or set EVENTLENS_CHROMIUM to a Chromium or Chrome binary; "
    "--format html or md need nothing"
)
TIMEOUT_S = 120


def find_chromium() -> str | None:
    """The Chromium to print with: ``$EVENTLENS_CHROMIUM``, else one on PATH."""
    env = os.environ.get("EVENTLENS_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, out: Path) -> None:
    """Print ``html`` to ``out`` (a PDF file); a UsageError when no engine is installed."""
    exe = find_chromium()
    if exe is None:
        raise UsageError(INSTALL)
    with tempfile.TemporaryDirectory(prefix="eventlens-brief-") as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(html, encoding="utf-8")
        target = Path(tmp) / "brief.pdf"
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise UsageError(f"{exe} did not print the brief within {TIMEOUT_S} s") from None
        except OSError as e:
            raise UsageError(f"cannot run {exe}: {e.strerror or e}") from None
        if proc.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise UsageError(f"{exe} could not print the brief: {why[-1] if why else 'no PDF'}")
        shutil.copyfile(target, out)
    log.debug("printed the brief with %s to %s", exe, out)
