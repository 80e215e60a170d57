"""A member finds a halal table tonight in Casablanca, books it, and cancels, in Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, ARTIFACTS, LiveServer, read_outbox

pytestmark = pytest.mark.browser

PASSWORD = "tables in the quiet hours"
HOURS = {str(d): [["08:00", "23:30"]] for d in range(7)}
# "Tonight", two days ahead, so the journey never depends on the hour it runs.
DAY = (datetime.now(ZoneInfo("Africa/Casablanca")) + timedelta(days=2)).date()


def _token(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    answer = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _venue(client: httpx.Client, owner: dict[str, str], admin: dict[str, str], **body: Any) -> str:
    venue = {
        "category": "cafe",
        "address": "Boulevard de la Corniche",
        "city": "casablanca",
        "lat": 33.5731,
        "lon": -7.5898,
        "capacity": 30,
        "hours": HOURS,
        "average_price_minor": 15000,
    } | body
    created = client.post("/api/v1/venues", json=venue, headers=owner)
    created.raise_for_status()
    venue_id: str = created.json()["id"]
    approve = {"decision": "approve"}
    client.post(f"/api/v1/venues/{venue_id}/review", json=approve, headers=admin).raise_for_status()
    slot = {"day": DAY.isoformat(), "start": "20:00", "end": "22:00"}
    slot["terms"] = {"seats": 6, "percent_off": 30}  # type: ignore[assignment]
    client.post(f"/api/v1/venues/{venue_id}/deals", json=slot, headers=owner).raise_for_status()
    return venue_id


def _member(server: LiveServer, client: httpx.Client, email: str) -> None:
    client.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "date_of_birth": "1994-02-11",
            "display_name": "Nour",
        },
    ).raise_for_status()
    [message] = read_outbox(server, email)
    token = re.search(r"verify-email\?token=([A-Za-z0-9_\-]+)", message["text_body"])
    assert token, message["text_body"]
    client.post("/api/v1/auth/verify-email", json={"token": token.group(1)}).raise_for_status()


@pytest.fixture(scope="module")
def dining_world(live_server: LiveServer) -> str:
    owner_email = "owner.dining@example.com"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dinner1",
            "admin",
            "create",
            "--email",
            owner_email,
            "--password",
            PASSWORD,
            "--role",
            "venue_owner",
            "--name",
            "Hicham",
        ],
        env=live_server.env,
        check=True,
        capture_output=True,
    )
    member_email = "nour.dining@example.com"
    with httpx.Client(base_url=live_server.url) as client:
        owner = _token(client, owner_email, PASSWORD)
        admin = _token(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        busy = {str(d): [13, 20, 21] for d in range(7)}
        _venue(
            client, owner, admin, name="Café Halal Corniche", features=["halal"], busy_hours=busy
        )
        _venue(client, owner, admin, name="Bar du Port", category="restaurant")
        _member(live_server, client, member_email)
    return member_email


def _log_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(server.url + "/login")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("home-member")).to_be_visible()


def test_search_tonight_book_for_two_see_the_code_and_cancel(
    page: Page, live_server: LiveServer, dining_world: str
) -> None:
    _log_in(page, live_server, dining_world)
    page.get_by_test_id("nav-tables").click()
    form = page.get_by_test_id("search-form")
    form.get_by_label("City").select_option("casablanca")
    form.get_by_label("Date").fill(DAY.isoformat())
    form.get_by_test_id("when-tonight").check()
    form.get_by_text("More filters").click()
    form.get_by_test_id("feature-halal").check()
    form.get_by_test_id("search").click()

    results = page.get_by_test_id("results")
    expect(results.get_by_test_id("table")).to_have_count(1)
    expect(results).to_contain_text("Café Halal Corniche")
    expect(results).not_to_contain_text("Bar du Port")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dining-search.png"), full_page=True)

    results.get_by_test_id("venue-link").click()
    expect(page.get_by_test_id("venue")).to_contain_text("Boulevard de la Corniche")
    page.get_by_test_id("book-link").first.click()

    booking_form = page.get_by_test_id("book-form")
    expect(booking_form.get_by_test_id("simulated-payment")).to_be_visible()
    booking_form.get_by_test_id("party").select_option("2")
    booking_form.get_by_test_id("confirm-booking").click()

    expect(page.get_by_test_id("notice")).to_be_visible()
    expect(page.get_by_test_id("checkin-code")).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
    page.screenshot(path=str(ARTIFACTS / "dining-booking.png"), full_page=True)

    page.get_by_test_id("cancel-link").click()
    expect(page.get_by_test_id("refundable")).to_be_visible()
    page.get_by_test_id("confirm-cancel").click()
    expect(page.get_by_test_id("booking-status")).to_have_text("Cancelled")
    expect(page.get_by_test_id("checkin-code")).to_have_count(0)


def test_the_search_page_in_arabic_reads_right_to_left(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/tables")
    page.get_by_test_id("language-select").select_option("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("search-form")).to_be_visible()
    assert page.url.startswith(live_server.url + "/tables")


def test_the_owner_sees_the_dashboard_charts_drawn(
    page: Page, live_server: LiveServer, dining_world: str
) -> None:
    """Plotly, served from the installed package, draws under the site's CSP with no error."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live_server.url + "/login")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Email").fill("owner.dining@example.com")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log in").click()
    page.get_by_test_id("nav-venue").click()
    page.get_by_role("link", name="Café Halal Corniche").click()
    chart = page.get_by_test_id("forecast-chart")
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    # A week of quiet afternoons: the six best slots shown, the rest folded away.
    expect(page.get_by_test_id("recommended-deals").locator(".deal-card")).to_have_count(6)
    expect(page.get_by_test_id("more-deals")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "venue-dashboard.png"), full_page=True)
    assert not problems, problems
