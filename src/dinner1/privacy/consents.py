"""Consents: opt-in choices a member can change at any time, kept as history.

Nothing is granted by default. The latest record per (member, purpose) is in force, so
the history shows when and how each consent was given or withdrawn.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.privacy.models import ConsentRecord


class Purpose(enum.StrEnum):
    # Emails about offers and news (no sender exists yet; `allows` is the check it must use).
    MARKETING_EMAIL = "marketing_email"
    # Product analytics about the member's use (no collector exists yet; same check).
    ANALYTICS = "analytics"
    # Sentence embeddings of the free-text answers, used in matching (matching/tasks.py).
    SEMANTIC_MATCHING = "semantic_matching"


PURPOSES = tuple(Purpose)


async def _latest(
    session: AsyncSession, tenant_id: uuid.UUID, user_ids: Collection[uuid.UUID]
) -> dict[tuple[uuid.UUID, str], ConsentRecord]:
    if not user_ids:
        return {}
    query = (
        select(ConsentRecord)
        .where(ConsentRecord.tenant_id == tenant_id, ConsentRecord.user_id.in_(list(user_ids)))
        .order_by(ConsentRecord.created_at)
    )
    latest: dict[tuple[uuid.UUID, str], ConsentRecord] = {}
    for record in (await session.execute(query)).scalars():
        latest[(record.user_id, record.purpose)] = record  # later rows win
    return latest


async def allows(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, purpose: Purpose
) -> bool:
    """True only when the member's latest decision for `purpose` granted it."""
    query = (
        select(ConsentRecord.granted)
        .where(
            ConsentRecord.tenant_id == tenant_id,
            ConsentRecord.user_id == user_id,
            ConsentRecord.purpose == purpose.value,
        )
        .order_by(ConsentRecord.created_at.desc())
        .limit(1)
    )
    return bool(await session.scalar(query))


async def consenting(
    session: AsyncSession, tenant_id: uuid.UUID, user_ids: Collection[uuid.UUID], purpose: Purpose
) -> set[uuid.UUID]:
    """The members among `user_ids` who granted `purpose` (one query for many members)."""
    latest = await _latest(session, tenant_id, user_ids)
    return {
        user_id
        for (user_id, name), record in latest.items()
        if name == purpose.value and record.granted
    }


async def current(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> dict[Purpose, ConsentRecord | None]:
    """Each purpose with the record in force (None: never decided, so not granted)."""
    latest = await _latest(session, tenant_id, [user_id])
    return {purpose: latest.get((user_id, purpose.value)) for purpose in PURPOSES}


async def history(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> list[ConsentRecord]:
    query = (
        select(ConsentRecord)
        .where(ConsentRecord.tenant_id == tenant_id, ConsentRecord.user_id == user_id)
        .order_by(ConsentRecord.created_at)
    )
    return list((await session.execute(query)).scalars())


async def record_changes(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    wanted: Mapping[Purpose, bool],
    *,
    source: str,
    now: datetime,
) -> dict[Purpose, bool]:
    """Write one record per purpose whose decision changes; returns what changed."""
    in_force = await current(session, tenant_id, user_id)
    changed: dict[Purpose, bool] = {}
    for purpose, granted in wanted.items():
        record = in_force[purpose]
        # Never decided counts as withdrawn: repeating a decision adds nothing to the history.
        if (record.granted if record is not None else False) == granted:
            continue
        session.add(
            ConsentRecord(
                tenant_id=tenant_id,
                user_id=user_id,
                purpose=purpose.value,
                granted=granted,
                source=source,
                created_at=now,
                updated_at=now,
            )
        )
        changed[purpose] = granted
    await session.flush()
    return changed
