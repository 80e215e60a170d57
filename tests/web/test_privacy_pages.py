"""The privacy pages, driven like a browser without JavaScript: consents, a copy of the
data, deleting the account with its confirmation, the emailed link that keeps it, and
CSRF on every form."""

from __future__ import annotations

import io
import re
import zipfile

import httpx
import pytest
from sqlalchemy import select

from dinner1.accounts.models import User
from dinner1.privacy.models import ConsentRecord
from dinner1.runtime import Runtime
from tests.fixtures.factories import PASSWORD, create_user, outbox_for
from tests.fixtures.pages import csrf_from, page_csrf, page_login


@pytest.fixture(autouse=True)
def as_a_browser(client: httpx.AsyncClient) -> None:
    client.headers["Accept"] = "text/html"


async def logged_in(client: httpx.AsyncClient, runtime: Runtime, role: str = "member") -> User:
    user = await create_user(runtime, role=role, display_name="Imane Berrada")
    assert (await page_login(client, user.email, PASSWORD)).status_code == 303
    return user


def checked(html: str, purpose: str) -> bool:
    tag = re.search(rf'<input type="checkbox" name="{purpose}"[^>]*>', html)
    assert tag, purpose
    return " checked" in tag.group(0)


async def granted(runtime: Runtime, user: User) -> list[tuple[str, bool, str]]:
    async with runtime.db.sessionmaker() as session:
        rows = await session.execute(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user.id)
            .order_by(ConsentRecord.created_at)
        )
        return [(r.purpose, r.granted, r.source) for r in rows.scalars()]


async def test_consents_are_saved_from_the_form(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await logged_in(client, runtime)
    page = await client.get("/settings/privacy")
    assert page.status_code == 200
    for purpose in ("marketing_email", "analytics", "semantic_matching"):
        assert not checked(page.text, purpose)
    assert 'data-testid="access-log-empty"' in page.text
    token = csrf_from(page.text)

    forged = await client.post("/settings/privacy/consents", data={"marketing_email": "on"})
    assert forged.status_code == 403
    assert await granted(runtime, user) == []

    saved = await client.post(
        "/settings/privacy/consents",
        data={"csrf_token": token, "marketing_email": "on", "semantic_matching": "on"},
    )
    assert saved.status_code == 303
    shown = await client.get(saved.headers["location"])
    assert "Your choices are saved and already apply." in shown.text
    assert checked(shown.text, "marketing_email") and checked(shown.text, "semantic_matching")
    assert not checked(shown.text, "analytics")
    assert "Allowed on" in shown.text
    # Unticking a box withdraws that consent, and only that one.
    await client.post(
        "/settings/privacy/consents", data={"csrf_token": token, "semantic_matching": "on"}
    )
    history = await granted(runtime, user)
    # The first two were one decision (same moment, either order).
    assert sorted(history[:2]) == [
        ("marketing_email", True, "settings"),
        ("semantic_matching", True, "settings"),
    ]
    assert history[2:] == [("marketing_email", False, "settings")]
    again = await client.get("/settings/privacy")
    assert not checked(again.text, "marketing_email") and "Turned off on" in again.text


async def test_a_copy_of_the_data_from_the_page(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await logged_in(client, runtime)
    token = await page_csrf(client, "/settings/privacy")
    assert (await client.post("/settings/privacy/exports")).status_code == 403
    made = await client.post("/settings/privacy/exports", data={"csrf_token": token})
    assert made.status_code == 303
    page = await client.get(made.headers["location"])
    assert "Your data is ready to download. The link works for 7 days." in page.text
    [link] = re.findall(r'href="(/api/v1/privacy/exports/[0-9a-f-]+)"', page.text)
    download = await client.get(link)
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert user.email in archive.read("account/account.json").decode()


async def test_deleting_needs_the_password_and_the_tick(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await logged_in(client, runtime)
    settings_page = await client.get("/settings/privacy")
    assert 'href="/settings/privacy/delete"' in settings_page.text
    page = await client.get("/settings/privacy/delete")
    assert page.status_code == 200 and 'data-testid="delete-form"' in page.text
    assert "After 30 days" in page.text
    token = csrf_from(page.text)

    forged = await client.post(
        "/settings/privacy/delete", data={"password": PASSWORD, "confirm": "yes"}
    )
    assert forged.status_code == 403
    wrong = await client.post(
        "/settings/privacy/delete",
        data={"csrf_token": token, "password": "not it", "confirm": "yes"},
    )
    assert wrong.status_code == 422 and "Your password is not right." in wrong.text
    unticked = await client.post(
        "/settings/privacy/delete", data={"csrf_token": token, "password": PASSWORD}
    )
    assert unticked.status_code == 422
    assert "Confirm that you want to delete your account." in unticked.text
    assert (await client.get("/settings/privacy")).status_code == 200  # still logged in

    deleted = await client.post(
        "/settings/privacy/delete",
        data={"csrf_token": token, "password": PASSWORD, "confirm": "yes"},
    )
    assert deleted.status_code == 200 and 'data-testid="account-deleted"' in deleted.text
    assert "we erase your personal data for good" in deleted.text
    # Logged out, and the login page refuses the account.
    gone = await client.get("/settings/privacy")
    assert gone.status_code in (302, 303) and "/login" in gone.headers["location"]
    again = await page_login(client, user.email, PASSWORD)
    assert again.status_code != 303
    async with runtime.db.sessionmaker() as session:
        row = await session.get(User, user.id)
        assert row is not None and not row.is_active and row.deletion_requested_at is not None


async def test_the_emailed_link_keeps_the_account(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await logged_in(client, runtime)
    token = await page_csrf(client, "/settings/privacy/delete")
    deleted = await client.post(
        "/settings/privacy/delete",
        data={"csrf_token": token, "password": PASSWORD, "confirm": "yes"},
    )
    assert deleted.status_code == 200
    [mail] = [m for m in await outbox_for(runtime, user.email) if m.kind == "deletion_requested"]
    found = re.search(r"http://testserver(/privacy/deletion/cancel\?\S+)", mail.text_body)
    assert found, mail.text_body
    link = found.group(1)

    # Following the link (as a mail scanner would) changes nothing.
    page = await client.get(link)
    assert page.status_code == 200 and 'data-testid="keep-account"' in page.text
    async with runtime.db.sessionmaker() as session:
        row = await session.get(User, user.id)
        assert row is not None and not row.is_active
    form = dict(re.findall(r'name="(member|token)" value="([^"]+)"', page.text))
    csrf = csrf_from(page.text)

    assert (await client.post("/privacy/deletion/cancel", data=form)).status_code == 403
    bad = await client.post(
        "/privacy/deletion/cancel", data={**form, "token": "f" * 64, "csrf_token": csrf}
    )
    assert bad.status_code >= 400 and "This link is invalid or has expired." in bad.text
    kept = await client.post("/privacy/deletion/cancel", data={**form, "csrf_token": csrf})
    assert kept.status_code == 200 and 'data-testid="deletion-cancelled"' in kept.text
    assert (await page_login(client, user.email, PASSWORD)).status_code == 303
    assert (await client.get("/settings/privacy")).status_code == 200


async def test_the_staff_access_log_page_is_for_administrators(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await logged_in(client, runtime, role="moderator")
    assert (await client.get("/admin/access-log")).status_code == 403
    client.cookies.clear()
    await logged_in(client, runtime, role="admin")
    page = await client.get("/admin/access-log", params={"since": "2020-01-01", "until": "x"})
    assert page.status_code == 200
