"""What moderators do with a case: take it, then dismiss it or act (warn, remove the
content, suspend, ban, require verification).

Every action is audited (a ModerationAction and a staff access line) in the transaction
that makes it effective. The first decision closes the case and tells the reporter; a
moderator may add actions to a case already actioned (remove the photo, then suspend).
Staff accounts are out of moderators' reach.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import repository as accounts
from dinner1.accounts.auth import Principal
from dinner1.accounts.models import Role, User
from dinner1.config import Settings
from dinner1.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from dinner1.db.session import publish_event
from dinner1.db.types import utcnow
from dinner1.locale.service import gettext as _
from dinner1.safety import notices, repository
from dinner1.safety.audit import record_action
from dinner1.safety.models import Report
from dinner1.safety.schemas import ActionIn
from dinner1.safety.subjects import handlers_for

OUTCOMES = {
    "dismiss": "dismissed",
    "warn": "warned",
    "remove_content": "content_removed",
    "suspend": "suspended",
    "ban": "banned",
    "require_verification": "verification_required",
}
ON_MEMBER = frozenset({"warn", "suspend", "ban", "require_verification"})
MODERATED_ROLES = frozenset({Role.MEMBER.value, Role.VENUE_OWNER.value})


async def _case(session: AsyncSession, staff: Principal, report_id: uuid.UUID) -> Report:
    report = await repository.get_report(session, staff.tenant_id, report_id, for_update=True)
    if report is None:
        raise NotFound(_("No such case."))
    return report


async def take_case(session: AsyncSession, staff: Principal, report_id: uuid.UUID) -> Report:
    """Assign the case to this moderator (it leaves "open" for "in review")."""
    report = await _case(session, staff, report_id)
    if report.status not in repository.OPEN_STATUSES:
        raise Conflict(_("This case is already closed."))
    report.status, report.assigned_to = "in_review", staff.user_id
    await record_action(
        session, staff, "take", target_user_id=report.subject_user_id, report_id=report.id
    )
    return report


async def _target(session: AsyncSession, report: Report, action: str) -> User | None:
    if action not in ON_MEMBER:
        return None
    user = (
        await accounts.get_user(session, report.tenant_id, report.subject_user_id)
        if report.subject_user_id
        else None
    )
    if user is None:
        raise Conflict(_("No member answers for this content; dismiss or remove it instead."))
    if user.role not in MODERATED_ROLES:
        raise Forbidden(_("Staff accounts are managed by administrators, not from cases."))
    return user


def _check_allowed(report: Report, data: ActionIn) -> None:
    if report.status == "dismissed" or (report.status == "actioned" and data.action == "dismiss"):
        raise Conflict(_("This case is already closed."))
    if data.action == "suspend" and data.days is None:
        raise ValidationFailed(
            _("Say for how many days to suspend."),
            errors=[{"loc": ["body", "days"], "msg": "required", "type": "missing"}],
        )


async def act_on_case(
    session: AsyncSession,
    settings: Settings,
    staff: Principal,
    report_id: uuid.UUID,
    data: ActionIn,
) -> Report:
    report = await _case(session, staff, report_id)
    _check_allowed(report, data)
    target = await _target(session, report, data.action)
    await _apply(session, report, target, data)
    await record_action(
        session,
        staff,
        data.action,
        target_user_id=report.subject_user_id,
        report_id=report.id,
        days=data.days if data.action == "suspend" else None,
        reason=data.reason,
    )
    first_decision = report.status in repository.OPEN_STATUSES
    report.status = "dismissed" if data.action == "dismiss" else "actioned"
    report.outcome = OUTCOMES[data.action]
    report.assigned_to = report.assigned_to or staff.user_id
    report.resolved_at = report.resolved_at or utcnow()
    if target is not None:
        await notices.tell_member(
            session,
            settings,
            target,
            data.action,
            category=report.category,
            reason=data.reason,
            until=target.suspended_until if data.action == "suspend" else None,
        )
    if first_decision:
        await _tell_reporter(session, settings, report)
    publish_event(
        session,
        "moderation",
        {"event": "case_closed", "tenant_id": str(report.tenant_id), "case_id": str(report.id)},
    )
    await session.flush()
    return report


async def _apply(
    session: AsyncSession, report: Report, target: User | None, data: ActionIn
) -> None:
    now = utcnow()
    if data.action == "dismiss":
        restore = handlers_for(report.subject_type).restore
        if report.source == "system" and restore is not None:
            await restore(session, report.tenant_id, report.subject_id)
    elif data.action == "remove_content":
        remove = handlers_for(report.subject_type).remove
        if remove is None:
            raise Conflict(_("A member cannot be removed; suspend or ban them instead."))
        await remove(session, report.tenant_id, report.subject_id)
    elif target is not None and data.action == "suspend":
        assert data.days is not None
        target.suspended_until = now + timedelta(days=data.days)
        await end_sessions(session, target)
    elif target is not None and data.action == "ban":
        target.banned_at = now
        await end_sessions(session, target)
    elif target is not None and data.action == "require_verification":
        target.verification_required = True


async def end_sessions(session: AsyncSession, user: User) -> None:
    """Log the member out everywhere: access tokens, refresh tokens and page sessions."""
    user.token_version += 1
    await accounts.revoke_all_refresh_tokens(session, user.tenant_id, user.id, utcnow())
    await accounts.delete_web_sessions(session, user.tenant_id, user.id)


async def _tell_reporter(session: AsyncSession, settings: Settings, report: Report) -> None:
    if report.reporter_id is None:
        return
    reporter = await accounts.get_user(session, report.tenant_id, report.reporter_id)
    if reporter is not None and reporter.is_active:
        await notices.tell_reporter(session, settings, report, reporter)
