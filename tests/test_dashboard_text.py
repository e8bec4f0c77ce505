"""The dashboard shows text from the data without its control characters
(issue 12, point 4): ANSI/OSC escapes, C0/C1 controls and bidirectional
overrides never reach the page as controls.

The dashboard's own ``plain`` function (``static/app.js``) runs under Node on
hostile strings; every text the dashboard writes (``el``'s ``text`` and string
children, attributes, highlighted segments) goes through it.  Skips without
Node.  (``tests/test_dashboard.py`` drives the whole page in a browser.)
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

APP_JS = Path(__file__).parent.parent / "src" / "eventlens" / "web" / "static" / "app.js"
HOSTILE = [
    "Gunmen \x1b[2J\x1b]0;pwned\x07attacked",
    "a \u202eteg\u202c post \u2066x\u2069 \u200f",
    "c1 \x9b31m \x85 del \x7f nul \x00 bs \x08 cr \r",
]
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _source() -> str:
    return APP_JS.read_text(encoding="utf-8")


def test_every_text_write_goes_through_plain() -> None:
    js = _source()
    assert 'if (k === "text") e.textContent = plain(v);' in js
    assert "document.createTextNode(plain(c))" in js
    assert "document.createTextNode(plain(seg))" in js
    # no other place writes data as text
    writes = re.findall(r"createTextNode\(([^)]*)\)", js)
    assert all(w.startswith("plain(") for w in writes), writes


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_plain_removes_every_control() -> None:
    js = _source()
    start = js.index("  var CONTROLS =")
    end = js.index("\n", js.index("function plain("))
    script = (
        js[start:end] + "\nconsole.log(JSON.stringify(JSON.parse(process.argv[1]).map(plain)));"
    )
    out = subprocess.run(
        ["node", "-e", script, json.dumps(HOSTILE)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    shown = json.loads(out)
    for before, after in zip(HOSTILE, shown, strict=True):
        assert not CONTROL.search(after), (before, after)
        assert "\n" not in before or "\n" in after  # line breaks are kept
    assert shown[0] == "Gunmen [2J]0;pwnedattacked"
