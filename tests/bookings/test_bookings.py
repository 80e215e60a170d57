"""Booking a dead-hour table through the API: seats, money, arrivals, reviews, loyalty."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from dinner1.bookings import service as bookings
from dinner1.bookings.models import Booking
from dinner1.deals.models import Deal
from dinner1.runtime import Runtime
from tests.fixtures.factories import bearer, create_user, login, outbox_for
from tests.fixtures.venues import create_venue, post_deal


class World:
    def __init__(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        self.client = client
        self.runtime = runtime

    async def setup(self, seats: int = 10) -> World:
        self.owner_user = await create_user(self.runtime, role="venue_owner")
        self.admin_user = await create_user(self.runtime, role="admin")
        self.owner = bearer(await login(self.client, self.owner_user.email))
        self.venue = await create_venue(self.runtime, self.owner_user, self.admin_user)
        self.deal = await post_deal(
            self.runtime, self.owner_user, self.venue, seats=seats, percent_off=30
        )
        return self

    async def member(
        self, name: str = "Salma Idrissi", verified: bool = True
    ) -> tuple[dict[str, str], str]:
        user = await create_user(self.runtime, display_name=name, verified=verified)
        return bearer(await login(self.client, user.email)), user.email

    async def book(self, who: dict[str, str], party: int = 2, **extra: Any) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/deals/{self.deal}/bookings", json={"party": party, **extra}, headers=who
        )

    async def seats_left(self) -> int:
        async with self.runtime.db.sessionmaker() as session:
            deal = await session.get(Deal, self.deal)
            assert deal is not None
            return deal.seats_total - deal.seats_booked

    async def move_start(self, booking_id: str, starts_at: datetime) -> None:
        """Time travel: the meal starts at `starts_at` (deal and booking alike)."""
        async with self.runtime.db.unit_of_work() as session:
            await session.execute(
                update(Booking)
                .where(Booking.id == uuid.UUID(booking_id))
                .values(starts_at=starts_at)
            )
            await session.execute(
                update(Deal).where(Deal.id == self.deal).values(starts_at=starts_at)
            )


async def test_a_booking_holds_seats_prepays_and_mails_the_code(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await World(client, runtime).setup(seats=10)
    member, email = await world.member()
    response = await world.book(member, party=3, note="  window   table please ")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "confirmed" and body["party"] == 3
    assert body["note"] == "window table please"
    assert body["amount_minor"] == 3 * 8400  # 120 MAD typical spend, 30 % off
    assert body["currency"] == "MAD" and body["payment_provider"] == "simulated"
    assert body["can_cancel"] is True and body["can_review"] is False
    assert len(body["code"]) == 6
    assert await world.seats_left() == 7
    mails = [m for m in await outbox_for(runtime, email) if m.kind == "booking_confirmed"]
    assert len(mails) == 1 and body["code"] in mails[0].text_body

    listed = (await client.get("/api/v1/bookings", headers=member)).json()
    assert [b["id"] for b in listed] == [body["id"]]
    assert (await client.get("/api/v1/bookings?when=past", headers=member)).json() == []


async def test_bad_bookings_are_refused_clearly_and_take_no_seat(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await World(client, runtime).setup(seats=6)
    member, _ = await world.member()
    other, _ = await world.member("Karim")
    unverified, _ = await world.member(verified=False)
    assert (await world.book(unverified)).status_code == 403
    party_limit = await world.book(member, party=7)
    assert party_limit.status_code == 409 and "parties of 1 to 6" in party_limit.json()["detail"]
    assert (await world.book(member, party=0)).status_code == 422
    missing = await client.post(
        f"/api/v1/deals/{uuid.uuid4()}/bookings", json={"party": 2}, headers=member
    )
    assert missing.status_code == 404
    assert (await world.book(member, party=4)).status_code == 201
    twice = await world.book(member, party=1)
    assert twice.status_code == 409 and "already" in twice.json()["detail"]
    too_many = await world.book(other, party=3)
    assert too_many.status_code == 409 and "seats" in too_many.json()["detail"]
    assert await world.seats_left() == 2
    anonymous = await client.post(f"/api/v1/deals/{world.deal}/bookings", json={"party": 2})
    assert anonymous.status_code == 401


async def test_racing_for_the_last_seats_never_overbooks(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await World(client, runtime).setup(seats=5)
    members = [(await world.member(f"Diner{i}"))[0] for i in range(12)]
    answers = await asyncio.gather(*(world.book(m, party=1) for m in members))
    codes = sorted(a.status_code for a in answers)
    assert codes.count(201) == 5 and codes.count(409) == 7, codes
    assert await world.seats_left() == 0
    async with runtime.db.sessionmaker() as session:
        held = (await session.execute(select(Booking).where(Booking.deal_id == world.deal))).all()
    assert len(held) == 5


async def test_member_cancellation_refunds_in_time_and_nothing_late(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await World(client, runtime).setup(seats=10)
    member, email = await world.member()
    early = (await world.book(member, party=2)).json()
    cancelled = await client.post(f"/api/v1/bookings/{early['id']}/cancel", headers=member)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["refund_minor"] == early["amount_minor"]
    assert cancelled.json()["cancelled_by"] == "member"
    assert await world.seats_left() == 10
    again = await client.post(f"/api/v1/bookings/{early['id']}/cancel", headers=member)
    assert again.status_code == 409

    late = (await world.book(member, party=2)).json()
    await world.move_start(late["id"], datetime.now(UTC) + timedelta(minutes=50))
    answer = (await client.post(f"/api/v1/bookings/{late['id']}/cancel", headers=member)).json()
    assert answer["status"] == "cancelled" and answer["refund_minor"] == 0
    assert await world.seats_left() == 10  # the seats go back on sale all the same
    kinds = [m.kind for m in await outbox_for(runtime, email)]
    assert kinds.count("booking_cancelled") == 2


async def test_a_venue_cancelling_refunds_and_tells_everyone(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await World(client, runtime).setup(seats=10)
    first, first_email = await world.member("Yasmine")
    second, _ = await world.member("Omar")
    one = (await world.book(first, party=2)).json()
    two = (await world.book(second, party=3)).json()
    done = await client.post(f"/api/v1/deals/{world.deal}/cancel", headers=world.owner)
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    for who, booked in ((first, one), (second, two)):
        mine = (await client.get(f"/api/v1/bookings/{booked['id']}", headers=who)).json()
        assert mine["status"] == "cancelled" and mine["cancelled_by"] == "venue"
        assert mine["refund_minor"] == booked["amount_minor"]
    notice = [m for m in await outbox_for(runtime, first_email) if m.kind == "booking_cancelled"]
    assert len(notice) == 1 and "Café Maure" in notice[0].text_body
    assert (await world.book(first, party=1)).status_code == 409


async def test_nobody_else_sees_or_touches_a_booking(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await World(client, runtime).setup()
    member, _ = await world.member()
    stranger, _ = await world.member("Karim")
    booked = (await world.book(member)).json()
    path = f"/api/v1/bookings/{booked['id']}"
    assert (await client.get(path, headers=stranger)).status_code == 404
    assert (await client.post(f"{path}/cancel", headers=stranger)).status_code == 404
    assert (
        await client.post(f"{path}/review", json={"rating": 5}, headers=stranger)
    ).status_code == 404
    assert (await client.get("/api/v1/bookings", headers=stranger)).json() == []
    # Venue staff see the booking at their venue — first name only, and no code.
    other_owner_user = await create_user(runtime, role="venue_owner")
    other_owner = bearer(await login(client, other_owner_user.email))
    day = booked["local_day"]
    staff_view = await client.get(
        f"/api/v1/venues/{world.venue}/bookings?day={day}", headers=world.owner
    )
    assert staff_view.status_code == 200
    [row] = staff_view.json()
    assert row["first_name"] == "Salma"
    assert "code" not in row and "email" not in str(row).lower()
    for who in (other_owner, member):
        assert (
            await client.get(f"/api/v1/venues/{world.venue}/bookings?day={day}", headers=who)
        ).status_code == 404
        assert (
            await client.post(
                f"/api/v1/venues/{world.venue}/check-ins",
                json={"code": booked["code"]},
                headers=who,
            )
        ).status_code == 404


async def test_arrival_review_and_loyalty(client: httpx.AsyncClient, runtime: Runtime) -> None:
    world = await World(client, runtime).setup()
    member, _ = await world.member()
    booked = (await world.book(member, party=2)).json()
    check_in = f"/api/v1/venues/{world.venue}/check-ins"
    too_early = await client.post(check_in, json={"code": booked["code"]}, headers=world.owner)
    assert too_early.status_code == 409 and "Check-in" in too_early.json()["detail"]
    assert (
        await client.post(
            f"/api/v1/bookings/{booked['id']}/review", json={"rating": 5}, headers=member
        )
    ).status_code == 409  # not before the meal

    await world.move_start(booked["id"], datetime.now(UTC) + timedelta(minutes=20))
    wrong = await client.post(check_in, json={"code": "XXXXXX"}, headers=world.owner)
    assert wrong.status_code == 404
    seated = await client.post(check_in, json={"code": booked["code"].lower()}, headers=world.owner)
    assert seated.status_code == 200, seated.text
    row = seated.json()
    assert row["status"] == "checked_in" and row["checked_in_at"]
    assert row["fee_minor"] == round(booked["amount_minor"] * 0.10)
    assert row["payout_minor"] == booked["amount_minor"] - row["fee_minor"]
    assert (
        await client.post(check_in, json={"code": booked["code"]}, headers=world.owner)
    ).status_code == 409

    review = await client.post(
        f"/api/v1/bookings/{booked['id']}/review",
        json={"rating": 4, "text": "Lovely mint tea, calm at four."},
        headers=member,
    )
    assert review.status_code == 201 and review.json()["status"] == "published"
    assert (
        await client.post(
            f"/api/v1/bookings/{booked['id']}/review", json={"rating": 1}, headers=member
        )
    ).status_code == 409
    public = (await client.get(f"/api/v1/venues/{world.venue}/reviews")).json()
    assert [(r["rating"], r["first_name"]) for r in public] == [(4, "Salma")]
    venue = (await client.get(f"/api/v1/venues/{world.venue}")).json()
    assert venue["rating"] == 4.0

    points = (await client.get("/api/v1/loyalty", headers=member)).json()
    paid_mad = booked["amount_minor"] // 100
    assert points["balance"] == paid_mad // 10 + runtime.settings.bookings.points_per_review
    assert sorted(e["reason"] for e in points["entries"]) == ["review", "visit"]


async def test_abusive_reviews_wait_for_a_moderator(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await World(client, runtime).setup()
    member, _ = await world.member()
    booked = (await world.book(member)).json()
    await world.move_start(booked["id"], datetime.now(UTC) - timedelta(minutes=10))
    assert (
        await client.post(
            f"/api/v1/venues/{world.venue}/bookings/{booked['id']}/check-in", headers=world.owner
        )
    ).status_code == 200
    held = await client.post(
        f"/api/v1/bookings/{booked['id']}/review",
        json={"rating": 1, "text": "The owner is a filthy animal and I will burn this place down"},
        headers=member,
    )
    assert held.status_code == 201 and held.json()["status"] == "held"
    assert (await client.get(f"/api/v1/venues/{world.venue}/reviews")).json() == []
    assert (await client.get(f"/api/v1/venues/{world.venue}")).json()["rating"] is None


async def test_no_shows_by_the_host_and_by_the_sweeper(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await World(client, runtime).setup()
    first, _ = await world.member("Nadia")
    second, _ = await world.member("Hamza")
    one = (await world.book(first)).json()
    two = (await world.book(second)).json()
    await world.move_start(one["id"], datetime.now(UTC) - timedelta(minutes=10))
    no_show = f"/api/v1/venues/{world.venue}/bookings/{one['id']}/no-show"
    assert (await client.post(no_show, headers=world.owner)).status_code == 409  # too soon
    await world.move_start(one["id"], datetime.now(UTC) - timedelta(minutes=40))
    marked = await client.post(no_show, headers=world.owner)
    assert marked.status_code == 200 and marked.json()["status"] == "no_show"
    assert marked.json()["fee_minor"] > 0 and marked.json()["refund_minor"] == 0

    await world.move_start(two["id"], datetime.now(UTC) - timedelta(hours=3))
    async with runtime.db.unit_of_work() as session:
        assert await bookings.sweep_no_shows(session, runtime.settings, datetime.now(UTC)) == 1
    mine = (await client.get(f"/api/v1/bookings/{two['id']}", headers=second)).json()
    assert mine["status"] == "no_show" and mine["can_cancel"] is False


async def test_one_member_cannot_hoard_tables(client: httpx.AsyncClient, runtime: Runtime) -> None:
    world = await World(client, runtime).setup(seats=40)
    member, _ = await world.member()
    limit = runtime.settings.bookings.max_upcoming_per_member
    deals = [world.deal]
    for _ in range(limit):
        deals.append(await post_deal(runtime, world.owner_user, world.venue, seats=4))
    answers = [
        await client.post(f"/api/v1/deals/{deal}/bookings", json={"party": 1}, headers=member)
        for deal in deals
    ]
    assert [a.status_code for a in answers] == [201] * limit + [409]
