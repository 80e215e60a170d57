"""Booking tables (members), arrivals and no-shows (venue staff), reviews and loyalty."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, status

from dinner1.accounts.auth import CurrentPrincipal
from dinner1.bookings import payments, reviews, service
from dinner1.bookings.rules import payout_of, refund_deadline
from dinner1.bookings.schemas import (
    BookingIn,
    BookingOut,
    CheckInIn,
    LoyaltyLine,
    LoyaltyOut,
    ReviewIn,
    ReviewOut,
    VenueBookingOut,
    VenueRef,
)
from dinner1.config import Settings
from dinner1.core.deps import RuntimeDep, SessionDep, TenantDep
from dinner1.core.errors import NotFound
from dinner1.deals.views import clock
from dinner1.locale.service import gettext as _
from dinner1.venues import repository as venues

router = APIRouter(prefix="/api/v1", tags=["bookings"])


def booking_out(view: service.BookingView, settings: Settings, now: datetime) -> BookingOut:
    booking, venue, deal = view.booking, view.venue, view.deal
    return BookingOut(
        id=booking.id,
        deal_id=deal.id,
        venue=VenueRef(
            id=venue.id,
            name=venue.name,
            address=venue.address,
            city=venue.city,
            timezone=venue.timezone,
        ),
        status=booking.status,
        code=booking.code,
        party=booking.party,
        starts_at=booking.starts_at,
        local_day=deal.local_day,
        local_start=clock(deal.local_start_minute),
        local_end=clock(deal.local_end_minute),
        offer=deal.offer,
        discount_percent=deal.discount_percent,
        currency=booking.currency,
        amount_minor=booking.amount_minor,
        refund_minor=booking.refund_minor,
        free_cancellation_until=refund_deadline(booking, settings.bookings),
        cancelled_by=booking.cancelled_by,
        can_cancel=booking.status == "confirmed" and booking.starts_at > now,
        can_review=booking.status == "checked_in"
        and now - booking.starts_at <= service.REVIEW_WINDOW,
        payment_provider=payments.PROVIDER,
        note=booking.note,
    )


def venue_booking_out(row: service.VenueBookingRow) -> VenueBookingOut:
    booking = row.booking
    local = booking.starts_at.astimezone(ZoneInfo(row.timezone))
    return VenueBookingOut(
        id=booking.id,
        first_name=row.first_name,
        party=booking.party,
        status=booking.status,
        starts_at=booking.starts_at,
        local_start=f"{local.hour:02d}:{local.minute:02d}",
        note=booking.note,
        amount_minor=booking.amount_minor,
        refund_minor=booking.refund_minor,
        fee_minor=booking.fee_minor,
        payout_minor=payout_of(booking),
        currency=booking.currency,
        checked_in_at=booking.checked_in_at,
    )


@router.post(
    "/deals/{deal_id}/bookings", status_code=status.HTTP_201_CREATED, response_model=BookingOut
)
async def book(
    deal_id: uuid.UUID,
    data: BookingIn,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
    tenant: TenantDep,
) -> BookingOut:
    """Book seats at a deal; they are yours the moment this answers 201."""
    now = datetime.now(UTC)
    view = await service.book(
        session,
        runtime.settings,
        tenant,
        principal,
        deal_id,
        party=data.party,
        note=data.note,
        now=now,
    )
    return booking_out(view, runtime.settings, now)


@router.get("/bookings", response_model=list[BookingOut])
async def my_bookings(
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
    when: Literal["upcoming", "past"] = "upcoming",
) -> list[BookingOut]:
    """Your bookings: upcoming (soonest first) or past (latest first)."""
    now = datetime.now(UTC)
    views = await service.list_mine(session, principal, upcoming=when == "upcoming", now=now)
    return [booking_out(view, runtime.settings, now) for view in views]


@router.get("/bookings/{booking_id}", response_model=BookingOut)
async def my_booking(
    booking_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep
) -> BookingOut:
    view = await service.get_mine(session, principal, booking_id)
    return booking_out(view, runtime.settings, datetime.now(UTC))


@router.post("/bookings/{booking_id}/cancel", response_model=BookingOut)
async def cancel(
    booking_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
    tenant: TenantDep,
) -> BookingOut:
    """Cancel; everything is refunded until the free-cancellation time, nothing after."""
    now = datetime.now(UTC)
    view = await service.cancel_by_member(
        session, runtime.settings, tenant, principal, booking_id, now=now
    )
    return booking_out(view, runtime.settings, now)


@router.post(
    "/bookings/{booking_id}/review", status_code=status.HTTP_201_CREATED, response_model=ReviewOut
)
async def review(
    booking_id: uuid.UUID,
    data: ReviewIn,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
) -> ReviewOut:
    """Rate a meal you were checked in for (once, within 30 days)."""
    entry = await reviews.review(
        session,
        runtime.settings,
        principal,
        booking_id,
        rating=data.rating,
        text=data.text,
        now=datetime.now(UTC),
    )
    return ReviewOut(
        id=entry.id,
        rating=entry.rating,
        text=entry.text,
        first_name=service.first_name(principal.display_name),
        created_at=entry.created_at,
        status=entry.status,
    )


@router.get("/loyalty", response_model=LoyaltyOut)
async def loyalty(principal: CurrentPrincipal, session: SessionDep) -> LoyaltyOut:
    """Your points balance and latest entries."""
    balance, entries = await reviews.loyalty(session, principal)
    return LoyaltyOut(
        balance=balance,
        entries=[
            LoyaltyLine(
                points=e.points, reason=e.reason, booking_id=e.booking_id, created_at=e.created_at
            )
            for e in entries
        ],
    )


@router.get("/venues/{venue_id}/reviews", response_model=list[ReviewOut], tags=["venues"])
async def venue_reviews(
    venue_id: uuid.UUID, session: SessionDep, tenant: TenantDep
) -> list[ReviewOut]:
    """Published reviews of an approved venue, newest first (first names only)."""
    venue = await venues.get_venue(session, tenant.id, venue_id)
    if venue is None or venue.status != "approved":
        raise NotFound(_("No such venue."))
    found = await reviews.venue_reviews(session, tenant.id, venue_id)
    return [
        ReviewOut(
            id=r.id,
            rating=r.rating,
            text=r.text,
            first_name=name,
            created_at=r.created_at,
            status=r.status,
        )
        for r, name in found
    ]


@router.get("/venues/{venue_id}/bookings", response_model=list[VenueBookingOut], tags=["venues"])
async def venue_bookings(
    venue_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: SessionDep,
    day: Annotated[date | None, Query(description="Venue-local day; today by default")] = None,
) -> list[VenueBookingOut]:
    """A day of bookings at your venue (any staff role)."""
    _venue, _day, rows = await service.venue_day(session, principal, venue_id, day)
    return [venue_booking_out(row) for row in rows]


@router.post("/venues/{venue_id}/check-ins", response_model=VenueBookingOut, tags=["venues"])
async def check_in_by_code(
    venue_id: uuid.UUID,
    data: CheckInIn,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
) -> VenueBookingOut:
    """Seat a party by the code the diner shows."""
    row = await service.check_in(
        session, runtime.settings, principal, venue_id, code=data.code, now=datetime.now(UTC)
    )
    return venue_booking_out(row)


@router.post(
    "/venues/{venue_id}/bookings/{booking_id}/check-in",
    response_model=VenueBookingOut,
    tags=["venues"],
)
async def check_in(
    venue_id: uuid.UUID,
    booking_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
) -> VenueBookingOut:
    """Seat a party from the day's list."""
    row = await service.check_in(
        session,
        runtime.settings,
        principal,
        venue_id,
        booking_id=booking_id,
        now=datetime.now(UTC),
    )
    return venue_booking_out(row)


@router.post(
    "/venues/{venue_id}/bookings/{booking_id}/no-show",
    response_model=VenueBookingOut,
    tags=["venues"],
)
async def no_show(
    venue_id: uuid.UUID,
    booking_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
) -> VenueBookingOut:
    """The party never came (from 30 minutes after the start); the venue keeps the prepayment."""
    row = await service.mark_no_show(
        session, runtime.settings, principal, venue_id, booking_id, now=datetime.now(UTC)
    )
    return venue_booking_out(row)
