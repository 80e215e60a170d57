from __future__ import annotations

from datetime import date, timedelta

import httpx
from sqlalchemy import func, select

from dinner1.accounts.models import User
from dinner1.runtime import Runtime
from tests.fixtures.factories import PASSWORD, create_user, link_token, outbox_for, unique_email


def signup_body(email: str, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": email,
        "password": PASSWORD,
        "date_of_birth": "1996-04-12",
        "display_name": "Yasmine",
    }
    body.update(overrides)
    return body


async def count_users(runtime: Runtime) -> int:
    async with runtime.db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def test_register_sends_a_verification_link_that_verifies(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    email = unique_email()
    response = await client.post("/api/v1/auth/register", json=signup_body(email))
    assert response.status_code == 202
    assert response.json()["status"] == "verification_sent"

    [message] = await outbox_for(runtime, email)
    assert message.kind == "verify_email"
    token = link_token(message.text_body, "/verify-email")

    verified = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert verified.status_code == 200
    assert verified.json()["email_verified"] is True
    assert verified.json()["email"] == email


async def test_email_is_normalized_and_stored_lowercase(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    email = unique_email()
    await client.post("/api/v1/auth/register", json=signup_body("  " + email.upper() + " "))
    assert len(await outbox_for(runtime, email)) == 1


async def test_duplicate_signup_reveals_nothing_and_warns_the_owner(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    before = await count_users(runtime)
    response = await client.post("/api/v1/auth/register", json=signup_body(user.email))
    assert response.status_code == 202
    assert response.json()["status"] == "verification_sent"
    assert await count_users(runtime) == before
    [message] = await outbox_for(runtime, user.email)
    assert message.kind == "account_exists"


async def test_verification_link_is_single_use_and_bad_tokens_are_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    email = unique_email()
    await client.post("/api/v1/auth/register", json=signup_body(email))
    token = link_token((await outbox_for(runtime, email))[0].text_body, "/verify-email")
    assert (
        await client.post("/api/v1/auth/verify-email", json={"token": token})
    ).status_code == 200
    again = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert again.status_code == 401
    bogus = await client.post("/api/v1/auth/verify-email", json={"token": "nope"})
    assert bogus.json()["type"].endswith("/invalid-token")


async def test_minors_are_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    today = date.today()
    almost_18 = today.replace(year=today.year - 18) + timedelta(days=1)
    before = await count_users(runtime)
    response = await client.post(
        "/api/v1/auth/register",
        json=signup_body(unique_email(), date_of_birth=almost_18.isoformat()),
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/validation-error")
    assert problem["errors"][0]["loc"] == ["body", "date_of_birth"]
    assert await count_users(runtime) == before


async def test_exactly_18_today_is_accepted(client: httpx.AsyncClient, runtime: Runtime) -> None:
    today = date.today()
    try:
        birthday = today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - 18, day=28)
    email = unique_email()
    response = await client.post(
        "/api/v1/auth/register", json=signup_body(email, date_of_birth=birthday.isoformat())
    )
    assert response.status_code == 202
    assert len(await outbox_for(runtime, email)) == 1


async def test_weak_and_email_like_passwords_are_refused(client: httpx.AsyncClient) -> None:
    for password in ("short", "password123", "aaaaaaaaaaaaaa", "yasmine.alaoui-2024"):
        response = await client.post(
            "/api/v1/auth/register",
            json=signup_body("yasmine.alaoui@example.com", password=password),
        )
        assert response.status_code == 422, password
        assert response.json()["errors"][0]["loc"] == ["body", "password"]
        # The refused password is never echoed back.
        assert password not in response.text


async def test_future_birth_dates_and_blank_names_are_refused(client: httpx.AsyncClient) -> None:
    future = (date.today() + timedelta(days=3)).isoformat()
    assert (
        await client.post(
            "/api/v1/auth/register", json=signup_body(unique_email(), date_of_birth=future)
        )
    ).status_code == 422
    assert (
        await client.post(
            "/api/v1/auth/register", json=signup_body(unique_email(), display_name="   ")
        )
    ).status_code == 422


async def test_resend_verification_issues_a_new_link_only_for_unverified(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    pending = await create_user(runtime, verified=False)
    done = await create_user(runtime, verified=True)
    for user in (pending, done):
        response = await client.post("/api/v1/auth/resend-verification", json={"email": user.email})
        assert response.status_code == 202
    assert len(await outbox_for(runtime, pending.email)) == 1
    assert await outbox_for(runtime, done.email) == []
