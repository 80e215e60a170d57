"""Auto-posting, run every hour: each approved venue's active rules look at the slots that
are just entering their lead time, post the quiet ones as deals and log every decision.

A candidate is a venue-local hour that starts `lead_hours` ahead (within the hour after
the current tick) for some rule; its forecast is the mean over the slot it would offer.
A slot that overlaps a deal already on offer is never posted again, and a run repeated
within the same hour decides nothing twice (jobs are at-least-once).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.bookings import demand
from dinner1.core.errors import ValidationFailed
from dinner1.core.jobs import job
from dinner1.core.text import N_
from dinner1.db.session import Database
from dinner1.deals import autopost_service
from dinner1.deals.autopost import AutoPostDecision, SlotCandidate, decide_auto_posts
from dinner1.deals.forecast import OccupancyModel, forecast_for_slot
from dinner1.deals.models import AutoPostRun, AutoPostSetting, Deal
from dinner1.deals.schemas import Terms
from dinner1.deals.service import build_deal
from dinner1.deals.slots import LocalSlot, fits_opening_hours
from dinner1.locale import service as i18n
from dinner1.venues.service import venues_by_id

if TYPE_CHECKING:
    from dinner1.runtime import Runtime
    from dinner1.venues.models import Venue

logger = logging.getLogger(__name__)

AUTO_POST_JOB = "deals.auto_post"
SHORTEST_SLOT_MINUTES = 60
AUTO_OFFER = N_("Quiet-hour discount")


@job(AUTO_POST_JOB, max_attempts=1)
async def auto_post(runtime: Runtime, payload: dict[str, Any]) -> None:
    """Post the quiet slots the owners' rules ask for (the next hourly run retries)."""
    posted = await run_auto_posting(runtime.db, datetime.now(UTC))
    if posted:
        logger.info("deals auto-posted", extra={"count": posted})


async def run_auto_posting(db: Database, now: datetime) -> int:
    """Every venue with active rules, each in its own transaction. Returns deals posted."""
    async with db.sessionmaker() as session:
        venue_ids = await autopost_service.venues_with_active_rules(session)
    posted = 0
    for venue_id in venue_ids:
        try:
            async with db.unit_of_work() as session:
                runs = await auto_post_venue(session, venue_id, now)
        except Exception:
            logger.exception("auto-posting failed", extra={"venue_id": str(venue_id)})
            continue
        posted += sum(run.posted for run in runs)
    return posted


@dataclass(frozen=True, slots=True)
class Candidate:
    slot: SlotCandidate
    minutes: int  # the longest slot the opening hours allow, up to the longest rule's


async def auto_post_venue(
    session: AsyncSession, venue_id: uuid.UUID, now: datetime
) -> list[AutoPostRun]:
    venue = (await venues_by_id(session, [venue_id])).get(venue_id)
    settings = await autopost_service.active_settings(session, venue_id)
    if venue is None or venue.status != "approved" or not settings:
        return []
    model = await demand.occupancy_model(session, venue, now)
    candidates = await candidate_slots(session, venue, settings, model, now)
    decisions = decide_auto_posts(
        [autopost_service.rule_of(setting) for setting in settings],
        [candidate.slot for candidate in candidates],
        now=now,
        timezone=venue.timezone,
        pricing=demand.pricing_of(venue),
    )
    runs = [
        await record_decision(session, venue, settings, candidate, decision, now)
        for candidate, decision in zip(candidates, decisions, strict=True)
    ]
    await session.flush()
    return runs


def local_hour_starts(start: datetime, end: datetime, zone: ZoneInfo) -> Iterator[datetime]:
    """UTC instants in [start, end) at which a venue-local hour begins."""
    local = start.astimezone(zone)
    moment = local.replace(minute=0, second=0, microsecond=0)
    if moment < local:
        moment += timedelta(hours=1)
    moment = moment.astimezone(UTC)
    while moment < end:
        yield moment
        moment += timedelta(hours=1)


def fitting_minutes(venue: Venue, starts_at: datetime, longest: int) -> int | None:
    """The longest slot from `starts_at` (down to an hour) inside the opening hours."""
    local = starts_at.astimezone(ZoneInfo(venue.timezone))
    for minutes in range(longest, SHORTEST_SLOT_MINUTES - 1, -15):
        end = local + timedelta(minutes=minutes)
        slot = LocalSlot(local.date(), local.time(), end.time())
        if fits_opening_hours(venue.hours, venue.hours_exceptions, slot):
            return minutes
    return None


async def _offers_between(
    session: AsyncSession, venue_id: uuid.UUID, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    query = select(Deal.starts_at, Deal.ends_at).where(
        Deal.venue_id == venue_id,
        Deal.status != "cancelled",
        Deal.starts_at < end,
        Deal.ends_at > start,
    )
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


def candidate_starts(
    settings: Sequence[AutoPostSetting], now: datetime, zone: ZoneInfo
) -> list[datetime]:
    """Local hour starts entering some rule's lead time in the hour after the current tick."""
    tick = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    leads = {setting.lead_hours for setting in settings}
    return sorted(
        {
            start
            for lead in leads
            for start in local_hour_starts(
                tick + timedelta(hours=lead), tick + timedelta(hours=lead + 1), zone
            )
        }
    )


async def candidate_slots(
    session: AsyncSession,
    venue: Venue,
    settings: Sequence[AutoPostSetting],
    model: OccupancyModel,
    now: datetime,
) -> list[Candidate]:
    starts = candidate_starts(settings, now, ZoneInfo(venue.timezone))
    tick = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    decided = await autopost_service.slots_logged_since(session, venue.id, starts, tick)
    longest = max(setting.duration_minutes for setting in settings)
    candidates = []
    for start in starts:
        minutes = None if start in decided else fitting_minutes(venue, start, longest)
        if minutes is None:
            continue  # decided this hour already, or closed then
        end = start + timedelta(minutes=minutes)
        occupancy = forecast_for_slot(model, start, end)
        if occupancy is None:
            continue  # nothing to forecast from
        offers = await _offers_between(session, venue.id, start, end)
        candidates.append(
            Candidate(
                SlotCandidate(start.isoformat(), start, venue.capacity, occupancy, bool(offers)),
                minutes,
            )
        )
    return candidates


def auto_deal(
    venue: Venue, starts_at: datetime, minutes: int, seats: int, percent: int, now: datetime
) -> Deal:
    """The deal a rule posts, checked by the same rules as an owner's slot."""
    local = starts_at.astimezone(ZoneInfo(venue.timezone))
    end = local + timedelta(minutes=minutes)
    terms = Terms(
        seats=seats,
        percent_off=percent,
        offer={
            code: i18n.translations(code).gettext(AUTO_OFFER) for code in i18n.SUPPORTED_LOCALES
        },
    )
    deal = build_deal(venue, LocalSlot(local.date(), local.time(), end.time()), terms, now=now)
    deal.posted_by = "auto"
    return deal


async def record_decision(
    session: AsyncSession,
    venue: Venue,
    settings: Sequence[AutoPostSetting],
    candidate: Candidate,
    decision: AutoPostDecision,
    now: datetime,
) -> AutoPostRun:
    setting = settings[decision.rule_index] if decision.rule_index is not None else None
    run = AutoPostRun(
        tenant_id=venue.tenant_id,
        venue_id=venue.id,
        setting_id=setting.id if setting is not None else None,
        slot_starts_at=candidate.slot.starts_at,
        forecast_occupancy=round(candidate.slot.forecast_occupancy, 4),
        posted=False,
        explanation=decision.explanation,
        created_at=now,
    )
    if decision.post and setting is not None:
        seats = min(setting.seats, venue.capacity)
        minutes = min(setting.duration_minutes, candidate.minutes)
        try:
            deal = auto_deal(
                venue, candidate.slot.starts_at, minutes, seats, decision.discount_percent, now
            )
        except ValidationFailed as error:
            run.explanation += f" — not posted: {error.detail}"
        except ValidationError as error:
            run.explanation += f" — not posted: {error.errors()[0]['msg']}"
        else:
            session.add(deal)
            await session.flush()
            run.posted, run.deal_id = True, deal.id
            run.discount_percent = decision.discount_percent
    session.add(run)
    return run
