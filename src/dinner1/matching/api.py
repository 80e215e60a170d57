"""Today's matches and what the member does with them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from dinner1.accounts.auth import CurrentPrincipal
from dinner1.core.deps import RuntimeDep, SessionDep
from dinner1.matching import service, views
from dinner1.matching.clock import local_today
from dinner1.matching.schemas import MatchOut, OutcomeIn

router = APIRouter(prefix="/api/v1/matches", tags=["matching"])


@router.get("/today", response_model=list[MatchOut])
async def todays_matches(
    principal: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep
) -> list[MatchOut]:
    """Today's few curated matches, each with its breakdown and the reasons in words."""
    today = local_today(runtime.settings.locale.default_timezone)
    matches = await service.generate_daily(
        session, runtime.matching, principal.tenant_id, principal.user_id, today
    )
    people = await views.people(
        session, principal.tenant_id, [m.candidate_id for m in matches], today
    )
    return [views.match_out(m, people[m.candidate_id]) for m in matches if m.candidate_id in people]


@router.post("/{match_id}/outcome", response_model=MatchOut)
async def answer_match(
    match_id: uuid.UUID,
    data: OutcomeIn,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
) -> MatchOut:
    """Say "interested" or "pass"; a pass is never shown again."""
    match = await service.record_outcome(
        session, principal.tenant_id, principal.user_id, match_id, data.outcome
    )
    today = local_today(runtime.settings.locale.default_timezone)
    people = await views.people(session, principal.tenant_id, [match.candidate_id], today)
    return views.match_out(match, people[match.candidate_id])
