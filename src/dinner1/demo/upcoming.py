"""Bookings that have not happened yet: a few upcoming tables for demo members, and a busy
today at the first owner's first venue, so its arrivals page has guests to seat."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dinner1.deals.models import Deal
from dinner1.deals.slots import LocalSlot, fits_opening_hours
from dinner1.demo.history import Diner, HistoryPlanner, VenueTraits

UPCOMING_DEALS = 70
TODAY_SLOTS = 4
TODAY_SEATS = 12
# Members whose logins are printed: each holds at least one upcoming table.
SHOWCASED_DINERS = 3


def _book_ahead(planner: HistoryPlanner, deal: Deal, diner: Diner | None) -> None:
    left = deal.seats_total - deal.seats_booked
    if diner is None or left < deal.min_party:
        return
    party = planner.party(min(left, deal.max_party))
    at = planner.now - timedelta(hours=planner.rng.uniform(1, 72))
    planner.book(deal, diner, party, max(deal.created_at, at))
    deal.seats_booked += party
    planner.upcoming[diner.id] += 1


def plan_upcoming(planner: HistoryPlanner, deals: list[Deal], cities: dict[uuid.UUID, str]) -> None:
    """One or two bookings at some of the deals already posted for the coming weeks."""
    rng = planner.rng
    for deal in rng.sample(deals, min(UPCOMING_DEALS, len(deals))):
        for _ in range(rng.randint(1, 2)):
            diner = planner.diner(cities[deal.venue_id], deal.local_day, upcoming=True)
            _book_ahead(planner, deal, diner)
    for diner in planner.diners[:SHOWCASED_DINERS]:
        if planner.upcoming[diner.id]:
            continue
        open_deals = [
            deal
            for deal in deals
            if cities[deal.venue_id] == diner.city
            and deal.seats_total - deal.seats_booked >= 2
            and (diner.id, deal.local_day) not in planner.dining_days
        ]
        if open_deals:
            deal = rng.choice(open_deals)
            planner.dining_days.add((diner.id, deal.local_day))
            _book_ahead(planner, deal, diner)


def _today_starts(traits: VenueTraits, today: date, now: datetime) -> list[time]:
    """Two-hour slots within opening hours, the ones closest to now (some past, some not)."""
    venue = traits.venue
    fitting = [
        time(hour)
        for hour in range(8, 22)
        if fits_opening_hours(
            venue.hours, venue.hours_exceptions, LocalSlot(today, time(hour), time(hour + 2))
        )
    ]
    local = now.astimezone(ZoneInfo(venue.timezone))
    clock = local.hour + local.minute / 60
    return sorted(sorted(fitting, key=lambda start: abs(start.hour + 0.5 - clock))[:TODAY_SLOTS])


def _arrive(planner: HistoryPlanner, row: dict[str, Any], diner: Diner) -> None:
    """Where a party stands now: seated, missed, or still expected."""
    rules, now, start = planner.rules, planner.now, row["starts_at"]
    opens = start - timedelta(minutes=rules.check_in_opens_minutes)
    arrival = max(opens, min(now - timedelta(minutes=1), start + timedelta(minutes=20)))
    if now >= start + timedelta(minutes=rules.check_in_closes_minutes):
        if planner.rng.random() < 0.15:
            planner.miss(row)
        else:
            planner.check_in(row, arrival - timedelta(minutes=planner.rng.uniform(0, 30)))
    elif now >= opens and planner.rng.random() < 0.5:
        planner.check_in(row, arrival)
    else:
        planner.upcoming[diner.id] += 1


def plan_today(planner: HistoryPlanner, traits: VenueTraits, today: date) -> None:
    """Several parties today at one venue, around the current hour."""
    rng = planner.rng
    for start in _today_starts(traits, today, planner.now):
        deal = planner.post(traits, today, start, time(start.hour + 2), seats=TODAY_SEATS)
        for _ in range(rng.randint(3, 5)):
            diner = planner.diner(traits.venue.city, today, upcoming=True)
            left = deal.seats_total - deal.seats_booked
            if diner is None or left < 1:
                continue
            party = planner.party(min(left, deal.max_party, 4))
            at = min(planner.booked_at(deal), planner.now - timedelta(minutes=30))
            row = planner.book(deal, diner, party, at)
            deal.seats_booked += party
            _arrive(planner, row, diner)
