"""Puts the planned booking history of the demo world into the database, in bulk."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.bookings.models import Booking, LoyaltyEntry, VenueReview
from dinner1.config import Settings
from dinner1.deals.models import Deal
from dinner1.demo.history import HISTORY_DAYS, Diner, History, HistoryPlanner, venue_traits
from dinner1.demo.upcoming import plan_today, plan_upcoming
from dinner1.venues.models import Venue


@dataclass(frozen=True)
class ActivityReport:
    bookings: int
    reviews: int
    today_venue: str


async def _future_deals(session: AsyncSession, venues: list[Venue], now: datetime) -> list[Deal]:
    """Deals already posted for the coming weeks, in a stable order (ids are random)."""
    rows = await session.execute(
        select(Deal)
        .join(Venue, Venue.id == Deal.venue_id)
        .where(Deal.venue_id.in_([venue.id for venue in venues]), Deal.starts_at > now)
        .order_by(Deal.starts_at, Venue.name)
    )
    return list(rows.scalars())


async def _insert(session: AsyncSession, history: History, venues: list[Venue]) -> None:
    session.add_all(history.deals)
    await session.flush()  # bookings refer to the deals
    for model, rows in (
        (Booking, history.bookings),
        (VenueReview, history.reviews),
        (LoyaltyEntry, history.loyalty),
    ):
        if rows:
            await session.execute(insert(model), rows)
    for venue in venues:
        ratings = history.ratings.get(venue.id, [])
        venue.rating_sum += sum(ratings)
        venue.rating_count += len(ratings)
    await session.flush()


async def add_booking_history(
    session: AsyncSession,
    settings: Settings,
    venues: list[Venue],
    diners: list[Diner],
    *,
    seed: int,
    today: date,
    now: datetime,
) -> ActivityReport:
    """Four months of deals and bookings at every venue, upcoming tables, and a busy
    today at the first venue (the first owner's)."""
    rng = random.Random(seed + 3)  # noqa: S311 - reproducible demo data, not security
    planner = HistoryPlanner(rng, settings, diners, now)
    profiles = [venue_traits(rng, venue) for venue in venues]
    first_day = today - timedelta(days=HISTORY_DAYS)
    for profile in profiles:
        planner.plan_past(profile, first_day, today - timedelta(days=1))
    plan_today(planner, profiles[0], today)
    future = await _future_deals(session, venues, now)
    plan_upcoming(planner, future, {venue.id: venue.city for venue in venues})
    await _insert(session, planner.history, venues)
    history = planner.history
    return ActivityReport(len(history.bookings), len(history.reviews), venues[0].name)
