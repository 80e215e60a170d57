"""A venue's figures for its owners: today, a period's money and seats, ratings, exports.

Totals are aggregated by the database (one grouped query per figure family), never by
loading a period's bookings into Python; only the CSV export reads rows one by one.
Periods are venue-local days; storage and queries stay in UTC.

Money follows `rules.payout_of`: what the diner paid, less refunds, less the platform fee,
counted on bookings that were honoured or not shown up for (the fee is charged on both).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql._typing import _ColumnExpressionArgument

from dinner1.accounts import service as accounts
from dinner1.accounts.auth import Principal
from dinner1.bookings.demand import Outlook, venue_outlook
from dinner1.bookings.models import Booking, VenueReview
from dinner1.bookings.service import HONOURED, local_day_bounds
from dinner1.core.errors import ValidationFailed
from dinner1.deals import seats
from dinner1.locale.service import gettext as _
from dinner1.venues.models import Venue
from dinner1.venues.service import access_venue

DEFAULT_PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 366
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class Period:
    """Venue-local days from `first_day` to `last_day`, both included."""

    first_day: date
    last_day: date

    @classmethod
    def ending(cls, last_day: date, days: int = DEFAULT_PERIOD_DAYS) -> Period:
        return cls(last_day - timedelta(days=days - 1), last_day)

    @classmethod
    def checked(cls, first_day: date | None, last_day: date | None, today: date) -> Period:
        """The period asked for (the last 30 days by default), or a 422 saying what is wrong."""
        last = last_day or today
        first = first_day or last - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if first > last:
            raise ValidationFailed(_("The start of the period must not be after its end."))
        if (last - first).days >= MAX_PERIOD_DAYS:
            raise ValidationFailed(_("A period covers at most 366 days."))
        return cls(first, last)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def each_day(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.first_day + timedelta(days=offset)

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        return local_day_bounds(self.first_day, timezone)[0], local_day_bounds(
            self.last_day, timezone
        )[1]


def local_today(timezone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True, slots=True)
class Money:
    """Settled money of a period in one currency (a venue that changed currency has two)."""

    currency: str
    revenue_minor: int = 0
    fees_minor: int = 0
    payout_minor: int = 0


@dataclass(frozen=True, slots=True)
class Figures:
    bookings: int = 0  # not cancelled
    cancelled: int = 0
    arrivals: int = 0  # checked in
    no_shows: int = 0
    covers: int = 0  # guests checked in
    money: tuple[Money, ...] = ()
    seats_offered: int = 0
    seats_booked: int = 0
    seat_hours: float = 0.0  # capacity × open hours of the period
    rating_average: float | None = None  # all time, as members see it
    rating_count: int = 0
    period_rating_average: float | None = None
    period_rating_count: int = 0

    @property
    def seat_utilization(self) -> float | None:
        """Booked seats ÷ seats offered in the venue's deals."""
        return self.seats_booked / self.seats_offered if self.seats_offered else None

    @property
    def covers_utilization(self) -> float | None:
        """Guests seated ÷ (capacity × open hours): covers per seat-hour."""
        return self.covers / self.seat_hours if self.seat_hours else None

    @property
    def no_show_rate(self) -> float | None:
        settled = self.arrivals + self.no_shows
        return self.no_shows / settled if settled else None


@dataclass(frozen=True, slots=True)
class Today:
    day: date
    bookings: int = 0  # not cancelled
    arrivals: int = 0
    expected_covers: int = 0
    seated_covers: int = 0


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _total(
    condition: ColumnElement[bool], value: _ColumnExpressionArgument[Any]
) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


_BOOKED = Booking.status != "cancelled"
_SEATED = Booking.status == "checked_in"
_SETTLED = Booking.status.in_(HONOURED)


def _in_range(venue_id: uuid.UUID, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [Booking.venue_id == venue_id, Booking.starts_at >= start, Booking.starts_at < end]


async def today_at(session: AsyncSession, venue: Venue, now: datetime) -> Today:
    """Today's bookings (venue-local day) and how many parties and guests have arrived."""
    day = local_today(venue.timezone, now)
    start, end = local_day_bounds(day, venue.timezone)
    row = (
        await session.execute(
            select(
                _count(_BOOKED),
                _count(_SEATED),
                _total(_BOOKED, Booking.party),
                _total(_SEATED, Booking.party),
            ).where(*_in_range(venue.id, start, end))
        )
    ).one()
    return Today(day, int(row[0]), int(row[1]), int(row[2]), int(row[3]))


async def _booking_totals(
    session: AsyncSession, venue: Venue, start: datetime, end: datetime
) -> dict[str, Any]:
    rows = (
        await session.execute(
            select(
                Booking.currency,
                _count(_BOOKED),
                _count(Booking.status == "cancelled"),
                _count(_SEATED),
                _count(Booking.status == "no_show"),
                _total(_SEATED, Booking.party),
                _total(_SETTLED, Booking.amount_minor - Booking.refund_minor),
                _total(_SETTLED, Booking.fee_minor),
            )
            .where(*_in_range(venue.id, start, end))
            .group_by(Booking.currency)
            .order_by(Booking.currency)
        )
    ).all()
    counts = [sum(int(row[index]) for row in rows) for index in range(1, 6)]
    money = tuple(
        Money(row[0], int(row[6]), int(row[7]), int(row[6]) - int(row[7])) for row in rows
    )
    names = ("bookings", "cancelled", "arrivals", "no_shows", "covers")
    return dict(zip(names, counts, strict=True)) | {"money": money}


async def _period_ratings(
    session: AsyncSession, venue: Venue, start: datetime, end: datetime
) -> tuple[float | None, int]:
    average, count = (
        await session.execute(
            select(func.avg(VenueReview.rating), func.count()).where(
                VenueReview.venue_id == venue.id,
                VenueReview.status == "published",
                VenueReview.created_at >= start,
                VenueReview.created_at < end,
            )
        )
    ).one()
    return (round(float(average), 2) if average is not None else None), int(count)


def open_minutes_on(venue: Venue, day: date) -> int:
    """Minutes the venue is open on a local day (an exception for that date wins)."""
    ranges = venue.hours_exceptions.get(day.isoformat())
    if ranges is None:
        ranges = venue.hours.get(str(day.weekday()), [])
    total = 0
    for opening, closing in ranges:
        opens = int(opening[:2]) * 60 + int(opening[3:])
        closes = int(closing[:2]) * 60 + int(closing[3:])
        total += closes - opens if closes > opens else closes + MINUTES_PER_DAY - opens
    return total


async def period_figures(session: AsyncSession, venue: Venue, period: Period) -> Figures:
    start, end = period.bounds(venue.timezone)
    totals = await _booking_totals(session, venue, start, end)
    offered, booked = await seats.seat_totals(session, venue.id, start, end)
    period_average, period_count = await _period_ratings(session, venue, start, end)
    open_hours = sum(open_minutes_on(venue, day) for day in period.each_day()) / 60
    return Figures(
        **totals,
        seats_offered=offered,
        seats_booked=booked,
        seat_hours=venue.capacity * open_hours,
        rating_average=(
            round(venue.rating_sum / venue.rating_count, 2) if venue.rating_count else None
        ),
        rating_count=venue.rating_count,
        period_rating_average=period_average,
        period_rating_count=period_count,
    )


# ---- exports -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportedBooking:
    """A booking as a venue exports it: the diner's first name, never an email or birth date."""

    booking: Booking
    first_name: str


async def _venue_and_period(
    session: AsyncSession,
    principal: Principal,
    venue_id: uuid.UUID,
    first_day: date | None,
    last_day: date | None,
    now: datetime,
) -> tuple[Venue, Period]:
    venue = await access_venue(session, principal, venue_id, "manager")
    return venue, Period.checked(first_day, last_day, local_today(venue.timezone, now))


async def bookings_for_export(
    session: AsyncSession,
    principal: Principal,
    venue_id: uuid.UUID,
    *,
    first_day: date | None,
    last_day: date | None,
    now: datetime,
) -> tuple[Venue, Period, list[ExportedBooking]]:
    """Every booking of the period (cancelled ones too), in arrival order."""
    venue, period = await _venue_and_period(session, principal, venue_id, first_day, last_day, now)
    start, end = period.bounds(venue.timezone)
    found = list(
        (
            await session.execute(
                select(Booking)
                .where(*_in_range(venue.id, start, end))
                .order_by(Booking.starts_at, Booking.created_at)
            )
        ).scalars()
    )
    names = await accounts.first_names(session, venue.tenant_id, {b.member_id for b in found})
    return venue, period, [ExportedBooking(b, names.get(b.member_id, "?")) for b in found]


@dataclass(slots=True)
class PayoutDay:
    day: date
    currency: str
    bookings: int = 0
    covers: int = 0
    revenue_minor: int = 0
    fees_minor: int = 0
    payout_minor: int = 0


async def payouts_by_day(
    session: AsyncSession,
    principal: Principal,
    venue_id: uuid.UUID,
    *,
    first_day: date | None,
    last_day: date | None,
    now: datetime,
) -> tuple[Venue, Period, list[PayoutDay]]:
    """Settled money per venue-local day: the database sums per slot start, and the few
    slot rows are folded into local days here (SQLite has no time zones)."""
    venue, period = await _venue_and_period(session, principal, venue_id, first_day, last_day, now)
    start, end = period.bounds(venue.timezone)
    rows = (
        await session.execute(
            select(
                Booking.starts_at,
                Booking.currency,
                func.count(),
                func.sum(Booking.party),
                func.sum(Booking.amount_minor - Booking.refund_minor),
                func.sum(Booking.fee_minor),
            )
            .where(*_in_range(venue.id, start, end), _SETTLED)
            .group_by(Booking.starts_at, Booking.currency)
        )
    ).all()
    zone = ZoneInfo(venue.timezone)
    days: dict[tuple[date, str], PayoutDay] = {}
    for starts_at, currency, count, covers, revenue, fees in rows:
        key = (starts_at.astimezone(zone).date(), currency)
        line = days.setdefault(key, PayoutDay(*key))
        line.bookings += int(count)
        line.covers += int(covers)
        line.revenue_minor += int(revenue)
        line.fees_minor += int(fees)
        line.payout_minor += int(revenue) - int(fees)
    return venue, period, [days[key] for key in sorted(days)]


# ---- the dashboard ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dashboard:
    venue: Venue
    period: Period
    today: Today
    figures: Figures
    outlook: Outlook


async def venue_dashboard(
    session: AsyncSession,
    principal: Principal,
    venue_id: uuid.UUID,
    *,
    first_day: date | None,
    last_day: date | None,
    now: datetime,
) -> Dashboard:
    """Everything an owner or manager sees on the dashboard (hosts only see arrivals)."""
    venue = await access_venue(session, principal, venue_id, "manager")
    period = Period.checked(first_day, last_day, local_today(venue.timezone, now))
    return Dashboard(
        venue=venue,
        period=period,
        today=await today_at(session, venue, now),
        figures=await period_figures(session, venue, period),
        outlook=await venue_outlook(session, venue, now),
    )
