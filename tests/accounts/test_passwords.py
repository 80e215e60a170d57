from __future__ import annotations

import httpx

from dinner1.runtime import Runtime
from tests.fixtures.factories import PASSWORD, bearer, create_user, link_token, login, outbox_for

NEW_PASSWORD = "another long passphrase"


async def test_forgot_password_answers_the_same_for_unknown_emails(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    known = await client.post("/api/v1/auth/password/forgot", json={"email": user.email})
    unknown = await client.post("/api/v1/auth/password/forgot", json={"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert await outbox_for(runtime, "ghost@example.com") == []


async def test_reset_sets_the_password_and_revokes_every_login(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    old = await login(client, user.email)
    await client.post("/api/v1/auth/password/forgot", json={"email": user.email})
    [mail] = await outbox_for(runtime, user.email)
    token = link_token(mail.text_body, "/reset-password")

    weak = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": "short"}
    )
    assert weak.status_code == 422  # refused, and the link still works:
    done = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert done.status_code == 204

    assert (await client.get("/api/v1/me", headers=bearer(old))).status_code == 401
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": old["refresh_token"]})
    ).status_code == 401
    assert (
        await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    ).status_code == 401
    await login(client, user.email, NEW_PASSWORD)
    reuse = await client.post(
        "/api/v1/auth/password/reset",
        json={"token": token, "new_password": "yet another passphrase"},
    )
    assert reuse.status_code == 401


async def test_only_the_newest_reset_link_works(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    for _ in range(2):
        await client.post("/api/v1/auth/password/forgot", json={"email": user.email})
    first, second = await outbox_for(runtime, user.email)
    stale = await client.post(
        "/api/v1/auth/password/reset",
        json={
            "token": link_token(first.text_body, "/reset-password"),
            "new_password": NEW_PASSWORD,
        },
    )
    assert stale.status_code == 401
    fresh = await client.post(
        "/api/v1/auth/password/reset",
        json={
            "token": link_token(second.text_body, "/reset-password"),
            "new_password": NEW_PASSWORD,
        },
    )
    assert fresh.status_code == 204


async def test_change_password_needs_the_current_one_and_rotates_tokens(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    tokens = await login(client, user.email)
    wrong = await client.post(
        "/api/v1/auth/password/change",
        headers=bearer(tokens),
        json={"current_password": "nope nope nope", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["loc"] == ["body", "current_password"]

    changed = await client.post(
        "/api/v1/auth/password/change",
        headers=bearer(tokens),
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200
    assert (await client.get("/api/v1/me", headers=bearer(tokens))).status_code == 401
    assert (await client.get("/api/v1/me", headers=bearer(changed.json()))).status_code == 200
    await login(client, user.email, NEW_PASSWORD)
