"""Security headers on every response, and cookies that say Secure when asked.

The pages load nothing from elsewhere and run no inline script or style (the one
script is /static/luoshi.js), so the policy allows only this site; no page may be
framed. Responses to signed-in callers, and those carrying a token, are never
stored by a browser or a proxy.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
NO_STORE = "no-store"
# Files that are the same for everyone may be cached as the static files app says.
_SHARED_PREFIXES = ("/static/",)


class SecurityHeaders:
    """Outer middleware: adds ``HEADERS`` to every HTTP response, and
    ``Cache-Control: no-store`` to all but static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        shared = str(scope.get("path", "")).startswith(_SHARED_PREFIXES)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if not shared:
                    headers["cache-control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, with_headers)


def set_cookie(request: Request, response: Response, name: str, value: str, **kw: Any) -> None:
    """Set a cookie, Secure when the app is told it is served over HTTPS."""
    secure: bool = request.app.state.ctx.settings.web.secure_cookies
    response.set_cookie(name, value, secure=secure, samesite="lax", path="/", **kw)


def delete_cookie(request: Request, response: Response, name: str) -> None:
    secure: bool = request.app.state.ctx.settings.web.secure_cookies
    response.delete_cookie(name, path="/", secure=secure, samesite="lax")
