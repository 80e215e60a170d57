"""What the moderation console shows: the queue with its SLA timers, and a case in context
(the evidence, the member's profile and photos, earlier reports and actions, risk
signals, selfies). Opening a case writes a line of the staff access log."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.auth import Principal
from dinner1.accounts.models import User
from dinner1.accounts.service import age_on
from dinner1.core.errors import NotFound
from dinner1.db.types import utcnow
from dinner1.locale.service import gettext as _
from dinner1.privacy.audit import record_access
from dinner1.profiles import photos
from dinner1.profiles import repository as profiles
from dinner1.safety import repository
from dinner1.safety.categories import CATEGORY_LABELS
from dinner1.safety.models import ModerationAction, Report, RiskAssessment, SelfieCheck
from dinner1.safety.schemas import (
    ActionOut,
    CaseBriefOut,
    CaseOut,
    MemberSummaryOut,
    PhotoRef,
    QueueItemOut,
    RiskOut,
    SelfieOut,
    SignalOut,
)
from dinner1.safety.selfies import pose_text

QUEUE_LIMIT = 200


def minutes_left(due_at: datetime, now: datetime) -> int:
    return math.floor((due_at - now).total_seconds() / 60)


def queue_item(report: Report, now: datetime) -> QueueItemOut:
    left = minutes_left(report.due_at, now)
    return QueueItemOut(
        id=report.id,
        category=report.category,
        category_label=_(CATEGORY_LABELS[report.category]),
        severity=report.severity,
        subject_type=report.subject_type,
        source=report.source,
        status=report.status,
        created_at=report.created_at,
        due_at=report.due_at,
        overdue=left < 0,
        minutes_left=left,
        assigned_to=report.assigned_to,
    )


async def queue(session: AsyncSession, staff: Principal) -> list[QueueItemOut]:
    """Open cases, most severe first, then oldest first (no personal data in the list)."""
    now = utcnow()
    return [
        queue_item(r, now) for r in await repository.queue(session, staff.tenant_id, QUEUE_LIMIT)
    ]


async def decided(session: AsyncSession, staff: Principal, status: str) -> list[QueueItemOut]:
    """Cases already decided, latest first, for looking back at what was done."""
    now = utcnow()
    found = await repository.decided(session, staff.tenant_id, status, QUEUE_LIMIT)
    return [queue_item(r, now) for r in found]


def risk_out(assessment: RiskAssessment) -> RiskOut:
    return RiskOut(
        score=assessment.score,
        level=assessment.level,
        throttled=assessment.throttled,
        reviewed_at=assessment.reviewed_at,
        computed_at=assessment.updated_at,
        signals=[
            SignalOut(
                signal=s["signal"],
                weight=s["weight"],
                detail=_(s.get("message") or s["detail"]) % (s.get("values") or {}),
            )
            for s in assessment.signals
        ],
    )


def selfie_out(check: SelfieCheck) -> SelfieOut:
    return SelfieOut(
        id=check.id,
        user_id=check.user_id,
        pose=check.pose,
        pose_text=pose_text(check.pose),
        status=check.status,
        reason=check.reason,
        created_at=check.created_at,
        image_url=f"/console/selfies/{check.id}/image" if check.storage_key else None,
    )


async def member_summary(session: AsyncSession, user: User) -> MemberSummaryOut:
    profile = await profiles.get_profile(session, user.tenant_id, user.id)
    mine = await photos.list_photos(session, user.tenant_id, user.id)
    return MemberSummaryOut(
        id=user.id,
        display_name=user.display_name,
        role=user.role,
        age=age_on(user.date_of_birth, utcnow().date()),
        city=(profile.city if profile else None) or user.home_city,
        member_since=user.created_at,
        email_verified=user.email_verified_at is not None,
        phone_verified=user.phone_verified_at is not None,
        identity_verified=user.identity_verified_at is not None,
        verification_required=user.verification_required,
        suspended_until=user.barred_until(utcnow()) if user.banned_at is None else None,
        banned=user.banned_at is not None,
        answers=(profile.answers or {}) if profile else {},
        photos=[
            PhotoRef(
                id=p.id,
                status=p.status,
                review_reason=p.review_reason,
                url=f"/console/photos/{p.id}",
            )
            for p in mine
        ],
    )


def action_out(entry: ModerationAction) -> ActionOut:
    return ActionOut(
        id=entry.id,
        action=entry.action,
        days=entry.days,
        reason=entry.reason,
        report_id=entry.report_id,
        moderator_id=entry.moderator_id,
        created_at=entry.created_at,
    )


@dataclass(frozen=True)
class MemberContext:
    summary: MemberSummaryOut | None
    previous: list[CaseBriefOut]
    actions: list[ActionOut]
    risk: RiskOut | None
    selfies: list[SelfieOut]


async def member_context(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID | None, skip: uuid.UUID | None
) -> MemberContext:
    users = await repository.users_by_id(session, tenant_id, {user_id} if user_id else set())
    user = users.get(user_id) if user_id else None
    if user is None:
        return MemberContext(None, [], [], None, [])
    assessment = await repository.get_risk(session, tenant_id, user.id)
    return MemberContext(
        summary=await member_summary(session, user),
        previous=[
            CaseBriefOut(
                id=r.id,
                category=r.category,
                status=r.status,
                outcome=r.outcome,
                created_at=r.created_at,
            )
            for r in await repository.reports_about(session, tenant_id, user.id)
            if r.id != skip
        ],
        actions=[
            action_out(a) for a in await repository.actions_about(session, tenant_id, user.id)
        ],
        risk=risk_out(assessment) if assessment else None,
        selfies=[selfie_out(s) for s in await repository.selfies_of(session, tenant_id, user.id)],
    )


async def case_view(session: AsyncSession, staff: Principal, report_id: uuid.UUID) -> CaseOut:
    """A case in context; the look is written to the staff access log."""
    report = await repository.get_report(session, staff.tenant_id, report_id)
    if report is None:
        raise NotFound(_("No such case."))
    await record_access(session, staff, report.subject_user_id, "report.view", f"case {report.id}")
    context = await member_context(session, staff.tenant_id, report.subject_user_id, report.id)
    reporter = (
        (await repository.users_by_id(session, staff.tenant_id, {report.reporter_id})).get(
            report.reporter_id
        )
        if report.reporter_id
        else None
    )
    evidence = report.evidence or {}
    now = utcnow()
    return CaseOut(
        **queue_item(report, now).model_dump(exclude={"minutes_left"}),
        subject_id=report.subject_id,
        outcome=report.outcome,
        details=report.details,
        evidence=evidence,
        evidence_photo_url=(
            f"/console/cases/{report.id}/evidence-photo" if evidence.get("evidence_key") else None
        ),
        reporter_name=reporter.display_name if reporter else None,
        subject=context.summary,
        previous_reports=context.previous,
        actions=[
            action_out(a)
            for a in await repository.actions_on_case(session, staff.tenant_id, report.id)
        ],
        risk=context.risk,
        selfies=context.selfies,
    )


async def evidence_photo(
    session: AsyncSession, staff: Principal, report_id: uuid.UUID
) -> tuple[str, uuid.UUID | None]:
    """The storage key of a case's photo evidence (the look is logged)."""
    report = await repository.get_report(session, staff.tenant_id, report_id)
    key = (report.evidence or {}).get("evidence_key") if report else None
    if report is None or not key:
        raise NotFound(_("No such photo."))
    await record_access(
        session, staff, report.subject_user_id, "evidence.photo", f"case {report.id}"
    )
    return str(key), report.subject_user_id
