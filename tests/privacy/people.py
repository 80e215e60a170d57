"""The people of the privacy tests: two members with all kinds of data that link them
(a match, bookings at the same venue, reports on each other), staff, and a scan of every
column of every table for what must be gone after erasure."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from dinner1.accounts.models import User
from dinner1.bookings.models import Booking, VenueReview
from dinner1.db.registry import load_metadata
from dinner1.mail.models import OutboxSms
from dinner1.profiles import service as profiles
from dinner1.runtime import Runtime
from tests.fixtures.factories import bearer, create_user, login, unique_email
from tests.fixtures.history import Visit, seed_visits
from tests.fixtures.profiles import steps
from tests.fixtures.venues import create_venue, post_deal
from tests.matching.test_daily import MAN

HER_ANSWERS = {
    "philosophy": "Zellige patience taught me that beauty is slow, careful work.",
    "understood": "When someone notices my saffron-stained fingertips and asks why.",
    "slow_evening": "Gnawa recordings, embroidery on the balcony and lemon cake.",
}
HIS_ANSWERS = {
    "philosophy": "Restoring vintage Peugeot mopeds is how I learned to be patient.",
    "understood": "Somebody laughs at my terrible puns about carburettors.",
    "slow_evening": "Grilled sardines at the port of Essaouira with my cousins.",
}
HER_NAME = "Zoubida Ouazzani"
HIS_NAME = "Karim Benslimane"
HER_PHONE = "+212612345678"


@dataclass
class Person:
    id: uuid.UUID
    email: str
    name: str
    headers: dict[str, str]
    answers: dict[str, str]
    phone: str | None = None
    private_words: list[str] = field(default_factory=list)

    def secrets(self) -> list[str]:
        """Everything that identifies this person or is their own free text."""
        found = [self.email, self.name, *self.answers.values(), *self.private_words]
        if self.phone:
            found += [self.phone, self.phone.removeprefix("+212")]
        return found


async def soul_member(
    client: httpx.AsyncClient,
    runtime: Runtime,
    name: str,
    answers: dict[str, str],
    **overrides: Any,
) -> Person:
    """A member with a finished profile (written through the service) and a login."""
    slug = name.split()[0].lower()
    user = await create_user(runtime, email=unique_email(slug), display_name=name)
    async with runtime.db.unit_of_work() as session:
        row = await session.get(User, user.id)
        assert row is not None
        row.date_of_birth = date(1993, 4, 2)
        for step, body in steps(answers={"answers": answers}, **overrides).items():
            await profiles.save_step(session, user.tenant_id, user.id, step, body)
    headers = bearer(await login(client, user.email))
    return Person(user.id, user.email, name, headers, answers)


async def verify_phone(client: httpx.AsyncClient, runtime: Runtime, person: Person) -> None:
    sent = await client.post(
        "/api/v1/verification/phone", json={"phone": "0612345678"}, headers=person.headers
    )
    assert sent.status_code == 202, sent.text
    async with runtime.db.sessionmaker() as session:
        body = await session.scalar(select(OutboxSms.body).where(OutboxSms.user_id == person.id))
    assert body is not None
    match = re.search(r"\b(\d{6})\b", body)
    assert match, body
    confirmed = await client.post(
        "/api/v1/verification/phone/confirm",
        json={"code": match.group(1)},
        headers=person.headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    person.phone = HER_PHONE


@dataclass
class World:
    tenant_id: uuid.UUID
    her: Person
    him: Person
    venue_id: uuid.UUID
    deal_id: uuid.UUID
    upcoming_booking: str
    report_by_her: str
    report_by_him: str


async def linked_pair(client: httpx.AsyncClient, runtime: Runtime) -> World:
    """Her and him, proposed to each other today, both diners at the same venue (past
    visits with reviews, and an upcoming booking each), each reporting the other."""
    her = await soul_member(client, runtime, HER_NAME, HER_ANSWERS)
    him = await soul_member(client, runtime, HIS_NAME, HIS_ANSWERS, **MAN)
    await verify_phone(client, runtime, her)
    consents = await client.put(
        "/api/v1/privacy/consents", json={"marketing_email": True}, headers=her.headers
    )
    assert consents.status_code == 200, consents.text

    matches = (await client.get("/api/v1/matches/today", headers=her.headers)).json()
    assert str(him.id) in [m["person"]["user_id"] for m in matches]
    assert (await client.get("/api/v1/matches/today", headers=him.headers)).status_code == 200

    owner = await create_user(runtime, role="venue_owner", display_name="Owner Lahlou")
    admin = await create_user(runtime, role="admin", display_name="Admin Berrada")
    venue_id = await create_venue(runtime, owner, admin, name="Dar Zitoun")
    deal_id = await post_deal(runtime, owner, venue_id, seats=10, percent_off=30)
    past = date.today() - timedelta(days=20)
    await seed_visits(runtime, venue_id, her.id, [Visit(past, time(12, 0), rating=5)])
    await seed_visits(runtime, venue_id, him.id, [Visit(past, time(12, 0), rating=3)])
    her_review_words = "Quiet corner where Zoubida read her favourite Mernissi novel"
    async with runtime.db.unit_of_work() as session:
        await session.execute(
            update(VenueReview).where(VenueReview.member_id == her.id).values(text=her_review_words)
        )
    her.private_words.append(her_review_words)

    booked = await client.post(
        f"/api/v1/deals/{deal_id}/bookings",
        json={"party": 2, "note": "Window table for Zoubida please"},
        headers=her.headers,
    )
    assert booked.status_code == 201, booked.text
    her.private_words.append("Window table for Zoubida please")
    his_booking = await client.post(
        f"/api/v1/deals/{deal_id}/bookings", json={"party": 1}, headers=him.headers
    )
    assert his_booking.status_code == 201, his_booking.text

    her_report = await _report(client, her, him, "He kept asking about my grandmother's recipes.")
    her.private_words.append("He kept asking about my grandmother's recipes.")
    his_report = await _report(client, him, her, "Carburettor jokes were not appreciated.")
    him.private_words.append("Carburettor jokes were not appreciated.")
    return World(
        owner.tenant_id, her, him, venue_id, deal_id, booked.json()["id"], her_report, his_report
    )


async def _report(
    client: httpx.AsyncClient, reporter: Person, subject: Person, details: str
) -> str:
    made = await client.post(
        "/api/v1/reports",
        json={
            "subject_type": "member",
            "subject_id": str(subject.id),
            "category": "other",
            "details": details,
        },
        headers=reporter.headers,
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def database_text(runtime: Runtime) -> str:
    """Every value of every row of every table, decrypted, as one lower-case text."""
    chunks: list[str] = []
    async with runtime.db.engine.connect() as connection:
        for table in load_metadata().sorted_tables:
            for row in (await connection.execute(select(table))).all():
                chunks.append(f"{table.name}: " + " | ".join(str(value) for value in row))
    return "\n".join(chunks).lower()


async def bookings_of_venue(runtime: Runtime, venue_id: uuid.UUID) -> list[Booking]:
    async with runtime.db.sessionmaker() as session:
        query = select(Booking).where(Booking.venue_id == venue_id).order_by(Booking.created_at)
        return list((await session.execute(query)).scalars())
