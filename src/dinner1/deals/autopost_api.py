"""Auto-posting rules of a venue and the log of what they did, plus the venue dashboard API."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, status
from pydantic import BaseModel
from starlette.responses import Response

from dinner1.accounts.auth import CurrentPrincipal
from dinner1.bookings import reports
from dinner1.bookings.demand import DEAD_BELOW, Outlook
from dinner1.core.deps import SessionDep
from dinner1.deals import autopost_service as service
from dinner1.deals.autopost_schemas import (
    AutoPostOrderIn,
    AutoPostRunOut,
    AutoPostSettingIn,
    AutoPostSettingOut,
)
from dinner1.deals.models import AutoPostRun, AutoPostSetting

router = APIRouter(prefix="/api/v1", tags=["venues"])


def setting_out(setting: AutoPostSetting) -> AutoPostSettingOut:
    return AutoPostSettingOut(
        id=setting.id,
        position=setting.position,
        below_occupancy=setting.below_occupancy,
        lead_hours=setting.lead_hours,
        discount_percent=setting.discount_percent,
        max_discount_percent=setting.max_discount_percent,
        use_recommendation=setting.use_recommendation,
        min_empty_seats=setting.min_empty_seats,
        seats=setting.seats,
        duration_minutes=setting.duration_minutes,
        active=setting.active,
        description=service.rule_of(setting).describe(),
    )


def run_out(run: AutoPostRun, timezone: str) -> AutoPostRunOut:
    return AutoPostRunOut(
        id=run.id,
        created_at=run.created_at,
        slot_starts_at=run.slot_starts_at,
        local_slot=f"{run.slot_starts_at.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M}",
        forecast_occupancy=run.forecast_occupancy,
        posted=run.posted,
        discount_percent=run.discount_percent,
        deal_id=run.deal_id,
        setting_id=run.setting_id,
        explanation=run.explanation,
    )


@router.get("/venues/{venue_id}/auto-post/settings", response_model=list[AutoPostSettingOut])
async def list_settings(
    venue_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep
) -> list[AutoPostSettingOut]:
    """The venue's auto-posting rules in the order they are tried (owner or manager)."""
    return [setting_out(s) for s in await service.list_settings(session, principal, venue_id)]


@router.post(
    "/venues/{venue_id}/auto-post/settings",
    status_code=status.HTTP_201_CREATED,
    response_model=AutoPostSettingOut,
)
async def create_setting(
    venue_id: uuid.UUID, data: AutoPostSettingIn, principal: CurrentPrincipal, session: SessionDep
) -> AutoPostSettingOut:
    """Add a rule (at `position`, or last); at most ten, no two identical."""
    return setting_out(await service.create_setting(session, principal, venue_id, data))


@router.put("/venues/{venue_id}/auto-post/settings/{setting_id}", response_model=AutoPostSettingOut)
async def update_setting(
    venue_id: uuid.UUID,
    setting_id: uuid.UUID,
    data: AutoPostSettingIn,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> AutoPostSettingOut:
    """Replace a rule; a `position` moves it."""
    setting = await service.update_setting(session, principal, venue_id, setting_id, data)
    return setting_out(setting)


@router.delete(
    "/venues/{venue_id}/auto-post/settings/{setting_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def delete_setting(
    venue_id: uuid.UUID, setting_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Delete a rule (its log stays)."""
    await service.delete_setting(session, principal, venue_id, setting_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/venues/{venue_id}/auto-post/order", response_model=list[AutoPostSettingOut])
async def reorder_settings(
    venue_id: uuid.UUID, data: AutoPostOrderIn, principal: CurrentPrincipal, session: SessionDep
) -> list[AutoPostSettingOut]:
    """Set the order the rules are tried in; name every rule once (409 otherwise)."""
    ordered = await service.reorder_settings(session, principal, venue_id, data.ids)
    return [setting_out(s) for s in ordered]


@router.get("/venues/{venue_id}/auto-post/runs", response_model=list[AutoPostRunOut])
async def list_runs(
    venue_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[datetime | None, Query(description="Page back from a created_at")] = None,
) -> list[AutoPostRunOut]:
    """What auto-posting decided for each slot and why, newest first."""
    venue, runs = await service.list_runs(session, principal, venue_id, limit=limit, before=before)
    return [run_out(run, venue.timezone) for run in runs]


# ---- dashboard ----------------------------------------------------------------------------


class MoneyOut(BaseModel):
    currency: str
    revenue_minor: int
    fees_minor: int
    payout_minor: int


class FiguresOut(BaseModel):
    bookings: int
    cancelled: int
    arrivals: int
    no_shows: int
    covers: int
    money: list[MoneyOut]
    seats_offered: int
    seats_booked: int
    seat_utilization: float | None
    covers_per_seat_hour: float | None
    no_show_rate: float | None
    rating_average: float | None
    rating_count: int
    period_rating_average: float | None
    period_rating_count: int


class TodayOut(BaseModel):
    day: date
    bookings: int
    arrivals: int
    expected_covers: int
    seated_covers: int


class HeatmapOut(BaseModel):
    weeks: int
    hours: list[int]
    # Monday first; None where the venue was never open at that hour.
    values: list[list[float | None]]


class ForecastHourOut(BaseModel):
    day: date
    hour: int
    occupancy: float
    expected_covers: float
    regime: str
    basis: str
    dead: bool


class DeadSlotOut(BaseModel):
    day: date
    start_hour: int
    end_hour: int
    occupancy: float
    recommended_discount_percent: int
    expected_extra_covers: float
    reasoning: str


class ForecastOut(BaseModel):
    cold_start: bool
    dead_below: float
    hours: list[ForecastHourOut]
    dead_slots: list[DeadSlotOut]


class DashboardOut(BaseModel):
    venue_id: uuid.UUID
    name: str
    timezone: str
    currency: str
    capacity: int
    first_day: date
    last_day: date
    today: TodayOut
    figures: FiguresOut
    heatmap: HeatmapOut
    forecast: ForecastOut


def figures_out(figures: reports.Figures) -> FiguresOut:
    return FiguresOut(
        bookings=figures.bookings,
        cancelled=figures.cancelled,
        arrivals=figures.arrivals,
        no_shows=figures.no_shows,
        covers=figures.covers,
        money=[MoneyOut(**asdict(m)) for m in figures.money],
        seats_offered=figures.seats_offered,
        seats_booked=figures.seats_booked,
        seat_utilization=figures.seat_utilization,
        covers_per_seat_hour=figures.covers_utilization,
        no_show_rate=figures.no_show_rate,
        rating_average=figures.rating_average,
        rating_count=figures.rating_count,
        period_rating_average=figures.period_rating_average,
        period_rating_count=figures.period_rating_count,
    )


def forecast_out(outlook: Outlook) -> ForecastOut:
    return ForecastOut(
        cold_start=outlook.cold_start,
        dead_below=DEAD_BELOW,
        hours=[
            ForecastHourOut(
                day=h.day,
                hour=h.hour,
                occupancy=round(h.occupancy, 4),
                expected_covers=round(h.expected_covers, 1),
                regime=h.regime,
                basis=h.basis,
                dead=h.occupancy < DEAD_BELOW,
            )
            for h in outlook.forecast
        ],
        dead_slots=[
            DeadSlotOut(
                day=s.day,
                start_hour=s.start_hour,
                end_hour=s.end_hour,
                occupancy=round(s.occupancy, 4),
                recommended_discount_percent=s.discount_percent,
                expected_extra_covers=s.expected_extra_covers,
                reasoning=s.reasoning,
            )
            for s in outlook.dead_slots
        ],
    )


@router.get("/venues/{venue_id}/dashboard", response_model=DashboardOut)
async def dashboard(
    venue_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: SessionDep,
    first_day: Annotated[date | None, Query(alias="from")] = None,
    last_day: Annotated[date | None, Query(alias="to")] = None,
) -> DashboardOut:
    """Today, a period's money and seats (last 30 local days by default), ratings, the
    weekday × hour heatmap and the 7-day forecast with recommended deals (owner or manager)."""
    found = await reports.venue_dashboard(
        session, principal, venue_id, first_day=first_day, last_day=last_day, now=datetime.now(UTC)
    )
    venue, today = found.venue, found.today
    return DashboardOut(
        venue_id=venue.id,
        name=venue.name,
        timezone=venue.timezone,
        currency=venue.currency,
        capacity=venue.capacity,
        first_day=found.period.first_day,
        last_day=found.period.last_day,
        today=TodayOut(
            day=today.day,
            bookings=today.bookings,
            arrivals=today.arrivals,
            expected_covers=today.expected_covers,
            seated_covers=today.seated_covers,
        ),
        figures=figures_out(found.figures),
        heatmap=HeatmapOut(
            weeks=found.outlook.heatmap.weeks,
            hours=found.outlook.heatmap.hours,
            values=found.outlook.heatmap.values,
        ),
        forecast=forecast_out(found.outlook),
    )
