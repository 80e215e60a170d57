"""Background work for matching: embeddings when answers change, the nightly refresh."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.core.jobs import job
from dinner1.db.session import Database, enqueue_job
from dinner1.db.types import utcnow
from dinner1.matching import embeddings, repository
from dinner1.matching.clock import local_today
from dinner1.matching.features import Vector
from dinner1.privacy import consents
from dinner1.profiles import repository as profiles
from dinner1.profiles.models import SoulEmbedding
from dinner1.profiles.service import EMBED_JOB

if TYPE_CHECKING:
    from dinner1.runtime import Runtime

SEMANTIC = consents.Purpose.SEMANTIC_MATCHING


@job(EMBED_JOB)
async def embed_answers(runtime: Runtime, payload: dict[str, Any]) -> None:
    """Embed a member's answers if they changed, only with consent to semantic matching
    (otherwise any stored embedding is dropped), then refresh the member in the index.
    The model runs between two short transactions, never inside one."""
    tenant_id, user_id = uuid.UUID(payload["tenant_id"]), uuid.UUID(payload["user_id"])
    async with runtime.db.unit_of_work() as session:
        text = await _consented_text(session, tenant_id, user_id)
        stored = await profiles.get_embedding(session, tenant_id, user_id)
        if text and stored is not None and stored.text_digest == embeddings.digest(text):
            return
    vector = None
    if text and not embeddings.is_low_confidence(text):
        vector = (await asyncio.to_thread(embeddings.embed, [text]))[0]
    async with runtime.db.unit_of_work() as session:
        # Consent may have been withdrawn while the model ran: never store it then.
        if not await consents.allows(session, tenant_id, user_id, SEMANTIC):
            vector = None
        await _store(session, tenant_id, user_id, text, vector)
        today = local_today(runtime.settings.locale.default_timezone)
        traits = await repository.load_traits(session, tenant_id, [user_id], today)
        profile = await profiles.get_profile(session, tenant_id, user_id)
    if user_id in traits and profile is not None:
        await runtime.matching.update_member(tenant_id, traits[user_id], profile.discoverable)


async def _consented_text(session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID) -> str:
    """The answers as one text, or "" when there are none or no consent to use them."""
    profile = await profiles.get_profile(session, tenant_id, user_id)
    if profile is None or not profile.answers:
        return ""
    if not await consents.allows(session, tenant_id, user_id, SEMANTIC):
        return ""
    return embeddings.answers_text(profile.answers)


async def forget_text_embedding(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    """Consent withdrawn: drop the embedding in this transaction, refresh the index after."""
    stored = await profiles.get_embedding(session, tenant_id, user_id)
    if stored is not None:
        await session.delete(stored)
        await session.flush()
    enqueue_job(session, EMBED_JOB, {"tenant_id": str(tenant_id), "user_id": str(user_id)})


async def _store(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    text: str,
    vector: Vector | None,
) -> None:
    stored = await profiles.get_embedding(session, tenant_id, user_id)
    profile = await profiles.get_profile(session, tenant_id, user_id)
    if profile is not None:
        # Other processes' retrieval indexes catch up on changed profiles.
        profile.updated_at = utcnow()
    if vector is None:
        if stored is not None:
            await session.delete(stored)
        return
    if stored is None:
        stored = SoulEmbedding(tenant_id=tenant_id, user_id=user_id)
        session.add(stored)
    stored.model = embeddings.MODEL_NAME
    stored.text_digest = embeddings.digest(text)
    stored.vector = embeddings.to_bytes(vector)
    await session.flush()


REFRESH_JOB = "matching.refresh_all"


@job(REFRESH_JOB, max_attempts=2)
async def refresh_all(runtime: Runtime, payload: dict[str, Any]) -> None:
    """Every tenant's matches for the new local day."""
    from dinner1.matching.refresh import refresh_tenant
    from dinner1.tenants import repository as tenants

    day = local_today(runtime.settings.locale.default_timezone)
    async with runtime.db.sessionmaker() as session:
        rows = await tenants.list_active_with_hosts(session)
    for tenant, _ in rows:
        await refresh_tenant(runtime.db, runtime.matching, tenant.id, day)


async def embed_for_members(db: Database, tenant_id: uuid.UUID, user_ids: list[uuid.UUID]) -> int:
    """Embed many consenting members' answers in batches (demo load, backfills)."""
    texts: dict[uuid.UUID, str] = {}
    async with db.sessionmaker() as session:
        for user_id in await consents.consenting(session, tenant_id, user_ids, SEMANTIC):
            profile = await profiles.get_profile(session, tenant_id, user_id)
            if profile is not None and profile.answers:
                text = embeddings.answers_text(profile.answers)
                if not embeddings.is_low_confidence(text):
                    texts[user_id] = text
    if not texts:
        return 0
    vectors = await asyncio.to_thread(embeddings.embed, list(texts.values()))
    async with db.unit_of_work() as session:
        for (user_id, text), vector in zip(texts.items(), vectors, strict=True):
            await _store(session, tenant_id, user_id, text, vector)
    return len(texts)
