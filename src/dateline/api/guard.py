"""What the server guards: body size, bearer token, loopback binding, and response headers."""

from __future__ import annotations

import ipaddress
import secrets

from fastapi import HTTPException, Request

#: Content-Security-Policy of the page: everything from this server, nothing inline, nothing from
#: elsewhere. The docs pages (Swagger UI, ReDoc) start themselves with an inline script.
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc", "/static-offline-docs")


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


class Guard:
    """ASGI middleware: refuses bodies over `max_body` bytes with 413 (before the app runs when
    Content-Length says so, while the body is read otherwise) and adds security headers."""

    def __init__(self, app, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else PAGE_CSP
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await self._too_large(send, csp)
            return
        received = 0
        started = refused = False

        async def counted_receive():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body and not started:
                    # answer now, and tell the app the client has gone: whatever it sends after is dropped
                    refused = True
                    await self._too_large(send, csp)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                            (b"x-frame-options", b"DENY"), (b"content-security-policy", csp.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise

    async def _too_large(self, send, csp: str) -> None:
        body = b'{"detail":"request body is over the limit of ' + str(self.max_body).encode() + b' bytes"}'
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"x-content-type-options", b"nosniff"), (b"content-security-policy", csp.encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def bearer_checker(token: str | None):
    """A FastAPI dependency: with a token configured, the request must carry `Authorization: Bearer TOKEN`."""

    def check(request: Request) -> None:
        if token is None:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
            raise HTTPException(401, "this endpoint needs `Authorization: Bearer TOKEN` (the server's --token)",
                                headers={"WWW-Authenticate": "Bearer"})

    return check
