"""SQL for trust & safety: cases, the audit of actions, risk, selfies, phone codes, and the
trust fields of members (verification and standing). Every query is scoped to one tenant."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.models import PhoneVerification, Role, User
from dinner1.safety.models import ModerationAction, Report, RiskAssessment, SelfieCheck

OPEN_STATUSES = ("open", "in_review")


async def get_report(
    session: AsyncSession, tenant_id: uuid.UUID, report_id: uuid.UUID, *, for_update: bool = False
) -> Report | None:
    query = select(Report).where(Report.tenant_id == tenant_id, Report.id == report_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def open_case_about(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    subject_type: str,
    subject_id: uuid.UUID,
    reporter_id: uuid.UUID | None,
    category: str | None = None,
) -> Report | None:
    """A case still open on the same subject by the same reporter (or the system)."""
    query = select(Report).where(
        Report.tenant_id == tenant_id,
        Report.subject_type == subject_type,
        Report.subject_id == subject_id,
        Report.status.in_(OPEN_STATUSES),
        Report.reporter_id.is_(None) if reporter_id is None else Report.reporter_id == reporter_id,
    )
    if category is not None:
        query = query.where(Report.category == category)
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def reports_by(
    session: AsyncSession, tenant_id: uuid.UUID, reporter_id: uuid.UUID, limit: int
) -> list[Report]:
    query = (
        select(Report)
        .where(Report.tenant_id == tenant_id, Report.reporter_id == reporter_id)
        .order_by(Report.created_at.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def queue(session: AsyncSession, tenant_id: uuid.UUID, limit: int) -> list[Report]:
    """Open cases, most severe first, then oldest first."""
    query = (
        select(Report)
        .where(Report.tenant_id == tenant_id, Report.status.in_(OPEN_STATUSES))
        .order_by(Report.severity.desc(), Report.created_at)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def decided(
    session: AsyncSession, tenant_id: uuid.UUID, status: str, limit: int
) -> list[Report]:
    """Closed cases with one outcome ("actioned" or "dismissed"), latest decision first."""
    query = (
        select(Report)
        .where(Report.tenant_id == tenant_id, Report.status == status)
        .order_by(Report.updated_at.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def reports_about(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, limit: int = 50
) -> list[Report]:
    query = (
        select(Report)
        .where(Report.tenant_id == tenant_id, Report.subject_user_id == user_id)
        .order_by(Report.created_at.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def actions_about(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, limit: int = 50
) -> list[ModerationAction]:
    query = (
        select(ModerationAction)
        .where(ModerationAction.tenant_id == tenant_id, ModerationAction.target_user_id == user_id)
        .order_by(ModerationAction.created_at.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def actions_on_case(
    session: AsyncSession, tenant_id: uuid.UUID, report_id: uuid.UUID
) -> list[ModerationAction]:
    query = (
        select(ModerationAction)
        .where(ModerationAction.tenant_id == tenant_id, ModerationAction.report_id == report_id)
        .order_by(ModerationAction.created_at)
    )
    return list((await session.execute(query)).scalars())


async def moderators(session: AsyncSession, tenant_id: uuid.UUID) -> list[User]:
    """Everyone who may act on cases: moderators and admins in good standing."""
    query = select(User).where(
        User.tenant_id == tenant_id,
        User.role.in_((Role.MODERATOR.value, Role.ADMIN.value)),
        User.is_active.is_(True),
        User.banned_at.is_(None),
    )
    return list((await session.execute(query)).scalars())


async def users_by_id(
    session: AsyncSession, tenant_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, User]:
    if not ids:
        return {}
    query = select(User).where(User.tenant_id == tenant_id, User.id.in_(set(ids)))
    return {user.id: user for user in (await session.execute(query)).scalars()}


async def get_risk(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> RiskAssessment | None:
    query = select(RiskAssessment).where(
        RiskAssessment.tenant_id == tenant_id, RiskAssessment.user_id == user_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def risky_members(
    session: AsyncSession, tenant_id: uuid.UUID, at_least: float, limit: int = 50
) -> list[RiskAssessment]:
    query = (
        select(RiskAssessment)
        .where(RiskAssessment.tenant_id == tenant_id, RiskAssessment.score >= at_least)
        .order_by(RiskAssessment.score.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def members_to_rescore(
    session: AsyncSession, tenant_id: uuid.UUID, since: datetime, limit: int
) -> list[uuid.UUID]:
    """New members, members already scored, and members reported since `since`."""
    new = select(User.id).where(
        User.tenant_id == tenant_id, User.role == Role.MEMBER.value, User.created_at >= since
    )
    scored = select(RiskAssessment.user_id).where(RiskAssessment.tenant_id == tenant_id)
    reported = select(Report.subject_user_id).where(
        Report.tenant_id == tenant_id,
        Report.created_at >= since,
        Report.subject_user_id.is_not(None),
    )
    query = new.union(scored, reported).limit(limit)
    return [row[0] for row in (await session.execute(query)).all() if row[0] is not None]


async def accounts_with_phone_hash(
    session: AsyncSession, tenant_id: uuid.UUID, phone_hash: str, other_than: uuid.UUID
) -> int:
    query = select(func.count()).where(
        User.tenant_id == tenant_id, User.phone_hash == phone_hash, User.id != other_than
    )
    return int((await session.scalar(query)) or 0)


async def phone_codes(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, since: datetime | None = None
) -> list[PhoneVerification]:
    """The member's codes, newest first."""
    query = select(PhoneVerification).where(
        PhoneVerification.tenant_id == tenant_id, PhoneVerification.user_id == user_id
    )
    if since is not None:
        query = query.where(PhoneVerification.created_at >= since)
    query = query.order_by(PhoneVerification.created_at.desc())
    return list((await session.execute(query.limit(50))).scalars())


async def latest_phone_code(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> PhoneVerification | None:
    """The member's newest code, locked: parallel guesses wait their turn (and count)."""
    query = (
        select(PhoneVerification)
        .where(PhoneVerification.tenant_id == tenant_id, PhoneVerification.user_id == user_id)
        .order_by(PhoneVerification.created_at.desc())
        .limit(1)
        .with_for_update()
    )
    return (await session.execute(query)).scalar_one_or_none()


async def selfies_of(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> list[SelfieCheck]:
    query = (
        select(SelfieCheck)
        .where(SelfieCheck.tenant_id == tenant_id, SelfieCheck.user_id == user_id)
        .order_by(SelfieCheck.created_at.desc())
        .limit(20)
    )
    return list((await session.execute(query)).scalars())


async def get_selfie(
    session: AsyncSession, tenant_id: uuid.UUID, check_id: uuid.UUID, *, for_update: bool = False
) -> SelfieCheck | None:
    query = select(SelfieCheck).where(
        SelfieCheck.tenant_id == tenant_id, SelfieCheck.id == check_id
    )
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def selfies_waiting(
    session: AsyncSession, tenant_id: uuid.UUID, limit: int = 50
) -> list[SelfieCheck]:
    """Submitted selfies, oldest first."""
    query = (
        select(SelfieCheck)
        .where(SelfieCheck.tenant_id == tenant_id, SelfieCheck.status == "submitted")
        .order_by(SelfieCheck.updated_at)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())
