"""Errors shown to a browser: a readable page, or a trip to the login page."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from dinner1.core.errors import AppError, InvalidToken, Unauthorized
from dinner1.locale.service import gettext as _
from dinner1.web.rendering import render


async def render_html_error(request: Request, error: AppError) -> Response:
    if isinstance(error, Unauthorized | InvalidToken) and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    if not hasattr(request.state, "tenant") or not hasattr(request.state, "csrf"):
        # Failed before the page context existed (e.g. body too large): plain text.
        return Response(
            _(error.title),
            status_code=error.status,
            headers=error.headers,
            media_type="text/plain; charset=utf-8",
        )
    response = render(
        request,
        "error.html",
        status_code=error.status,
        title=_(error.title),
        detail=error.detail,
    )
    response.headers.update(error.headers)
    return response
