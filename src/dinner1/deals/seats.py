"""Seats of a deal, claimed and released for bookings (the only writers of seats_booked)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.deals.models import Deal
from dinner1.venues.models import Venue


async def bookable(
    session: AsyncSession, tenant_id: uuid.UUID, deal_id: uuid.UUID
) -> tuple[Deal, Venue] | None:
    """The deal and its venue, if the venue is approved (the deal's own state is checked by
    the caller, so it can say why a booking is refused)."""
    row = (
        await session.execute(
            select(Deal, Venue)
            .join(Venue, Venue.id == Deal.venue_id)
            .where(Deal.tenant_id == tenant_id, Deal.id == deal_id, Venue.status == "approved")
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


async def claim(session: AsyncSession, deal_id: uuid.UUID, party: int, now: datetime) -> bool:
    """Take `party` seats in one conditional UPDATE: two racing claims cannot both win."""
    result = await session.execute(
        update(Deal)
        .where(
            Deal.id == deal_id,
            Deal.status == "active",
            Deal.starts_at > now,
            Deal.seats_total - Deal.seats_booked >= party,
        )
        .values(seats_booked=Deal.seats_booked + party)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


async def release(session: AsyncSession, deal_id: uuid.UUID, party: int) -> None:
    await session.execute(
        update(Deal)
        .where(Deal.id == deal_id)
        .values(seats_booked=Deal.seats_booked - party)
        .execution_options(synchronize_session=False)
    )


async def deals_by_id(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Deal]:
    if not ids:
        return {}
    rows = await session.execute(select(Deal).where(Deal.id.in_(set(ids))))
    return {deal.id: deal for deal in rows.scalars()}


async def seat_totals(
    session: AsyncSession, venue_id: uuid.UUID, start: datetime, end: datetime
) -> tuple[int, int]:
    """Seats offered and seats booked at a venue's slots starting in [start, end), leaving
    cancelled slots out (their seats were never really on sale)."""
    offered, booked = (
        await session.execute(
            select(
                func.coalesce(func.sum(Deal.seats_total), 0),
                func.coalesce(func.sum(Deal.seats_booked), 0),
            ).where(
                Deal.venue_id == venue_id,
                Deal.starts_at >= start,
                Deal.starts_at < end,
                Deal.status != "cancelled",
            )
        )
    ).one()
    return int(offered), int(booked)
