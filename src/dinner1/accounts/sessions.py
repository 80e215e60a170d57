"""Logging in: API token pairs with rotating refresh tokens, and browser cookie sessions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import repository
from dinner1.accounts.models import RefreshToken, User, WebSession
from dinner1.accounts.service import normalize_email
from dinner1.accounts.standing import refuse_if_barred
from dinner1.config import Settings
from dinner1.core.errors import InvalidCredentials, InvalidToken, TokenReused
from dinner1.core.ratelimit import LoginThrottle
from dinner1.core.security import (
    encode_access_token,
    hash_opaque_token,
    hash_password,
    new_opaque_token,
    verify_password,
)
from dinner1.db.types import utcnow
from dinner1.tenants.service import TenantContext


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


async def authenticate(
    session: AsyncSession,
    throttle: LoginThrottle,
    tenant: TenantContext,
    *,
    email: str,
    password: str,
    client_ip: str,
) -> User:
    email = normalize_email(email)
    await throttle.before_attempt(tenant.slug, email, client_ip)
    user = await repository.get_user_by_email(session, tenant.id, email)
    ok, needs_rehash = await verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        await throttle.record_failure(tenant.slug, email, client_ip)
        raise InvalidCredentials()
    await throttle.record_success(tenant.slug, email, client_ip)
    refuse_if_barred(user.banned_at, user.suspended_until)
    if needs_rehash:
        user.password_hash = await hash_password(password)
    user.last_login_at = utcnow()
    return user


async def issue_token_pair(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    family_id: uuid.UUID | None = None,
    user_agent: str | None = None,
) -> TokenPair:
    security = settings.security
    access, _ = encode_access_token(
        secret=settings.secret_key_value(),
        user_id=user.id,
        tenant_id=user.tenant_id,
        role=user.role,
        token_version=user.token_version,
        ttl_seconds=security.access_token_ttl_seconds,
    )
    raw = new_opaque_token()
    ttl = timedelta(days=security.refresh_token_ttl_days)
    session.add(
        RefreshToken(
            tenant_id=user.tenant_id,
            user_id=user.id,
            family_id=family_id or uuid.uuid4(),
            token_hash=hash_opaque_token(raw),
            expires_at=utcnow() + ttl,
            user_agent=(user_agent or "")[:200] or None,
        )
    )
    await session.flush()
    return TokenPair(
        access_token=access,
        expires_in=security.access_token_ttl_seconds,
        refresh_token=raw,
        refresh_expires_in=int(ttl.total_seconds()),
    )


async def rotate_refresh_token(
    session: AsyncSession,
    settings: Settings,
    tenant: TenantContext,
    raw: str,
    *,
    user_agent: str | None = None,
) -> TokenPair:
    """Trade a refresh token for a new pair. A token presented twice means it was stolen
    (or replayed): the whole family is revoked and both holders must log in again."""
    token = await repository.get_refresh_token(session, tenant.id, hash_opaque_token(raw))
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        raise InvalidToken()
    # Conditional update: of two concurrent presentations, exactly one wins.
    claimed = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token.id, RefreshToken.rotated_at.is_(None))
        .values(rotated_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await repository.revoke_refresh_family(session, tenant.id, token.family_id, now)
        raise TokenReused()
    user = await repository.get_user(session, tenant.id, token.user_id)
    if user is None or not user.is_active or user.barred_until(now) is not None:
        await repository.revoke_refresh_family(session, tenant.id, token.family_id, now)
        raise InvalidToken()
    return await issue_token_pair(
        session, settings, user, family_id=token.family_id, user_agent=user_agent
    )


async def revoke_refresh_token_family(
    session: AsyncSession, tenant: TenantContext, user_id: uuid.UUID, raw: str
) -> None:
    token = await repository.get_refresh_token(session, tenant.id, hash_opaque_token(raw))
    if token is not None and token.user_id == user_id:
        await repository.revoke_refresh_family(session, tenant.id, token.family_id, utcnow())


async def start_web_session(
    session: AsyncSession, settings: Settings, user: User, *, user_agent: str | None
) -> tuple[str, datetime]:
    raw = new_opaque_token()
    expires = utcnow() + timedelta(hours=settings.security.web_session_ttl_hours)
    session.add(
        WebSession(
            tenant_id=user.tenant_id,
            user_id=user.id,
            token_hash=hash_opaque_token(raw),
            expires_at=expires,
            user_agent=(user_agent or "")[:200] or None,
        )
    )
    await session.flush()
    return raw, expires


async def user_for_web_session(
    session: AsyncSession, tenant: TenantContext, raw: str
) -> tuple[WebSession, User] | None:
    found = await repository.get_web_session_with_user(session, tenant.id, hash_opaque_token(raw))
    if found is None:
        return None
    web_session, user = found
    now = utcnow()
    if web_session.expires_at <= now or not user.is_active or user.barred_until(now):
        return None
    return web_session, user


async def end_web_session(session: AsyncSession, web_session_id: uuid.UUID) -> None:
    web_session = await session.get(WebSession, web_session_id)
    if web_session is not None:
        await session.delete(web_session)


async def log_out_everywhere(session: AsyncSession, user: User) -> None:
    user.token_version += 1
    await repository.revoke_all_refresh_tokens(session, user.tenant_id, user.id, utcnow())
    await repository.delete_web_sessions(session, user.tenant_id, user.id)
