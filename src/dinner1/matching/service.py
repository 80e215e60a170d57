"""Daily curated matches: a few reciprocal, diverse, deeply compatible people a day.

Candidate generation never scores every pair: the retrieval index (partitioned by gender
and region, with each member's hard-filter facts) proposes the nearest members who pass
the hard filters both ways, SQL applies every rule again to those few, and only the
survivors are fully scored. Small communities skip the index and filter in SQL directly,
which is exact.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.core.errors import Conflict, NotFound
from dinner1.core.geo import distance_bucket, distance_km
from dinner1.db.types import utcnow
from dinner1.locale.service import gettext as _
from dinner1.matching import dealbreakers, repository
from dinner1.matching.engine import MatchingEngine, TenantMatching
from dinner1.matching.features import SoulTraits
from dinner1.matching.models import DailyMatch
from dinner1.matching.scoring import Compatibility, compatibility, explained
from dinner1.matching.vectors import retrieval_vector
from dinner1.safety import gates
from dinner1.safety.blocks import hidden_from

DAILY_COUNT = 3
# Retrieval rounds before settling for a shorter short list.
MAX_ROUNDS = 3
# Fully scored per member: the nearest survivors of the hard filters.
SHORT_LIST = 30
SMALL_COMMUNITY = 3000
DIVERSITY = 0.25


@dataclass(frozen=True)
class Scored:
    member: SoulTraits
    result: Compatibility


async def candidates_for(
    session: AsyncSession,
    state: TenantMatching,
    tenant_id: uuid.UUID,
    me: SoulTraits,
    today: date,
    excluded: set[uuid.UUID],
) -> list[SoulTraits]:
    """The short list: members passing every hard filter, nearest in meaning first."""
    if len(state.index) < SMALL_COMMUNITY:
        ids = await repository.eligible_candidates(
            session, tenant_id, me, today, excluded=excluded, limit=SMALL_COMMUNITY
        )
        return list((await repository.load_traits(session, tenant_id, ids, today)).values())
    vector = retrieval_vector(me, state.rarity)
    # The index's facts filter applies every hard filter both ways; what it cannot know
    # (a ban, a pause, an edit since it last caught up) is checked on the fresh rows:
    # SQL for who may be shown, then every rule again on the traits just read. The
    # margin is for the few turned away there.
    count = SHORT_LIST + SHORT_LIST // 4
    checked = set(excluded)
    found: dict[uuid.UUID, SoulTraits] = {}
    ranked: list[uuid.UUID] = []
    for _round in range(MAX_ROUNDS):
        hits, _plan = await asyncio.to_thread(
            state.index.nearest, me, vector, count, today, frozenset(checked)
        )
        fresh = [hit.user_id for hit in hits]
        loaded = await repository.discoverable_among(session, tenant_id, today, fresh)
        found.update(
            (i, other)
            for i, other in loaded.items()
            if dealbreakers.compatible(
                me, other, distance_km(me.cell_lat, me.cell_lon, other.cell_lat, other.cell_lon)
            )
        )
        checked.update(fresh)
        ranked.extend(i for i in fresh if i in found)  # each round is farther than the last
        if len(ranked) >= SHORT_LIST or len(hits) < count:
            break
        count *= 2
    return [found[i] for i in ranked[:SHORT_LIST]]


def score_short_list(
    me: SoulTraits, others: list[SoulTraits], state: TenantMatching
) -> list[Scored]:
    scored = []
    for other in others:
        km = distance_km(me.cell_lat, me.cell_lon, other.cell_lat, other.cell_lon)
        # SQL checked a box; this is the exact and final check of every rule.
        if not dealbreakers.compatible(me, other, km):
            continue
        scored.append(
            Scored(other, compatibility(me, other, state.rarity, state.weights, with_factors=False))
        )
    scored.sort(key=lambda s: s.result.score, reverse=True)
    return scored


def diversify(scored: list[Scored], count: int) -> list[Scored]:
    """Greedy maximal marginal relevance: strong matches that differ from each other."""
    chosen: list[Scored] = []
    pool = list(scored[: count * 10])
    while pool and len(chosen) < count:

        def value(item: Scored) -> float:
            overlap = max((_similarity(item.member, c.member) for c in chosen), default=0.0)
            return item.result.score / 100 - DIVERSITY * overlap

        best = max(pool, key=value)
        chosen.append(best)
        pool.remove(best)
    return chosen


def _similarity(a: SoulTraits, b: SoulTraits) -> float:
    union = a.interests | b.interests
    return len(a.interests & b.interests) / len(union) if union else 0.0


async def generate_daily(
    session: AsyncSession,
    engine: MatchingEngine,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    today: date,
    count: int = DAILY_COUNT,
) -> list[DailyMatch]:
    """Today's matches for a member, generated once per day and then kept."""
    # Before the first query: building the index must not happen inside our transaction.
    state = await engine.for_tenant(tenant_id, today)
    existing = await repository.matches_for_day(session, tenant_id, user_id, today)
    if existing:
        return existing
    me = (await repository.load_traits(session, tenant_id, [user_id], today)).get(user_id)
    if me is None:
        raise Conflict(_("Finish your soul profile to receive matches."))
    excluded = await repository.recently_shown_or_passed(session, tenant_id, user_id, today)
    excluded |= await hidden_from(session, tenant_id, user_id)
    others = await candidates_for(session, state, tenant_id, me, today, excluded | {user_id})
    picked = [
        Scored(s.member, explained(s.result, me, s.member, state.rarity))
        for s in diversify(score_short_list(me, others, state), count)
    ]
    rows = [
        DailyMatch(**match_row_values(tenant_id, user_id, today, rank, item, state.model_version))
        for rank, item in enumerate(picked, start=1)
    ]
    session.add_all(rows)
    await session.flush()
    return rows


def match_row_values(
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    day: date,
    rank: int,
    item: Scored,
    model_version: int,
) -> dict[str, object]:
    result = item.result
    return {
        "id": uuid.uuid4(),
        "tenant_id": tenant_id,
        "user_id": user_id,
        "candidate_id": item.member.id,
        "day": day,
        "rank": rank,
        "score": result.score,
        "label": result.label,
        "breakdown": result.breakdown,
        "factors": [
            {
                "kind": f.kind,
                "key": f.key,
                "prevalence": round(f.prevalence, 3) if f.measured else None,
            }
            for f in result.factors
        ],
        "distance_bucket": distance_bucket(result.distance_km)[0],
        "model_version": model_version,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }


async def record_outcome(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    match_id: uuid.UUID,
    outcome: str,
) -> DailyMatch:
    match = await repository.get_match(session, tenant_id, user_id, match_id)
    if match is None:
        raise NotFound(_("No such match."))
    if match.outcome is not None and match.outcome != outcome:
        raise Conflict(_("You already answered this match."))
    if outcome == "interested" and match.outcome is None:
        recent = await repository.interests_since(
            session, tenant_id, user_id, utcnow() - timedelta(days=1)
        )
        await gates.check_can_express_interest(
            session, tenant_id, user_id, match.candidate_id, recent
        )
    match.outcome = outcome
    match.outcome_at = utcnow()
    return match


async def interests_since(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, since: datetime
) -> list[datetime]:
    """When the member said "interested" since `since` (initiation velocity)."""
    return await repository.interests_since(session, tenant_id, user_id, since)


async def proposals_since(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, since: date
) -> int:
    """How many matches the member was proposed since `since`."""
    return await repository.proposals_since(session, tenant_id, user_id, since)


async def were_proposed(
    session: AsyncSession, tenant_id: uuid.UUID, a: uuid.UUID, b: uuid.UUID
) -> bool:
    """Whether the two members were ever proposed to each other (so each has seen the other)."""
    return await repository.were_proposed(session, tenant_id, a, b)
