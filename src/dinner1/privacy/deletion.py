"""Account deletion: hidden at once, restorable during the grace period, erased after.

Asking to delete (with the password) deactivates the account in the same transaction:
logged out everywhere, hidden from matching, upcoming bookings cancelled, venue roles
removed, and every domain told through its `@on_member_leaving` hook (connections will
tell the member's connections that they left). An email carries a link that cancels the
deletion until `deletion_grace_days` have passed; then `privacy.erase_due` erases.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import repository as accounts_repo
from dinner1.accounts.auth import Principal
from dinner1.accounts.models import User
from dinner1.config import Settings
from dinner1.core.errors import InvalidToken, ValidationFailed
from dinner1.core.ratelimit import RateLimiter
from dinner1.core.security import verify_password
from dinner1.db.session import enqueue_job
from dinner1.locale.service import gettext as _
from dinner1.privacy import emails
from dinner1.profiles import repository as profiles_repo
from dinner1.profiles.service import EMBED_JOB
from dinner1.tenants.service import TenantContext

if TYPE_CHECKING:
    from dinner1.runtime import Runtime

LEAVING_HOOK_MODULES = ("dinner1.privacy.leaving",)
# Password guesses through the deletion form, per member.
DELETION_ATTEMPTS_PER_HOUR = 10


@dataclass(frozen=True)
class LeavingContext:
    session: AsyncSession
    runtime: Runtime
    tenant: TenantContext
    user: User
    now: datetime


LeavingHook = Callable[[LeavingContext], Awaitable[None]]
_HOOKS: dict[str, LeavingHook] = {}


def on_member_leaving(name: str) -> Callable[[LeavingHook], LeavingHook]:
    """Register what a domain does when a member leaves (deletion or inactivity)."""

    def register(hook: LeavingHook) -> LeavingHook:
        if name in _HOOKS and _HOOKS[name] is not hook:
            raise RuntimeError(f"leaving hook {name!r} registered twice")
        _HOOKS[name] = hook
        return hook

    return register


def leaving_hooks() -> dict[str, LeavingHook]:
    for module in LEAVING_HOOK_MODULES:
        importlib.import_module(module)
    return dict(_HOOKS)


async def check_deletion_rate(limiter: RateLimiter, user_id: uuid.UUID) -> None:
    await limiter.check("privacy-delete", str(user_id), DELETION_ATTEMPTS_PER_HOUR, 3600)


def erase_after(settings: Settings, requested_at: datetime) -> datetime:
    return requested_at + timedelta(days=settings.privacy.deletion_grace_days)


def cancel_token(settings: Settings, user: User) -> str:
    """Valid for this one request only: it signs the moment the deletion was asked."""
    assert user.deletion_requested_at is not None
    message = (
        f"cancel-deletion:{user.tenant_id}:{user.id}:{int(user.deletion_requested_at.timestamp())}"
    )
    key = settings.secret_key_value().encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


async def deactivate(
    runtime: Runtime, session: AsyncSession, tenant: TenantContext, user: User, now: datetime
) -> None:
    """Hide the member everywhere at once and end every login."""
    user.is_active = False
    user.deactivated_at = now
    user.token_version += 1  # every access token dies now
    await accounts_repo.delete_web_sessions(session, user.tenant_id, user.id)
    await accounts_repo.revoke_all_refresh_tokens(session, user.tenant_id, user.id, now)
    context = LeavingContext(session, runtime, tenant, user, now)
    for hook in leaving_hooks().values():
        await hook(context)
    await session.flush()


async def request_deletion(
    session: AsyncSession,
    runtime: Runtime,
    tenant: TenantContext,
    principal: Principal,
    *,
    password: str,
    confirm: bool,
    base_url: str,
    now: datetime,
) -> User:
    user = await accounts_repo.get_user(session, principal.tenant_id, principal.user_id)
    assert user is not None  # the principal was read from this row a moment ago
    ok, _rehash = await verify_password(user.password_hash, password)
    if not ok:
        raise ValidationFailed(
            _("Your password is not right."),
            errors=[{"loc": ["body", "password"], "msg": "wrong", "type": "mismatch"}],
        )
    if not confirm:
        raise ValidationFailed(
            _("Confirm that you want to delete your account."),
            errors=[{"loc": ["body", "confirm"], "msg": "required", "type": "missing"}],
        )
    user.deletion_requested_at = now
    await deactivate(runtime, session, tenant, user, now)
    token = cancel_token(runtime.settings, user)
    link = f"{base_url}/privacy/deletion/cancel?member={user.id}&token={token}"
    await emails.send_deletion_requested(
        session, runtime.settings, tenant, user, link, erase_after(runtime.settings, now)
    )
    return user


async def cancel_deletion(
    session: AsyncSession,
    settings: Settings,
    tenant: TenantContext,
    member_id: uuid.UUID,
    token: str,
    *,
    now: datetime,
) -> User:
    """The link from the email restores the account while the grace period lasts."""
    invalid = InvalidToken(_("This link is invalid or has expired."))
    user = await accounts_repo.get_user(session, tenant.id, member_id)
    if user is None or user.deletion_requested_at is None or user.anonymized_at is not None:
        raise invalid
    if not hmac.compare_digest(cancel_token(settings, user), token):
        raise invalid
    if now >= erase_after(settings, user.deletion_requested_at):
        raise invalid
    user.is_active = True
    user.deactivated_at = None
    user.deletion_requested_at = None
    profile = await profiles_repo.get_profile(session, tenant.id, user.id)
    if profile is not None:
        profile.discoverable = profile.onboarding_completed_at is not None and not profile.paused
        # Puts the member back in the matching index (and re-embeds if they consent).
        enqueue_job(session, EMBED_JOB, {"tenant_id": str(tenant.id), "user_id": str(user.id)})
    await session.flush()
    return user
