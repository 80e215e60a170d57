"""The staff access log: every time staff look at a member's personal data.

Members see what was looked at and when, and whether by a moderator or an administrator,
never which person; administrators see everything and can filter it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import repository as accounts_repo
from dinner1.accounts.auth import Principal
from dinner1.accounts.models import Role, User
from dinner1.accounts.service import normalize_email
from dinner1.core.text import N_
from dinner1.locale.service import gettext as _
from dinner1.privacy.models import StaffAccess

# What staff looked at, as the member reads it. Unknown keys read as "your personal data".
WHAT_DESCRIPTIONS = {
    "outbox.read": N_("Emails we sent you (the admin outbox)"),
    "report.view": N_("A report that involves you"),
    "member.view": N_("Your account and profile"),
    "selfie.view": N_("Your verification selfie"),
    "risk.view": N_("Your account's safety signals"),
    "sms.read": N_("Text messages we sent you"),
}
STAFF_WORDS = {
    Role.MODERATOR.value: N_("a moderator"),
    Role.ADMIN.value: N_("an administrator"),
}


def _line(
    staff: Principal, subject_user_id: uuid.UUID | None, what: str, reason: str | None
) -> StaffAccess:
    return StaffAccess(
        tenant_id=staff.tenant_id,
        staff_id=staff.user_id,
        subject_user_id=subject_user_id,
        what=what,
        reason=reason,
    )


async def record_access(
    session: AsyncSession,
    staff: Principal,
    subject_user_id: uuid.UUID | None,
    what: str,
    reason: str | None = None,
) -> None:
    """Write one line of the log in the same transaction as the read it accompanies."""
    session.add(_line(staff, subject_user_id, what, reason))
    await session.flush()


async def record_access_many(
    session: AsyncSession,
    staff: Principal,
    subject_user_ids: Iterable[uuid.UUID | None],
    what: str,
    reason: str | None = None,
) -> None:
    """One line per member whose data one read showed (a list shows several members)."""
    members = dict.fromkeys(i for i in subject_user_ids if i is not None)
    session.add_all([_line(staff, member, what, reason) for member in members])
    await session.flush()


def describe_what(what: str) -> str:
    return _(WHAT_DESCRIPTIONS.get(what, N_("Your personal data")))


def describe_staff(role: str | None) -> str:
    return _(STAFF_WORDS.get(role or "", N_("staff")))


@dataclass(frozen=True)
class AccessLine:
    entry: StaffAccess
    staff_name: str | None
    staff_role: str | None


def _lines(tenant_id: uuid.UUID) -> Select[StaffAccess, str, str]:
    return (
        select(StaffAccess, User.display_name, User.role)
        .outerjoin(User, User.id == StaffAccess.staff_id)
        .where(StaffAccess.tenant_id == tenant_id)
        .order_by(StaffAccess.created_at.desc())
    )


async def entries_about(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, limit: int = 200
) -> list[AccessLine]:
    query = _lines(tenant_id).where(StaffAccess.subject_user_id == user_id)
    rows = (await session.execute(query.limit(limit))).all()
    return [AccessLine(entry, name, role) for entry, name, role in rows]


async def resolve_person(session: AsyncSession, tenant_id: uuid.UUID, value: str) -> uuid.UUID:
    """A member id, or an email address looked up; an unknown one matches no one."""
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        user = await accounts_repo.get_user_by_email(session, tenant_id, normalize_email(value))
        return user.id if user is not None else uuid.UUID(int=0)


async def search(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    staff: str | None = None,
    member: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> list[AccessLine]:
    """The administrators' view: filter by staff member, by member, by date."""
    query = _lines(tenant_id)
    if staff:
        query = query.where(StaffAccess.staff_id == await resolve_person(session, tenant_id, staff))
    if member:
        subject = await resolve_person(session, tenant_id, member)
        query = query.where(StaffAccess.subject_user_id == subject)
    if since is not None:
        query = query.where(StaffAccess.created_at >= since)
    if until is not None:
        query = query.where(StaffAccess.created_at < until)
    rows = (await session.execute(query.limit(limit))).all()
    return [AccessLine(entry, name, role) for entry, name, role in rows]
