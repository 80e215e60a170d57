"""Sign-up, email verification, password reset and change, and the member's own account."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import emails, repository
from dinner1.accounts.models import AccountToken, Role, TokenPurpose, User
from dinner1.accounts.passwords import check_new_password
from dinner1.accounts.schemas import MePatch, RegisterIn
from dinner1.config import Settings
from dinner1.core.errors import InvalidToken, Unauthorized, ValidationFailed
from dinner1.core.security import (
    hash_opaque_token,
    hash_password,
    new_opaque_token,
    verify_password,
)
from dinner1.db.types import utcnow
from dinner1.locale.service import gettext as _
from dinner1.tenants.service import TenantContext

MINIMUM_AGE = 18
MAXIMUM_AGE = 120


def normalize_email(email: str) -> str:
    return email.strip().lower()


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def check_adult(birth: date, today: date | None = None) -> None:
    today = today or datetime.now(UTC).date()
    age = age_on(birth, today)
    if birth > today or age > MAXIMUM_AGE:
        raise ValidationFailed(
            _("Enter a real date of birth."),
            errors=[{"loc": ["body", "date_of_birth"], "msg": "implausible", "type": "value"}],
        )
    if age < MINIMUM_AGE:
        raise ValidationFailed(
            _("You must be at least 18 years old to join."),
            errors=[{"loc": ["body", "date_of_birth"], "msg": "under 18", "type": "age"}],
        )


async def register(
    session: AsyncSession,
    settings: Settings,
    tenant: TenantContext,
    data: RegisterIn,
    base_url: str,
) -> User | None:
    """Create an unverified member and email a link. Returns None when the email was taken:
    the owner of that address is told instead, so sign-up never reveals who is a member."""
    email = normalize_email(data.email)
    check_adult(data.date_of_birth)
    check_new_password(data.password, settings.security, email=email)
    existing = await repository.get_user_by_email(session, tenant.id, email)
    if existing is not None:
        await emails.send_account_exists(session, settings, tenant, existing, f"{base_url}/login")
        return None
    user = User(
        tenant_id=tenant.id,
        email=email,
        password_hash=await hash_password(data.password),
        display_name=data.display_name,
        date_of_birth=data.date_of_birth,
        role=Role.MEMBER.value,
        locale=data.locale,
    )
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:
        return None  # a concurrent sign-up with the same address won the race
    await send_verification_link(session, settings, tenant, user, base_url)
    return user


async def _new_account_token(
    session: AsyncSession, user: User, purpose: TokenPurpose, ttl: timedelta
) -> str:
    now = utcnow()
    await repository.expire_unused_tokens(session, user.tenant_id, user.id, purpose.value, now)
    raw = new_opaque_token()
    session.add(
        AccountToken(
            tenant_id=user.tenant_id,
            user_id=user.id,
            purpose=purpose.value,
            token_hash=hash_opaque_token(raw),
            expires_at=now + ttl,
        )
    )
    await session.flush()
    return raw


async def send_verification_link(
    session: AsyncSession, settings: Settings, tenant: TenantContext, user: User, base_url: str
) -> None:
    ttl = timedelta(hours=settings.security.email_token_ttl_hours)
    raw = await _new_account_token(session, user, TokenPurpose.VERIFY_EMAIL, ttl)
    await emails.send_verification(
        session, settings, tenant, user, f"{base_url}/verify-email?token={raw}"
    )


async def resend_verification(
    session: AsyncSession, settings: Settings, tenant: TenantContext, email: str, base_url: str
) -> None:
    user = await repository.get_user_by_email(session, tenant.id, normalize_email(email))
    if user is not None and user.is_active and not user.is_verified:
        await send_verification_link(session, settings, tenant, user, base_url)


async def _use_account_token(
    session: AsyncSession, tenant: TenantContext, purpose: TokenPurpose, raw: str
) -> tuple[AccountToken, User]:
    token = await repository.get_account_token(
        session, tenant.id, purpose.value, hash_opaque_token(raw)
    )
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        raise InvalidToken(_("This link is invalid or has expired. Ask for a new one."))
    user = await repository.get_user(session, tenant.id, token.user_id)
    if user is None or not user.is_active:
        raise InvalidToken(_("This link is invalid or has expired. Ask for a new one."))
    token.used_at = utcnow()
    return token, user


async def verify_email(session: AsyncSession, tenant: TenantContext, raw: str) -> User:
    _token, user = await _use_account_token(session, tenant, TokenPurpose.VERIFY_EMAIL, raw)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


async def request_password_reset(
    session: AsyncSession, settings: Settings, tenant: TenantContext, email: str, base_url: str
) -> None:
    """Always succeeds from the caller's view, so it cannot be used to find accounts."""
    user = await repository.get_user_by_email(session, tenant.id, normalize_email(email))
    if user is None or not user.is_active:
        return
    ttl = timedelta(minutes=settings.security.password_reset_ttl_minutes)
    raw = await _new_account_token(session, user, TokenPurpose.RESET_PASSWORD, ttl)
    await emails.send_password_reset(
        session, settings, tenant, user, f"{base_url}/reset-password?token={raw}"
    )


async def _set_password(session: AsyncSession, user: User, password: str) -> None:
    user.password_hash = await hash_password(password)
    user.token_version += 1
    await repository.revoke_all_refresh_tokens(session, user.tenant_id, user.id, utcnow())


async def reset_password(
    session: AsyncSession, settings: Settings, tenant: TenantContext, raw: str, new_password: str
) -> User:
    token = await repository.get_account_token(
        session, tenant.id, TokenPurpose.RESET_PASSWORD.value, hash_opaque_token(raw)
    )
    if token is not None and token.used_at is None:
        user = await repository.get_user(session, tenant.id, token.user_id)
        if user is not None:
            # Check the password before spending the single-use link on a refused one.
            check_new_password(new_password, settings.security, email=user.email)
    _token, user = await _use_account_token(session, tenant, TokenPurpose.RESET_PASSWORD, raw)
    await _set_password(session, user, new_password)
    await repository.delete_web_sessions(session, tenant.id, user.id)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link proved they read this inbox
    return user


async def change_password(
    session: AsyncSession,
    settings: Settings,
    user: User,
    current: str,
    new: str,
    *,
    keep_web_session: uuid.UUID | None = None,
) -> None:
    ok, _rehash = await verify_password(user.password_hash, current)
    if not ok:
        raise ValidationFailed(
            _("Your current password is not right."),
            errors=[{"loc": ["body", "current_password"], "msg": "wrong", "type": "mismatch"}],
        )
    check_new_password(new, settings.security, email=user.email)
    await _set_password(session, user, new)
    await repository.delete_web_sessions(session, user.tenant_id, user.id, keep=keep_web_session)


async def load_user(session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID) -> User:
    """The member's row in this session, for changes (the principal is a read-only copy)."""
    user = await repository.get_user(session, tenant_id, user_id)
    if user is None or not user.is_active:
        raise Unauthorized()
    return user


async def first_names(
    session: AsyncSession, tenant_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """First names only: what other people (venue staff, reviewers' readers) may see."""
    names = await repository.display_names(session, tenant_id, ids)
    return {user_id: first_name(name) for user_id, name in names.items()}


def first_name(display_name: str) -> str:
    return (display_name.split() or ["?"])[0]


async def set_locale(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, locale: str
) -> None:
    user = await load_user(session, tenant_id, user_id)
    user.locale = locale


def update_me(user: User, patch: MePatch) -> User:
    if patch.display_name is not None:
        name = " ".join(patch.display_name.split())
        if not name:
            raise ValidationFailed(_("Display name cannot be blank."))
        user.display_name = name
    if "locale" in patch.model_fields_set:
        user.locale = patch.locale
    return user
