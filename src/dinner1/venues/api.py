"""Venue onboarding, staff, review, and deals posting (owners and staff)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from starlette.responses import Response

from dinner1.accounts.auth import AdminPrincipal, CurrentPrincipal
from dinner1.core.deps import RuntimeDep, SessionDep, TenantDep
from dinner1.core.errors import NotFound
from dinner1.deals import service as deals
from dinner1.deals.schemas import DealOut, RuleIn, SlotEdit, SlotIn, TemplateIn
from dinner1.deals.views import deal_out
from dinner1.locale.service import gettext as _
from dinner1.venues import repository, service
from dinner1.venues.schemas import ReviewIn, StaffIn, StaffOut, VenueIn, VenueOut

router = APIRouter(prefix="/api/v1", tags=["venues"])


@router.post("/venues", status_code=status.HTTP_201_CREATED, response_model=VenueOut)
async def register_venue(
    data: VenueIn, principal: CurrentPrincipal, session: SessionDep
) -> VenueOut:
    """Register a venue (venue owners); it is pending until an admin approves it."""
    return service.to_out(await service.create_venue(session, principal, data))


@router.get("/venues/mine", response_model=list[VenueOut])
async def my_venues(principal: CurrentPrincipal, session: SessionDep) -> list[VenueOut]:
    """Venues you run, whatever your role there."""
    found = await repository.venues_of(session, principal.tenant_id, principal.user_id)
    return [service.to_out(venue) for venue, _role in found]


@router.get("/venues/{venue_id}", response_model=VenueOut)
async def read_venue(venue_id: uuid.UUID, session: SessionDep, tenant: TenantDep) -> VenueOut:
    """A public venue page (approved venues only)."""
    venue = await repository.get_venue(session, tenant.id, venue_id)
    if venue is None or venue.status != "approved":
        raise NotFound(_("No such venue."))
    return service.to_out(venue)


@router.put("/venues/{venue_id}", response_model=VenueOut)
async def update_venue(
    venue_id: uuid.UUID, data: VenueIn, principal: CurrentPrincipal, session: SessionDep
) -> VenueOut:
    """Change a venue's details (owner or manager)."""
    return service.to_out(await service.update_venue(session, principal, venue_id, data))


@router.post("/venues/{venue_id}/review", response_model=VenueOut, tags=["admin"])
async def review_venue(
    venue_id: uuid.UUID, data: ReviewIn, principal: AdminPrincipal, session: SessionDep
) -> VenueOut:
    """Approve, reject, suspend or reinstate a venue (admins)."""
    return service.to_out(await service.review_venue(session, principal, venue_id, data))


@router.post(
    "/venues/{venue_id}/staff", status_code=status.HTTP_201_CREATED, response_model=StaffOut
)
async def add_staff(
    venue_id: uuid.UUID, data: StaffIn, principal: CurrentPrincipal, session: SessionDep
) -> StaffOut:
    """Give a member a role at your venue (owners)."""
    staff = await service.add_staff(session, principal, venue_id, data)
    return StaffOut(user_id=staff.user_id, display_name=data.email, role=staff.role)


@router.delete("/venues/{venue_id}/staff/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_staff(
    venue_id: uuid.UUID, user_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Take a role away (owners)."""
    await service.remove_staff(session, principal, venue_id, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/venues/{venue_id}/deals",
    status_code=status.HTTP_201_CREATED,
    response_model=DealOut,
    tags=["deals"],
)
async def post_slot(
    venue_id: uuid.UUID, data: SlotIn, principal: CurrentPrincipal, session: SessionDep
) -> DealOut:
    """Offer one discounted slot (local date and times of the venue)."""
    return deal_out(await deals.post_slot(session, principal, venue_id, data))


@router.post(
    "/venues/{venue_id}/deal-rules",
    status_code=status.HTTP_201_CREATED,
    response_model=list[DealOut],
    tags=["deals"],
)
async def post_rule(
    venue_id: uuid.UUID, data: RuleIn, principal: CurrentPrincipal, session: SessionDep
) -> list[DealOut]:
    """A recurring offer, expanded into slots (days the venue is closed are skipped)."""
    return [deal_out(d) for d in await deals.post_rule(session, principal, venue_id, data)]


@router.post(
    "/venues/{venue_id}/deal-templates",
    status_code=status.HTTP_201_CREATED,
    response_model=list[DealOut],
    tags=["deals"],
)
async def post_template(
    venue_id: uuid.UUID, data: TemplateIn, principal: CurrentPrincipal, session: SessionDep
) -> list[DealOut]:
    """Afternoon tea, early dinner, late lunch, iftar or suhoor, ready to post."""
    return [deal_out(d) for d in await deals.post_template(session, principal, venue_id, data)]


@router.patch("/deals/{deal_id}", response_model=DealOut, tags=["deals"])
async def edit_slot(
    deal_id: uuid.UUID, data: SlotEdit, principal: CurrentPrincipal, session: SessionDep
) -> DealOut:
    """Change seats (never below those booked), the offer text, or pause and resume."""
    return deal_out(await deals.edit_slot(session, principal, deal_id, data))


@router.post("/deals/{deal_id}/cancel", response_model=DealOut, tags=["deals"])
async def cancel_slot(
    deal_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
    tenant: TenantDep,
) -> DealOut:
    """Cancel a slot; anyone booked is told and refunded."""
    return deal_out(await deals.cancel_slot(session, runtime.settings, tenant, principal, deal_id))
