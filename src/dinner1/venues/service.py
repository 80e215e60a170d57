"""Venue onboarding and who may do what.

Roles at a venue: owner (everything, including staff), manager (details, deals,
bookings), host (today's arrivals). Admins review new venues and may suspend. Anyone
else asking about a venue they do not run gets "not found", never a hint it exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import repository as accounts
from dinner1.accounts.auth import Principal
from dinner1.accounts.models import Role
from dinner1.core.errors import Conflict, Forbidden, NotFound
from dinner1.locale.service import gettext as _
from dinner1.venues import repository, search_index
from dinner1.venues.features import feature_mask, feature_names
from dinner1.venues.models import Venue, VenueStaff
from dinner1.venues.schemas import ReviewIn, StaffIn, VenueIn, VenueOut

# What each role may do; a role includes the ones after it.
ROLE_RANK = {"owner": 3, "manager": 2, "host": 1}
TRANSITIONS = {
    ("pending", "approve"): "approved",
    ("pending", "reject"): "rejected",
    ("approved", "suspend"): "suspended",
    ("suspended", "reinstate"): "approved",
    ("rejected", "approve"): "approved",
}


def to_out(venue: Venue) -> VenueOut:
    rating = round(venue.rating_sum / venue.rating_count, 2) if venue.rating_count else None
    return VenueOut(
        id=venue.id,
        name=venue.name,
        category=venue.category,
        description=venue.description,
        address=venue.address,
        city=venue.city,
        lat=venue.lat,
        lon=venue.lon,
        timezone=venue.timezone,
        phone=venue.phone,
        currency=venue.currency,
        capacity=venue.capacity,
        average_price_minor=venue.average_price_minor,
        features=feature_names(venue.features),
        hours=venue.hours,
        status=venue.status,
        rating=rating,
    )


def _apply(venue: Venue, data: VenueIn) -> None:
    values = data.model_dump()
    values["features"] = feature_mask(data.features)
    for name, value in values.items():
        setattr(venue, name, value)


async def create_venue(session: AsyncSession, principal: Principal, data: VenueIn) -> Venue:
    """A venue owner registers a venue; it stays pending until an admin approves it."""
    if not principal.has_role(Role.VENUE_OWNER, Role.ADMIN):
        raise Forbidden(_("Only venue owners can register venues."))
    venue = Venue(tenant_id=principal.tenant_id, status="pending")
    _apply(venue, data)
    session.add(venue)
    await session.flush()
    session.add(
        VenueStaff(
            tenant_id=principal.tenant_id,
            venue_id=venue.id,
            user_id=principal.user_id,
            role="owner",
        )
    )
    await search_index.refresh(session, venue)
    await session.flush()
    return venue


async def access_venue(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, at_least: str = "host"
) -> Venue:
    """The venue, if this person may act on it at that level; NotFound otherwise."""
    venue = await repository.get_venue(session, principal.tenant_id, venue_id)
    if venue is None:
        raise NotFound(_("No such venue."))
    if principal.has_role(Role.ADMIN):
        return venue
    role = await repository.staff_role(session, principal.tenant_id, venue_id, principal.user_id)
    if role is None:
        raise NotFound(_("No such venue."))
    if ROLE_RANK[role] < ROLE_RANK[at_least]:
        raise Forbidden(_("Your role at this venue does not allow this."))
    return venue


async def update_venue(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, data: VenueIn
) -> Venue:
    venue = await access_venue(session, principal, venue_id, "manager")
    _apply(venue, data)
    await search_index.refresh(session, venue)
    return venue


async def review_venue(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, review: ReviewIn
) -> Venue:
    if not principal.has_role(Role.ADMIN):
        raise Forbidden()
    venue = await repository.get_venue(session, principal.tenant_id, venue_id)
    if venue is None:
        raise NotFound(_("No such venue."))
    new_status = TRANSITIONS.get((venue.status, review.decision))
    if new_status is None:
        raise Conflict(
            _("This venue is %(status)s: the decision %(decision)s does not apply.")
            % {"status": venue.status, "decision": review.decision}
        )
    venue.status = new_status
    return venue


async def add_staff(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, data: StaffIn
) -> VenueStaff:
    venue = await access_venue(session, principal, venue_id, "owner")
    user = await accounts.get_user_by_email(
        session, principal.tenant_id, data.email.strip().lower()
    )
    if user is None:
        raise NotFound(_("No member uses that email address; ask them to sign up first."))
    if await repository.staff_role(session, principal.tenant_id, venue.id, user.id):
        raise Conflict(_("This person already works at the venue."))
    staff = VenueStaff(
        tenant_id=principal.tenant_id, venue_id=venue.id, user_id=user.id, role=data.role
    )
    session.add(staff)
    await session.flush()
    return staff


async def remove_staff(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    venue = await access_venue(session, principal, venue_id, "owner")
    if user_id == principal.user_id:
        raise Conflict(_("An owner cannot remove themselves."))
    await session.execute(
        delete(VenueStaff).where(
            VenueStaff.venue_id == venue.id,
            VenueStaff.user_id == user_id,
            VenueStaff.role != "owner",
        )
    )


async def venues_by_id(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Venue]:
    return await repository.venues_by_id(session, ids)


async def count_rating(session: AsyncSession, venue_id: uuid.UUID, rating: int) -> None:
    """A published review's rating joins the venue's average."""
    await repository.add_rating(session, venue_id, rating)


async def withdraw_rating(session: AsyncSession, venue_id: uuid.UUID, rating: int) -> None:
    """A removed review's rating leaves the venue's average."""
    await session.execute(
        update(Venue)
        .where(Venue.id == venue_id, Venue.rating_count > 0)
        .values(rating_sum=Venue.rating_sum - rating, rating_count=Venue.rating_count - 1)
        .execution_options(synchronize_session=False)
    )


async def owner_id(
    session: AsyncSession, tenant_id: uuid.UUID, venue_id: uuid.UUID
) -> uuid.UUID | None:
    """The member who owns a venue (who answers for it to moderators)."""
    query = select(VenueStaff.user_id).where(
        VenueStaff.tenant_id == tenant_id,
        VenueStaff.venue_id == venue_id,
        VenueStaff.role == "owner",
    )
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def suspend_for_moderation(
    session: AsyncSession, tenant_id: uuid.UUID, venue_id: uuid.UUID
) -> Venue | None:
    """A moderator takes a reported venue down: it leaves search until an admin reinstates it."""
    venue = await repository.get_venue(session, tenant_id, venue_id)
    if venue is not None and venue.status == "approved":
        venue.status = "suspended"
        await session.flush()
    return venue
