"""The web app's options (:class:`WebSettings`) and the Content-Security-Policy they give."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from eventlens.errors import UsageError


@dataclass(frozen=True, slots=True, kw_only=True)
class WebSettings:
    """Options of the web app.

    ``tile_url`` is a raster tile URL template (``https://…/{z}/{x}/{y}.png``)
    for users who have a tile server; without one the map draws country
    outlines (Natural Earth) and needs no network at all.
    """

    tile_url: str | None = None
    tile_attribution: str | None = None
    allowed_hosts: tuple[str, ...] | None = None
    """``Host`` header values the app answers (names or IP addresses, without a
    port; ``*.example.org`` covers subdomains); any other Host is a 400.  None
    answers any Host (for an app behind a proxy that checks, or in tests).
    ``eventlens serve`` sets it to the bound address (and ``localhost`` on
    loopback) plus ``--allow-host`` names, which defeats DNS rebinding: a web
    page on another name cannot read the store through the user's browser."""
    allow_ip_hosts: bool = False
    """Also answer any IP-address Host (a server bound to all interfaces)."""

    def __post_init__(self) -> None:
        if self.tile_url is not None:
            parts = urlsplit(self.tile_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise UsageError(f"tile URL must be http(s)://…, not {self.tile_url!r}")
            if not all(k in self.tile_url for k in ("{z}", "{x}", "{y}")):
                raise UsageError("tile URL must contain {z}, {x} and {y}")

    def tile_source(self) -> str | None:
        """The CSP source that lets the map load tiles from ``tile_url``."""
        if self.tile_url is None:
            return None
        parts = urlsplit(self.tile_url)
        host = parts.netloc
        if host.startswith("{s}."):
            host = "*." + host[4:]
        if "{" in host or "}" in host:
            return f"{parts.scheme}:"
        return f"{parts.scheme}://{host}"


def content_security_policy(settings: WebSettings) -> str:
    img = "'self' data:"
    tiles = settings.tile_source()
    if tiles:
        img += f" {tiles}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {img}; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
