"""Venue owners' pages: dashboard, today's arrivals, deals, auto-posting, exports."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from dinner1.accounts.auth import Principal
from dinner1.bookings import reports
from dinner1.bookings import service as bookings
from dinner1.bookings.rules import payout_of
from dinner1.core.deps import RuntimeDep, SessionDep
from dinner1.core.errors import AppError, Forbidden, ValidationFailed
from dinner1.core.middleware import CHART_CSP
from dinner1.core.text import N_
from dinner1.locale.service import gettext as _
from dinner1.venues import repository as venue_repository
from dinner1.venues.models import Venue
from dinner1.web import venue_charts as charts
from dinner1.web.forms import read_form
from dinner1.web.rendering import render
from dinner1.web.session import PageUser
from dinner1.web.spreadsheets import csv_response, major_units
from dinner1.web.venue_deal_pages import router as deal_router

router = APIRouter(include_in_schema=False)
router.include_router(deal_router)

FromDay = Annotated[date | None, Query(alias="from")]
ToDay = Annotated[date | None, Query(alias="to")]
ARRIVAL_NOTICES = {
    "checked_in": N_("Checked in. Enjoy the service!"),
    "no_show": N_("Marked as a no-show; the prepayment stays with the venue."),
}


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def hosts_only(session: SessionDep, principal: Principal, venue: Venue) -> bool:
    """Whether this person only runs arrivals here (admins act as owners)."""
    role = await venue_repository.staff_role(
        session, principal.tenant_id, venue.id, principal.user_id
    )
    return role == "host"


@router.get("/venue")
async def my_venues(request: Request, principal: PageUser, session: SessionDep) -> Response:
    found = await venue_repository.venues_of(session, principal.tenant_id, principal.user_id)
    if len(found) == 1:
        venue, role = found[0]
        return redirect(f"/venue/{venue.id}/arrivals" if role == "host" else f"/venue/{venue.id}")
    return render(request, "venue/index.html", venues=found, active="venue")


@router.get("/venue/{venue_id}")
async def dashboard_page(
    venue_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    first_day: FromDay = None,
    last_day: ToDay = None,
) -> Response:
    """The dashboard; a period that cannot be shown is explained beside the period form,
    over the default period, with the days as typed kept in the form."""
    now = datetime.now(UTC)
    period_error: str | None = None
    try:
        try:
            found = await reports.venue_dashboard(
                session, principal, venue_id, first_day=first_day, last_day=last_day, now=now
            )
        except ValidationFailed as refused:
            period_error = refused.detail or _(refused.title)
            found = await reports.venue_dashboard(
                session, principal, venue_id, first_day=None, last_day=None, now=now
            )
    except Forbidden:
        return redirect(f"/venue/{venue_id}/arrivals")  # hosts run arrivals only
    forecast = charts.forecast_rows(found.outlook, found.venue.timezone)
    page = render(
        request,
        "venue/dashboard.html",
        venue=found.venue,
        tab="dashboard",
        active="venue",
        board=found,
        figures=found.figures,
        forecast=forecast,
        deals=charts.ranked_deals(charts.deal_rows(found.outlook.dead_slots)),
        heatmap_rows=charts.heatmap_rows(found.outlook),
        heatmap_hours=[charts.clock(hour) for hour in found.outlook.heatmap.hours],
        chart_data=charts.chart_data(found.outlook, forecast),
        percent=charts.percent,
        period_error=period_error,
        asked_first=first_day if period_error else None,
        asked_last=last_day if period_error else None,
        status_code=422 if period_error else 200,
    )
    page.headers["content-security-policy"] = CHART_CSP
    return page


# ---- arrivals ------------------------------------------------------------------------------


async def _arrivals(
    request: Request,
    principal: Principal,
    session: SessionDep,
    venue_id: uuid.UUID,
    day: date | None,
    *,
    form_error: str | None = None,
    code: str = "",
    status_code: int = 200,
) -> Response:
    venue, shown_day, rows = await bookings.venue_day(session, principal, venue_id, day)
    notice_key = request.query_params.get("done", "")
    return render(
        request,
        "venue/arrivals.html",
        status_code=status_code,
        venue=venue,
        host_only=await hosts_only(session, principal, venue),
        tab="arrivals",
        active="venue",
        day=shown_day,
        previous_day=shown_day - timedelta(days=1),
        next_day=shown_day + timedelta(days=1),
        rows=rows,
        form_error=form_error,
        code=code,
        notice=_(ARRIVAL_NOTICES[notice_key]) if notice_key in ARRIVAL_NOTICES else None,
    )


@router.get("/venue/{venue_id}/arrivals")
async def arrivals_page(
    venue_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    day: date | None = None,
) -> Response:
    return await _arrivals(request, principal, session, venue_id, day)


async def _seat_or_explain(
    request: Request,
    principal: Principal,
    session: SessionDep,
    runtime: RuntimeDep,
    venue_id: uuid.UUID,
    *,
    no_show: bool = False,
    booking_id: uuid.UUID | None = None,
    code: str | None = None,
) -> Response:
    now = datetime.now(UTC)
    try:
        if no_show and booking_id is not None:
            row = await bookings.mark_no_show(
                session, runtime.settings, principal, venue_id, booking_id, now=now
            )
        else:
            row = await bookings.check_in(
                session,
                runtime.settings,
                principal,
                venue_id,
                now=now,
                booking_id=booking_id,
                code=code,
            )
    except AppError as error:
        if error.status not in (404, 409, 422):
            raise
        return await _arrivals(
            request,
            principal,
            session,
            venue_id,
            _shown_day(request),
            form_error=error.detail or _(error.title),
            code=code or "",
            status_code=error.status,
        )
    local_day = row.booking.starts_at.astimezone(ZoneInfo(row.timezone)).date()
    done = "no_show" if no_show else "checked_in"
    return redirect(f"/venue/{venue_id}/arrivals?day={local_day}&done={done}")


def _shown_day(request: Request) -> date | None:
    """The day the form was sent from (`?day=`), so an error keeps the host on it."""
    try:
        return date.fromisoformat(request.query_params.get("day", ""))
    except ValueError:
        return None


@router.post("/venue/{venue_id}/arrivals/check-in")
async def check_in_by_code(
    venue_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    code = (await read_form(request, "code"))["code"]
    if not 4 <= len(code) <= 12:
        return await _arrivals(
            request,
            principal,
            session,
            venue_id,
            _shown_day(request),
            form_error=_("Enter the code the guest shows you."),
            code=code,
            status_code=422,
        )
    return await _seat_or_explain(request, principal, session, runtime, venue_id, code=code)


@router.post("/venue/{venue_id}/arrivals/{booking_id}/check-in")
async def check_in_row(
    venue_id: uuid.UUID,
    booking_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    return await _seat_or_explain(
        request, principal, session, runtime, venue_id, booking_id=booking_id
    )


@router.post("/venue/{venue_id}/arrivals/{booking_id}/no-show")
async def no_show_row(
    venue_id: uuid.UUID,
    booking_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    return await _seat_or_explain(
        request, principal, session, runtime, venue_id, no_show=True, booking_id=booking_id
    )


# ---- exports --------------------------------------------------------------------------------

BOOKING_COLUMNS = (
    "booking_id",
    "date",
    "time",
    "first_name",
    "party",
    "status",
    "source",
    "amount",
    "refund",
    "platform_fee",
    "payout",
    "currency",
    "checked_in_at",
    "note",
)
PAYOUT_COLUMNS = (
    "date",
    "settled_bookings",
    "covers",
    "revenue",
    "platform_fee",
    "payout",
    "currency",
)


def _filename(venue: Venue, what: str, period: reports.Period) -> str:
    # "Café Maure" → "cafe-maure"; a name with no Latin letters (Arabic) → "venue".
    ascii_name = unicodedata.normalize("NFKD", venue.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "venue"
    return f"{slug}-{what}-{period.first_day}-{period.last_day}.csv"


def booking_row(line: reports.ExportedBooking, zone: ZoneInfo) -> list[object]:
    """One CSV row: venue-local times, money in major units, no email or birth date."""
    booking = line.booking
    local = booking.starts_at.astimezone(zone)
    arrived = booking.checked_in_at.astimezone(zone) if booking.checked_in_at else None
    return [
        str(booking.id),
        local.date().isoformat(),
        f"{local:%H:%M}",
        line.first_name,
        booking.party,
        booking.status,
        booking.source,
        *(
            major_units(amount, booking.currency)
            for amount in (
                booking.amount_minor,
                booking.refund_minor,
                booking.fee_minor,
                payout_of(booking),
            )
        ),
        booking.currency,
        arrived.isoformat(timespec="minutes") if arrived else "",
        booking.note or "",
    ]


def payout_row(line: reports.PayoutDay) -> list[object]:
    money = (line.revenue_minor, line.fees_minor, line.payout_minor)
    return [
        line.day.isoformat(),
        line.bookings,
        line.covers,
        *(major_units(amount, line.currency) for amount in money),
        line.currency,
    ]


@router.get("/venue/{venue_id}/exports/bookings.csv")
async def export_bookings(
    venue_id: uuid.UUID,
    principal: PageUser,
    session: SessionDep,
    first_day: FromDay = None,
    last_day: ToDay = None,
) -> Response:
    venue, period, found = await reports.bookings_for_export(
        session, principal, venue_id, first_day=first_day, last_day=last_day, now=datetime.now(UTC)
    )
    zone = ZoneInfo(venue.timezone)
    rows = [booking_row(line, zone) for line in found]
    return csv_response(_filename(venue, "bookings", period), BOOKING_COLUMNS, rows)


@router.get("/venue/{venue_id}/exports/payouts.csv")
async def export_payouts(
    venue_id: uuid.UUID,
    principal: PageUser,
    session: SessionDep,
    first_day: FromDay = None,
    last_day: ToDay = None,
) -> Response:
    venue, period, days = await reports.payouts_by_day(
        session, principal, venue_id, first_day=first_day, last_day=last_day, now=datetime.now(UTC)
    )
    rows = [payout_row(line) for line in days]
    return csv_response(_filename(venue, "payouts", period), PAYOUT_COLUMNS, rows)
