from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from dinner1.runtime import Runtime
from dinner1.tenants.service import create_tenant, normalize_host
from tests.fixtures.factories import PASSWORD, bearer, create_user, login, outbox_for, unique_email


@pytest.fixture
async def tenant_b(runtime: Runtime) -> object:
    async with runtime.db.unit_of_work() as session:
        tenant = await create_tenant(
            session,
            slug="oasis",
            name="Oasis Dates",
            hosts=["dates.oasis.example", "B.Example.com"],
            default_locale="fr",
        )
    await runtime.tenants.refresh(force=True)
    return tenant


@pytest.fixture
async def client_b(app: FastAPI, tenant_b: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://b.example.com:8080") as c:
        yield c


async def test_the_tenant_comes_from_the_host(
    client: httpx.AsyncClient, client_b: httpx.AsyncClient
) -> None:
    assert "<title>" in (await client.get("/")).text
    assert "Oasis Dates" in (await client_b.get("/")).text
    assert "Oasis Dates" not in (await client.get("/")).text


async def test_unknown_hosts_get_the_default_tenant(app: FastAPI, tenant_b: object) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://unknown.example") as other:
        assert "Oasis Dates" not in (await other.get("/")).text


async def test_a_member_of_tenant_a_cannot_log_into_tenant_b(
    client: httpx.AsyncClient, client_b: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    refused = await client_b.post(
        "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert refused.status_code == 401


async def test_a_token_of_tenant_a_is_worthless_on_tenant_b(
    client: httpx.AsyncClient, client_b: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    tokens = await login(client, user.email)
    assert (await client_b.get("/api/v1/me", headers=bearer(tokens))).status_code == 401
    refreshed = await client_b.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401
    # ...and the attempt did not burn the token at home.
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    ).status_code == 200


async def test_a_session_cookie_of_tenant_a_is_worthless_on_tenant_b(
    client: httpx.AsyncClient, client_b: httpx.AsyncClient, runtime: Runtime
) -> None:
    from tests.fixtures.pages import page_login

    user = await create_user(runtime)
    await page_login(client, user.email, PASSWORD)
    session_cookie = client.cookies.get("d1_session")
    assert session_cookie
    client_b.cookies.set("d1_session", session_cookie)
    response = await client_b.get("/api/v1/me")
    assert response.status_code == 401


async def test_the_same_email_is_two_separate_accounts(
    client: httpx.AsyncClient, client_b: httpx.AsyncClient, runtime: Runtime, tenant_b: object
) -> None:
    email = unique_email()
    body = {
        "email": email,
        "password": PASSWORD,
        "date_of_birth": "1992-01-01",
        "display_name": "Ines",
    }
    assert (await client.post("/api/v1/auth/register", json=body)).status_code == 202
    assert (await client_b.post("/api/v1/auth/register", json=body)).status_code == 202
    mails = await outbox_for(runtime, email)
    assert [m.kind for m in mails] == ["verify_email", "verify_email"]
    assert {m.tenant_id for m in mails} == {mails[0].tenant_id, tenant_b.id}  # type: ignore[attr-defined]
    # Tenant B speaks French by default and signs its emails with its own name.
    assert any("Oasis Dates" in m.subject for m in mails)


async def test_admins_see_only_their_tenants_outbox(
    client: httpx.AsyncClient, client_b: httpx.AsyncClient, runtime: Runtime, tenant_b: object
) -> None:
    email = unique_email()
    await client_b.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "date_of_birth": "1992-01-01",
            "display_name": "I",
        },
    )
    admin_a = await create_user(runtime, role="admin")
    tokens = await login(client, admin_a.email)
    listed = await client.get("/api/v1/admin/outbox", headers=bearer(tokens))
    assert listed.status_code == 200
    assert email not in listed.text
    admin_b = await create_user(runtime, role="admin", tenant_id=tenant_b.id)  # type: ignore[attr-defined]
    tokens_b = await login(client_b, admin_b.email)
    assert email in (await client_b.get("/api/v1/admin/outbox", headers=bearer(tokens_b))).text


async def test_members_cannot_read_the_outbox(client: httpx.AsyncClient, runtime: Runtime) -> None:
    member = await create_user(runtime)
    response = await client.get(
        "/api/v1/admin/outbox", headers=bearer(await login(client, member.email))
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith("/forbidden")


def test_hosts_are_normalized() -> None:
    assert normalize_host("Dates.Oasis.Example:8443") == "dates.oasis.example"
    assert normalize_host("example.ma.") == "example.ma"
    assert normalize_host("[::1]:8000") == "[::1]"
