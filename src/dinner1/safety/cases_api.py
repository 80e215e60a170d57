"""Reports (cases), the moderation console API, risk review and the crisis check."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from dinner1.accounts.auth import CurrentPrincipal, ModeratorPrincipal
from dinner1.core.deps import RuntimeDep, SessionDep
from dinner1.core.errors import NotFound
from dinner1.locale.service import gettext as _
from dinner1.privacy.audit import record_access
from dinner1.safety import actions, console, crisis, reports, repository, risk, selfies
from dinner1.safety.models import Report
from dinner1.safety.schemas import (
    ActionIn,
    CaseBriefOut,
    CaseOut,
    CheckIn,
    CheckOut,
    QueueItemOut,
    ReasonIn,
    ReportIn,
    ReportOut,
    RiskOut,
    SelfieOut,
)

router = APIRouter(prefix="/api/v1", tags=["safety"])

CHECKS_PER_MINUTE = 60


@router.post("/reports", status_code=status.HTTP_201_CREATED, response_model=ReportOut)
async def file_report(
    data: ReportIn, principal: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep
) -> ReportOut:
    """Report a member, photo, venue or review you saw; `block` also blocks the member."""
    report = await reports.file_report(
        session, runtime.settings, runtime.limiter, runtime.media, principal, data
    )
    return reports.report_out(report)


@router.get("/reports/mine", response_model=list[ReportOut])
async def my_reports(principal: CurrentPrincipal, session: SessionDep) -> list[ReportOut]:
    """Your reports and what came of them, newest first."""
    return [reports.report_out(r) for r in await reports.my_reports(session, principal)]


@router.post("/safety/check", response_model=CheckOut)
async def check_text(
    data: CheckIn, principal: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep
) -> CheckOut:
    """The moderation verdict on a text; a crisis brings support resources, never a block."""
    await runtime.limiter.check("safety-check", str(principal.user_id), CHECKS_PER_MINUTE, 60)
    return await crisis.check_text(session, runtime.settings, principal, data.text)


@router.get("/console/queue", response_model=list[QueueItemOut], tags=["moderation"])
async def read_queue(staff: ModeratorPrincipal, session: SessionDep) -> list[QueueItemOut]:
    """Open cases, most severe first, then oldest, each with its SLA."""
    return await console.queue(session, staff)


@router.get("/console/cases/{case_id}", response_model=CaseOut, tags=["moderation"])
async def read_case(case_id: uuid.UUID, staff: ModeratorPrincipal, session: SessionDep) -> CaseOut:
    """A case in context (evidence, member, history, risk); the look is logged."""
    return await console.case_view(session, staff, case_id)


@router.post("/console/cases/{case_id}/take", response_model=CaseBriefOut, tags=["moderation"])
async def take_case(
    case_id: uuid.UUID, staff: ModeratorPrincipal, session: SessionDep
) -> CaseBriefOut:
    """Assign the case to yourself."""
    return _brief(await actions.take_case(session, staff, case_id))


@router.post("/console/cases/{case_id}/actions", response_model=CaseBriefOut, tags=["moderation"])
async def act_on_case(
    case_id: uuid.UUID,
    data: ActionIn,
    staff: ModeratorPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
) -> CaseBriefOut:
    """Dismiss, warn, remove the content, suspend for N days, ban or require verification."""
    return _brief(await actions.act_on_case(session, runtime.settings, staff, case_id, data))


def _brief(report: Report) -> CaseBriefOut:
    return CaseBriefOut(
        id=report.id,
        category=report.category,
        status=report.status,
        outcome=report.outcome,
        created_at=report.created_at,
    )


@router.get("/console/members/{user_id}/risk", response_model=RiskOut, tags=["moderation"])
async def read_risk(user_id: uuid.UUID, staff: ModeratorPrincipal, session: SessionDep) -> RiskOut:
    """A member's risk score and the signals behind it."""
    assessment = await repository.get_risk(session, staff.tenant_id, user_id)
    if assessment is None:
        raise NotFound(_("This member has no risk assessment."))
    await record_access(session, staff, user_id, "risk.view")
    return console.risk_out(assessment)


@router.post("/console/members/{user_id}/risk/clear", response_model=RiskOut, tags=["moderation"])
async def clear_risk(
    user_id: uuid.UUID, data: ReasonIn, staff: ModeratorPrincipal, session: SessionDep
) -> RiskOut:
    """Lift the throttle after review (new evidence can bring it back)."""
    return console.risk_out(await risk.clear(session, staff, user_id, data.reason))


@router.get("/console/selfies", response_model=list[SelfieOut], tags=["moderation"])
async def selfies_waiting(
    staff: ModeratorPrincipal,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SelfieOut]:
    """Selfies waiting for review, oldest first."""
    waiting = await repository.selfies_waiting(session, staff.tenant_id, limit)
    return [console.selfie_out(check) for check in waiting]


@router.post("/console/selfies/{check_id}/approve", response_model=SelfieOut, tags=["moderation"])
async def approve_selfie(
    check_id: uuid.UUID, staff: ModeratorPrincipal, session: SessionDep, runtime: RuntimeDep
) -> SelfieOut:
    """The selfie matches the pose and the profile photos: the member is verified."""
    check = await selfies.review_selfie(
        session, runtime.settings, staff, check_id, approve=True, reason=None
    )
    return console.selfie_out(check)


@router.post("/console/selfies/{check_id}/reject", response_model=SelfieOut, tags=["moderation"])
async def reject_selfie(
    check_id: uuid.UUID,
    data: ReasonIn,
    staff: ModeratorPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
) -> SelfieOut:
    """Reject with a reason the member reads."""
    check = await selfies.review_selfie(
        session, runtime.settings, staff, check_id, approve=False, reason=data.reason
    )
    return console.selfie_out(check)
