"""One error family. Services raise `AppError`s; they are rendered once, as RFC 9457 problems."""

from __future__ import annotations

from typing import Any, ClassVar

from dinner1.core.text import N_
from dinner1.locale.service import gettext

PROBLEM_BASE = "https://dinner1.app/problems/"


class AppError(Exception):
    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = N_("Bad request")
    # Side effects of a failed request that must survive the rollback (e.g. revoking a
    # token family after reuse) are committed when this is set.
    commit_session: ClassVar[bool] = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    @property
    def type_uri(self) -> str:
        return PROBLEM_BASE + self.slug

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        title = gettext(self.title)
        body: dict[str, Any] = {
            "type": self.type_uri,
            "title": title,
            "status": self.status,
            "detail": self.detail or title,
        }
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


class BadRequest(AppError):
    pass


class MalformedBody(AppError):
    slug = "malformed-body"
    title = N_("The request body could not be parsed")


class ValidationFailed(AppError):
    status = 422
    slug = "validation-error"
    title = N_("The request is not valid")


class Unauthorized(AppError):
    status = 401
    slug = "unauthorized"
    title = N_("Authentication required")


class InvalidCredentials(AppError):
    status = 401
    slug = "invalid-credentials"
    title = N_("Email or password is wrong")


class InvalidToken(AppError):
    status = 401
    slug = "invalid-token"
    title = N_("The token is invalid or has expired")


class TokenReused(AppError):
    status = 401
    slug = "refresh-token-reused"
    title = N_("This refresh token was already used; every session of this login was revoked")
    commit_session = True


class Forbidden(AppError):
    status = 403
    slug = "forbidden"
    title = N_("You are not allowed to do this")


class CsrfFailed(AppError):
    status = 403
    slug = "csrf-failed"
    title = N_("The form has expired or did not come from this site; reload and try again")


class NotFound(AppError):
    status = 404
    slug = "not-found"
    title = N_("Not found")


class AccountSuspended(AppError):
    status = 403
    slug = "account-suspended"
    title = N_("Your account is suspended")


class AccountBanned(AppError):
    status = 403
    slug = "account-banned"
    title = N_("This account was closed by our moderators")


class MethodNotAllowed(AppError):
    status = 405
    slug = "method-not-allowed"
    title = N_("Method not allowed")


class Conflict(AppError):
    status = 409
    slug = "conflict"
    title = N_("The request conflicts with the current state")


class PayloadTooLarge(AppError):
    status = 413
    slug = "payload-too-large"
    title = N_("The request body is too large")


class UnsupportedMediaType(AppError):
    status = 415
    slug = "unsupported-media-type"
    title = N_("Unsupported content type")


class RateLimited(AppError):
    status = 429
    slug = "rate-limited"
    title = N_("Too many attempts; wait before trying again")

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        retry_after = max(1, int(retry_after))
        super().__init__(detail, headers={"Retry-After": str(retry_after)}, retry_after=retry_after)


class ServiceUnavailable(AppError):
    status = 503
    slug = "service-unavailable"
    title = N_("A dependency is unavailable")


class InternalError(AppError):
    status = 500
    slug = "internal-error"
    title = N_("Something went wrong on our side")
