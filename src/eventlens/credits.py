"""Who to credit for what eventlens shows and exports, beside GeoNames.

:data:`eventlens.formats.GEONAMES_ATTRIBUTION` credits the coordinates;
:data:`TEXT_CREDIT` the article text quoted in evidence, titles and briefs
(above all the bundled samples: Wikinews is CC BY 2.5, which asks for
attribution wherever its text is shown).
"""

from __future__ import annotations

from eventlens.formats import GEONAMES_ATTRIBUTION

TEXT_CREDIT = (
    "Article text (titles, evidence quotes) is quoted from the article each event names, "
    "under its publisher's terms. The bundled sample articles are from Wikinews "
    "(https://en.wikinews.org), CC BY 2.5 (https://creativecommons.org/licenses/by/2.5/); a "
    "few are CC BY 4.0 through the MEANTIME corpus or in the public domain, each listed with "
    "its URL and licence in eventlens/samples/WIKINEWS.md. The seed article is a third-party "
    "news page (AsumeTech, 2023-02-06), bundled with permission. Map outlines: Natural Earth "
    "(public domain) via world-atlas."
)
CREDITS = f"{GEONAMES_ATTRIBUTION} {TEXT_CREDIT}"

__all__ = ["CREDITS", "TEXT_CREDIT"]
