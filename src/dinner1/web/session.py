"""Page-side authentication: who is looking, cookies, and the notices after a redirect."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from fastapi import Request
from starlette.responses import Response

from dinner1.accounts.auth import (
    SESSION_COOKIE,
    CurrentPrincipal,
    OptionalPrincipal,
    Principal,
    require_role,
)
from dinner1.core.deps import get_runtime
from dinner1.core.middleware import request_is_https
from dinner1.core.text import N_
from dinner1.locale.service import gettext as _

LANG_COOKIE = "d1_lang"

NOTICES = {
    "verification_sent": N_("We sent you a new confirmation link."),
    "password_changed": N_("Your password is changed. Other devices were logged out."),
    "password_reset": N_("Your password is changed. Log in with the new one."),
    "language_saved": N_("Language saved."),
    "logged_out": N_("You are logged out."),
}


def notice_for(request: Request) -> str | None:
    key = request.query_params.get("notice")
    return _(NOTICES[key]) if key in NOTICES else None


# Pages use the same dependencies as the API; an unauthenticated page request is turned
# into a redirect to the login page by the HTML error renderer.
PagePrincipal = OptionalPrincipal
PageUser = CurrentPrincipal


def page_role(*roles: str) -> Callable[[Request], Awaitable[Principal]]:
    return require_role(*roles)


def _secure(request: Request) -> bool:
    settings = get_runtime(request).settings
    mode = settings.security.cookie_secure
    return mode == "always" or (
        mode == "auto" and request_is_https(request.scope, settings.http.trust_proxy_headers)
    )


def set_session_cookie(response: Response, request: Request, raw: str, expires: datetime) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        raw,
        expires=expires,
        path="/",
        httponly=True,
        secure=_secure(request),
        samesite="lax",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def set_language_cookie(response: Response, request: Request, locale: str) -> None:
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        path="/",
        httponly=True,
        secure=_secure(request),
        samesite="lax",
    )
