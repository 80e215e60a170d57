from __future__ import annotations

import httpx
import pytest

from dinner1.runtime import Runtime
from tests.fixtures.factories import PASSWORD, create_user, link_token, outbox_for, unique_email
from tests.fixtures.pages import page_csrf, page_login


@pytest.mark.parametrize(
    ("language", "lang", "direction", "phrase"),
    [
        ("en", "en", "ltr", "Log in"),
        ("fr-FR,fr;q=0.9", "fr", "ltr", "Se connecter"),
        ("ar-MA,ar;q=0.9,fr;q=0.5", "ar", "rtl", "تسجيل الدخول"),
    ],
)
async def test_home_renders_in_each_language(
    client: httpx.AsyncClient, language: str, lang: str, direction: str, phrase: str
) -> None:
    response = await client.get("/", headers={"Accept-Language": language})
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in response.text
    assert phrase in response.text


async def test_unsupported_languages_fall_back_to_english(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="en" dir="ltr">' in response.text


async def test_the_language_picker_wins_over_the_browser(client: httpx.AsyncClient) -> None:
    token = await page_csrf(client, "/")
    chosen = await client.post(
        "/language", data={"locale": "ar", "next": "/signup", "csrf_token": token}
    )
    assert chosen.status_code == 303
    assert chosen.headers["location"] == "/signup"
    page = await client.get("/signup", headers={"Accept-Language": "fr"})
    assert '<html lang="ar" dir="rtl">' in page.text


async def test_the_language_picker_never_redirects_off_site(client: httpx.AsyncClient) -> None:
    token = await page_csrf(client, "/")
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = await client.post(
            "/language", data={"locale": "fr", "next": target, "csrf_token": token}
        )
        assert response.headers["location"] == "/"


async def test_signup_verify_login_logout_through_pages(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    email = unique_email()
    token = await page_csrf(client, "/signup")
    signed = await client.post(
        "/signup",
        data={
            "display_name": "Kenza",
            "email": email,
            "password": PASSWORD,
            "date_of_birth": "1994-02-03",
            "csrf_token": token,
        },
    )
    assert signed.status_code == 200
    assert 'data-testid="check-email"' in signed.text

    link = link_token((await outbox_for(runtime, email))[0].text_body, "/verify-email")
    verified = await client.get(f"/verify-email?token={link}")
    assert 'data-testid="verify-result"' in verified.text
    assert verified.status_code == 200

    logged_in = await page_login(client, email, PASSWORD)
    assert logged_in.status_code == 303
    home = await client.get("/")
    assert "Kenza" in home.text
    assert "Confirm your email address" not in home.text  # verified: no banner

    token = await page_csrf(client, "/")
    out = await client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303
    assert 'data-testid="home-visitor"' in (await client.get("/")).text


async def test_signup_form_errors_keep_what_was_typed_except_the_password(
    client: httpx.AsyncClient,
) -> None:
    token = await page_csrf(client, "/signup")
    response = await client.post(
        "/signup",
        data={
            "display_name": "Kenza",
            "email": "kenza@example.com",
            "password": "short",
            "date_of_birth": "1994-02-03",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert 'value="kenza@example.com"' in response.text
    assert 'value="short"' not in response.text
    assert 'aria-invalid="true"' in response.text


async def test_wrong_password_on_the_login_page_shows_a_message(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    response = await page_login(client, user.email, "not it at all")
    assert response.status_code == 401
    assert 'data-testid="form-error"' in response.text


async def test_private_pages_redirect_to_login_and_come_back(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    response = await client.get("/settings", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fsettings"
    user = await create_user(runtime)
    token = await page_csrf(client, "/login?next=%2Fsettings")
    logged = await client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token, "next": "/settings"},
    )
    assert logged.headers["location"] == "/settings"


async def test_each_role_gets_its_own_home(client: httpx.AsyncClient, runtime: Runtime) -> None:
    for role in ("member", "venue_owner", "moderator", "admin"):
        user = await create_user(runtime, role=role)
        client.cookies.clear()
        await page_login(client, user.email, PASSWORD)
        assert f'data-testid="home-{role}"' in (await client.get("/")).text


async def test_admin_pages_are_for_admins_only(client: httpx.AsyncClient, runtime: Runtime) -> None:
    member = await create_user(runtime)
    await page_login(client, member.email, PASSWORD)
    refused = await client.get("/admin/outbox", headers={"Accept": "text/html"})
    assert refused.status_code == 403
    client.cookies.clear()
    admin = await create_user(runtime, role="admin")
    await page_login(client, admin.email, PASSWORD)
    assert (await client.get("/admin/outbox")).status_code == 200


async def test_settings_change_language_and_password(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    await page_login(client, user.email, PASSWORD)
    token = await page_csrf(client, "/settings")
    saved = await client.post("/settings/language", data={"locale": "fr", "csrf_token": token})
    assert saved.status_code == 303
    page = await client.get("/settings?notice=language_saved")
    assert '<html lang="fr"' in page.text
    assert "Langue enregistrée" in page.text or "Langue" in page.text

    token = await page_csrf(client, "/settings")
    changed = await client.post(
        "/settings/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "csrf_token": token,
        },
    )
    assert changed.status_code == 303
    # This browser stays logged in; the password really changed.
    assert (await client.get("/settings")).status_code == 200
    fresh = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    async with fresh:
        assert (await page_login(fresh, user.email, PASSWORD)).status_code == 401
        assert (await page_login(fresh, user.email, "a brand new passphrase")).status_code == 303


async def test_password_reset_through_pages(client: httpx.AsyncClient, runtime: Runtime) -> None:
    user = await create_user(runtime)
    token = await page_csrf(client, "/forgot-password")
    sent = await client.post("/forgot-password", data={"email": user.email, "csrf_token": token})
    assert 'data-testid="reset-sent"' in sent.text
    reset = link_token((await outbox_for(runtime, user.email))[0].text_body, "/reset-password")
    form = await client.get(f"/reset-password?token={reset}")
    token = await page_csrf(client, f"/reset-password?token={reset}")
    assert form.status_code == 200
    done = await client.post(
        "/reset-password",
        data={"token": reset, "new_password": "the newest passphrase", "csrf_token": token},
    )
    assert done.status_code == 303
    assert (await page_login(client, user.email, "the newest passphrase")).status_code == 303
