"""Suspended and banned members are refused everywhere; activity is noted once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update

from dinner1.accounts.models import User
from dinner1.runtime import Runtime
from tests.fixtures.factories import PASSWORD, bearer, create_user, login
from tests.fixtures.pages import page_login


async def set_user(runtime: Runtime, user: User, **values: object) -> None:
    async with runtime.db.unit_of_work() as session:
        await session.execute(update(User).where(User.id == user.id).values(**values))


async def read_user(runtime: Runtime, user: User) -> User:
    async with runtime.db.sessionmaker() as session:
        found = await session.get(User, user.id)
        assert found is not None
        return found


async def test_a_suspended_member_is_told_until_when_and_kept_out(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    tokens = await login(client, user.email)
    until = datetime.now(UTC) + timedelta(days=3)
    await set_user(runtime, user, suspended_until=until)

    refused = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert refused.status_code == 403
    problem = refused.json()
    assert problem["type"].endswith("/account-suspended")
    assert problem["until"].startswith(until.date().isoformat())
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": "not the password"}
    )
    assert wrong.status_code == 401  # nothing is revealed before a correct password
    assert (await client.get("/api/v1/me", headers=bearer(tokens))).status_code == 403
    renewed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert renewed.status_code == 401

    await set_user(runtime, user, suspended_until=datetime.now(UTC) - timedelta(minutes=1))
    assert (
        await client.get("/api/v1/me", headers=bearer(await login(client, user.email)))
    ).status_code == 200


async def test_a_banned_member_cannot_come_back(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    assert (await page_login(client, user.email, PASSWORD)).status_code in (302, 303)
    assert (await client.get("/settings")).status_code == 200
    await set_user(runtime, user, banned_at=datetime.now(UTC))
    # The page session ends: the member is a visitor again.
    assert (await client.get("/settings", follow_redirects=False)).status_code in (302, 303, 401)
    client.cookies.clear()
    refused = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert refused.status_code == 403 and refused.json()["type"].endswith("/account-banned")


async def test_activity_is_noted_at_most_once_a_day(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    headers = bearer(await login(client, user.email))
    assert (await read_user(runtime, user)).last_active_at is None
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    first = (await read_user(runtime, user)).last_active_at
    assert first is not None and datetime.now(UTC) - first < timedelta(minutes=1)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    assert (await read_user(runtime, user)).last_active_at == first

    stale = datetime.now(UTC) - timedelta(days=2)
    await set_user(runtime, user, last_active_at=stale)
    from dinner1.accounts import standing

    standing._recently_noted.clear()
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    assert (await read_user(runtime, user)).last_active_at > stale  # type: ignore[operator]
