"""SQL for accounts. Every query is scoped to one tenant."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.models import AccountToken, RefreshToken, User, WebSession
from dinner1.db.fastread import RawQuery

_PRINCIPAL_COLUMNS = (
    "u.id, u.tenant_id, u.email, u.display_name, u.date_of_birth, u.role, u.locale, "
    "u.email_verified_at, u.is_active, u.token_version, u.created_at, u.last_active_at, "
    "u.suspended_until, u.banned_at"
)
_UUIDS = frozenset({"id", "tenant_id"})
_DATETIMES = frozenset(
    {"email_verified_at", "created_at", "last_active_at", "suspended_until", "banned_at"}
)
_DATES = frozenset({"date_of_birth"})
_BOOLS = frozenset({"is_active"})
# Constant SQL text; every value is a bound parameter.
# Authentication's reads: one indexed row each, on the driver (see db/fastread.py).
PRINCIPAL_BY_ID = RawQuery(
    postgres=f"SELECT {_PRINCIPAL_COLUMNS} FROM users u WHERE u.tenant_id = $1 AND u.id = $2",  # noqa: S608
    sqlite=f"SELECT {_PRINCIPAL_COLUMNS} FROM users u WHERE u.tenant_id = ? AND u.id = ?",  # noqa: S608
    uuid_columns=_UUIDS,
    datetime_columns=_DATETIMES,
    date_columns=_DATES,
    bool_columns=_BOOLS,
)
PRINCIPAL_BY_WEB_SESSION = RawQuery(
    postgres=(
        f"SELECT {_PRINCIPAL_COLUMNS}, s.id AS web_session_id, s.expires_at "  # noqa: S608
        "FROM web_sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.tenant_id = $1 AND s.token_hash = $2"
    ),
    sqlite=(
        f"SELECT {_PRINCIPAL_COLUMNS}, s.id AS web_session_id, s.expires_at "  # noqa: S608
        "FROM web_sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.tenant_id = ? AND s.token_hash = ?"
    ),
    uuid_columns=_UUIDS | {"web_session_id"},
    datetime_columns=_DATETIMES | {"expires_at"},
    date_columns=_DATES,
    bool_columns=_BOOLS,
)


async def get_user(session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
    result = await session.execute(
        select(User).where(User.tenant_id == tenant_id, User.id == user_id)
    )
    return result.scalar_one_or_none()


async def display_names(
    session: AsyncSession, tenant_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(User.id, User.display_name).where(User.tenant_id == tenant_id, User.id.in_(set(ids)))
    )
    return {row.id: row.display_name for row in rows}


async def get_user_by_email(session: AsyncSession, tenant_id: uuid.UUID, email: str) -> User | None:
    result = await session.execute(
        select(User).where(User.tenant_id == tenant_id, User.email == email)
    )
    return result.scalar_one_or_none()


async def get_refresh_token(
    session: AsyncSession, tenant_id: uuid.UUID, token_hash: str, *, for_update: bool = False
) -> RefreshToken | None:
    query = select(RefreshToken).where(
        RefreshToken.tenant_id == tenant_id, RefreshToken.token_hash == token_hash
    )
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def revoke_refresh_family(
    session: AsyncSession, tenant_id: uuid.UUID, family_id: uuid.UUID, at: datetime
) -> None:
    await session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.tenant_id == tenant_id,
            RefreshToken.family_id == family_id,
            RefreshToken.revoked_at.is_(None),
        )
        .values(revoked_at=at)
    )


async def revoke_all_refresh_tokens(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, at: datetime
) -> None:
    await session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.tenant_id == tenant_id,
            RefreshToken.user_id == user_id,
            RefreshToken.revoked_at.is_(None),
        )
        .values(revoked_at=at)
    )


async def get_web_session_with_user(
    session: AsyncSession, tenant_id: uuid.UUID, token_hash: str
) -> tuple[WebSession, User] | None:
    result = await session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.tenant_id == tenant_id, WebSession.token_hash == token_hash)
    )
    row = result.first()
    return (row[0], row[1]) if row else None


async def delete_web_sessions(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    keep: uuid.UUID | None = None,
) -> None:
    query = select(WebSession).where(
        WebSession.tenant_id == tenant_id, WebSession.user_id == user_id
    )
    for web_session in (await session.execute(query)).scalars():
        if web_session.id != keep:
            await session.delete(web_session)


async def get_account_token(
    session: AsyncSession, tenant_id: uuid.UUID, purpose: str, token_hash: str
) -> AccountToken | None:
    result = await session.execute(
        select(AccountToken).where(
            AccountToken.tenant_id == tenant_id,
            AccountToken.purpose == purpose,
            AccountToken.token_hash == token_hash,
        )
    )
    return result.scalar_one_or_none()


async def expire_unused_tokens(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, purpose: str, at: datetime
) -> None:
    """A newly issued reset link makes the older ones useless."""
    await session.execute(
        update(AccountToken)
        .where(
            AccountToken.tenant_id == tenant_id,
            AccountToken.user_id == user_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=at)
    )
