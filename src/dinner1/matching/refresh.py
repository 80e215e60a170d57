"""The nightly refresh: everyone's matches for a new day, in one pass over the member base.

Same retrieval, rules and scoring as on demand (matching.service), but the member base is
read once into memory and the exact rules run in Python on that snapshot (the property
test in tests/matching/test_daily.py proves they agree with the SQL filters). CPU work
runs in forked workers, or in a thread chunk by chunk for small communities, so an
in-process runner keeps serving requests.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from multiprocessing import get_all_start_methods, get_context

from sqlalchemy import insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from threadpoolctl import threadpool_limits

from dinner1.db.session import Database
from dinner1.matching import dealbreakers, repository
from dinner1.matching.engine import MatchingEngine, TenantMatching
from dinner1.matching.features import SoulTraits
from dinner1.matching.models import DailyMatch
from dinner1.matching.scoring import compatibility, explained
from dinner1.matching.service import (
    DAILY_COUNT,
    SHORT_LIST,
    SMALL_COMMUNITY,
    Scored,
    diversify,
    match_row_values,
)
from dinner1.matching.vectors import retrieval_vector
from dinner1.safety.blocks import all_blocked_pairs

CHUNK = 500
PARALLEL_FROM = 5000
PROCESSES = 4
Progress = Callable[[int, int], None]


@dataclass
class RefreshStats:
    members: int = 0
    skipped: int = 0
    matches: int = 0


async def refresh_tenant(
    db: Database,
    engine: MatchingEngine,
    tenant_id: uuid.UUID,
    day: date,
    progress: Progress | None = None,
) -> RefreshStats:
    state = await engine.rebuild(tenant_id, day)
    async with db.sessionmaker() as session:
        members = {m.id: m for m in await repository.discoverable_traits(session, tenant_id, day)}
        excluded = await _exclusions(session, tenant_id, day)
        for blocker, blocked in await all_blocked_pairs(session, tenant_id):
            excluded[blocker].add(blocked)
            excluded[blocked].add(blocker)
        done = set(
            (
                await session.execute(
                    select(DailyMatch.user_id)
                    .where(DailyMatch.tenant_id == tenant_id, DailyMatch.day == day)
                    .distinct()
                )
            ).scalars()
        )
    stats = RefreshStats(members=len(members))
    todo = [m for m in members.values() if m.id not in done]
    stats.skipped = len(members) - len(todo)
    chunks = [todo[start : start + CHUNK] for start in range(0, len(todo), CHUNK)]
    work = _Work(members, excluded, state, tenant_id, day)
    handled = 0
    async for rows, size in _matched_chunks(chunks, work):
        if rows:
            async with db.unit_of_work() as session:
                await session.execute(insert(DailyMatch), rows)
        stats.matches += len(rows)
        handled += size
        if progress is not None:
            progress(handled, len(todo))
    return stats


@dataclass
class _Work:
    members: dict[uuid.UUID, SoulTraits]
    excluded: dict[uuid.UUID, set[uuid.UUID]]
    state: TenantMatching
    tenant_id: uuid.UUID
    day: date


# Set just before forking so child processes inherit it without pickling the index.
_FORKED: _Work | None = None


def _match_forked(ids: list[uuid.UUID]) -> list[dict[str, object]]:
    assert _FORKED is not None
    work = _FORKED
    work.state.index.after_fork()
    # One worker per core already: BLAS threads of their own would fight over the cores
    # (measured: 7.5 ms a member with them, 3.0 without).
    with threadpool_limits(limits=1, user_api="blas"):
        return _match_chunk(
            [work.members[i] for i in ids],
            work.members,
            work.excluded,
            work.state,
            work.tenant_id,
            work.day,
        )


async def _matched_chunks(
    chunks: list[list[SoulTraits]], work: _Work
) -> AsyncIterator[tuple[list[dict[str, object]], int]]:
    """Each chunk's rows in order: on every core for large populations (forked workers
    share the index and the members copy-on-write), in a thread otherwise."""
    processes = min(os.cpu_count() or 1, PROCESSES)
    if len(work.members) < PARALLEL_FROM or processes < 2 or "fork" not in get_all_start_methods():
        for chunk in chunks:
            yield (
                await asyncio.to_thread(
                    _match_chunk,
                    chunk,
                    work.members,
                    work.excluded,
                    work.state,
                    work.tenant_id,
                    work.day,
                ),
                len(chunk),
            )
        return
    global _FORKED
    _FORKED = work
    try:
        with ProcessPoolExecutor(processes, mp_context=get_context("fork")) as pool:
            futures = [pool.submit(_match_forked, [m.id for m in chunk]) for chunk in chunks]
            for chunk, future in zip(chunks, futures, strict=True):
                yield await asyncio.wrap_future(future), len(chunk)
    finally:
        _FORKED = None


async def _exclusions(
    session: AsyncSession, tenant_id: uuid.UUID, day: date
) -> dict[uuid.UUID, set[uuid.UUID]]:
    query = select(DailyMatch.user_id, DailyMatch.candidate_id).where(
        DailyMatch.tenant_id == tenant_id,
        or_(DailyMatch.outcome == "pass", DailyMatch.day > day - timedelta(days=14)),
    )
    found: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for user_id, candidate_id in (await session.execute(query)).all():
        found[user_id].add(candidate_id)
    return found


def _match_chunk(
    chunk: list[SoulTraits],
    members: dict[uuid.UUID, SoulTraits],
    excluded: dict[uuid.UUID, set[uuid.UUID]],
    state: TenantMatching,
    tenant_id: uuid.UUID,
    day: date,
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for me in chunk:
        candidates = _candidates(me, members, excluded.get(me.id, set()), state, day)
        scored = [
            Scored(o, compatibility(me, o, state.rarity, state.weights, with_factors=False))
            for o in candidates
        ]
        scored.sort(key=lambda s: s.result.score, reverse=True)
        for rank, item in enumerate(diversify(scored, DAILY_COUNT), start=1):
            shown = Scored(item.member, explained(item.result, me, item.member, state.rarity))
            rows.append(match_row_values(tenant_id, me.id, day, rank, shown, state.model_version))
    return rows


def _candidates(
    me: SoulTraits,
    members: dict[uuid.UUID, SoulTraits],
    excluded: set[uuid.UUID],
    state: TenantMatching,
    day: date,
) -> list[SoulTraits]:
    if len(members) < SMALL_COMMUNITY:
        pool: list[SoulTraits] = [m for m in members.values() if m.id != me.id]
        return _survivors(me, pool, excluded)
    # The index's facts filter already applied every rule; the exact check below runs on
    # the snapshot read for this refresh (the index may know a newer or older version).
    hits, _ = state.index.nearest(
        me, retrieval_vector(me, state.rarity), SHORT_LIST, day, frozenset(excluded)
    )
    pool = [members[hit.user_id] for hit in hits if hit.user_id in members]
    return _survivors(me, pool, excluded)


def _survivors(
    me: SoulTraits, pool: list[SoulTraits], excluded: set[uuid.UUID]
) -> list[SoulTraits]:
    found: list[SoulTraits] = []
    for other in pool:
        if (
            other.id != me.id
            and other.id not in excluded
            and dealbreakers.compatible_fast(me, other)
        ):
            found.append(other)
            if len(found) == SHORT_LIST:
                break
    return found
