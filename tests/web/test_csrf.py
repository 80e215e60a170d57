from __future__ import annotations

import httpx

from dinner1.runtime import Runtime
from tests.fixtures.factories import PASSWORD, bearer, create_user, login
from tests.fixtures.pages import csrf_from, page_csrf, page_login


async def test_a_form_post_without_a_token_is_rejected(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    await client.get("/login")  # the browser holds a CSRF cookie, but the form lacks the field
    response = await client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "d1_session" not in response.cookies


async def test_a_forged_token_is_rejected(client: httpx.AsyncClient, runtime: Runtime) -> None:
    user = await create_user(runtime)
    await client.get("/login")
    response = await client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403


async def test_a_token_from_another_browser_is_rejected(
    app: object, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    attacker_token = await page_csrf(client)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as victim:
        await victim.get("/login")
        response = await victim.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": attacker_token}
        )
    assert response.status_code == 403


async def test_login_form_with_token_sets_an_httponly_session(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    response = await page_login(client, user.email, PASSWORD)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "d1_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in tests; HTTPS adds it
    home = await client.get("/")
    assert 'data-testid="home-member"' in home.text


async def test_cookie_authenticated_api_writes_need_the_header(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    await page_login(client, user.email, PASSWORD)
    assert (await client.get("/api/v1/me")).status_code == 200  # reads need no token
    refused = await client.patch("/api/v1/me", json={"display_name": "Hacked"})
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/csrf-failed")
    token = csrf_from((await client.get("/settings")).text)
    allowed = await client.patch(
        "/api/v1/me", json={"display_name": "Nadia"}, headers={"X-CSRF-Token": token}
    )
    assert allowed.status_code == 200
    assert allowed.json()["display_name"] == "Nadia"


async def test_cross_origin_requests_are_refused_even_with_a_token(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    token = await page_csrf(client)
    response = await client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


async def test_bearer_clients_need_no_csrf_token(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    tokens = await login(client, user.email)
    client.cookies.clear()
    response = await client.patch("/api/v1/me", json={"locale": "fr"}, headers=bearer(tokens))
    assert response.status_code == 200
    assert response.json()["locale"] == "fr"
