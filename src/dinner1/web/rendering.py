"""Render page templates with what every page needs (user, tenant, language, CSRF)."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from jinja2 import Environment
from starlette.responses import HTMLResponse

from dinner1.core.logging import request_id_var
from dinner1.core.templating import make_environment
from dinner1.locale import service as i18n
from dinner1.web import STATIC_DIR, TEMPLATE_DIR


@cache
def environment() -> Environment:
    env = make_environment(TEMPLATE_DIR)
    env.globals["static"] = static_url
    return env


@cache
def _static_version(path: str) -> str:
    target = STATIC_DIR / path
    return str(int(target.stat().st_mtime)) if target.exists() else "0"


def static_url(path: str) -> str:
    """Versioned so browsers may cache static files yet see every change."""
    return f"/static/{path}?v={_static_version(path)}"


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    locale = i18n.current_locale.get()
    base: dict[str, Any] = {
        "request": request,
        "tenant": request.state.tenant,
        "user": getattr(request.state, "principal", None),
        "csrf_token": request.state.csrf.value,
        "locale": locale,
        "direction": i18n.text_direction(locale),
        "languages": i18n.SUPPORTED_LOCALES,
        "request_id": request_id_var.get(),
        "notice": None,
        "errors": {},
        "values": {},
        "form_error": None,
    }
    base.update(context)
    html = environment().get_template(template).render(base)
    response = HTMLResponse(html, status_code=status_code)
    if getattr(request.state, "clear_session_cookie", False):
        response.delete_cookie("d1_session", path="/")
    return response
