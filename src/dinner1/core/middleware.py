"""The one pure ASGI middleware (no per-request task or body copying): request context,
limits, tenant resolution and CSRF. One layer, because every layer costs every request."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import MutableMapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dinner1.core import metrics
from dinner1.core.errors import CsrfFailed, InternalError, PayloadTooLarge
from dinner1.core.logging import request_id_var
from dinner1.core.problems import render_problem
from dinner1.locale import service as i18n

access_log = logging.getLogger("dinner1.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Plotly (the venue dashboard's charts) sets style attributes as it draws; pages that draw
# charts allow inline styles, never inline scripts.
CHART_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
CSP_HEADER = (b"content-security-policy", CSP.encode())
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(self), camera=(self), microphone=(), payment=()"),
]
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


def _state(scope: Scope) -> MutableMapping[str, Any]:
    state: MutableMapping[str, Any] = scope.setdefault("state", {})
    return state


def request_is_https(scope: Scope, trust_proxy: bool) -> bool:
    if trust_proxy:
        proto = Headers(scope=scope).get("x-forwarded-proto")
        if proto:
            return proto.split(",", 1)[0].strip() == "https"
    return scope.get("scheme") in ("https", "wss")


class RequestContextMiddleware:
    """Everything every request needs before the app sees it, in one layer: request id,
    tenant (from the host), body-size limit, CSRF check and cookie, access log line,
    metrics, security headers and the request's language.

    It runs on every request, so it reads the raw header list once instead of building
    header and cookie objects, and wraps `send` once for all of it.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        csrf: CsrfGuard | None = None,
        trust_proxy: bool = False,
        access_log_mode: str = "notable",
        max_body_bytes: int = 1024 * 1024,
        larger_bodies: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.csrf = csrf
        self.trust_proxy = trust_proxy
        self.access_log_mode = access_log_mode
        self.max_body_bytes = max_body_bytes
        # Path prefixes that accept bigger bodies (photo uploads).
        self.larger_bodies = larger_bodies or {}

    def body_limit(self, path: str) -> int:
        for prefix, size in self.larger_bodies.items():
            if path.startswith(prefix):
                return size
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            host = Headers(scope=scope).get("host")
            _state(scope)["tenant"] = await scope["app"].state.runtime.tenants.resolve(host)
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = cookie = accept_language = forwarded_proto = host = declared = None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.decode("latin-1")
            elif name == b"x-request-id":
                incoming = value.decode("latin-1")
            elif name == b"cookie":
                cookie = value
            elif name == b"accept-language":
                accept_language = value.decode("latin-1")
            elif name == b"x-forwarded-proto":
                forwarded_proto = value
            elif name == b"content-length":
                declared = value
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else secrets.token_hex(16)
        token = request_id_var.set(request_id)
        locale_token = i18n.current_locale.set(
            _negotiate(_cookie_value(cookie, b"d1_lang="), accept_language)
        )
        if self.trust_proxy and forwarded_proto:
            https = forwarded_proto.split(b",", 1)[0].strip() == b"https"
        else:
            https = scope.get("scheme") == "https"
        state = _state(scope)
        status = 500
        response_started = False
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                raw = message.setdefault("headers", [])
                has_cache_control = has_csp = False
                for name, _ in raw:
                    has_cache_control = has_cache_control or name == b"cache-control"
                    has_csp = has_csp or name == b"content-security-policy"
                raw.append((b"x-request-id", request_id.encode()))
                raw.extend(SECURITY_HEADERS)
                if not has_csp:  # a page may narrow or widen the policy for itself
                    raw.append(CSP_HEADER)
                if https:
                    raw.append(HSTS)
                if not has_cache_control and not scope["path"].startswith("/static/"):
                    raw.append(NO_STORE)
                issued: CsrfToken | None = state.get("csrf")
                if self.csrf is not None and issued is not None and issued.issued and issued.fresh:
                    raw.append(self.csrf.cookie_header(issued, https=https))
            await send(message)

        max_bytes = self.body_limit(scope["path"])
        try:
            state["tenant"] = await scope["app"].state.runtime.tenants.resolve(host)
            if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
                raise BodyTooLarge(413)
            receive = _limited_receive(receive, max_bytes)
            if self.csrf is not None:
                receive, allowed = await self.csrf.admit(scope, receive)
                if not allowed:
                    refusal = await render_problem(Request(scope, receive), CsrfFailed())
                    await refusal(scope, receive, send_with_headers)
                    return
            await self.app(scope, receive, send_with_headers)
        except BodyTooLarge:
            # Raised up front, or while a middleware (not a route) was reading the body.
            if response_started:
                raise
            response = await render_problem(
                Request(scope),
                PayloadTooLarge(f"The limit is {max_bytes} bytes.", max_bytes=max_bytes),
            )
            await response(scope, receive, send_with_headers)
        except Exception:
            # Answer here rather than in Starlette's outer error middleware, so even a crash
            # carries the request id and the security headers.
            access_log.exception("unhandled error", extra={"path": scope["path"]})
            if response_started:
                raise
            response = await render_problem(Request(scope), InternalError())
            await response(scope, receive, send_with_headers)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            route_path = getattr(route, "path", None) or (
                "/static" if scope["path"].startswith("/static/") else "unmatched"
            )
            metrics.observe_request(scope["method"], route_path, status, elapsed)
            if self._worth_logging(scope["method"], status, elapsed):
                access_log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "ms": round(elapsed * 1000, 2),
                    },
                )
            i18n.current_locale.reset(locale_token)
            request_id_var.reset(token)

    def _worth_logging(self, method: str, status: int, elapsed: float) -> bool:
        """`notable` logs writes, errors and slow requests; metrics count everything."""
        if self.access_log_mode == "all":
            return True
        if self.access_log_mode == "off":
            return False
        return method not in _SAFE_METHODS or status >= 400 or elapsed > SLOW_REQUEST_SECONDS


def _limited_receive(receive: Receive, max_bytes: int) -> Receive:
    """`receive`, refusing a streamed body once it passes `max_bytes`."""
    seen = 0

    async def limited_receive() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > max_bytes:
                raise BodyTooLarge(413)
        return message

    return limited_receive


SLOW_REQUEST_SECONDS = 0.5
NO_STORE = (b"cache-control", b"no-store")


def _cookie_value(header: bytes | None, prefix: bytes) -> str | None:
    if not header or prefix not in header:
        return None
    for part in header.split(b";"):
        part = part.strip()
        if part.startswith(prefix):
            return part[len(prefix) :].decode("latin-1")
    return None


@lru_cache(maxsize=1024)
def _negotiate(cookie_locale: str | None, accept_language: str | None) -> str:
    return i18n.negotiate(
        user_locale=None, cookie_locale=cookie_locale, accept_language=accept_language
    )


class BodyTooLarge(StarletteHTTPException):
    """An HTTP exception, so FastAPI's body parsing lets it through as a 413 (it turns any
    other error raised while reading the body into a generic 400)."""


CSRF_COOKIE = "d1_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_COOKIE = "d1_session"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")


def csrf_token_for(seed: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), b"csrf:" + seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class CsrfToken:
    """Worked out only when a page or a check needs it (most API calls never do); a new
    cookie is sent only when a token was handed out."""

    __slots__ = ("_scope", "_secret", "_seed", "_value", "fresh", "issued")

    def __init__(self, scope: Scope, secret: str) -> None:
        self._scope = scope
        self._secret = secret
        self._seed: str | None = None
        self._value: str | None = None
        self.fresh = False
        self.issued = False

    @property
    def seed(self) -> str:
        if self._seed is None:
            header = Headers(scope=self._scope).get("cookie", "")
            seed = cookie_parser(header).get(CSRF_COOKIE, "") if header else ""
            self.fresh = not seed or len(seed) > 64
            self._seed = secrets.token_urlsafe(24) if self.fresh else seed
        return self._seed

    @property
    def value(self) -> str:
        if self._value is None:
            self._value = csrf_token_for(self.seed, self._secret)
        self.issued = True
        return self._value


class CsrfGuard:
    """Signed double-submit CSRF protection for anything a browser sends with ambient
    credentials: unsafe requests that carry the session cookie, and every form-encoded
    request, must present `csrf_token` (form field) or `X-CSRF-Token` (header) matching the
    HMAC of the `d1_csrf` cookie. Bearer-token API calls carry no ambient credentials.

    RequestContextMiddleware asks it to admit each HTTP request; the token lives in
    `request.state.csrf`, and its cookie is sent when a page handed a new one out."""

    def __init__(self, *, secret: str, secure_cookie: str = "auto", trust_proxy: bool = False):
        self.secret = secret
        self.secure_cookie = secure_cookie
        self.trust_proxy = trust_proxy

    async def admit(self, scope: Scope, receive: Receive) -> tuple[Receive, bool]:
        """Puts the request's token in its state; False if the request must be refused.
        The returned `receive` replays a body that had to be read for the check."""
        token = CsrfToken(scope, self.secret)
        _state(scope)["csrf"] = token
        if scope["method"] in _SAFE_METHODS:
            return receive, True
        headers = Headers(scope=scope)
        if not self._needs_check(headers):
            return receive, True
        return await self._check(scope, receive, headers, token)

    def cookie_header(self, token: CsrfToken, *, https: bool) -> tuple[bytes, bytes]:
        """The `Set-Cookie` header that gives the browser a freshly issued seed."""
        cookie = f"{CSRF_COOKIE}={token.seed}; Path=/; HttpOnly; SameSite=Lax"
        if self.secure_cookie == "always" or (self.secure_cookie == "auto" and https):
            cookie += "; Secure"
        return (b"set-cookie", cookie.encode())

    @staticmethod
    def _needs_check(headers: Headers) -> bool:
        if "authorization" in headers:
            return False
        if SESSION_COOKIE in cookie_parser(headers.get("cookie", "")):
            return True
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        # Without the session cookie only a form post can hurt (log-in CSRF), and a
        # cross-site form always sends one of these content types.
        return content_type in _FORM_TYPES

    async def _check(
        self, scope: Scope, receive: Receive, headers: Headers, token: CsrfToken
    ) -> tuple[Receive, bool]:
        expected = csrf_token_for(token.seed, self.secret)
        if token.fresh:  # no cookie came with the request: nothing can match
            return receive, False
        origin = headers.get("origin")
        if origin is not None and not self._same_origin(scope, headers, origin):
            return receive, False
        supplied = headers.get(CSRF_HEADER)
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if supplied is None and content_type == "application/x-www-form-urlencoded":
            body, receive = await _buffer_body(receive)
            values = parse_qs(body.decode("latin-1"), max_num_fields=200).get(CSRF_FIELD)
            supplied = values[0] if values else None
        if supplied is None and content_type == "multipart/form-data":
            # Multipart bodies are not parsed here: the token travels in the query string.
            supplied = parse_qs(scope.get("query_string", b"").decode()).get(CSRF_FIELD, [None])[0]
        return receive, supplied is not None and hmac.compare_digest(supplied, expected)

    def _same_origin(self, scope: Scope, headers: Headers, origin: str) -> bool:
        scheme = "https" if request_is_https(scope, self.trust_proxy) else "http"
        host = headers.get("x-forwarded-host") if self.trust_proxy else None
        return origin == f"{scheme}://{host or headers.get('host', '')}"


async def _buffer_body(receive: Receive) -> tuple[bytes, Receive]:
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
