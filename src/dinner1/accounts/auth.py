"""The one authentication dependency: a Bearer access token (API clients) or the session
cookie (pages). Roles are checked by dependencies built on it.

Every request that needs a principal reads the member from the database (a deactivated
or logged-out member is refused at once), as one indexed row read on the driver: one
round trip, no transaction (see db/fastread.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Request

from dinner1.accounts import repository
from dinner1.accounts.models import Role, barred_until
from dinner1.accounts.standing import note_activity, refuse_if_barred
from dinner1.core.deps import get_runtime, get_tenant
from dinner1.core.errors import Forbidden, InvalidToken, Unauthorized
from dinner1.core.security import decode_access_token, hash_opaque_token
from dinner1.db.types import utcnow
from dinner1.locale import service as i18n

SESSION_COOKIE = "d1_session"

# A role may act as the roles it grants (an admin can moderate).
ROLE_GRANTS: dict[str, frozenset[str]] = {
    Role.MEMBER: frozenset({Role.MEMBER}),
    Role.VENUE_OWNER: frozenset({Role.VENUE_OWNER}),
    Role.MODERATOR: frozenset({Role.MODERATOR}),
    Role.ADMIN: frozenset({Role.ADMIN, Role.MODERATOR}),
}

_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is making the request: an immutable snapshot of the member's row."""

    user_id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    display_name: str
    date_of_birth: date
    role: str
    locale: str | None
    is_verified: bool
    created_at: datetime
    via: Literal["token", "cookie"]
    web_session_id: uuid.UUID | None = None

    @property
    def id(self) -> uuid.UUID:
        return self.user_id

    def has_role(self, *roles: str) -> bool:
        return bool(ROLE_GRANTS.get(self.role, frozenset()) & set(roles))

    @classmethod
    def of(
        cls,
        row: Mapping[str, Any],
        via: Literal["token", "cookie"],
        web_session_id: uuid.UUID | None = None,
    ) -> Principal:
        return cls(
            user_id=row["id"],
            tenant_id=row["tenant_id"],
            email=row["email"],
            display_name=row["display_name"],
            date_of_birth=row["date_of_birth"],
            role=row["role"],
            locale=row["locale"],
            is_verified=row["email_verified_at"] is not None,
            created_at=row["created_at"],
            via=via,
            web_session_id=web_session_id,
        )


async def get_principal(request: Request) -> Principal | None:
    """The authenticated member, or None for a visitor. Memoized per request."""
    # The request's state dict itself: a missing key costs no exception.
    state = request.scope.setdefault("state", {})
    cached = state.get("principal", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[no-any-return]
    principal = await _authenticate(request)
    state["principal"] = principal
    if principal is not None and principal.locale:
        i18n.current_locale.set(principal.locale)
    return principal


async def _authenticate(request: Request) -> Principal | None:
    runtime = get_runtime(request)
    tenant = get_tenant(request)
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Use `Authorization: Bearer <access token>`")
        claims = decode_access_token(token.strip(), secret=runtime.settings.secret_key_value())
        # A token minted for another tenant is not valid here, whatever its signature.
        if claims.tenant_id != tenant.id:
            raise InvalidToken()
        row = await runtime.db.fast.fetch_one(repository.PRINCIPAL_BY_ID, tenant.id, claims.user_id)
        if row is None or not row["is_active"] or row["token_version"] != claims.token_version:
            raise InvalidToken()
        refuse_if_barred(row["banned_at"], row["suspended_until"])
        await note_activity(runtime, row)
        return Principal.of(row, "token")
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    row = await runtime.db.fast.fetch_one(
        repository.PRINCIPAL_BY_WEB_SESSION, tenant.id, hash_opaque_token(raw)
    )
    now = utcnow()
    if (
        row is None
        or row["expires_at"] <= now
        or not row["is_active"]
        or barred_until(row["banned_at"], row["suspended_until"], now) is not None
    ):
        request.state.clear_session_cookie = True
        return None
    await note_activity(runtime, row)
    return Principal.of(row, "cookie", row["web_session_id"])


async def require_principal(request: Request) -> Principal:
    principal = await get_principal(request)
    if principal is None:
        raise Unauthorized()
    return principal


def require_role(*roles: str) -> Callable[[Request], Awaitable[Principal]]:
    async def check(request: Request) -> Principal:
        principal = await require_principal(request)
        if not principal.has_role(*roles):
            raise Forbidden()
        return principal

    return check


OptionalPrincipal = Annotated[Principal | None, Depends(get_principal)]
CurrentPrincipal = Annotated[Principal, Depends(require_principal)]
AdminPrincipal = Annotated[Principal, Depends(require_role(Role.ADMIN))]
ModeratorPrincipal = Annotated[Principal, Depends(require_role(Role.MODERATOR))]
VenueOwnerPrincipal = Annotated[Principal, Depends(require_role(Role.VENUE_OWNER, Role.ADMIN))]
