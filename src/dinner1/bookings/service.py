"""Booking a dead-hour deal: the seat is guaranteed the moment the booking exists.

The server decides every state. A seat is claimed by one conditional UPDATE on the deal
("seats left ≥ party"), so two members racing for the last table cannot both win, on
SQLite and PostgreSQL alike. The member prepays (through `payments`); cancelling early
enough gives it all back, a venue cancelling always does. The host checks the party in
with the code the member shows; a party that never comes becomes a no-show when the
check-in window closes (the sweeper job) and the venue keeps the prepayment.

Who sees what: a member sees only their own bookings; venue staff see their venue's
bookings with the diner's first name and party size, never an email or a birth date.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import service as accounts
from dinner1.accounts.auth import Principal
from dinner1.bookings import notices, payments
from dinner1.bookings.models import Booking, LoyaltyEntry
from dinner1.bookings.rules import (
    check_in_window,
    fee_of,
    refund_on_member_cancel,
    visit_points,
)
from dinner1.config import BookingSettings, Settings
from dinner1.core.errors import Conflict, Forbidden, NotFound
from dinner1.core.text import N_
from dinner1.deals import seats
from dinner1.deals.models import Deal
from dinner1.locale.service import gettext as _
from dinner1.safety import gates
from dinner1.tenants.service import TenantContext
from dinner1.venues import service as venues
from dinner1.venues.models import Venue
from dinner1.venues.service import access_venue

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I, 5/S, 8/B, 2/Z)
CODE_LENGTH = 6
REVIEW_WINDOW = timedelta(days=30)
UPCOMING = "confirmed"
HONOURED = ("checked_in", "no_show")
# Why a booking can no longer be seated or marked, by its status.
NOT_UPCOMING = {
    "checked_in": N_("This party is already checked in."),
    "no_show": N_("This booking was marked as missed."),
    "cancelled": N_("This booking was cancelled."),
}
NO_LONGER_UPCOMING = N_("This booking is no longer upcoming.")


@dataclass(frozen=True)
class BookingView:
    booking: Booking
    venue: Venue
    deal: Deal


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def _upcoming_count(session: AsyncSession, member_id: uuid.UUID, now: datetime) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(Booking)
            .where(
                Booking.member_id == member_id,
                Booking.status == UPCOMING,
                Booking.starts_at > now,
            )
        )
    ) or 0


async def book(
    session: AsyncSession,
    settings: Settings,
    tenant: TenantContext,
    principal: Principal,
    deal_id: uuid.UUID,
    *,
    party: int,
    note: str | None = None,
    source: str = "search",
    now: datetime,
) -> BookingView:
    rules = settings.bookings
    if not principal.is_verified:
        raise Forbidden(_("Confirm your email address before booking a table."))
    await gates.check_can_book(session, principal.tenant_id, principal.user_id)
    found = await seats.bookable(session, principal.tenant_id, deal_id)
    if found is None:
        raise NotFound(_("No such deal."))
    deal, venue = found
    if deal.status != "active":
        raise Conflict(_("This deal is not taking bookings."))
    if deal.starts_at <= now:
        raise Conflict(_("This deal has already started."))
    if not deal.min_party <= party <= deal.max_party:
        raise Conflict(
            _("This deal is for parties of %(low)d to %(high)d.")
            % {"low": deal.min_party, "high": deal.max_party}
        )
    already = await session.scalar(
        select(Booking.id).where(
            Booking.deal_id == deal.id,
            Booking.member_id == principal.user_id,
            Booking.status == UPCOMING,
        )
    )
    if already is not None:
        raise Conflict(_("You already have a booking at this deal."))
    if await _upcoming_count(session, principal.user_id, now) >= rules.max_upcoming_per_member:
        raise Conflict(
            _(
                "You already hold %(count)d upcoming bookings; "
                "cancel one or wait until after your next meal."
            )
            % {"count": rules.max_upcoming_per_member}
        )
    if not await seats.claim(session, deal.id, party, now):
        raise Conflict(_("Not enough seats are left at this deal."))
    await session.refresh(deal)
    amount = deal.price_per_person_minor * party
    booking = Booking(
        tenant_id=principal.tenant_id,
        deal_id=deal.id,
        venue_id=venue.id,
        member_id=principal.user_id,
        starts_at=deal.starts_at,
        party=party,
        code=await _free_code(session, venue.id),
        currency=deal.currency,
        price_per_person_minor=deal.price_per_person_minor,
        amount_minor=amount,
        payment_ref=payments.capture(amount, deal.currency),
        source=source,
        note=note,
    )
    session.add(booking)
    await session.flush()
    await notices.booked(session, settings, tenant, principal, booking, venue, deal)
    return BookingView(booking, venue, deal)


async def _free_code(session: AsyncSession, venue_id: uuid.UUID) -> str:
    for _attempt in range(20):
        code = new_code()
        taken = await session.scalar(
            select(Booking.id).where(Booking.venue_id == venue_id, Booking.code == code)
        )
        if taken is None:
            return code
    raise Conflict(_("Could not issue a booking code; please try again."))  # pragma: no cover


async def _views(session: AsyncSession, bookings: list[Booking]) -> list[BookingView]:
    deals = await seats.deals_by_id(session, {b.deal_id for b in bookings})
    places = await venues.venues_by_id(session, {b.venue_id for b in bookings})
    return [BookingView(b, places[b.venue_id], deals[b.deal_id]) for b in bookings]


async def _view(session: AsyncSession, booking: Booking) -> BookingView:
    return (await _views(session, [booking]))[0]


async def members_booking(
    session: AsyncSession, principal: Principal, booking_id: uuid.UUID, *, lock: bool = False
) -> Booking:
    query = select(Booking).where(
        Booking.tenant_id == principal.tenant_id,
        Booking.id == booking_id,
        Booking.member_id == principal.user_id,
    )
    booking = (
        await session.execute(query.with_for_update() if lock else query)
    ).scalar_one_or_none()
    if booking is None:
        raise NotFound(_("No such booking."))
    return booking


async def get_mine(
    session: AsyncSession, principal: Principal, booking_id: uuid.UUID
) -> BookingView:
    return await _view(session, await members_booking(session, principal, booking_id))


async def list_mine(
    session: AsyncSession, principal: Principal, *, upcoming: bool, now: datetime, limit: int = 50
) -> list[BookingView]:
    query = select(Booking).where(
        Booking.tenant_id == principal.tenant_id, Booking.member_id == principal.user_id
    )
    recent = now - timedelta(hours=3)
    if upcoming:
        query = query.where(Booking.starts_at > recent).order_by(Booking.starts_at)
    else:
        query = query.where(Booking.starts_at <= recent).order_by(Booking.starts_at.desc())
    found = list((await session.execute(query.limit(limit))).scalars())
    return await _views(session, found)


async def cancel_by_member(
    session: AsyncSession,
    settings: Settings,
    tenant: TenantContext,
    principal: Principal,
    booking_id: uuid.UUID,
    *,
    now: datetime,
) -> BookingView:
    booking = await members_booking(session, principal, booking_id, lock=True)
    if booking.status != UPCOMING:
        raise Conflict(_("Only a confirmed booking can be cancelled."))
    if booking.starts_at <= now:
        raise Conflict(_("This meal has already started; it can no longer be cancelled."))
    refund = refund_on_member_cancel(booking, settings.bookings, now)
    await _cancel(session, booking, by="member", refund=refund, now=now)
    view = await _view(session, booking)
    await notices.cancelled(session, settings, tenant, booking, view.venue, view.deal)
    return view


async def _cancel(
    session: AsyncSession, booking: Booking, *, by: str, refund: int, now: datetime
) -> None:
    booking.status = "cancelled"
    booking.cancelled_by = by
    booking.cancelled_at = now
    booking.refund_minor = refund
    if refund:
        payments.refund(booking.payment_ref, refund, booking.currency)
    await seats.release(session, booking.deal_id, booking.party)


async def cancel_for_deal(
    session: AsyncSession, settings: Settings, tenant: TenantContext, deal: Deal, now: datetime
) -> int:
    """The venue cancelled a slot: everyone booked is refunded in full and told."""
    venue = (await venues.venues_by_id(session, [deal.venue_id]))[deal.venue_id]
    bookings = (
        (
            await session.execute(
                select(Booking)
                .where(Booking.deal_id == deal.id, Booking.status == UPCOMING)
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    for booking in bookings:
        await _cancel(session, booking, by="venue", refund=booking.amount_minor, now=now)
        await notices.cancelled(session, settings, tenant, booking, venue, deal)
    await session.refresh(deal)
    return len(bookings)


# ---- the venue side -------------------------------------------------------------------


@dataclass(frozen=True)
class VenueBookingRow:
    booking: Booking
    first_name: str
    timezone: str


first_name = accounts.first_name


async def _staff_row(session: AsyncSession, booking: Booking, venue: Venue) -> VenueBookingRow:
    names = await accounts.first_names(session, venue.tenant_id, [booking.member_id])
    return VenueBookingRow(booking, names.get(booking.member_id, "?"), venue.timezone)


def local_day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


async def venue_day(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, day: date | None
) -> tuple[Venue, date, list[VenueBookingRow]]:
    """A venue-local day of bookings (today by default), in arrival order."""
    venue = await access_venue(session, principal, venue_id, "host")
    day = day or datetime.now(ZoneInfo(venue.timezone)).date()
    start, end = local_day_bounds(day, venue.timezone)
    found = list(
        (
            await session.execute(
                select(Booking)
                .where(
                    Booking.venue_id == venue.id,
                    Booking.starts_at >= start,
                    Booking.starts_at < end,
                )
                .order_by(Booking.starts_at, Booking.created_at)
            )
        ).scalars()
    )
    names = await accounts.first_names(session, venue.tenant_id, {b.member_id for b in found})
    return (
        venue,
        day,
        [VenueBookingRow(b, names.get(b.member_id, "?"), venue.timezone) for b in found],
    )


async def _venue_booking(
    session: AsyncSession,
    venue_id: uuid.UUID,
    *,
    booking_id: uuid.UUID | None = None,
    code: str | None = None,
) -> Booking:
    query = select(Booking).where(Booking.venue_id == venue_id)
    if booking_id is not None:
        query = query.where(Booking.id == booking_id)
    if code is not None:
        query = query.where(Booking.code == code.strip().upper())
    booking = (await session.execute(query.with_for_update())).scalar_one_or_none()
    if booking is None:
        raise NotFound(_("No booking with this code at this venue."))
    return booking


async def check_in(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    venue_id: uuid.UUID,
    *,
    now: datetime,
    booking_id: uuid.UUID | None = None,
    code: str | None = None,
) -> VenueBookingRow:
    """The host seats the party: the venue's proof the meal (or the first date) happened."""
    rules = settings.bookings
    venue = await access_venue(session, principal, venue_id, "host")
    booking = await _venue_booking(session, venue.id, booking_id=booking_id, code=code)
    _check_upcoming(booking)
    opens, closes = check_in_window(booking, rules)
    if not opens <= now <= closes:
        raise Conflict(
            _("Check-in is open from %(before)d minutes before the start until %(after)d after.")
            % {"before": rules.check_in_opens_minutes, "after": rules.check_in_closes_minutes}
        )
    booking.status = "checked_in"
    booking.checked_in_at = now
    booking.fee_minor = fee_of(booking.amount_minor, rules)
    points = visit_points(booking, rules, settings.locale.exchange_rates)
    if points:
        session.add(
            LoyaltyEntry(
                tenant_id=booking.tenant_id,
                member_id=booking.member_id,
                booking_id=booking.id,
                points=points,
                reason="visit",
            )
        )
    await session.flush()
    return await _staff_row(session, booking, venue)


async def mark_no_show(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    venue_id: uuid.UUID,
    booking_id: uuid.UUID,
    *,
    now: datetime,
) -> VenueBookingRow:
    venue = await access_venue(session, principal, venue_id, "host")
    booking = await _venue_booking(session, venue.id, booking_id=booking_id)
    _check_upcoming(booking)
    if now < booking.starts_at + timedelta(minutes=30):
        raise Conflict(_("Wait at least 30 minutes after the start before marking a no-show."))
    _no_show(booking, settings.bookings)
    return await _staff_row(session, booking, venue)


def _no_show(booking: Booking, rules: BookingSettings) -> None:
    booking.status = "no_show"
    booking.fee_minor = fee_of(booking.amount_minor, rules)


async def sweep_no_shows(session: AsyncSession, settings: Settings, now: datetime) -> int:
    """Bookings whose check-in window closed without arrival become no-shows."""
    cutoff = now - timedelta(minutes=settings.bookings.check_in_closes_minutes)
    stale = (
        (
            await session.execute(
                select(Booking)
                .where(Booking.status == UPCOMING, Booking.starts_at < cutoff)
                .limit(1000)
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    for booking in stale:
        _no_show(booking, settings.bookings)
    return len(stale)


def _check_upcoming(booking: Booking) -> None:
    """Only an upcoming booking can be seated or marked; otherwise say why."""
    if booking.status != UPCOMING:
        raise Conflict(_(NOT_UPCOMING.get(booking.status, NO_LONGER_UPCOMING)))
