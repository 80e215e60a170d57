"""Reading HTML forms and turning validation errors into messages next to each field."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from pydantic import ValidationError

from dinner1.core.errors import AppError
from dinner1.locale.service import gettext as _

FIELD_MESSAGES = {
    "missing": "This field is required.",
    "string_too_short": "This field is required.",
    "value_error": "Check this value.",
    "date_from_datetime_parsing": "Enter a date.",
    "date_parsing": "Enter a date.",
    "date_type": "Enter a date.",
}


async def read_form(request: Request, *fields: str) -> dict[str, str]:
    form = await request.form()
    values: dict[str, str] = {}
    for name in fields:
        value = form.get(name)
        values[name] = (
            value.strip()
            if isinstance(value, str) and "password" not in name
            else (value if isinstance(value, str) else "")
        )
    return values


def field_errors_from_validation(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ()) if part != "body"]
        name = loc[0] if loc else "form"
        if name == "email":
            errors[name] = _("Enter a valid email address.")
        else:
            errors.setdefault(name, _(FIELD_MESSAGES.get(err.get("type", ""), "Check this value.")))
    return errors


def field_errors_from_app_error(error: AppError) -> tuple[dict[str, str], str | None]:
    """Field errors carried by a service error, plus a form-level message when none fit."""
    errors: dict[str, str] = {}
    for err in error.extra.get("errors", []) or []:
        loc: list[Any] = [part for part in err.get("loc", []) if part != "body"]
        if loc:
            errors.setdefault(str(loc[0]), str(err.get("msg", "")))
    if errors and error.detail:
        # Service messages are already translated sentences; prefer them per field.
        first = next(iter(errors))
        errors[first] = error.detail
    return errors, None if errors else (error.detail or _(error.title))


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths: never redirect a member to another site after login."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target
