"""Daily privacy jobs: erase deletions past their grace period, anonymize long-inactive
members (warned at least a month before), and delete expired exports.

Each job is a thin wrapper around a function that takes `now`, so tests run them at a
fixed moment. Members are erased one transaction each: one failure stops no one else's.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.models import User
from dinner1.core.jobs import job
from dinner1.db.types import utcnow
from dinner1.mail.models import OutboxEmail
from dinner1.privacy import emails, erasure, export
from dinner1.privacy.deletion import deactivate
from dinner1.tenants.models import Tenant
from dinner1.tenants.service import TenantContext

if TYPE_CHECKING:
    from dinner1.runtime import Runtime

logger = logging.getLogger(__name__)

ERASE_DUE_JOB = "privacy.erase_due"
ANONYMIZE_INACTIVE_JOB = "privacy.anonymize_inactive"
PURGE_EXPORTS_JOB = "privacy.purge_exports"
WARN_BEFORE = timedelta(days=30)


@job(ERASE_DUE_JOB, max_attempts=2)
async def erase_due_job(runtime: Runtime, payload: dict[str, Any]) -> None:
    await erase_due(runtime, utcnow())


@job(ANONYMIZE_INACTIVE_JOB, max_attempts=2)
async def anonymize_inactive_job(runtime: Runtime, payload: dict[str, Any]) -> None:
    await anonymize_inactive(runtime, utcnow())


@job(PURGE_EXPORTS_JOB, max_attempts=2)
async def purge_exports_job(runtime: Runtime, payload: dict[str, Any]) -> None:
    await export.purge_expired(runtime.settings, utcnow())


async def erase_due(runtime: Runtime, now: datetime) -> int:
    """Erase every member whose deletion grace period is over."""
    async with runtime.db.sessionmaker() as session:
        due = await erasure.due_for_erasure(session, runtime.settings, now)
    erased = 0
    for tenant_id, user_id in due:
        try:
            erased += await erasure.erase_member(runtime, tenant_id, user_id, now)
        except Exception:
            logger.exception("erasure failed", extra={"member": str(user_id)})
    if erased:
        logger.info("deleted accounts erased", extra={"count": erased})
    return erased


async def anonymize_inactive(runtime: Runtime, now: datetime) -> int:
    """Warn members nearing the limit once, then erase those past it (never staff).

    Nobody is erased without a warning at least `WARN_BEFORE` old: a member already past
    the limit when first found (the job did not run, or the rule is new) is warned now and
    erased a month later, unless they come back."""
    limit = timedelta(days=runtime.settings.privacy.inactivity_anonymize_days)
    await warn_inactive(runtime, now, limit)
    async with runtime.db.sessionmaker() as session:
        stale = [
            (u.tenant_id, u.id)
            for u in await erasure.inactive_members(session, seen_before=now - limit)
            if await _warned(session, u, before=now - WARN_BEFORE)
        ]
    erased = 0
    for tenant_id, user_id in stale:
        try:
            await _leave(runtime, tenant_id, user_id, now)
            erased += await erasure.erase_member(runtime, tenant_id, user_id, now)
        except Exception:
            logger.exception("anonymization failed", extra={"member": str(user_id)})
    if erased:
        logger.info("inactive accounts anonymized", extra={"count": erased})
    return erased


async def _leave(runtime: Runtime, tenant_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> None:
    """The same departure as a deletion request (bookings cancelled, hidden), no email."""
    async with runtime.db.unit_of_work() as session:
        user = await session.get(User, user_id)
        tenant = await session.get(Tenant, tenant_id)
        if user is not None and tenant is not None and user.is_active:
            await deactivate(runtime, session, TenantContext.of(tenant), user, now)


async def warn_inactive(runtime: Runtime, now: datetime, limit: timedelta) -> int:
    """One email to each member within `WARN_BEFORE` of anonymization (or past it), unless
    already warned since they were last seen."""
    warned = 0
    async with runtime.db.unit_of_work() as session:
        members = await erasure.inactive_members(session, seen_before=now - limit + WARN_BEFORE)
        for user in members:
            if await _warned(session, user):
                continue
            tenant = await session.get(Tenant, user.tenant_id)
            assert tenant is not None
            anonymize_on = max(erasure.last_seen(user) + limit, now + WARN_BEFORE)
            email = await emails.send_inactivity_warning(
                session, runtime.settings, TenantContext.of(tenant), user, anonymize_on
            )
            email.created_at = now  # when they were warned, as the erasure rule reads it
            warned += 1
    return warned


async def _warned(session: AsyncSession, user: User, before: datetime | None = None) -> bool:
    """Whether the member was warned since they were last seen (and before `before`)."""
    conditions = [
        OutboxEmail.user_id == user.id,
        OutboxEmail.kind == emails.INACTIVITY_WARNING,
        OutboxEmail.created_at > erasure.last_seen(user),
    ]
    if before is not None:
        conditions.append(OutboxEmail.created_at <= before)
    return bool(await session.scalar(select(exists().where(*conditions))))
