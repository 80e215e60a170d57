"""The audit trail of moderation: every console action is a ModerationAction row, and
every look at a member's personal data or a case is a line of the staff access log."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.auth import Principal
from dinner1.privacy.audit import record_access
from dinner1.safety.models import ModerationAction


async def record_action(
    session: AsyncSession,
    staff: Principal,
    action: str,
    *,
    target_user_id: uuid.UUID | None,
    report_id: uuid.UUID | None = None,
    days: int | None = None,
    reason: str | None = None,
) -> ModerationAction:
    """Who did what to whom and why, in the transaction of the change itself."""
    entry = ModerationAction(
        tenant_id=staff.tenant_id,
        report_id=report_id,
        moderator_id=staff.user_id,
        target_user_id=target_user_id,
        action=action,
        days=days,
        reason=reason,
    )
    session.add(entry)
    await record_access(
        session,
        staff,
        target_user_id,
        f"moderation.{action}"[:40],
        reason=f"case {report_id}" if report_id else None,
    )
    return entry
