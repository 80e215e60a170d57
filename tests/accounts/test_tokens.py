from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select

from dinner1.accounts.models import RefreshToken
from dinner1.runtime import Runtime
from tests.fixtures.factories import PASSWORD, bearer, create_user, login


async def test_login_gives_a_pair_that_reads_me(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime, display_name="Mehdi")
    tokens = await login(client, user.email)
    assert tokens["token_type"] == "bearer"
    assert 0 < tokens["expires_in"] <= 3600
    me = await client.get("/api/v1/me", headers=bearer(tokens))
    assert me.status_code == 200
    assert me.json()["display_name"] == "Mehdi"
    assert "password_hash" not in me.text


async def test_wrong_credentials_get_one_answer_for_both_cases(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    wrong_password = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": "not the password"}
    )
    unknown_user = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": PASSWORD}
    )
    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "https://dinner1.app/problems/invalid-credentials"
    assert wrong_password.json()["detail"] == unknown_user.json()["detail"]


async def test_me_requires_a_valid_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/me")).status_code == 401
    garbage = await client.get("/api/v1/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert garbage.status_code == 401
    assert garbage.json()["type"].endswith("/invalid-token")
    basic = await client.get("/api/v1/me", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert basic.status_code == 401


async def test_refresh_rotates_and_reuse_revokes_the_family(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    first = await login(client, user.email)
    second = (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    assert second["refresh_token"] != first["refresh_token"]
    third = (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    ).json()

    # An attacker replays the first (already rotated) token.
    replay = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 401
    assert replay.json()["type"].endswith("/refresh-token-reused")

    # The legitimate holder's newest token is revoked too: the family is dead.
    after = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": third["refresh_token"]}
    )
    assert after.status_code == 401
    async with runtime.db.sessionmaker() as session:
        rows = (
            (await session.execute(select(RefreshToken).where(RefreshToken.user_id == user.id)))
            .scalars()
            .all()
        )
    assert rows and all(row.revoked_at is not None for row in rows)


async def test_other_logins_survive_a_reuse_in_one_family(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    phone = await login(client, user.email)
    laptop = await login(client, user.email)
    rotated = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]}
    )
    assert rotated.status_code == 200
    await client.post("/api/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    still = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": laptop["refresh_token"]}
    )
    assert still.status_code == 200


async def test_concurrent_presentations_of_one_token_yield_one_winner(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    tokens = await login(client, user.email)
    results = await asyncio.gather(
        *[
            client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
            for _ in range(4)
        ]
    )
    assert sorted(r.status_code for r in results).count(200) <= 1


async def test_logout_revokes_the_refresh_family(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    tokens = await login(client, user.email)
    out = await client.post(
        "/api/v1/auth/logout",
        json={"refresh_token": tokens["refresh_token"]},
        headers=bearer(tokens),
    )
    assert out.status_code == 204
    again = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert again.status_code == 401


async def test_logout_all_invalidates_access_tokens_at_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    tokens = await login(client, user.email)
    assert (await client.post("/api/v1/auth/logout-all", headers=bearer(tokens))).status_code == 204
    assert (await client.get("/api/v1/me", headers=bearer(tokens))).status_code == 401


async def test_a_member_cannot_refresh_another_members_family_by_logout(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    alice = await create_user(runtime)
    bob = await create_user(runtime)
    alice_tokens = await login(client, alice.email)
    bob_tokens = await login(client, bob.email)
    await client.post(
        "/api/v1/auth/logout",
        json={"refresh_token": alice_tokens["refresh_token"]},
        headers=bearer(bob_tokens),
    )
    still = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": alice_tokens["refresh_token"]}
    )
    assert still.status_code == 200
