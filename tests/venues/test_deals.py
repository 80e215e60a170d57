from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import update

from dinner1.deals.models import Deal
from dinner1.deals.slots import LocalSlot, expand_weekly, resolve, to_utc
from dinner1.runtime import Runtime
from tests.fixtures.factories import bearer, create_user, login
from tests.fixtures.venues import create_venue, post_deal

MOROCCO = ZoneInfo("Africa/Casablanca")


def transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """UTC instants where the zone's offset changes during `year`."""
    found, moment = [], datetime(year, 1, 1, tzinfo=UTC)
    previous = moment.astimezone(zone).utcoffset()
    while moment.year == year:
        moment += timedelta(hours=1)
        offset = moment.astimezone(zone).utcoffset()
        if offset != previous:
            found.append(moment)
            previous = offset
    return found


def test_a_weekly_rule_keeps_local_time_across_moroccos_ramadan_clock_changes() -> None:
    changes = transitions(MOROCCO, 2027)
    assert len(changes) == 2  # back to UTC+0 for Ramadan, forward again after
    first = changes[0].date() - timedelta(days=10)
    slots = [
        resolve(s, "Africa/Casablanca")
        for s in expand_weekly([first.weekday()], time(15, 0), time(17, 0), first, weeks=8)
    ]
    assert {s.starts_at.astimezone(MOROCCO).strftime("%H:%M") for s in slots} == {"15:00"}
    assert {s.starts_at.astimezone(UTC).hour for s in slots} == {14, 15}  # the offset moved


def test_times_in_a_gap_move_forward_and_repeated_times_take_the_first() -> None:
    paris = ZoneInfo("Europe/Paris")
    # 2027-03-28 02:30 does not exist in Paris (02:00 → 03:00).
    assert (
        to_utc(date(2027, 3, 28), time(2, 30), paris).astimezone(paris).strftime("%H:%M") == "03:30"
    )
    # 2027-10-31 02:30 happens twice; the first is at UTC+2.
    assert to_utc(date(2027, 10, 31), time(2, 30), paris) == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )


def test_slots_past_midnight_end_the_next_day() -> None:
    late = resolve(LocalSlot(date(2027, 1, 5), time(23, 0), time(1, 0)), "Africa/Casablanca")
    assert late.ends_at - late.starts_at == timedelta(hours=2)
    assert late.local_end_minute == 25 * 60


async def owner_headers(
    client: httpx.AsyncClient, runtime: Runtime
) -> tuple[dict[str, str], object]:
    owner = await create_user(runtime, role="venue_owner")
    return bearer(await login(client, owner.email)), owner


async def test_recurring_rules_skip_closed_days(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers, owner = await owner_headers(client, runtime)
    hours = {str(d): [["12:00", "23:00"]] for d in range(6)}  # closed on Sundays
    venue = await create_venue(runtime, owner, hours=hours)  # type: ignore[arg-type]
    start = date.today() + timedelta(days=(7 - date.today().weekday()))  # next Monday
    response = await client.post(
        f"/api/v1/venues/{venue}/deal-rules",
        headers=headers,
        json={
            "weekdays": [1, 2, 6],
            "start": "15:00",
            "end": "17:00",
            "first_day": start.isoformat(),
            "weeks": 8,
            "terms": {"seats": 12, "percent_off": 30},
        },
    )
    assert response.status_code == 201
    days = [d["local_day"] for d in response.json()]
    assert len(days) == 16 and all(date.fromisoformat(d).weekday() in (1, 2) for d in days)


async def test_edits_never_go_below_booked_seats(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers, owner = await owner_headers(client, runtime)
    venue = await create_venue(runtime, owner)  # type: ignore[arg-type]
    deal = await post_deal(runtime, owner, venue, seats=10)  # type: ignore[arg-type]
    async with runtime.db.unit_of_work() as session:
        await session.execute(update(Deal).where(Deal.id == deal).values(seats_booked=6))
    refused = await client.patch(f"/api/v1/deals/{deal}", json={"seats": 5}, headers=headers)
    assert refused.status_code == 409
    assert (await client.patch(f"/api/v1/deals/{deal}", json={"seats": 6}, headers=headers)).json()[
        "seats_left"
    ] == 0
    paused = await client.patch(f"/api/v1/deals/{deal}", json={"status": "paused"}, headers=headers)
    assert paused.json()["status"] == "paused"
    cancelled = await client.post(f"/api/v1/deals/{deal}/cancel", headers=headers)
    assert cancelled.json()["status"] == "cancelled"
    assert (
        await client.patch(f"/api/v1/deals/{deal}", json={"status": "active"}, headers=headers)
    ).status_code == 409


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"day": "2020-01-01"}, "past"),
        ({"start": "03:00", "end": "05:00"}, "opening hours"),
        ({"terms": {"seats": 500, "percent_off": 30}}, "seats"),
        ({"terms": {"seats": 5, "percent_off": 2}}, "percent"),
        ({"terms": {"seats": 5, "kind": "menu", "price_minor": 9000}}, "menu"),
        ({"terms": {"seats": 5, "percent_off": 20, "min_party": 4, "max_party": 2}}, "party"),
    ],
)
async def test_bad_slots_are_refused(
    client: httpx.AsyncClient, runtime: Runtime, change: dict[str, object], problem: str
) -> None:
    headers, owner = await owner_headers(client, runtime)
    venue = await create_venue(
        runtime, owner, hours={str(d): [["10:00", "23:00"]] for d in range(7)}
    )  # type: ignore[arg-type]
    body = {
        "day": (date.today() + timedelta(days=2)).isoformat(),
        "start": "16:00",
        "end": "18:00",
        "terms": {"seats": 8, "percent_off": 30},
    } | change
    response = await client.post(f"/api/v1/venues/{venue}/deals", json=body, headers=headers)
    assert response.status_code == 422, response.text


async def test_iftar_template_follows_maghrib_during_ramadan(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    from dinner1.locale.calendar import ramadan_starting_in

    headers, owner = await owner_headers(client, runtime)
    venue = await create_venue(runtime, owner)  # type: ignore[arg-type]
    ramadan = ramadan_starting_in(2027)
    response = await client.post(
        f"/api/v1/venues/{venue}/deal-templates",
        headers=headers,
        json={
            "template": "iftar",
            "first_day": (ramadan.first_day - timedelta(days=3)).isoformat(),
            "weeks": 1,
            "seats": 20,
            "price_minor": 9900,
            "original_price_minor": 15000,
        },
    )
    assert response.status_code == 201, response.text
    slots = response.json()
    assert slots and all(s["template"] == "iftar" for s in slots)
    assert min(date.fromisoformat(s["local_day"]) for s in slots) >= ramadan.first_day
    assert all("17:30" <= s["local_start"] <= "19:30" for s in slots)  # around sunset
    assert slots[0]["discount_percent"] == 34
