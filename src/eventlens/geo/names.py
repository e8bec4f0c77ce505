"""Name normalisation shared by the gazetteer build and its lookups.

A *key* is the form a name is indexed and looked up under: accents removed,
case folded, periods and apostrophes dropped, hyphens and slashes turned into
spaces, a leading "the" removed.  "U.S." and "US" share the key ``us``;
"Şanlıurfa" and "Sanliurfa" share ``sanliurfa``.
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD leaves alone but readers treat as plain Latin letters.
_FOLD = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ʻ": "",
        "ʼ": "",
        "‘": "",
        "’": "",
        "`": "",
        "´": "",
        "'": "",
        ".": "",
        "&": " and ",
    }
)
_SEPARATORS = re.compile(r"[\s\-‐‑–—_/,()\[\]\"“”]+")
_LATIN = re.compile(r"^[A-Za-z0-9 .,'’\-()/&]+$")

# Prefix abbreviations indexed both ways ("St. Louis" / "Saint Louis").
PREFIX_VARIANTS: tuple[tuple[str, str], ...] = (
    ("st ", "saint "),
    ("ste ", "sainte "),
    ("mt ", "mount "),
    ("ft ", "fort "),
    ("pt ", "point "),
)


def name_key(name: str) -> str:
    """The lookup key of a name (see the module docstring)."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.casefold().translate(_FOLD)
    s = _SEPARATORS.sub(" ", s).strip()
    if s.startswith("the ") and len(s) > 4:
        s = s[4:]
    return s


def key_variants(key: str) -> list[str]:
    """The key and its spellings with common prefix abbreviations swapped."""
    out = [key]
    for short, long in PREFIX_VARIANTS:
        if key.startswith(short):
            out.append(long + key[len(short) :])
        elif key.startswith(long):
            out.append(short + key[len(long) :])
    return out


def is_latin_name(name: str) -> bool:
    """True for a name written in (accented) Latin script, as English text uses."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).translate(_FOLD)
    return bool(_LATIN.match(plain))
