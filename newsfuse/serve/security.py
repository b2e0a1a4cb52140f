"""The web app's defences, in one place: headers, body limit, write tokens, safe links.

- Every response carries a strict Content-Security-Policy. The pages use no JavaScript at all
  (citations open with CSS ``:target``), so ``script-src`` is never granted: even markup that
  slipped past escaping could not run.
- Request bodies are counted as they stream in; past the limit the request gets 413.
- Write endpoints: with a token configured, ``Authorization: Bearer <token>`` (or the form's
  ``token`` field) is required; without one, writes are accepted only on loopback (the server
  bound to a loopback address and the client connecting from one). Cross-site form posts are
  refused (Origin / Sec-Fetch-Site), so a web page can't make a local browser upload for it.
- Links from article data (``Article.url``) are rendered only for http(s) URLs; the server never
  fetches a URL given to it.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def is_loopback_host(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; names we can't judge are not loopback."""
    if not host:
        return False
    host = host.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """The name part of a Host header: 'localhost:8000' -> 'localhost', '[::1]:80' -> '::1'."""
    host = host_header.strip()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def safe_http_url(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) URL fit to be a link, else None (javascript:, data:, ...)."""
    if not url or len(url) > 2000:
        return None
    cleaned = url.strip()
    if any(ord(c) < 33 for c in cleaned):  # controls/whitespace hide schemes from naive checks
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return cleaned


def token_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())  # type: ignore[union-attr]


def bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def cross_site(headers: dict[str, str], host_header: str | None) -> bool:
    """True when a browser says this request comes from another origin.

    ``Sec-Fetch-Site`` is decisive when present: only ``same-origin`` (our own form) and
    ``none`` (typed by the user) pass; ``same-site`` is refused too, because a site ignores the
    port and another service on 127.0.0.1 must not post here. Otherwise ``Origin`` must name our
    Host. Clients that send neither (curl, scripts) are not browsers and pass to the token check.
    """
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False
    if origin == "null":
        return True
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return True
    return netloc.lower() != (host_header or "").lower()


class SecurityHeaders:
    """ASGI middleware: add the security headers to every HTTP response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(HTTPException):
    """Raised from ``receive``: an HTTPException, so the framework answers 413 itself."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="request body too large")


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` with 413, streamed or not."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send: Send) -> None:
        body = b'{"detail":"request body too large"}'
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                + [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await self._reject(send)
                    return
        seen = 0
        started = False

        async def counting_receive() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge()
            return message

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(send)
