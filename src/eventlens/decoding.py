"""Bytes to text for the input reader: binary sniffing, byte-order marks, wide
encodings without one, a declared HTML charset, and decoding that replaces
invalid bytes with a warning (never an exception).

The functions that can warn take ``warn``, a callable given each message (the
reader's per-document notes).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

Warn = Callable[[str], None]

_BINARY_CONTROL_RATIO = 0.10
# Bytes that are never in text: C0 controls other than \t \n \v \f \r and ESC.
_CONTROL_BYTES = frozenset(set(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}) | {0x7F}


def binary_reason(head: bytes) -> str | None:
    """Why these first bytes of a file look binary, or None if they look like text."""
    if bom_encoding(head) or bomless_wide_encoding(head):
        return None  # UTF-16/32 text: decoded by its byte-order mark or NUL pattern
    if b"\x00" in head:
        return "NUL bytes"
    sample = head[:8192]
    controls = sum(1 for b in sample if b in _CONTROL_BYTES)
    if sample and controls / len(sample) > _BINARY_CONTROL_RATIO:
        return f"{100 * controls // len(sample)}% control characters"
    return None


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(head: bytes) -> str | None:
    """``utf-32`` or ``utf-16`` when ``head`` starts with their byte-order mark."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def bomless_wide_encoding(head: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte-order mark, told by where the NUL bytes are.

    Text that is mostly ASCII/Latin in UTF-32-LE has three NULs after each
    character byte (``a\0\0\0``), in UTF-16-LE one; the big-endian forms have
    them before.  At least 16 bytes, and 95% of the expected positions NUL.
    """
    n = len(head) - len(head) % 4
    if n < 16:
        return None
    sample = head[: min(n, 4096)]
    units = len(sample) // 4

    def share(positions: tuple[int, ...]) -> float:
        hits = sum(1 for i in range(units) for p in positions if sample[4 * i + p] == 0)
        return hits / (units * len(positions))

    if share((1, 2, 3)) >= 0.95 and share((0,)) < 0.05:
        return "utf-32-le"
    if share((0, 1, 2)) >= 0.95 and share((3,)) < 0.05:
        return "utf-32-be"
    if share((1, 3)) >= 0.95 and share((0, 2)) < 0.05:
        return "utf-16-le"
    if share((0, 2)) >= 0.95 and share((1, 3)) < 0.05:
        return "utf-16-be"
    return None


_UNDECODED_RATIO = 0.10


def text_problem(text: str) -> str | None:
    """Why decoded text is not a document: mostly undecodable bytes (a binary
    blob), or nothing visible (only whitespace and invisible characters)."""
    sample = text[:65536]
    bad = sum(1 for c in sample if c == "\ufffd" or (c < " " and c not in "\t\n\r\f\v"))
    if sample and bad / len(sample) > _UNDECODED_RATIO:
        return (
            f"binary content ({100 * bad // len(sample)}% undecodable bytes or controls), not text"
        )
    if not any(c.isalnum() for c in text):
        return "no visible text (only whitespace, punctuation or invisible characters)"
    return None


def decode_document(data: bytes, limit: int, warn: Warn, declared: str | None = None) -> str:
    """Decode a whole text/HTML input, cutting it to ``limit`` bytes with a warning."""
    if len(data) <= limit:
        return decode(data, warn, declared)
    wide = bom_encoding(data[:4]) or bomless_wide_encoding(data[:4096])
    if wide:
        unit = 4 if "32" in wide else 2
        cut = limit - limit % unit
    else:
        cut = _cut_point(data, limit)
    warn(f"input is larger than max_bytes ({limit} bytes); read only the first {cut} bytes")
    return decode(memoryview(data)[:cut], warn, declared)


def _cut_point(data: bytes, limit: int) -> int:
    """Where to cut ``data`` at or before ``limit``: at a line or word end when near."""
    window = max(0, limit - 4096)
    for sep in (b"\n", b" "):
        i = data.rfind(sep, window, limit)
        if i > 0:
            return i + 1
    i = limit  # no whitespace near: do not split a UTF-8 sequence
    while i > limit - 4 and i > 0 and (data[i] & 0xC0) == 0x80:
        i -= 1
    return i


def decode(data: bytes | memoryview, warn: Warn, declared: str | None = None) -> str:
    """UTF-8 (or UTF-16 with a byte-order mark); invalid bytes replaced with a warning.

    ``declared`` is the encoding the document declares (an HTML page's
    charset); it is tried when the bytes are not valid UTF-8.
    """
    head = bytes(data[:4096])
    encoding = bom_encoding(head) or bomless_wide_encoding(head) or "utf-8-sig"
    try:
        return str(data, encoding)
    except UnicodeError as e:
        if declared and encoding == "utf-8-sig":
            try:
                return str(data, declared)
            except (UnicodeError, LookupError):
                pass
        where = f" at byte {e.start}" if isinstance(e, UnicodeDecodeError) else ""
        warn(
            f"invalid {encoding.upper().removesuffix('-SIG')}{where}; "
            "undecodable bytes replaced with U+FFFD"
        )
        return str(data, encoding, errors="replace")


_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)


def declared_charset(head: bytes) -> str | None:
    """The character encoding an HTML page declares in its first bytes, if any, and not UTF-8."""
    m = _CHARSET.search(head[:8192])
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None
    # "undefined" is a real codec that refuses every byte.
    return None if name in ("utf-8", "utf-8-sig", "undefined") else name
