"""Profile and onboarding API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body

from dinner1.accounts.auth import CurrentPrincipal
from dinner1.core.deps import SessionDep
from dinner1.profiles import repository, service
from dinner1.profiles.options import OptionsOut, options
from dinner1.profiles.schemas import DiscoveryIn, ProfileOut, Step

router = APIRouter(prefix="/api/v1/profile", tags=["profiles"])


@router.get("", response_model=ProfileOut)
async def read_profile(principal: CurrentPrincipal, session: SessionDep) -> ProfileOut:
    """The member's own profile and onboarding progress."""
    profile = await repository.get_profile(session, principal.tenant_id, principal.user_id)
    return service.to_out(profile or service.empty_profile(principal.tenant_id, principal.user_id))


@router.get("/options", response_model=OptionsOut)
async def read_options() -> OptionsOut:
    """Every choice onboarding offers, labelled in the caller's language."""
    return options()


@router.put("/onboarding/{step}", response_model=ProfileOut)
async def save_step(
    step: Step,
    principal: CurrentPrincipal,
    session: SessionDep,
    data: dict[str, Any] = Body(...),
) -> ProfileOut:
    """Save one onboarding step; steps can be answered in any order and changed later."""
    profile = await service.save_step(session, principal.tenant_id, principal.user_id, step, data)
    return service.to_out(profile)


@router.put("/discovery", response_model=ProfileOut)
async def set_discovery(
    data: DiscoveryIn, principal: CurrentPrincipal, session: SessionDep
) -> ProfileOut:
    """Pause or resume being proposed to others (and receiving matches)."""
    profile = await service.set_paused(session, principal.tenant_id, principal.user_id, data.paused)
    return service.to_out(profile)
