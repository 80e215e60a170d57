"""Consent changes and what they set off in other domains.

Kept apart from `consents.py` because matching reads consents (`allows`) while a change of
consent reaches into matching (an embedding is dropped or computed).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.db.session import enqueue_job
from dinner1.matching import tasks as matching_tasks
from dinner1.privacy import consents
from dinner1.privacy.consents import Purpose
from dinner1.privacy.models import ConsentRecord
from dinner1.profiles.service import EMBED_JOB


async def change_consents(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    wanted: Mapping[Purpose, bool],
    *,
    source: str,
    now: datetime,
) -> dict[Purpose, ConsentRecord | None]:
    """Record the member's decisions and honour them at once; returns those in force."""
    changed = await consents.record_changes(
        session, tenant_id, user_id, wanted, source=source, now=now
    )
    semantic = changed.get(Purpose.SEMANTIC_MATCHING)
    if semantic is False:
        # Withdrawn: the embedding goes in this transaction, not "soon".
        await matching_tasks.forget_text_embedding(session, tenant_id, user_id)
    elif semantic is True:
        enqueue_job(session, EMBED_JOB, {"tenant_id": str(tenant_id), "user_id": str(user_id)})
    return await consents.current(session, tenant_id, user_id)
