"""Deleting an account: hidden and logged out at once, restorable with the emailed link
during the grace period, then erased from every table for good (aggregates kept)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select

from dinner1.accounts.models import User
from dinner1.bookings.models import VenueReview
from dinner1.db.types import utcnow
from dinner1.matching.models import DailyMatch
from dinner1.privacy import erasure, tasks
from dinner1.profiles.models import Profile
from dinner1.runtime import Runtime
from dinner1.safety.models import Report
from dinner1.venues.models import Venue
from tests.fixtures.factories import PASSWORD, bearer, create_user, login, outbox_for
from tests.privacy.people import Person, bookings_of_venue, database_text, linked_pair


async def ask_deletion(
    client: httpx.AsyncClient, person: Person, password: str = PASSWORD, confirm: bool = True
) -> httpx.Response:
    return await client.post(
        "/api/v1/privacy/deletion",
        json={"password": password, "confirm": confirm},
        headers=person.headers,
    )


async def cancel_link(runtime: Runtime, email: str) -> tuple[str, str]:
    [mail] = [m for m in await outbox_for(runtime, email) if m.kind == "deletion_requested"]
    found = re.search(
        r"/privacy/deletion/cancel\?member=([0-9a-f-]+)&token=([0-9a-f]+)", mail.text_body
    )
    assert found, mail.text_body
    return found.group(1), found.group(2)


async def user_row(runtime: Runtime, user_id: uuid.UUID) -> User:
    async with runtime.db.sessionmaker() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user


async def login_status(client: httpx.AsyncClient, email: str) -> int:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return response.status_code


async def test_deletion_needs_the_password_and_the_confirmation(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    person = Person(user.id, user.email, "Amina", bearer(await login(client, user.email)), {})
    wrong = await ask_deletion(client, person, password="not my password")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == ["body", "password"]
    unconfirmed = await ask_deletion(client, person, confirm=False)
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["errors"][0]["loc"] == ["body", "confirm"]
    row = await user_row(runtime, user.id)
    assert row.is_active and row.deletion_requested_at is None
    assert await login_status(client, user.email) == 200


async def test_deletion_hides_at_once_and_the_link_restores(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await linked_pair(client, runtime)
    her, him = world.her, world.him
    asked = await ask_deletion(client, her)
    assert asked.status_code == 202, asked.text
    body = asked.json()
    assert body["erase_after"] > body["deletion_requested_at"]

    # Logged out everywhere, and cannot log in again.
    assert (await client.get("/api/v1/me", headers=her.headers)).status_code == 401
    assert await login_status(client, her.email) == 401
    # Hidden: off his proposals (generated anew without her), not discoverable.
    async with runtime.db.sessionmaker() as session:
        left = await session.scalar(
            select(DailyMatch).where(
                (DailyMatch.user_id == her.id) | (DailyMatch.candidate_id == her.id)
            )
        )
        profile = await session.scalar(select(Profile).where(Profile.user_id == her.id))
    assert left is None and profile is not None and not profile.discoverable
    matches = (await client.get("/api/v1/matches/today", headers=him.headers)).json()
    assert str(her.id) not in [m["person"]["user_id"] for m in matches]
    # Her upcoming booking was cancelled (his stays).
    statuses = {str(b.id): b.status for b in await bookings_of_venue(runtime, world.venue_id)}
    assert statuses[world.upcoming_booking] == "cancelled"

    member, token = await cancel_link(runtime, her.email)
    assert member == str(her.id)
    forged = await client.post(
        "/api/v1/privacy/deletion/cancel", json={"member": member, "token": "0" * 64}
    )
    assert forged.status_code in (400, 401, 403, 422) and forged.status_code != 204
    restored = await client.post(
        "/api/v1/privacy/deletion/cancel", json={"member": member, "token": token}
    )
    assert restored.status_code == 204, restored.text
    row = await user_row(runtime, her.id)
    assert row.is_active and row.deletion_requested_at is None and row.anonymized_at is None
    assert await login_status(client, her.email) == 200
    async with runtime.db.sessionmaker() as session:
        profile = await session.scalar(select(Profile).where(Profile.user_id == her.id))
    assert profile is not None and profile.discoverable
    # The erasure job has nothing to do for a cancelled deletion, even much later.
    assert await tasks.erase_due(runtime, utcnow() + timedelta(days=60)) == 0
    # A used link is spent.
    again = await client.post(
        "/api/v1/privacy/deletion/cancel", json={"member": member, "token": token}
    )
    assert again.status_code != 204


async def test_after_the_grace_period_every_trace_is_erased(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await linked_pair(client, runtime)
    her, him = world.her, world.him
    before = await database_text(runtime)
    # The scan can see everything it looks for (encrypted columns included).
    for secret in her.secrets() + him.secrets():
        assert secret.lower() in before, secret
    async with runtime.db.sessionmaker() as session:
        venue = await session.get(Venue, world.venue_id)
        assert venue is not None
        ratings = (venue.rating_sum, venue.rating_count)
    bookings_before = len(await bookings_of_venue(runtime, world.venue_id))
    made = await client.post("/api/v1/privacy/exports", headers=her.headers)
    assert made.status_code == 201
    exports = runtime.settings.data_dir / "exports" / str(world.tenant_id) / str(her.id)
    assert any(exports.glob("*.zip"))

    assert (await ask_deletion(client, her)).status_code == 202
    member, token = await cancel_link(runtime, her.email)
    asked_at = (await user_row(runtime, her.id)).deletion_requested_at
    assert asked_at is not None
    # Not a minute early.
    assert await tasks.erase_due(runtime, asked_at + timedelta(days=29, hours=23)) == 0
    assert (await user_row(runtime, her.id)).anonymized_at is None
    now = asked_at + timedelta(days=30, minutes=1)
    assert await tasks.erase_due(runtime, now) == 1
    assert await tasks.erase_due(runtime, now) == 0  # nothing left to do

    after = await database_text(runtime)
    for secret in her.secrets():
        assert secret.lower() not in after, secret
    # His data is untouched (only his report's words about her went with her).
    for secret in [him.email, him.name, *him.answers.values()]:
        assert secret.lower() in after, secret

    row = await user_row(runtime, her.id)
    assert row.display_name == erasure.TOMBSTONE_NAME and row.anonymized_at == now
    assert row.email.endswith("@deleted.invalid") and row.phone is None
    # Aggregates stay, anonymously: the venue's books and its rating.
    bookings = await bookings_of_venue(runtime, world.venue_id)
    assert len(bookings) == bookings_before
    async with runtime.db.sessionmaker() as session:
        venue = await session.get(Venue, world.venue_id)
        assert venue is not None and (venue.rating_sum, venue.rating_count) == ratings
        [review] = (
            await session.execute(select(VenueReview).where(VenueReview.member_id == her.id))
        ).scalars()
        assert review.rating == 5 and review.text is None
        reports = {str(r.id): r for r in (await session.execute(select(Report))).scalars()}
    assert reports[world.report_by_her].details is None
    assert reports[world.report_by_him].details is None
    assert reports[world.report_by_her].category == "other"

    # Unrecoverable: no login, no cancel link, no export.
    assert await login_status(client, her.email) == 401
    late = await client.post(
        "/api/v1/privacy/deletion/cancel", json={"member": member, "token": token}
    )
    assert late.status_code != 204
    assert not exports.exists()
    # He carries on as before.
    assert (await client.get("/api/v1/me", headers=him.headers)).status_code == 200
