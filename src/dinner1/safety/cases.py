"""Opening a case: its severity and SLA from the category, and the alert when it is serious.

Severity orders the moderators' queue (4 = crisis … 1 = low); `due_at` is the SLA from
`settings.safety.sla_minutes`. Threats, underage members, sexual coercion and crises jump
the queue: every moderator and admin of the tenant is emailed at once and a `moderation`
event goes out (after commit) for open consoles.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.config import Settings
from dinner1.db.session import publish_event
from dinner1.db.types import utcnow
from dinner1.safety import notices, repository
from dinner1.safety.categories import SEVERITY, URGENT_SEVERITY
from dinner1.safety.models import Report


async def open_case(
    session: AsyncSession,
    settings: Settings,
    *,
    tenant_id: uuid.UUID,
    subject_type: str,
    subject_id: uuid.UUID,
    subject_user_id: uuid.UUID | None,
    category: str,
    reporter_id: uuid.UUID | None = None,
    details: str | None = None,
    evidence: dict[str, Any] | None = None,
) -> Report:
    """Write the case, then alert moderators when it is urgent (mail and event after commit)."""
    severity = SEVERITY[category]
    report = Report(
        tenant_id=tenant_id,
        reporter_id=reporter_id,
        source="member" if reporter_id is not None else "system",
        subject_type=subject_type,
        subject_id=subject_id,
        subject_user_id=subject_user_id,
        category=category,
        details=details,
        evidence=evidence,
        severity=severity,
        status="open",
        due_at=utcnow() + _sla(settings, severity),
    )
    session.add(report)
    await session.flush()
    await _announce(session, settings, report, "case_opened", alert=severity >= URGENT_SEVERITY)
    return report


async def escalate_case(
    session: AsyncSession,
    settings: Settings,
    report: Report,
    category: str,
    details: str | None,
) -> bool:
    """The reporter reports the same thing again: new details are kept, and a more serious
    category moves the case up the queue (alerting moderators when it turns urgent).
    Returns whether the severity rose."""
    if details and details != report.details:
        report.details = f"{report.details}\n\n{details}" if report.details else details
    severity = SEVERITY[category]
    if severity <= report.severity:
        return False
    was_urgent = report.severity >= URGENT_SEVERITY
    report.category, report.severity = category, severity
    report.due_at = min(report.due_at, report.created_at + _sla(settings, severity))
    await session.flush()
    urgent = severity >= URGENT_SEVERITY and not was_urgent
    await _announce(session, settings, report, "case_escalated", alert=urgent)
    return True


def _sla(settings: Settings, severity: int) -> timedelta:
    return timedelta(minutes=settings.safety.sla_minutes.get(severity, 72 * 60))


async def _announce(
    session: AsyncSession, settings: Settings, report: Report, event: str, *, alert: bool
) -> None:
    publish_event(
        session,
        "moderation",
        {
            "event": event,
            "tenant_id": str(report.tenant_id),
            "case_id": str(report.id),
            "severity": report.severity,
            "category": report.category,
            "urgent": report.severity >= URGENT_SEVERITY,
        },
    )
    if alert:
        staff = await repository.moderators(session, report.tenant_id)
        await notices.alert_moderators(session, settings, report, staff)
