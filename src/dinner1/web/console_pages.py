"""The moderators' console: the queue, a case in context, actions, risk and selfie review.

Every page calls the same safety services as the console API; each look at a member's
data (case, photos, selfies, the reporter) is written to the staff access log.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import RedirectResponse, Response

from dinner1.accounts.auth import Principal
from dinner1.accounts.models import Role
from dinner1.core.deps import RuntimeDep, SessionDep
from dinner1.core.errors import AppError, NotFound, ValidationFailed
from dinner1.core.text import N_
from dinner1.db.types import utcnow
from dinner1.locale.service import gettext as _
from dinner1.privacy.audit import record_access
from dinner1.profiles import photos
from dinner1.safety import actions, console, repository, risk, selfies
from dinner1.safety.categories import CATEGORY_LABELS, SUBJECT_LABELS
from dinner1.safety.schemas import ActionIn, ActionOut, CaseOut, QueueItemOut, ReasonIn
from dinner1.safety.subjects import handlers_for
from dinner1.web.forms import field_errors_from_app_error, field_errors_from_validation, read_form
from dinner1.web.rendering import render
from dinner1.web.session import page_role

router = APIRouter(include_in_schema=False)

Staff = Annotated[Principal, Depends(page_role(Role.MODERATOR))]

QUEUE_FILTERS: dict[str, str] = {
    "waiting": N_("All waiting"),
    "open": N_("New"),
    "in_review": N_("In review"),
    "mine": N_("Taken by me"),
    "actioned": N_("Action taken"),
    "dismissed": N_("Dismissed"),
}
DECIDED = ("actioned", "dismissed")
STATUS_LABELS = {
    "open": N_("New"),
    "in_review": N_("In review"),
    "actioned": N_("Action taken"),
    "dismissed": N_("Dismissed"),
}
ACTION_LABELS = {
    "take": N_("Took the case"),
    "dismiss": N_("Dismiss"),
    "warn": N_("Warn"),
    "remove_content": N_("Remove the content"),
    "suspend": N_("Suspend"),
    "ban": N_("Ban"),
    "require_verification": N_("Require verification"),
    "reinstate": N_("Reinstate"),
    "approve_selfie": N_("Approved a selfie"),
    "reject_selfie": N_("Rejected a selfie"),
    "clear_risk": N_("Cleared the risk"),
}
OUTCOME_LABELS = {
    "dismissed": N_("Dismissed: nothing against the rules"),
    "warned": N_("The member was warned"),
    "content_removed": N_("The content was removed"),
    "suspended": N_("The member was suspended"),
    "banned": N_("The member was banned"),
    "verification_required": N_("The member must verify their identity"),
}
DONE_NOTICES = {
    "taken": N_("The case is yours."),
    "dismiss": N_("Case dismissed. The reporter is told."),
    "warn": N_("The member is warned."),
    "remove_content": N_("The content is removed."),
    "suspend": N_("The member is suspended and logged out everywhere."),
    "ban": N_("The member is banned and logged out everywhere."),
    "require_verification": N_("The member must now verify their identity."),
    "risk_cleared": N_("The risk throttle is lifted until new evidence arrives."),
    "approved": N_("Selfie approved: the member is verified."),
    "rejected": N_("Selfie rejected: the member reads your reason."),
}
ACTION_ORDER = ("dismiss", "warn", "remove_content", "suspend", "ban", "require_verification")
IMAGE_HEADERS = {"Cache-Control": "private, no-store", "Content-Disposition": "inline"}


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _done(request: Request) -> str | None:
    key = request.query_params.get("done", "")
    return _(DONE_NOTICES[key]) if key in DONE_NOTICES else None


def _labels() -> dict[str, Any]:
    return {
        "statuses": STATUS_LABELS,
        "actions": ACTION_LABELS,
        "outcomes": OUTCOME_LABELS,
        "subjects": SUBJECT_LABELS,
        "categories": CATEGORY_LABELS,
    }


def _in_filter(item: QueueItemOut, shown: str, staff: Principal) -> bool:
    if shown == "mine":
        return item.assigned_to == staff.user_id
    return shown == "waiting" or item.status == shown


@router.get("/console")
async def queue_page(
    request: Request,
    staff: Staff,
    session: SessionDep,
    status: Annotated[str, Query(max_length=16)] = "waiting",
) -> Response:
    shown = status if status in QUEUE_FILTERS else "waiting"
    if shown in DECIDED:
        items = await console.decided(session, staff, shown)
    else:
        items = [i for i in await console.queue(session, staff) if _in_filter(i, shown, staff)]
    return render(
        request,
        "console/queue.html",
        active="console",
        tab="queue",
        items=items,
        shown=shown,
        decided=shown in DECIDED,
        filters=QUEUE_FILTERS,
        labels=_labels(),
        now=utcnow(),
    )


# ---- a case in context ---------------------------------------------------------------------


def _removable(subject_type: str) -> bool:
    try:
        return handlers_for(subject_type).remove is not None
    except ValidationFailed:  # a subject type no domain handles yet
        return False


def available_actions(case: CaseOut) -> list[str]:
    """The actions worth offering; the service still decides (and explains a refusal)."""
    if case.status == "dismissed":
        return []
    member = case.subject is not None and case.subject.role in actions.MODERATED_ROLES
    return [
        action
        for action in ACTION_ORDER
        if not (action == "dismiss" and case.status == "actioned")
        and not (action == "remove_content" and not _removable(case.subject_type))
        and not (action in actions.ON_MEMBER and not member)
    ]


async def _people(
    session: AsyncSession,
    staff: Principal,
    case: CaseOut,
    reporter_id: uuid.UUID | None,
    trail: list[ActionOut],
) -> dict[str, Any]:
    """The reporter (the look is logged) and the names of staff in the trails."""
    staff_ids = {a.moderator_id for a in [*case.actions, *trail] if a.moderator_id}
    ids = staff_ids | {i for i in (reporter_id, case.assigned_to) if i}
    users = await repository.users_by_id(session, staff.tenant_id, ids)
    reporter = users.get(reporter_id) if reporter_id else None
    filed: list[Any] = []
    if reporter is not None:
        await record_access(session, staff, reporter.id, "report.view", f"case {case.id} reporter")
        filed = await repository.reports_by(session, staff.tenant_id, reporter.id, 50)
    return {
        "reporter": reporter,
        "reporter_filed": len(filed),
        "reporter_dismissed": sum(1 for r in filed if r.status == "dismissed"),
        "names": {user_id: user.display_name for user_id, user in users.items()},
    }


async def _case_page(
    request: Request,
    staff: Principal,
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    status_code: int = 200,
    **form: Any,
) -> Response:
    case = await console.case_view(session, staff, case_id)
    report = await repository.get_report(session, staff.tenant_id, case_id)
    assert report is not None  # case_view found it
    member_actions = (
        [
            console.action_out(a)
            for a in await repository.actions_about(session, staff.tenant_id, case.subject.id)
        ]
        if case.subject
        else []
    )
    now = utcnow()
    return render(
        request,
        "console/case.html",
        status_code=status_code,
        active="console",
        tab="queue",
        case=case,
        now=now,
        minutes_left=console.minutes_left(case.due_at, now),
        member_actions=member_actions,
        offered=available_actions(case),
        labels=_labels(),
        notice=_done(request),
        **await _people(session, staff, case, report.reporter_id, member_actions),
        **form,
    )


@router.get("/console/cases/{case_id}")
async def case_page(
    case_id: uuid.UUID, request: Request, staff: Staff, session: SessionDep
) -> Response:
    return await _case_page(request, staff, session, case_id)


@router.post("/console/cases/{case_id}/take")
async def take_case(
    case_id: uuid.UUID, request: Request, staff: Staff, session: SessionDep
) -> Response:
    try:
        await actions.take_case(session, staff, case_id)
    except AppError as error:
        return await _refused(request, staff, session, case_id, error)
    return _redirect(f"/console/cases/{case_id}?done=taken")


@router.post("/console/cases/{case_id}/actions")
async def act_on_case(
    case_id: uuid.UUID, request: Request, staff: Staff, session: SessionDep, runtime: RuntimeDep
) -> Response:
    values = await read_form(request, "action", "days", "reason")
    try:
        data = ActionIn.model_validate(
            {
                "action": values["action"],
                "days": values["days"] or None,
                "reason": values["reason"] or None,
            }
        )
    except ValidationError as exc:
        return await _case_page(
            request,
            staff,
            session,
            case_id,
            status_code=422,
            errors=field_errors_from_validation(exc),
            values=values,
        )
    try:
        await actions.act_on_case(session, runtime.settings, staff, case_id, data)
    except AppError as error:
        return await _refused(request, staff, session, case_id, error, values)
    return _redirect(f"/console/cases/{case_id}?done={data.action}#outcome")


async def _refused(
    request: Request,
    staff: Principal,
    session: AsyncSession,
    case_id: uuid.UUID,
    error: AppError,
    values: dict[str, str] | None = None,
) -> Response:
    """The case page again with the service's reason; nothing of the attempt is kept."""
    if isinstance(error, NotFound):
        raise error
    await session.rollback()
    errors, form_error = field_errors_from_app_error(error)
    return await _case_page(
        request,
        staff,
        session,
        case_id,
        status_code=error.status,
        errors=errors,
        form_error=form_error,
        values=values or {},
    )


@router.post("/console/members/{user_id}/risk/clear")
async def clear_risk(
    user_id: uuid.UUID, request: Request, staff: Staff, session: SessionDep
) -> Response:
    values = await read_form(request, "reason", "case_id")
    data = ReasonIn(reason=values["reason"][:500] or None)
    await risk.clear(session, staff, user_id, data.reason)
    try:
        back = f"/console/cases/{uuid.UUID(values['case_id'])}?done=risk_cleared#risk"
    except ValueError:
        back = "/console?done=risk_cleared"
    return _redirect(back)


# ---- images, each look logged ---------------------------------------------------------------


@router.get("/console/photos/{photo_id}")
async def member_photo(
    photo_id: uuid.UUID,
    staff: Staff,
    session: SessionDep,
    runtime: RuntimeDep,
    variant: Annotated[Literal["blurred", "full"], Query()] = "blurred",
) -> Response:
    photo = await photos.photo_for_staff(session, staff.tenant_id, photo_id)
    key = None if photo is None else (photo.storage_key if variant == "full" else photo.blurred_key)
    data = await runtime.media.get(key) if key else None
    if photo is None or data is None:
        raise NotFound(_("No such photo."))
    await record_access(session, staff, photo.user_id, "member.view", f"photo {photo.id}")
    return Response(data, media_type=photo.media_type, headers=IMAGE_HEADERS)


@router.get("/console/cases/{case_id}/evidence-photo")
async def evidence_photo(
    case_id: uuid.UUID, staff: Staff, session: SessionDep, runtime: RuntimeDep
) -> Response:
    key, _member = await console.evidence_photo(session, staff, case_id)
    data = await runtime.media.get(key)
    if data is None:
        raise NotFound(_("No such photo."))
    return Response(data, media_type="image/webp", headers=IMAGE_HEADERS)


@router.get("/console/selfies/{check_id}/image")
async def selfie_image(
    check_id: uuid.UUID, staff: Staff, session: SessionDep, runtime: RuntimeDep
) -> Response:
    data = await selfies.selfie_image(session, runtime.media, staff, check_id)
    return Response(data, media_type="image/webp", headers=IMAGE_HEADERS)


# ---- selfies --------------------------------------------------------------------------------


async def _selfies_page(
    request: Request,
    staff: Principal,
    session: AsyncSession,
    *,
    status_code: int = 200,
    **form: Any,
) -> Response:
    waiting = await repository.selfies_waiting(session, staff.tenant_id, 50)
    members = await repository.users_by_id(session, staff.tenant_id, {c.user_id for c in waiting})
    rows = [
        (console.selfie_out(check), await console.member_summary(session, members[check.user_id]))
        for check in waiting
        if check.user_id in members
    ]
    return render(
        request,
        "console/selfies.html",
        status_code=status_code,
        active="console",
        tab="selfies",
        rows=rows,
        notice=_done(request),
        **form,
    )


@router.get("/console/selfies")
async def selfies_page(request: Request, staff: Staff, session: SessionDep) -> Response:
    return await _selfies_page(request, staff, session)


@router.post("/console/selfies/{check_id}/{verdict}")
async def review_selfie(
    check_id: uuid.UUID,
    verdict: Literal["approve", "reject"],
    request: Request,
    staff: Staff,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    values = await read_form(request, "reason")
    approve = verdict == "approve"
    try:
        reason = None if approve else ReasonIn(reason=values["reason"] or None).reason
        await selfies.review_selfie(
            session, runtime.settings, staff, check_id, approve=approve, reason=reason
        )
    except ValidationError as exc:
        return await _selfies_page(
            request,
            staff,
            session,
            status_code=422,
            errors={str(check_id): next(iter(field_errors_from_validation(exc).values()))},
        )
    except AppError as error:
        if isinstance(error, NotFound):
            raise
        await session.rollback()
        return await _selfies_page(
            request,
            staff,
            session,
            status_code=error.status,
            errors={str(check_id): error.detail or _(error.title)},
        )
    return _redirect(f"/console/selfies?done={'approved' if approve else 'rejected'}")
