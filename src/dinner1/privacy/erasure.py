"""Erasure: a member's personal data removed from every table, for good.

Rows that are only the member's are deleted; rows other people or aggregates need are
kept without what identifies the member (bookings stay in the venue's books, a review's
rating stays in the venue's average, a report keeps its category and status). The users
row becomes a tombstone: a random unusable email, "Deleted member", no password, no phone.
Each domain's part is an `@eraser` in a module listed in `ERASER_MODULES`.

Files (photos, selfies, exports) are deleted before the transaction commits: if the commit
fails the job runs again and the rows go then, but no file outlives its row.
"""

from __future__ import annotations

import importlib
import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.models import Role, User
from dinner1.config import Settings
from dinner1.privacy import export

if TYPE_CHECKING:
    from dinner1.runtime import Runtime

logger = logging.getLogger(__name__)
ERASER_MODULES = ("dinner1.privacy.erasers",)
TOMBSTONE_NAME = "Deleted member"
TOMBSTONE_BIRTH = date(1900, 1, 1)
# Not an argon2 hash, so no password can ever match it.
UNUSABLE_PASSWORD = "!erased"  # noqa: S105


@dataclass
class ErasureContext:
    session: AsyncSession
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    # The address before the tombstone replaces it (mail addressed to it goes too).
    email: str
    now: datetime
    media_keys: list[str] = field(default_factory=list)


Eraser = Callable[[ErasureContext], Awaitable[None]]
_ERASERS: dict[str, Eraser] = {}


def eraser(name: str) -> Callable[[Eraser], Eraser]:
    def register(function: Eraser) -> Eraser:
        if name in _ERASERS and _ERASERS[name] is not function:
            raise RuntimeError(f"eraser {name!r} registered twice")
        _ERASERS[name] = function
        return function

    return register


def registered_erasers() -> dict[str, Eraser]:
    for module in ERASER_MODULES:
        importlib.import_module(module)
    return dict(_ERASERS)


def tombstone(user: User, now: datetime) -> None:
    user.email = f"erased-{secrets.token_hex(12)}@deleted.invalid"
    user.password_hash = UNUSABLE_PASSWORD
    user.display_name = TOMBSTONE_NAME
    user.date_of_birth = TOMBSTONE_BIRTH
    user.role = Role.MEMBER.value
    user.locale = None
    user.home_city = None
    user.phone = None
    user.phone_hash = None
    user.phone_verified_at = None
    user.identity_verified_at = None
    user.email_verified_at = None
    user.last_login_at = None
    user.last_active_at = None
    user.is_active = False
    user.deactivated_at = user.deactivated_at or now
    user.token_version += 1
    user.anonymized_at = now


async def erase_member(
    runtime: Runtime, tenant_id: uuid.UUID, user_id: uuid.UUID, now: datetime
) -> bool:
    """Erase one member in one transaction; False when there was nothing left to erase."""
    async with runtime.db.unit_of_work() as session:
        user = await session.scalar(
            select(User).where(User.tenant_id == tenant_id, User.id == user_id).with_for_update()
        )
        if user is None or user.anonymized_at is not None:
            return False
        context = ErasureContext(session, tenant_id, user_id, user.email, now)
        for function in registered_erasers().values():
            await function(context)
        tombstone(user, now)
        await session.flush()
        for key in context.media_keys:
            await runtime.media.delete(key)
        await export.delete_all_for(runtime.settings, tenant_id, user_id)
    logger.info("member erased", extra={"tenant": str(tenant_id), "member": str(user_id)})
    return True


async def due_for_erasure(
    session: AsyncSession, settings: Settings, now: datetime, limit: int = 500
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(tenant, member) of deletions whose grace period is over."""
    cutoff = now - timedelta(days=settings.privacy.deletion_grace_days)
    query = (
        select(User.tenant_id, User.id)
        .where(
            User.deletion_requested_at.is_not(None),
            User.deletion_requested_at <= cutoff,
            User.anonymized_at.is_(None),
        )
        .limit(limit)
    )
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


def last_seen(user: User) -> datetime:
    """The latest of the daily activity mark, the last login and the sign-up."""
    return max(t for t in (user.last_active_at, user.last_login_at, user.created_at) if t)


async def inactive_members(
    session: AsyncSession, *, seen_before: datetime, limit: int = 500
) -> list[User]:
    """Members (never staff) last seen (`last_seen`) before `seen_before`."""
    # The latest of three timestamps, some unset, written so SQLite and PostgreSQL agree
    # (a login alone does not move the activity mark, so neither may hide the other).
    query = select(User).where(
        User.role == Role.MEMBER.value,
        User.anonymized_at.is_(None),
        User.deletion_requested_at.is_(None),
        User.created_at < seen_before,
        func.coalesce(User.last_active_at, User.created_at) < seen_before,
        func.coalesce(User.last_login_at, User.created_at) < seen_before,
    )
    return list((await session.execute(query.limit(limit))).scalars())
