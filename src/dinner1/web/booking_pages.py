"""Booking a table, my bookings, and one booking: its check-in code, cancelling, reviewing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import RedirectResponse, Response

from dinner1.bookings import payments, reviews
from dinner1.bookings import service as bookings
from dinner1.bookings.api import booking_out
from dinner1.bookings.rules import refund_on_member_cancel
from dinner1.bookings.schemas import BookingIn, ReviewIn
from dinner1.config import Settings
from dinner1.core.deps import RuntimeDep, SessionDep, TenantDep
from dinner1.core.errors import AppError, Conflict, Forbidden, NotFound
from dinner1.core.text import N_
from dinner1.deals import seats
from dinner1.deals.models import Deal
from dinner1.locale import service as i18n
from dinner1.locale.service import gettext as _
from dinner1.locale.service import ngettext
from dinner1.venues.models import Venue
from dinner1.web.dining_views import card_from_deal, city_label, in_language, status_label
from dinner1.web.forms import read_form
from dinner1.web.rendering import render
from dinner1.web.session import PageUser

router = APIRouter(include_in_schema=False)

NOTICES = {
    "booked": N_("Your table is booked. Show the code below when you arrive."),
    "cancelled": N_("Your booking is cancelled."),
    "reviewed": N_("Thank you for your review."),
    "review_held": N_("Thank you. Your review will appear once a moderator has read it."),
}
# The booking service refuses in English; these are its fixed sentences, marked here so
# they are extracted and shown translated (anything else is shown as the service says it).
SEATS_GONE = N_("Not enough seats are left at this deal.")
REFUSALS = (
    SEATS_GONE,
    N_("Confirm your email address before booking a table."),
    N_("This deal is not taking bookings."),
    N_("This deal has already started."),
    N_("You already have a booking at this deal."),
    N_("Only a confirmed booking can be cancelled."),
    N_("This meal has already started; it can no longer be cancelled."),
    N_("Only a meal you were checked in for can be reviewed."),
    N_("Reviews are open for 30 days after the meal."),
    N_("You already reviewed this meal."),
)
FIELD_MESSAGES = {
    "party": N_("Choose how many people are coming."),
    "note": N_("Keep the note under 280 characters."),
    "rating": N_("Choose from 1 to 5 stars."),
    "text": N_("Keep the review under 2000 characters."),
}


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _refusal_text(error: AppError) -> str:
    return _(error.detail) if error.detail else _(error.title)


def _field_errors(exc: ValidationError) -> dict[str, str]:
    names = [str(error["loc"][0]) for error in exc.errors() if error["loc"]]
    return {name: _(FIELD_MESSAGES[name]) for name in names if name in FIELD_MESSAGES}


def _notice(request: Request) -> str | None:
    key = request.query_params.get("notice", "")
    return _(NOTICES[key]) if key in NOTICES else None


# ---- booking a table ---------------------------------------------------------------------


async def _bookable(
    session: AsyncSession, tenant_id: uuid.UUID, deal_id: uuid.UUID
) -> tuple[Deal, Venue]:
    found = await seats.bookable(session, tenant_id, deal_id)
    if found is None:
        raise NotFound(_("This table does not exist or is no longer offered."))
    return found


def _render_book(
    request: Request,
    deal: Deal,
    venue: Venue,
    settings: Settings,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    form_error: str | None = None,
    status_code: int = 200,
) -> Response:
    now = datetime.now(UTC)
    rates = settings.locale.exchange_rates
    display = values["currency"] if values["currency"] in rates else "MAD"
    seats_left = deal.seats_total - deal.seats_booked
    sizes = range(deal.min_party, min(deal.max_party, seats_left) + 1)
    # The same deadline as bookings.rules.refund_deadline, before the booking exists.
    free_until = deal.starts_at - timedelta(hours=settings.bookings.free_cancellation_hours)
    return render(
        request,
        "dining/book.html",
        status_code=status_code,
        active="tables",
        deal=deal,
        venue=venue,
        card=card_from_deal(deal, venue.name, venue.category, display, rates),
        parties=[
            (n, i18n.format_money(deal.price_per_person_minor * n, deal.currency)) for n in sizes
        ],
        values=values,
        errors=errors or {},
        form_error=form_error,
        closed=deal.status != "active" or deal.starts_at <= now,
        free_until=free_until,
        refundable_now=now < free_until,
        simulated=payments.PROVIDER == "simulated",
    )


@router.get("/tables/deals/{deal_id}/book")
async def book_page(
    deal_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    deal, venue = await _bookable(session, principal.tenant_id, deal_id)
    query = request.query_params
    values = {"party": query.get("party", ""), "note": "", "currency": query.get("currency", "")}
    return _render_book(request, deal, venue, runtime.settings, values)


def _book_refusal(error: AppError, deal: Deal, party: int) -> tuple[dict[str, str], str | None]:
    """The service's refusal, beside the party field when the party is what it is about."""
    if isinstance(error, Conflict) and not deal.min_party <= party <= deal.max_party:
        message = _("This table is for parties of %(low)s to %(high)s.")
        return {"party": message % {"low": deal.min_party, "high": deal.max_party}}, None
    if error.detail == SEATS_GONE:
        left = deal.seats_total - deal.seats_booked
        message = ngettext("Only %(num)s seat is left.", "Only %(num)s seats are left.", left)
        return {"party": message % {"num": left}}, None
    return {}, _refusal_text(error)


@router.post("/tables/deals/{deal_id}/book")
async def book_table(
    deal_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
    tenant: TenantDep,
) -> Response:
    values = await read_form(request, "party", "note", "currency")
    settings = runtime.settings
    try:
        data = BookingIn.model_validate({"party": values["party"], "note": values["note"] or None})
    except ValidationError as exc:
        deal, venue = await _bookable(session, principal.tenant_id, deal_id)
        errors = _field_errors(exc)
        return _render_book(request, deal, venue, settings, values, errors=errors, status_code=422)
    now = datetime.now(UTC)
    try:
        view = await bookings.book(
            session, settings, tenant, principal, deal_id, party=data.party, note=data.note, now=now
        )
    except (Conflict, Forbidden) as exc:
        await runtime.db.rollback(session)
        deal, venue = await _bookable(session, principal.tenant_id, deal_id)
        errors, form_error = _book_refusal(exc, deal, data.party)
        return _render_book(
            request,
            deal,
            venue,
            settings,
            values,
            errors=errors,
            form_error=form_error,
            status_code=exc.status,
        )
    return _redirect(f"/bookings/{view.booking.id}?notice=booked")


# ---- my bookings ---------------------------------------------------------------------------


@router.get("/bookings")
async def my_bookings_page(
    request: Request, principal: PageUser, session: SessionDep, runtime: RuntimeDep
) -> Response:
    now = datetime.now(UTC)
    upcoming = await bookings.list_mine(session, principal, upcoming=True, now=now)
    past = await bookings.list_mine(session, principal, upcoming=False, now=now)
    balance, _latest = await reviews.loyalty(session, principal, limit=1)
    settings = runtime.settings
    return render(
        request,
        "dining/bookings.html",
        active="bookings",
        upcoming=[booking_out(view, settings, now) for view in upcoming],
        past=[booking_out(view, settings, now) for view in past],
        balance=balance,
        status_label=status_label,
    )


def _render_booking(
    request: Request,
    view: bookings.BookingView,
    settings: Settings,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    form_error: str | None = None,
    status_code: int = 200,
) -> Response:
    booking = booking_out(view, settings, datetime.now(UTC))
    return render(
        request,
        "dining/booking.html",
        status_code=status_code,
        active="bookings",
        booking=booking,
        status_text=status_label(booking.status),
        city=city_label(view.venue.city),
        offer=in_language(booking.offer, i18n.current_locale.get()),
        simulated=booking.payment_provider == "simulated",
        notice=_notice(request),
        values=values or {},
        errors=errors or {},
        form_error=form_error,
    )


@router.get("/bookings/{booking_id}")
async def booking_page(
    booking_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    view = await bookings.get_mine(session, principal, booking_id)
    return _render_booking(request, view, runtime.settings)


@router.get("/bookings/{booking_id}/cancel")
async def cancel_page(
    booking_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    """The confirmation step: what cancelling now gives back."""
    view = await bookings.get_mine(session, principal, booking_id)
    now = datetime.now(UTC)
    booking = booking_out(view, runtime.settings, now)
    if not booking.can_cancel:
        return _redirect(f"/bookings/{booking_id}")
    return render(
        request,
        "dining/cancel.html",
        active="bookings",
        booking=booking,
        refund=refund_on_member_cancel(view.booking, runtime.settings.bookings, now),
    )


@router.post("/bookings/{booking_id}/cancel")
async def cancel_booking(
    booking_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
    tenant: TenantDep,
) -> Response:
    settings = runtime.settings
    try:
        await bookings.cancel_by_member(
            session, settings, tenant, principal, booking_id, now=datetime.now(UTC)
        )
    except Conflict as exc:
        await runtime.db.rollback(session)
        view = await bookings.get_mine(session, principal, booking_id)
        return _render_booking(
            request, view, settings, form_error=_refusal_text(exc), status_code=exc.status
        )
    return _redirect(f"/bookings/{booking_id}?notice=cancelled")


@router.post("/bookings/{booking_id}/review")
async def review_booking(
    booking_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    values = await read_form(request, "rating", "text")
    settings = runtime.settings
    try:
        data = ReviewIn.model_validate({"rating": values["rating"], "text": values["text"] or None})
        entry = await reviews.review(
            session,
            settings,
            principal,
            booking_id,
            rating=data.rating,
            text=data.text,
            now=datetime.now(UTC),
        )
    except ValidationError as exc:
        view = await bookings.get_mine(session, principal, booking_id)
        return _render_booking(
            request, view, settings, values=values, errors=_field_errors(exc), status_code=422
        )
    except Conflict as exc:
        await runtime.db.rollback(session)
        view = await bookings.get_mine(session, principal, booking_id)
        return _render_booking(
            request,
            view,
            settings,
            values=values,
            form_error=_refusal_text(exc),
            status_code=exc.status,
        )
    notice = "reviewed" if entry.status == "published" else "review_held"
    return _redirect(f"/bookings/{booking_id}?notice={notice}")
