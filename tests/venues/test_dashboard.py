"""The venue dashboard: figures summed by the database, today's arrivals, the heatmap and the
7-day forecast with recommended deals, and who may see them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import event

from dinner1.bookings import demand, reports
from dinner1.bookings.rules import payout_of
from dinner1.runtime import Runtime
from dinner1.venues.models import Venue
from tests.fixtures.factories import bearer, create_user, login
from tests.fixtures.history import Visit, seed_visits
from tests.fixtures.venues import create_venue

# A Wednesday, 10:00 in Casablanca (UTC+1 outside Ramadan); no holiday nearby.
NOW = datetime(2026, 10, 14, 9, 0, tzinfo=UTC)
CASABLANCA = ZoneInfo("Africa/Casablanca")
PRICE = 8400  # 120 MAD typical spend, 30 % off


async def venue_of(runtime: Runtime, venue_id: uuid.UUID) -> Venue:
    async with runtime.db.sessionmaker() as session:
        venue = await session.get(Venue, venue_id)
        assert venue is not None
        return venue


async def a_venue(runtime: Runtime, **overrides: Any) -> tuple[uuid.UUID, uuid.UUID]:
    owner = await create_user(runtime, role="venue_owner")
    admin = await create_user(runtime, role="admin")
    member = await create_user(runtime, display_name="Salma Idrissi")
    return await create_venue(runtime, owner, admin, **overrides), member.id


@contextmanager
def statements(runtime: Runtime) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):
            seen.append(str(args[2]))

    engine = runtime.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_period_figures_follow_the_money_rules(runtime: Runtime) -> None:
    venue_id, member = await a_venue(runtime)
    oct5, oct6 = date(2026, 10, 5), date(2026, 10, 6)
    booked = await seed_visits(
        runtime,
        venue_id,
        member,
        [
            Visit(oct5, time(16), party=2, rating=5),
            Visit(oct5, time(16), party=3, rating=3),
            Visit(oct5, time(16), party=2, status="no_show"),
            Visit(oct6, time(16), party=2, status="cancelled", refund=2 * PRICE),
            Visit(oct6, time(16), party=1, status="cancelled"),  # too late: no refund
            Visit(oct6, time(20), party=4),
            Visit(date(2026, 9, 20), time(16), party=6, rating=1),  # before the period
        ],
    )
    period = reports.Period(date(2026, 10, 1), date(2026, 10, 13))
    async with runtime.db.sessionmaker() as session:
        figures = await reports.period_figures(session, await venue_of(runtime, venue_id), period)
    assert (figures.bookings, figures.cancelled, figures.arrivals, figures.no_shows) == (4, 2, 3, 1)
    assert figures.covers == 2 + 3 + 4
    [money] = figures.money
    settled = [b for b in booked[:6] if b.status in ("checked_in", "no_show")]
    assert money.currency == "MAD"
    assert money.revenue_minor == 11 * PRICE
    assert money.fees_minor == sum(round(b.amount_minor * 0.10) for b in settled) == 9240
    assert money.payout_minor == sum(payout_of(b) for b in settled) == 11 * PRICE - 9240
    assert (figures.seats_offered, figures.seats_booked) == (3 * 40, 2 + 3 + 2 + 4)
    assert figures.seat_utilization == pytest.approx(11 / 120)
    # Open 08:00–23:30 every day: 15.5 h × 40 seats × 13 days.
    assert figures.seat_hours == pytest.approx(15.5 * 40 * 13)
    assert figures.covers_utilization == pytest.approx(9 / (15.5 * 40 * 13))
    assert figures.no_show_rate == pytest.approx(1 / 4)
    assert (figures.rating_average, figures.rating_count) == (3.0, 3)
    assert (figures.period_rating_average, figures.period_rating_count) == (4.0, 2)


async def test_figures_are_aggregated_by_the_database_not_in_python(runtime: Runtime) -> None:
    venue_id, member = await a_venue(runtime)
    period = reports.Period(date(2026, 10, 1), date(2026, 10, 13))
    day = date(2026, 10, 2)
    await seed_visits(runtime, venue_id, member, [Visit(day, time(16))])
    venue = await venue_of(runtime, venue_id)
    async with runtime.db.sessionmaker() as session:
        with statements(runtime) as few:
            small = await reports.period_figures(session, venue, period)
    many = [Visit(day + timedelta(days=d), time(h), party=1) for d in range(8) for h in (9, 12, 17)]
    await seed_visits(runtime, venue_id, member, many)
    async with runtime.db.sessionmaker() as session:
        with statements(runtime) as more:
            large = await reports.period_figures(session, venue, period)
    assert (small.arrivals, large.arrivals) == (1, 25)
    assert len(few) == len(more) == 3  # bookings, seats, ratings: one grouped query each


async def test_today_counts_bookings_and_arrivals_of_the_local_day(runtime: Runtime) -> None:
    venue_id, member = await a_venue(runtime)
    today = NOW.astimezone(CASABLANCA).date()
    await seed_visits(
        runtime,
        venue_id,
        member,
        [
            Visit(today, time(12), party=2, status="confirmed"),
            Visit(today, time(12), party=3),
            Visit(today, time(18), party=2, status="cancelled"),
            Visit(today - timedelta(days=1), time(22), party=5),
        ],
    )
    async with runtime.db.sessionmaker() as session:
        found = await reports.today_at(session, await venue_of(runtime, venue_id), NOW)
    assert found == reports.Today(today, bookings=2, arrivals=1, expected_covers=5, seated_covers=3)


def busy_evenings(first: date, last: date) -> list[Visit]:
    """Every day: a full-ish house at 20:00 (30 of 40) and a quiet 15:00 (4 of 40)."""
    days = [first + timedelta(days=d) for d in range((last - first).days + 1)]
    return [Visit(day, time(20), party=30) for day in days] + [
        Visit(day, time(15), party=4) for day in days
    ]


async def test_heatmap_and_forecast_come_from_history(runtime: Runtime) -> None:
    venue_id, member = await a_venue(runtime)
    await seed_visits(
        runtime, venue_id, member, busy_evenings(date(2026, 9, 1), date(2026, 10, 13))
    )
    async with runtime.db.sessionmaker() as session:
        outlook = await demand.venue_outlook(session, await venue_of(runtime, venue_id), NOW)
    assert not outlook.cold_start
    heatmap = outlook.heatmap
    assert heatmap.hours == list(range(8, 24))  # open 08:00–23:30; closed hours left out
    tuesday = heatmap.values[1]
    assert tuesday[heatmap.hours.index(20)] == pytest.approx(0.75)
    assert tuesday[heatmap.hours.index(15)] == pytest.approx(0.1)
    assert tuesday[heatmap.hours.index(10)] == 0.0

    first = outlook.forecast[0]
    assert (first.day, first.hour) == (date(2026, 10, 14), 10)  # from the current local hour
    assert {f.day for f in outlook.forecast} == {
        date(2026, 10, 14) + timedelta(d) for d in range(7)
    }
    evenings = [f for f in outlook.forecast if f.hour == 20]
    assert len(evenings) == 7 and all(
        f.occupancy == pytest.approx(0.75, abs=0.05) for f in evenings
    )
    assert all("weighted ordinary days" in f.basis for f in evenings)

    slots = outlook.dead_slots
    assert slots and all(s.end_hour - s.start_hour <= 3 for s in slots)
    assert not any(s.start_hour <= 20 < s.end_hour for s in slots)  # the busy hour is never dead
    teatime = next(s for s in slots if s.day == date(2026, 10, 15) and s.start_hour <= 15)
    assert 0 < teatime.discount_percent <= demand.RECOMMENDATION_CAP_PERCENT
    assert "empty" in teatime.reasoning and teatime.expected_extra_covers > 0


async def test_a_new_venue_is_forecast_from_its_declared_busy_hours(runtime: Runtime) -> None:
    busy = {str(day): [13, 20, 21] for day in range(7)}
    venue_id, _member = await a_venue(runtime, busy_hours=busy)
    async with runtime.db.sessionmaker() as session:
        outlook = await demand.venue_outlook(session, await venue_of(runtime, venue_id), NOW)
    assert outlook.cold_start and outlook.heatmap.hours == []
    by_hour = {(f.day, f.hour): f for f in outlook.forecast}
    thursday = date(2026, 10, 15)
    assert by_hour[(thursday, 20)].occupancy == pytest.approx(0.7)
    assert "declared busy" in by_hour[(thursday, 20)].basis
    assert by_hour[(thursday, 16)].occupancy == pytest.approx(0.25)
    dead_hours = {(s.day, h) for s in outlook.dead_slots for h in range(s.start_hour, s.end_hour)}
    assert (thursday, 16) in dead_hours and (thursday, 20) not in dead_hours


def test_opening_ranges_become_hours_and_nights_spill_into_the_next_day() -> None:
    hours = demand.open_hours_by_weekday(
        {"0": [["12:00", "15:30"], ["20:00", "01:00"]], "6": [["22:00", "00:30"]]}
    )
    assert hours is not None
    assert hours[0] == {12, 13, 14, 15, 20, 21, 22, 23, 0}  # Sunday night spills into Monday
    assert hours[1] == {0}
    assert hours[6] == {22, 23}
    assert demand.open_hours_by_weekday({}) is None


# ---- the API -----------------------------------------------------------------------------


async def staff(
    client: httpx.AsyncClient, runtime: Runtime
) -> tuple[uuid.UUID, dict[str, dict[str, str]]]:
    """A venue and everyone who might ask about it."""
    people: dict[str, dict[str, str]] = {}
    users = {}
    for name, role in (
        ("owner", "venue_owner"),
        ("other_owner", "venue_owner"),
        ("admin", "admin"),
        ("member", "member"),
        ("manager", "member"),
        ("host", "member"),
    ):
        users[name] = await create_user(runtime, role=role, display_name=name.title())
        people[name] = bearer(await login(client, users[name].email))
    venue = await create_venue(runtime, users["owner"], users["admin"])
    for role in ("manager", "host"):
        added = await client.post(
            f"/api/v1/venues/{venue}/staff",
            json={"email": users[role].email, "role": role},
            headers=people["owner"],
        )
        assert added.status_code == 201
    return venue, people


EXPECTED = {
    "owner": 200,
    "admin": 200,
    "manager": 200,
    "host": 403,
    "other_owner": 404,
    "member": 404,
}


async def test_who_may_read_the_dashboard_rules_and_log(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    venue, people = await staff(client, runtime)
    reads = [
        f"/api/v1/venues/{venue}/dashboard",
        f"/api/v1/venues/{venue}/auto-post/settings",
        f"/api/v1/venues/{venue}/auto-post/runs",
    ]
    for path in reads:
        for who, expected in EXPECTED.items():
            response = await client.get(path, headers=people[who])
            assert response.status_code == expected, (path, who, response.text)
        assert (await client.get(path)).status_code == 401
    rule = {"below_occupancy": 0.4}
    for index, (who, expected) in enumerate(EXPECTED.items()):
        created = await client.post(
            f"/api/v1/venues/{venue}/auto-post/settings",
            json={**rule, "lead_hours": 10 + index},
            headers=people[who],
        )
        assert created.status_code == (201 if expected == 200 else expected), (who, created.text)
    missing = await client.get(f"/api/v1/venues/{uuid.uuid4()}/dashboard", headers=people["owner"])
    assert missing.status_code == 404


async def test_the_dashboard_api_reports_a_period(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    venue, people = await staff(client, runtime)
    member = await create_user(runtime, display_name="Omar")
    today = datetime.now(CASABLANCA).date()
    await seed_visits(runtime, venue, member.id, [Visit(today - timedelta(days=3), time(16))])
    response = await client.get(f"/api/v1/venues/{venue}/dashboard", headers=people["manager"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["last_day"] == today.isoformat()
    assert body["first_day"] == (today - timedelta(days=29)).isoformat()
    figures = body["figures"]
    assert (figures["arrivals"], figures["covers"]) == (1, 2)
    assert figures["money"] == [
        {
            "currency": "MAD",
            "revenue_minor": 2 * PRICE,
            "fees_minor": round(0.2 * PRICE),
            "payout_minor": round(1.8 * PRICE),
        }
    ]
    assert body["heatmap"]["hours"] == list(range(8, 24)) and len(body["heatmap"]["values"]) == 7
    assert body["forecast"]["hours"] and body["forecast"]["cold_start"] is False
    assert body["forecast"]["dead_slots"][0]["recommended_discount_percent"] >= 0
    assert "email" not in response.text

    narrow = await client.get(
        f"/api/v1/venues/{venue}/dashboard",
        params={"from": today.isoformat(), "to": today.isoformat()},
        headers=people["owner"],
    )
    assert narrow.json()["figures"]["arrivals"] == 0
    for params in (
        {"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()},
        {"from": (today - timedelta(days=400)).isoformat()},
        {"from": "yesterday"},
    ):
        refused = await client.get(
            f"/api/v1/venues/{venue}/dashboard", params=params, headers=people["owner"]
        )
        assert refused.status_code == 422, params
        assert refused.json()["detail"]
