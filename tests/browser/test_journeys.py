from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer, read_outbox

pytestmark = pytest.mark.browser

PASSWORD = "my soul before my skin"


def test_sign_up_verify_log_out_log_in_and_switch_to_arabic(
    page: Page, live_server: LiveServer
) -> None:
    email = "journey.kenza@example.com"
    page.goto(live_server.url + "/")
    expect(page.get_by_test_id("home-visitor")).to_be_visible()
    page.get_by_role("link", name="Sign up").first.click()

    form = page.get_by_test_id("signup-form")
    form.get_by_label("First name or nickname").fill("Kenza")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_label("Date of birth").fill("1995-08-21")
    form.get_by_role("button", name="Sign up").click()
    expect(page.get_by_test_id("check-email")).to_contain_text(email)

    [message] = read_outbox(live_server, email)
    link = re.search(r"https?://\S+/verify-email\?token=\S+", message["text_body"])
    assert link, message["text_body"]
    page.goto(link.group(0))
    expect(page.get_by_test_id("verify-result")).to_contain_text("confirmed")

    page.goto(live_server.url + "/login")
    login = page.get_by_test_id("login-form")
    login.get_by_label("Email").fill(email)
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("home-member")).to_contain_text("Kenza")

    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    login = page.get_by_test_id("login-form")
    login.get_by_label("Email").fill(email)
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("home-member")).to_be_visible()

    # The footer picker submits itself (progressive enhancement) and the choice sticks.
    page.get_by_test_id("language-select").select_option("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_test_id("home-member")).to_contain_text("Kenza")
    brand = page.get_by_test_id("brand").bounding_box()
    logout = page.get_by_test_id("logout").bounding_box()
    assert brand and logout
    assert brand["x"] > logout["x"], "in Arabic the brand sits on the right, the menu on the left"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "journey-arabic-home.png"), full_page=True)

    page.goto(live_server.url + "/settings")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("locale-ar")).to_be_checked()


def test_api_docs_render_without_inline_scripts(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/docs")
    expect(page.locator(".swagger-ui")).to_be_visible(timeout=15000)
    expect(page.get_by_text("/api/v1/auth/login").first).to_be_visible()


def test_forms_work_without_javascript(browser: object, live_server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("select[name=locale]").select_option("fr")
    page.locator(".language-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    context.close()
