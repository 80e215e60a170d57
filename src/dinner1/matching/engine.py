"""What a process keeps in memory to match quickly: per tenant, the retrieval index, how
rare each trait is, and the active weights.

The database stays the source of truth. The index is built from it (nightly, and when no
saved copy is usable), saved to the data directory, loaded from there by the next process
to start, and caught up every few seconds with the profiles changed since, so every
process sees every other's edits."""

from __future__ import annotations

import asyncio
import gc
import logging
import shutil
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.db.session import Database
from dinner1.db.types import utcnow
from dinner1.matching import repository
from dinner1.matching.features import SoulTraits
from dinner1.matching.index import PartitionedIndex
from dinner1.matching.models import MatchingModel
from dinner1.matching.rarity import TraitRarity
from dinner1.matching.scoring import DEFAULT_WEIGHTS
from dinner1.matching.vectors import retrieval_vector

logger = logging.getLogger(__name__)


# How often a process asks the database which profiles changed (other processes' edits).
CATCH_UP_EVERY = 5.0
# Re-read changes this far back: a transaction commits a little after its timestamp.
# Changes re-read in the overlap are applied once (their time of change is remembered).
CATCH_UP_OVERLAP = timedelta(seconds=30)
# A saved index older than this is rebuilt rather than caught up (ages allow one birthday).
LOAD_AT_MOST = timedelta(days=300)
# A failed renewal is tried again after this long, not on every request.
RENEW_RETRY_S = 60.0
# Saved versions older than this (and not current) are deleted by the next save.
KEEP_OLD_VERSIONS_S = 600.0
_CHUNK = 5000


@dataclass
class TenantMatching:
    index: PartitionedIndex
    rarity: TraitRarity
    weights: dict[str, float]
    model_version: int
    loaded_on: date
    # Changes up to this moment are in the index.
    synced_at: datetime
    checked_at: float = 0.0
    catching_up: bool = False
    # When each member applied in the overlap window had last changed.
    applied: dict[uuid.UUID, datetime] = field(default_factory=dict)


@dataclass
class MatchingEngine:
    db: Database
    directory: Path
    tenants: dict[uuid.UUID, TenantMatching] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _renewing: dict[uuid.UUID, asyncio.Task[None]] = field(default_factory=dict)
    _renew_failed: dict[uuid.UUID, float] = field(default_factory=dict)

    async def for_tenant(self, tenant_id: uuid.UUID, today: date) -> TenantMatching:
        """The tenant's matching state: loaded from disk or built on first use, caught up
        with profile changes every few seconds, renewed in the background on a new day."""
        state = self.tenants.get(tenant_id)
        if state is None:
            async with self._lock:
                state = self.tenants.get(tenant_id)
                if state is None:
                    state = await self._load(tenant_id, today) or await self._build(
                        tenant_id, today
                    )
                    self._install(tenant_id, state)
        if (
            state.loaded_on < today
            and tenant_id not in self._renewing
            and time.monotonic() - self._renew_failed.get(tenant_id, -RENEW_RETRY_S)
            >= RENEW_RETRY_S
        ):
            task = asyncio.create_task(self._renew(tenant_id, today))
            self._renewing[tenant_id] = task
            task.add_done_callback(lambda _: self._renewing.pop(tenant_id, None))
        if time.monotonic() - state.checked_at >= CATCH_UP_EVERY and not state.catching_up:
            # One request catches up; the others go on with the index as it is, and so
            # does this one if the catch-up fails (the next one retries).
            state.catching_up = True
            try:
                await self._catch_up(tenant_id, state, today)
            except Exception:
                logger.exception("matching index catch-up failed", extra={"tenant": str(tenant_id)})
            finally:
                state.checked_at = time.monotonic()
                state.catching_up = False
        return state

    async def rebuild(self, tenant_id: uuid.UUID, today: date) -> TenantMatching:
        async with self._lock:
            state = await self._build(tenant_id, today)
            self._install(tenant_id, state)
        return state

    def _install(self, tenant_id: uuid.UUID, state: TenantMatching) -> None:
        """Serve this state from now on. The index's hundreds of thousands of objects live
        until the next build: moved out of the collector's reach (after a collection, so
        no garbage is kept), full collections stay short while requests are served."""
        self.tenants[tenant_id] = state
        # Frozen objects are never collected: the state this one replaces is thawed first,
        # so any cycles in it are freed rather than kept for the life of the process.
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    async def _renew(self, tenant_id: uuid.UUID, today: date) -> None:
        """A new day: the index saved for today by the nightly refresh if there is one yet,
        else a fresh build. Requests keep the old state meanwhile."""
        try:
            state = await self._load(tenant_id, today, only_day=today)
            if state is None:
                state = await self._build(tenant_id, today)
            async with self._lock:
                self._install(tenant_id, state)
        except Exception:
            self._renew_failed[tenant_id] = time.monotonic()
            logger.exception("matching index renewal failed", extra={"tenant": str(tenant_id)})

    async def _build(self, tenant_id: uuid.UUID, today: date) -> TenantMatching:
        # Read outside any transaction (on SQLite one would hold the write lock), then
        # build with nothing open.
        synced_at = utcnow()
        async with self.db.reading() as session:
            # Changes committed by now are in what we read next: no need to re-read them.
            applied = await repository.changed_since(
                session, tenant_id, synced_at - CATCH_UP_OVERLAP
            )
            members = await repository.discoverable_traits(session, tenant_id, today)
            weights, version = await active_weights(session, tenant_id)
        rarity = TraitRarity.from_members(members)
        index = PartitionedIndex()
        rows = [(m, retrieval_vector(m, rarity)) for m in members]
        # Building HNSW is CPU work: keep it off the event loop.
        await asyncio.to_thread(index.upsert_many, rows)
        logger.info(
            "matching index built", extra={"tenant": str(tenant_id), "members": len(members)}
        )
        state = TenantMatching(
            index, rarity, weights, version, today, synced_at, time.monotonic(), False, applied
        )
        try:
            await asyncio.to_thread(self._save, tenant_id, state)
        except OSError:
            logger.exception("matching index not saved", extra={"tenant": str(tenant_id)})
        return state

    def _save(self, tenant_id: uuid.UUID, state: TenantMatching) -> None:
        """Write a new version beside the current one, then point `current` at it (one
        rename: a reader sees the old version or the new, never half of one)."""
        home = self.directory / str(tenant_id)
        home.mkdir(parents=True, exist_ok=True)
        version = f"v-{uuid.uuid4().hex}"
        state.index.save(
            home / version,
            extra={
                "day": state.loaded_on.isoformat(),
                "synced_at": state.synced_at.isoformat(),
                "population": state.rarity.population,
                "counts": [[k, t, n] for (k, t), n in state.rarity.counts.items()],
                "applied": {str(u): at.isoformat() for u, at in state.applied.items()},
            },
        )
        pointer = home / f"current.{version}"
        pointer.write_text(version)
        pointer.replace(home / "current")
        # Old versions go once no process can still be reading or writing them: never the
        # one `current` names (another process may have saved since), never a recent one.
        current = (home / "current").read_text().strip()
        for old in home.glob("v-*"):
            if old.name not in (version, current) and _age_s(old) > KEEP_OLD_VERSIONS_S:
                shutil.rmtree(old, ignore_errors=True)

    async def _load(
        self, tenant_id: uuid.UUID, today: date, only_day: date | None = None
    ) -> TenantMatching | None:
        home = self.directory / str(tenant_id)
        try:
            version = (home / "current").read_text().strip()
            index, extra = await asyncio.to_thread(PartitionedIndex.load, home / version)
            day = date.fromisoformat(extra["day"])
            synced_at = datetime.fromisoformat(extra["synced_at"])
            rarity = TraitRarity(
                population=int(extra["population"]),
                counts=Counter({(str(k), str(t)): int(n) for k, t, n in extra["counts"]}),
            )
            applied = {
                uuid.UUID(u): datetime.fromisoformat(at) for u, at in extra["applied"].items()
            }
        except FileNotFoundError:
            return None
        except Exception as exc:  # any damage: the database can always rebuild it
            logger.warning("saved matching index unreadable", extra={"error": repr(exc)})
            return None
        if (only_day is not None and day != only_day) or today - day > LOAD_AT_MOST:
            return None
        async with self.db.reading() as session:
            weights, version_number = await active_weights(session, tenant_id)
        state = TenantMatching(
            index, rarity, weights, version_number, day, synced_at, 0.0, False, applied
        )
        await self._catch_up(tenant_id, state, today)
        logger.info("matching index loaded", extra={"tenant": str(tenant_id), "day": str(day)})
        return state

    async def _catch_up(self, tenant_id: uuid.UUID, state: TenantMatching, today: date) -> None:
        """Apply every profile or account change since the last catch-up, whichever
        process made it. Reads outside any transaction; the index work runs in a thread."""
        started = utcnow()
        since = state.synced_at - CATCH_UP_OVERLAP
        async with self.db.reading() as session:
            changes = await repository.changed_since(session, tenant_id, since)
            fresh = [u for u, at in changes.items() if state.applied.get(u) != at]
            members: list[SoulTraits] = []
            for start in range(0, len(fresh), _CHUNK):
                chunk = fresh[start : start + _CHUNK]
                members += await repository.discoverable_traits(session, tenant_id, today, chunk)
        if fresh:
            staying = {m.id for m in members}
            leaving = [i for i in fresh if i not in staying]
            await asyncio.to_thread(_apply, state.index, state.rarity, members, leaving)
        horizon = started - CATCH_UP_OVERLAP
        state.applied = {u: at for u, at in changes.items() if at > horizon}
        state.synced_at = started

    async def update_member(
        self, tenant_id: uuid.UUID, member: SoulTraits, discoverable: bool
    ) -> None:
        """Apply one member's change to a loaded index at once (no-op if not loaded here);
        other processes see it at their next catch-up. In a thread: a save in progress
        holds the index's lock."""
        state = self.tenants.get(tenant_id)
        if state is None:
            return
        if discoverable:
            await asyncio.to_thread(_apply, state.index, state.rarity, [member], [])
        else:
            await asyncio.to_thread(_apply, state.index, state.rarity, [], [member.id])


def _apply(
    index: PartitionedIndex,
    rarity: TraitRarity,
    members: list[SoulTraits],
    leaving: list[uuid.UUID],
) -> None:
    index.upsert_many((m, retrieval_vector(m, rarity)) for m in members)
    for user_id in leaving:
        index.remove(user_id)


def _age_s(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


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
