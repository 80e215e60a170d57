"""Posting, editing and cancelling dead-hour deals."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.auth import Principal
from dinner1.bookings.service import cancel_for_deal
from dinner1.config import Settings
from dinner1.core.errors import Conflict, NotFound, ValidationFailed
from dinner1.db.session import publish_event
from dinner1.deals.models import Deal
from dinner1.deals.schemas import RuleIn, SlotEdit, SlotIn, TemplateIn, Terms
from dinner1.deals.slots import (
    LocalSlot,
    expand_weekly,
    fits_opening_hours,
    ramadan_slots,
    resolve,
)
from dinner1.locale.prayer import Place
from dinner1.locale.service import gettext as _
from dinner1.tenants.service import TenantContext
from dinner1.venues.models import DealRule, Venue
from dinner1.venues.service import access_venue

# Starting points owners adjust: weekdays (0 = Monday), local hours, default discount.
TEMPLATES: dict[str, dict[str, Any]] = {
    "afternoon_tea": {
        "weekdays": [1, 2, 3],
        "start": time(15, 0),
        "end": time(17, 30),
        "percent_off": 30,
    },
    "early_dinner": {
        "weekdays": [0, 1, 2, 3],
        "start": time(18, 0),
        "end": time(19, 30),
        "percent_off": 25,
    },
    "late_lunch": {
        "weekdays": [0, 1, 2, 3, 4],
        "start": time(14, 30),
        "end": time(16, 30),
        "percent_off": 30,
    },
}


def _discount(terms: Terms) -> int:
    if terms.kind == "menu" and terms.original_price_minor and terms.price_minor:
        return round(
            100 * (terms.original_price_minor - terms.price_minor) / terms.original_price_minor
        )
    return terms.percent_off


def _per_person(terms: Terms, venue: Venue) -> int:
    if terms.kind == "menu" and terms.price_minor:
        return terms.price_minor
    return venue.average_price_minor * (100 - terms.percent_off) // 100


def build_deal(
    venue: Venue,
    slot: LocalSlot,
    terms: Terms,
    *,
    template: str | None = None,
    rule_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Deal:
    """Check a slot against the venue and make it a deal (not yet added)."""
    now = now or datetime.now(UTC)
    resolved = resolve(slot, venue.timezone)
    if resolved.starts_at <= now:
        raise ValidationFailed(
            _("The slot on %(day)s at %(time)s is in the past.")
            % {"day": slot.day.isoformat(), "time": f"{slot.start:%H:%M}"}
        )
    if terms.seats > venue.capacity:
        raise ValidationFailed(
            _("The venue seats %(capacity)d; offer at most that many.")
            % {"capacity": venue.capacity}
        )
    if not fits_opening_hours(venue.hours, venue.hours_exceptions, slot):
        raise ValidationFailed(
            _("%(day)s %(start)s–%(end)s is outside the opening hours.")
            % {
                "day": slot.day.isoformat(),
                "start": f"{slot.start:%H:%M}",
                "end": f"{slot.end:%H:%M}",
            }
        )
    return Deal(
        tenant_id=venue.tenant_id,
        venue_id=venue.id,
        rule_id=rule_id,
        starts_at=resolved.starts_at,
        ends_at=resolved.ends_at,
        local_day=resolved.local_day,
        local_start_minute=resolved.local_start_minute,
        local_end_minute=resolved.local_end_minute,
        seats_total=terms.seats,
        seats_booked=0,
        kind=terms.kind,
        percent_off=terms.percent_off if terms.kind == "percent" else 0,
        original_price_minor=terms.original_price_minor,
        price_minor=terms.price_minor,
        currency=venue.currency,
        discount_percent=_discount(terms),
        price_per_person_minor=_per_person(terms, venue),
        min_party=terms.min_party,
        max_party=terms.max_party,
        restrictions=list(terms.restrictions),
        offer=dict(terms.offer),
        template=template,
        status="active",
    )


async def post_slot(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, data: SlotIn
) -> Deal:
    venue = await access_venue(session, principal, venue_id, "manager")
    deal = build_deal(
        venue, LocalSlot(data.day, data.start, data.end), data.terms, template=data.template
    )
    session.add(deal)
    await session.flush()
    return deal


async def post_rule(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, data: RuleIn
) -> list[Deal]:
    """A recurring offer, expanded into its slots; days the venue is closed are skipped."""
    venue = await access_venue(session, principal, venue_id, "manager")
    last_day = data.first_day + timedelta(days=7 * data.weeks - 1)
    rule = DealRule(
        tenant_id=venue.tenant_id,
        venue_id=venue.id,
        weekdays=data.weekdays,
        start_local=f"{data.start:%H:%M}",
        end_local=f"{data.end:%H:%M}",
        first_day=data.first_day,
        last_day=last_day,
        terms=data.terms.model_dump(mode="json"),
    )
    session.add(rule)
    await session.flush()
    slots = expand_weekly(data.weekdays, data.start, data.end, data.first_day, data.weeks)
    return await _add_slots(session, venue, list(slots), data.terms, rule_id=rule.id)


async def post_template(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, data: TemplateIn
) -> list[Deal]:
    venue = await access_venue(session, principal, venue_id, "manager")
    days = 7 * data.weeks
    if data.template in ("iftar", "suhoor"):
        place = Place(venue.name, venue.lat, venue.lon, venue.timezone)
        slots = list(ramadan_slots(data.template, place, data.first_day, days))
        if not slots:
            raise ValidationFailed(_("No Ramadan day falls in that period."))
        terms = Terms(
            seats=data.seats,
            kind="menu",
            price_minor=data.price_minor,
            original_price_minor=data.original_price_minor,
            min_party=1,
            max_party=min(8, data.seats),
        )
    else:
        preset = TEMPLATES[data.template]
        slots = list(
            expand_weekly(
                data.weekdays or preset["weekdays"],
                preset["start"],
                preset["end"],
                data.first_day,
                data.weeks,
            )
        )
        terms = Terms(
            seats=data.seats,
            percent_off=data.percent_off or preset["percent_off"],
            max_party=min(8, data.seats),
        )
    return await _add_slots(session, venue, slots, terms, template=data.template)


async def _add_slots(
    session: AsyncSession,
    venue: Venue,
    slots: list[LocalSlot],
    terms: Terms,
    *,
    rule_id: uuid.UUID | None = None,
    template: str | None = None,
) -> list[Deal]:
    now = datetime.now(UTC)
    deals = []
    for slot in slots:
        if not fits_opening_hours(venue.hours, venue.hours_exceptions, slot):
            continue  # closed that day: a recurring rule simply skips it
        deals.append(build_deal(venue, slot, terms, template=template, rule_id=rule_id, now=now))
    if not deals:
        raise ValidationFailed(_("None of those slots fall within the opening hours."))
    session.add_all(deals)
    await session.flush()
    return deals


async def _own_deal(session: AsyncSession, principal: Principal, deal_id: uuid.UUID) -> Deal:
    deal = (
        await session.execute(
            select(Deal)
            .where(Deal.tenant_id == principal.tenant_id, Deal.id == deal_id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if deal is None:
        raise NotFound(_("No such deal."))
    await access_venue(session, principal, deal.venue_id, "manager")
    return deal


async def edit_slot(
    session: AsyncSession, principal: Principal, deal_id: uuid.UUID, data: SlotEdit
) -> Deal:
    deal = await _own_deal(session, principal, deal_id)
    if deal.status == "cancelled":
        raise Conflict(_("This deal was cancelled."))
    if data.seats is not None:
        if data.seats < deal.seats_booked:
            raise Conflict(
                _("%(count)d seats are already booked; you cannot offer fewer than that.")
                % {"count": deal.seats_booked}
            )
        deal.seats_total = data.seats
    if data.offer is not None:
        deal.offer = {str(key): value for key, value in data.offer.items()}
    if data.status is not None:
        deal.status = data.status
    return deal


async def cancel_slot(
    session: AsyncSession,
    settings: Settings,
    tenant: TenantContext,
    principal: Principal,
    deal_id: uuid.UUID,
) -> Deal:
    """Cancel a slot; everyone booked is refunded in full and told."""
    deal = await _own_deal(session, principal, deal_id)
    if deal.status != "cancelled":
        deal.status = "cancelled"
        await cancel_for_deal(session, settings, tenant, deal, datetime.now(UTC))
        publish_event(
            session,
            "deals",
            {"type": "deal.cancelled", "deal_id": str(deal.id), "venue_id": str(deal.venue_id)},
        )
    return deal


async def upcoming_for_venue(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, now: datetime, limit: int
) -> tuple[Venue, list[Deal]]:
    """A venue's slots not yet over (paused ones included, cancelled ones not), soonest first."""
    venue = await access_venue(session, principal, venue_id, "manager")
    query = (
        select(Deal)
        .where(Deal.venue_id == venue.id, Deal.ends_at > now, Deal.status != "cancelled")
        .order_by(Deal.starts_at)
        .limit(limit)
    )
    return venue, list((await session.execute(query)).scalars())
