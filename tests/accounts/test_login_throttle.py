from __future__ import annotations

import httpx

from dinner1.runtime import Runtime
from tests.fixtures.factories import PASSWORD, create_user


async def fail(client: httpx.AsyncClient, email: str, ip: str = "127.0.0.1") -> httpx.Response:
    return await client.post(
        "/api/v1/auth/login", json={"email": email, "password": "wrong password here"}
    )


async def test_login_slows_down_after_repeated_failures(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    free = runtime.settings.rate_limit.login_failures_free
    statuses = [(await fail(client, user.email)).status_code for _ in range(free + 1)]
    assert statuses == [401] * (free + 1)

    blocked = await fail(client, user.email)
    assert blocked.status_code == 429
    assert blocked.json()["type"].endswith("/rate-limited")
    assert int(blocked.headers["retry-after"]) >= 1

    # Even the right password waits until the lock expires.
    right = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert right.status_code == 429


async def test_the_lock_on_one_account_does_not_lock_another(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    victim = await create_user(runtime)
    other = await create_user(runtime)
    for _ in range(runtime.settings.rate_limit.login_failures_free + 2):
        await fail(client, victim.email)
    ok = await client.post("/api/v1/auth/login", json={"email": other.email, "password": PASSWORD})
    assert ok.status_code == 200


async def test_success_clears_the_account_failure_count(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    free = runtime.settings.rate_limit.login_failures_free
    for _ in range(free - 1):
        await fail(client, user.email)
    ok = await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert ok.status_code == 200
    for _ in range(free):
        assert (await fail(client, user.email)).status_code == 401


async def test_attempts_per_address_are_capped(client: httpx.AsyncClient, runtime: Runtime) -> None:
    runtime.settings.rate_limit.login_attempts_per_ip_per_minute = 5
    statuses = []
    for index in range(7):
        response = await client.post(
            "/api/v1/auth/login",
            json={"email": f"spray{index}@example.com", "password": "guess guess guess"},
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]
