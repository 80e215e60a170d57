"""Render every error once: RFC 9457 problem JSON for the API, an HTML page for browsers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from dinner1.core.errors import (
    AppError,
    BadRequest,
    InternalError,
    MalformedBody,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)

HtmlErrorRenderer = Callable[[Request, AppError], Awaitable[Response]]
PROBLEM_MEDIA_TYPE = "application/problem+json"


def wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def json_problem(request: Request, error: AppError) -> Response:
    return Response(
        orjson.dumps(error.to_problem(instance=request.url.path)),
        status_code=error.status,
        headers=error.headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


async def render_problem(request: Request, error: AppError) -> Response:
    renderer: HtmlErrorRenderer | None = getattr(request.app.state, "html_error_renderer", None)
    if renderer is not None and wants_html(request):
        return await renderer(request, error)
    return json_problem(request, error)


def clean_validation_errors(errors: list[Any]) -> list[dict[str, Any]]:
    # Never echo the submitted values back: they may be passwords.
    return [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in errors
    ]


def validation_error(exc: RequestValidationError) -> AppError:
    errors = list(exc.errors())
    if any(err.get("type") == "json_invalid" for err in errors):
        return MalformedBody("The body is not valid JSON.")
    if any(err.get("type") == "model_attributes_type" for err in errors):
        return MalformedBody("The body must be a JSON object.")
    cleaned = clean_validation_errors(errors)
    summary = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}"
        for e in cleaned[:5]
    )
    return ValidationFailed(summary, errors=cleaned)


_STATUS_ERRORS: dict[int, type[AppError]] = {
    404: NotFound,
    405: MethodNotAllowed,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
}


def install_error_handlers(app: FastAPI) -> None:
    async def on_app_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AppError)
        return await render_problem(request, exc)

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return await render_problem(request, validation_error(exc))

    async def on_http_exception(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        error_class = _STATUS_ERRORS.get(exc.status_code)
        if error_class is not None:
            return await render_problem(request, error_class())
        error = BadRequest(str(exc.detail)) if exc.status_code < 500 else InternalError()
        response = await render_problem(request, error)
        response.status_code = exc.status_code
        return response

    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_exception)
