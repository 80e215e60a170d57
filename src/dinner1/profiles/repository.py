from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.profiles.models import Profile, SoulEmbedding


async def get_profile(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, *, for_update: bool = False
) -> Profile | None:
    query = select(Profile).where(Profile.tenant_id == tenant_id, Profile.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def get_embedding(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> SoulEmbedding | None:
    query = select(SoulEmbedding).where(
        SoulEmbedding.tenant_id == tenant_id, SoulEmbedding.user_id == user_id
    )
    return (await session.execute(query)).scalar_one_or_none()
