"""A venue's demand for its owners: the weekday × hour heatmap of guests seated, and the
next seven days' forecast with dead hours and a recommended discount per dead slot.

History is guests checked in per slot start, summed by the database (one row per slot,
not per booking). A venue without history is forecast from the busy hours its owner
declared (cold start, `forecast.VenueDemand`). Fitting reads up to 400 days (last
Ramadan included) and takes tens of milliseconds, so it runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.bookings.models import Booking
from dinner1.bookings.service import local_day_bounds
from dinner1.deals.forecast import (
    HourForecast,
    OccupancyModel,
    VenueDemand,
    fit_occupancy_model,
    forecast_days,
)
from dinner1.deals.history import HOURS, HourlyCovers, covers_by_local_hour, occupancy_grid
from dinner1.deals.pricing import PricingAssumptions, recommend_discount
from dinner1.locale.prayer import Place
from dinner1.venues.models import Venue

HISTORY_DAYS = 400
HEATMAP_WEEKS = 12
FORECAST_DAYS = 7
DEAD_BELOW = 0.35
# Recommended deals never give more than this away; owners can go deeper by hand.
RECOMMENDATION_CAP_PERCENT = 40
LONGEST_DEAD_SLOT_HOURS = 3


def open_hours_by_weekday(hours: dict[str, list[list[str]]]) -> dict[int, frozenset[int]] | None:
    """Opening ranges → {weekday: local hours open at least partly}; past midnight counts
    for the next weekday. None when the venue declared no hours at all."""
    if not hours:
        return None
    found: dict[int, set[int]] = {weekday: set() for weekday in range(7)}
    for key, ranges in hours.items():
        weekday = int(key)
        for opening, closing in ranges:
            opens = int(opening[:2]) * 60 + int(opening[3:])
            closes = int(closing[:2]) * 60 + int(closing[3:])
            closes += 24 * 60 if closes <= opens else 0
            for hour in range(opens // 60, math.ceil(closes / 60)):
                found[(weekday + hour // HOURS) % 7].add(hour % HOURS)
    return {weekday: frozenset(hours) for weekday, hours in found.items()}


def venue_demand(venue: Venue) -> VenueDemand:
    busy = {int(day): frozenset(hours) for day, hours in venue.busy_hours.items() if hours}
    return VenueDemand(
        capacity=venue.capacity,
        place=Place(venue.name, venue.lat, venue.lon, venue.timezone),
        opening_hours=open_hours_by_weekday(venue.hours),
        declared_busy_hours=busy or None,
    )


def pricing_of(venue: Venue) -> PricingAssumptions:
    return PricingAssumptions(
        average_check_minor=venue.average_price_minor, currency=venue.currency
    )


async def covers_history(
    session: AsyncSession, venue: Venue, first_day: date, last_day: date
) -> list[HourlyCovers]:
    """Guests checked in per venue-local (day, hour) from first_day to last_day."""
    start = local_day_bounds(first_day, venue.timezone)[0]
    end = local_day_bounds(last_day, venue.timezone)[1]
    rows = (
        await session.execute(
            select(Booking.starts_at, func.sum(Booking.party))
            .where(
                Booking.venue_id == venue.id,
                Booking.status == "checked_in",
                Booking.starts_at >= start,
                Booking.starts_at < end,
            )
            .group_by(Booking.starts_at)
        )
    ).all()
    return covers_by_local_hour(((row[0], int(row[1])) for row in rows), venue.timezone)


@dataclass(frozen=True, slots=True)
class Heatmap:
    """Mean occupancy per weekday (Monday first) × shown hour; None where never open."""

    hours: list[int]
    values: list[list[float | None]]
    weeks: int


@dataclass(frozen=True, slots=True)
class DeadSlot:
    """Consecutive dead hours of one day, with the deal the pricing model recommends."""

    day: date
    start_hour: int
    end_hour: int  # exclusive
    occupancy: float
    discount_percent: int
    expected_extra_covers: float
    reasoning: str


@dataclass(frozen=True, slots=True)
class Outlook:
    heatmap: Heatmap
    forecast: list[HourForecast]
    dead_slots: list[DeadSlot]
    cold_start: bool  # no seated guests yet: the forecast comes from declared busy hours


def heatmap_of(
    history: Sequence[HourlyCovers], demand: VenueDemand, today: date, weeks: int = HEATMAP_WEEKS
) -> Heatmap:
    if not history:
        return Heatmap([], [[] for _ in range(7)], weeks)
    # Weeks before the first seated guest (a venue new to Dinner1) are unknown, not empty.
    first_day = max(today - timedelta(days=7 * weeks), min(record.day for record in history))
    grid = occupancy_grid(
        history,
        demand.capacity,
        first_day=first_day,
        last_day=today - timedelta(days=1),
        opening_hours=demand.opening_hours,
    )
    weekdays = np.array([day.weekday() for day in grid.days()], dtype=int)
    means = np.full((7, HOURS), np.nan)
    for weekday in range(7):
        rows = grid.values[weekdays == weekday]
        seen = (~np.isnan(rows)).sum(axis=0)
        total = np.nansum(rows, axis=0)
        means[weekday] = np.where(seen > 0, total / np.maximum(seen, 1), np.nan)
    shown = [hour for hour in range(HOURS) if not np.all(np.isnan(means[:, hour]))]
    values = [
        [
            None if np.isnan(means[weekday, hour]) else round(float(means[weekday, hour]), 3)
            for hour in shown
        ]
        for weekday in range(7)
    ]
    return Heatmap(shown, values, weeks)


def upcoming_hours(
    model: OccupancyModel, today: date, now: datetime, zone: ZoneInfo
) -> list[HourForecast]:
    """The forecast for every open hour from the current one over the next seven days."""
    current = now.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    return [
        forecast
        for forecast in forecast_days(model, today, FORECAST_DAYS)
        if datetime.combine(forecast.day, time(forecast.hour), tzinfo=zone) >= current
    ]


def dead_runs(forecasts: Sequence[HourForecast]) -> list[list[HourForecast]]:
    """Dead hours grouped into runs of consecutive hours of one day, at most three long."""
    runs: list[list[HourForecast]] = []
    for forecast in forecasts:
        if forecast.occupancy >= DEAD_BELOW:
            continue
        last = runs[-1][-1] if runs else None
        joins = (
            last is not None
            and last.day == forecast.day
            and last.hour + 1 == forecast.hour
            and len(runs[-1]) < LONGEST_DEAD_SLOT_HOURS
        )
        if joins:
            runs[-1].append(forecast)
        else:
            runs.append([forecast])
    return runs


def recommend_slots(
    forecasts: Sequence[HourForecast], capacity: int, pricing: PricingAssumptions
) -> list[DeadSlot]:
    slots = []
    for run in dead_runs(forecasts):
        occupancy = sum(hour.occupancy for hour in run) / len(run)
        advice = recommend_discount(
            occupancy, capacity, pricing, cap_percent=RECOMMENDATION_CAP_PERCENT
        )
        slots.append(
            DeadSlot(
                day=run[0].day,
                start_hour=run[0].hour,
                end_hour=run[-1].hour + 1,
                occupancy=occupancy,
                discount_percent=advice.discount_percent,
                expected_extra_covers=advice.expected_extra_covers,
                reasoning=advice.reasoning,
            )
        )
    return slots


def build_outlook(
    history: list[HourlyCovers], demand: VenueDemand, pricing: PricingAssumptions, now: datetime
) -> Outlook:
    """CPU part of the outlook (fit, forecast, pricing): pure, run in a worker thread."""
    zone = demand.place.zone
    today = now.astimezone(zone).date()
    model = fit_occupancy_model(history, demand, as_of=today)
    forecast = upcoming_hours(model, today, now, zone)
    return Outlook(
        heatmap=heatmap_of(history, demand, today),
        forecast=forecast,
        dead_slots=recommend_slots(forecast, demand.capacity, pricing),
        cold_start=not history,
    )


async def load_history(session: AsyncSession, venue: Venue, today: date) -> list[HourlyCovers]:
    return await covers_history(
        session, venue, today - timedelta(days=HISTORY_DAYS), today - timedelta(days=1)
    )


async def venue_outlook(session: AsyncSession, venue: Venue, now: datetime) -> Outlook:
    today = now.astimezone(ZoneInfo(venue.timezone)).date()
    history = await load_history(session, venue, today)
    return await asyncio.to_thread(
        build_outlook, history, venue_demand(venue), pricing_of(venue), now
    )


async def occupancy_model(session: AsyncSession, venue: Venue, now: datetime) -> OccupancyModel:
    """The fitted forecast model of a venue as of its local today (for auto-posting)."""
    today = now.astimezone(ZoneInfo(venue.timezone)).date()
    history = await load_history(session, venue, today)
    return await asyncio.to_thread(fit_occupancy_model, history, venue_demand(venue), as_of=today)
