"""What a process keeps in memory to match quickly: per tenant, the retrieval index, how
rare each trait is, and the active weights. The database stays the source of truth: the
engine is rebuilt from it when missing and updated as profiles change."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.db.session import Database
from dinner1.matching import repository
from dinner1.matching.features import SoulTraits
from dinner1.matching.index import PartitionedIndex
from dinner1.matching.models import MatchingModel
from dinner1.matching.rarity import TraitRarity
from dinner1.matching.scoring import DEFAULT_WEIGHTS
from dinner1.matching.vectors import retrieval_vector

logger = logging.getLogger(__name__)


@dataclass
class TenantMatching:
    index: PartitionedIndex
    rarity: TraitRarity
    weights: dict[str, float]
    model_version: int
    loaded_on: date


@dataclass
class MatchingEngine:
    db: Database
    directory: Path
    tenants: dict[uuid.UUID, TenantMatching] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def for_tenant(self, tenant_id: uuid.UUID, today: date) -> TenantMatching:
        state = self.tenants.get(tenant_id)
        if state is not None:
            return state
        async with self._lock:
            state = self.tenants.get(tenant_id)
            if state is None:
                state = await self._build(tenant_id, today)
                self.tenants[tenant_id] = state
        return state

    async def rebuild(self, tenant_id: uuid.UUID, today: date) -> TenantMatching:
        async with self._lock:
            state = await self._build(tenant_id, today)
            self.tenants[tenant_id] = state
        return state

    async def _build(self, tenant_id: uuid.UUID, today: date) -> TenantMatching:
        # Read in a short transaction of our own, then build with no transaction open:
        # on SQLite an open transaction holds the write lock.
        async with self.db.sessionmaker() as session:
            members = await repository.discoverable_traits(session, tenant_id, today)
            weights, version = await active_weights(session, tenant_id)
        rarity = TraitRarity.from_members(members)
        index = PartitionedIndex()
        rows = [
            (m.id, m.gender_bit, m.cell_lat, m.cell_lon, retrieval_vector(m, rarity))
            for m in members
        ]
        # Building HNSW is CPU work: keep it off the event loop.
        await asyncio.to_thread(index.upsert_many, rows)
        logger.info(
            "matching index built", extra={"tenant": str(tenant_id), "members": len(members)}
        )
        return TenantMatching(index, rarity, weights, version, today)

    def update_member(self, tenant_id: uuid.UUID, member: SoulTraits, discoverable: bool) -> None:
        """Apply one member's change to a loaded index (no-op if not loaded here)."""
        state = self.tenants.get(tenant_id)
        if state is None:
            return
        if not discoverable:
            state.index.remove(member.id)
            return
        vector = retrieval_vector(member, state.rarity)
        state.index.upsert(member.id, member.gender_bit, member.cell_lat, member.cell_lon, vector)


async def active_weights(
    session: AsyncSession, tenant_id: uuid.UUID
) -> tuple[dict[str, float], int]:
    query = (
        select(MatchingModel)
        .where(MatchingModel.tenant_id == tenant_id, MatchingModel.active.is_(True))
        .order_by(MatchingModel.version.desc())
        .limit(1)
    )
    model = (await session.execute(query)).scalar_one_or_none()
    if model is None:
        return dict(DEFAULT_WEIGHTS), 0
    return dict(model.weights), model.version
