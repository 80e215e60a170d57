"""Background work for trust & safety: the risk score recomputed for the members it may
have changed for (new members, members already scored, members reported lately)."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from dinner1.core.jobs import job
from dinner1.db.types import utcnow
from dinner1.safety import repository, risk

if TYPE_CHECKING:
    from dinner1.runtime import Runtime

logger = logging.getLogger(__name__)
RECOMPUTE_RISK_JOB = "safety.recompute_risk"
LOOKBACK = timedelta(days=30)
BATCH = 200
MAX_MEMBERS = 50_000


@job(RECOMPUTE_RISK_JOB, max_attempts=2)
async def recompute_risk(runtime: Runtime, payload: dict[str, Any]) -> None:
    """Rescore one member (`tenant_id` + `user_id` in the payload) or, without them, every
    member whose score may have moved, tenant by tenant, in short transactions."""
    if payload.get("user_id"):
        tenant_id, user_id = uuid.UUID(payload["tenant_id"]), uuid.UUID(payload["user_id"])
        async with runtime.db.unit_of_work() as session:
            await risk.recompute(session, runtime.settings, tenant_id, user_id)
        return
    from dinner1.tenants import repository as tenants

    async with runtime.db.sessionmaker() as session:
        tenant_ids = [tenant.id for tenant, _ in await tenants.list_active_with_hosts(session)]
    for tenant_id in tenant_ids:
        await _rescore_tenant(runtime, tenant_id)


async def _rescore_tenant(runtime: Runtime, tenant_id: uuid.UUID) -> None:
    async with runtime.db.sessionmaker() as session:
        members = await repository.members_to_rescore(
            session, tenant_id, utcnow() - LOOKBACK, MAX_MEMBERS
        )
    for start in range(0, len(members), BATCH):
        async with runtime.db.unit_of_work() as session:
            for user_id in members[start : start + BATCH]:
                await risk.recompute(session, runtime.settings, tenant_id, user_id)
    logger.info("risk recomputed", extra={"members": len(members)})
