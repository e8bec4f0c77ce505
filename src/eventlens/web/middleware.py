"""The web app's ASGI middleware: security headers, the Host check, query-size limits.

:class:`SecurityHeaders` adds the Content-Security-Policy (built by
:func:`eventlens.web.app.content_security_policy`) and its friends to every
response; :class:`HostCheck` answers only allowed ``Host`` names (against DNS
rebinding); :class:`QueryLimits` refuses oversized query strings before
anything parses them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi.responses import JSONResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def host_name(header: str) -> str:
    """The name or address in a ``Host`` header, without the port, lower case."""
    h = header.strip().lower()
    if h.startswith("["):  # [IPv6]:port
        end = h.find("]")
        return h[1:end] if end > 0 else h
    if h.count(":") == 1:
        h = h.split(":", 1)[0]
    return h.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(header: str, allowed: tuple[str, ...], *, any_ip: bool = False) -> bool:
    """Whether a request with this ``Host`` header is answered."""
    name = host_name(header)
    if not name:
        return False
    if any_ip and _is_ip(name):
        return True
    for a in allowed:
        a = a.lower().strip("[]").rstrip(".")
        if a == "*" or a == name:
            return True
        if a.startswith("*.") and name.endswith(a[1:]):
            return True
    return False


class HostCheck:
    """Answers only requests whose ``Host`` is allowed (400 otherwise)."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...], any_ip: bool = False) -> None:
        self.app = app
        self.allowed = allowed
        self.any_ip = any_ip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = ""
        for k, v in scope.get("headers", []):
            if k == b"host":
                header = v.decode("latin-1")
                break
        if host_allowed(header, self.allowed, any_ip=self.any_ip):
            await self.app(scope, receive, send)
            return
        response = JSONResponse(
            status_code=400,
            content={
                "detail": "unknown Host header; eventlens serve --allow-host NAME answers "
                "another name"
            },
        )
        await response(scope, receive, send)


MAX_QUERY_BYTES = 32 * 1024
MAX_QUERY_PARAMS = 400


class QueryLimits:
    """Refuses a query string over :data:`MAX_QUERY_BYTES` bytes or with more than
    :data:`MAX_QUERY_PARAMS` parameters with a 422 before anything parses it
    (thousands of repeated parameters otherwise cost seconds of validation)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            qs: bytes = scope.get("query_string", b"")
            why = None
            if len(qs) > MAX_QUERY_BYTES:
                why = f"query string longer than {MAX_QUERY_BYTES} bytes"
            elif qs.count(b"&") + 1 > MAX_QUERY_PARAMS:
                why = f"more than {MAX_QUERY_PARAMS} query parameters"
            if why:
                response = JSONResponse(
                    status_code=422,
                    content={"detail": [{"type": "value_error", "loc": ["query"], "msg": why}]},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
