from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.venues.models import Venue, VenueStaff


async def get_venue(
    session: AsyncSession, tenant_id: uuid.UUID, venue_id: uuid.UUID
) -> Venue | None:
    query = select(Venue).where(Venue.tenant_id == tenant_id, Venue.id == venue_id)
    return (await session.execute(query)).scalar_one_or_none()


async def staff_role(
    session: AsyncSession, tenant_id: uuid.UUID, venue_id: uuid.UUID, user_id: uuid.UUID
) -> str | None:
    query = select(VenueStaff.role).where(
        VenueStaff.tenant_id == tenant_id,
        VenueStaff.venue_id == venue_id,
        VenueStaff.user_id == user_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def venues_of(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> list[tuple[Venue, str]]:
    query = (
        select(Venue, VenueStaff.role)
        .join(VenueStaff, VenueStaff.venue_id == Venue.id)
        .where(Venue.tenant_id == tenant_id, VenueStaff.user_id == user_id)
        .order_by(Venue.name)
    )
    return [(venue, role) for venue, role in (await session.execute(query)).all()]


async def venues_waiting(session: AsyncSession, tenant_id: uuid.UUID) -> list[Venue]:
    query = (
        select(Venue)
        .where(Venue.tenant_id == tenant_id, Venue.status == "pending")
        .order_by(Venue.created_at)
    )
    return list((await session.execute(query)).scalars())


async def venues_with_status(
    session: AsyncSession, tenant_id: uuid.UUID, status: str, limit: int = 200
) -> list[Venue]:
    """Oldest first: the admins' review queue works through them in order."""
    query = (
        select(Venue)
        .where(Venue.tenant_id == tenant_id, Venue.status == status)
        .order_by(Venue.created_at, Venue.name)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def venues_by_id(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Venue]:
    if not ids:
        return {}
    rows = await session.execute(select(Venue).where(Venue.id.in_(set(ids))))
    return {venue.id: venue for venue in rows.scalars()}


async def add_rating(session: AsyncSession, venue_id: uuid.UUID, rating: int) -> None:
    await session.execute(
        update(Venue)
        .where(Venue.id == venue_id)
        .values(rating_sum=Venue.rating_sum + rating, rating_count=Venue.rating_count + 1)
        .execution_options(synchronize_session=False)
    )
