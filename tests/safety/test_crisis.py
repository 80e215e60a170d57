"""Crisis support through `POST /api/v1/safety/check`: crisis language in English, French
and Arabic brings supportive resources for the member's country, never a block, and a
crisis case at the top of the moderators' queue."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy import select

from dinner1.accounts.models import User
from dinner1.config import CrisisLine, SafetySettings, Settings
from dinner1.locale import service as i18n
from dinner1.mail.models import OutboxSms
from dinner1.runtime import Runtime
from dinner1.safety import crisis
from dinner1.safety.cases_api import CHECKS_PER_MINUTE
from dinner1.safety.countries import INTERNATIONAL, member_country
from dinner1.safety.phones import country_of_phone
from dinner1.tenants.models import Tenant
from tests.fixtures.factories import bearer, create_user, login
from tests.fixtures.profiles import create_member
from tests.matching.test_daily import headers_for
from tests.safety.cast import case, mails, matched_pair, report, staff

CRISIS_TEXTS = {
    "en": "I want to kill myself, I can't go on anymore",
    "fr": "Je veux mourir, je n'en peux plus, je vais me suicider",
    "ar": "أريد أن أقتل نفسي",
}


async def check(client: httpx.AsyncClient, headers: dict[str, str], text: str) -> httpx.Response:
    return await client.post("/api/v1/safety/check", json={"text": text}, headers=headers)


async def verify_phone(
    client: httpx.AsyncClient, runtime: Runtime, user: User, headers: dict[str, str], phone: str
) -> None:
    sent = await client.post("/api/v1/verification/phone", json={"phone": phone}, headers=headers)
    assert sent.status_code == 202, sent.text
    async with runtime.db.sessionmaker() as session:
        sms = (
            await session.execute(select(OutboxSms).where(OutboxSms.user_id == user.id))
        ).scalar_one()
    found = re.search(r"\b\d{6}\b", sms.body)
    assert found
    done = await client.post(
        "/api/v1/verification/phone/confirm", json={"code": found.group(0)}, headers=headers
    )
    assert done.status_code == 200, done.text


def test_resources_fall_back_to_the_international_lines() -> None:
    settings = Settings()
    morocco = crisis.resources_for(settings, "MA")
    assert morocco.country == "MA" and [line.phone for line in morocco.lines] == ["15", "19"]
    france = crisis.resources_for(settings, "FR")
    assert france.country == "FR" and "3114" in [line.phone for line in france.lines]
    elsewhere = crisis.resources_for(settings, "DE")
    assert elsewhere.country == INTERNATIONAL
    assert any(line.url for line in elsewhere.lines)
    custom = Settings(
        safety=SafetySettings(
            crisis_lines={"international": [CrisisLine(name="Line", phone="000")]}
        )
    )
    assert [line.phone for line in crisis.resources_for(custom, "MA").lines] == ["000"]


def test_a_phone_number_names_its_country() -> None:
    assert country_of_phone("+212612345678") == "MA"
    assert country_of_phone("+33612345678") == "FR"
    assert country_of_phone("+447911123456") is None


@pytest.mark.parametrize("language", sorted(CRISIS_TEXTS))
async def test_crisis_language_brings_support_and_a_crisis_case(
    client: httpx.AsyncClient, runtime: Runtime, language: str
) -> None:
    moderator, mod = await staff(client, runtime)
    pair = await matched_pair(client, runtime)
    await report(client, pair.her.headers, "member", pair.him.id, "threats")
    writer = await create_member(runtime, name="Lina")
    headers = await headers_for(client, runtime, writer)

    response = await check(client, headers, CRISIS_TEXTS[language])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["action"] == "escalate" and "self_harm" in body["labels"]
    assert body["language"] == language
    resources = body["resources"]
    assert resources["country"] == "MA"  # her profile says Casablanca
    assert [line["phone"] for line in resources["lines"]] == ["15", "19"]
    assert resources["message"]

    queue = (await client.get("/api/v1/console/queue", headers=mod)).json()
    assert queue[0]["id"] == body["case_id"] and queue[0]["category"] == "crisis"
    assert queue[0]["severity"] == 4 and 14 <= queue[0]["minutes_left"] < 15
    assert queue[1]["category"] == "threats"
    stored = await case(runtime, body["case_id"])
    assert stored.source == "system" and stored.subject_user_id == writer
    assert stored.evidence and stored.evidence["text"] == CRISIS_TEXTS[language]
    alerts = await mails(runtime, moderator.id, "moderation_alert")
    assert body["case_id"] in alerts[-1].text_body and "15 minutes" in alerts[-1].text_body

    # Writing again keeps one case and does not alert again; she is never barred.
    again = (await check(client, headers, CRISIS_TEXTS[language])).json()
    assert again["case_id"] == body["case_id"] and again["resources"]
    assert len(await mails(runtime, moderator.id, "moderation_alert")) == len(alerts)
    assert (await client.get("/api/v1/verification", headers=headers)).status_code == 200
    view = (await client.get(f"/api/v1/console/cases/{body['case_id']}", headers=mod)).json()
    assert view["subject"]["display_name"] == "Lina"


async def test_ordinary_and_hostile_texts_bring_no_crisis_support(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, mod = await staff(client, runtime)
    user = await create_user(runtime)
    headers = bearer(await login(client, user.email))
    calm = (await check(client, headers, "I love mint tea on the rooftop at four.")).json()
    assert calm["action"] == "allow" and calm["resources"] is None and calm["case_id"] is None
    threat = await check(client, headers, "I will kill you")
    assert threat.status_code == 200
    assert threat.json()["action"] == "block" and threat.json()["resources"] is None
    assert (await client.get("/api/v1/console/queue", headers=mod)).json() == []


async def test_resources_follow_the_members_country(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    french = await create_user(runtime, locale="fr")
    her = bearer(await login(client, french.email))
    await verify_phone(client, runtime, french, her, "+33 6 12 34 56 78")
    france = (await check(client, her, CRISIS_TEXTS["fr"])).json()
    assert france["resources"]["country"] == "FR"
    assert [line["phone"] for line in france["resources"]["lines"]] == ["3114", "15"]

    abroad = await create_user(runtime)
    his = bearer(await login(client, abroad.email))
    await verify_phone(client, runtime, abroad, his, "+44 7911 123456")
    international = (await check(client, his, CRISIS_TEXTS["en"])).json()
    assert international["resources"]["country"] == INTERNATIONAL
    assert "https://findahelpline.com" in [
        line["url"] for line in international["resources"]["lines"]
    ]

    # No city, no phone: the default tenant serves Morocco.
    unknown = await create_user(runtime)
    unknown_headers = bearer(await login(client, unknown.email))
    default_tenant = (await check(client, unknown_headers, CRISIS_TEXTS["en"])).json()
    assert default_tenant["resources"]["country"] == "MA"


async def test_a_member_of_another_tenant_without_a_city_gets_international_lines(
    runtime: Runtime,
) -> None:
    async with runtime.db.unit_of_work() as session:
        tenant = Tenant(slug=f"t{uuid.uuid4().hex[:8]}", name="Elsewhere", is_default=False)
        session.add(tenant)
        await session.flush()
        tenant_id = tenant.id
    user = await create_user(runtime, tenant_id=tenant_id)
    async with runtime.db.sessionmaker() as session:
        row = await session.get(User, user.id)
        assert row is not None
        assert await member_country(session, row) == INTERNATIONAL


@pytest.mark.parametrize("locale", ["fr", "ar"])
async def test_the_support_message_is_in_the_members_language(
    client: httpx.AsyncClient, runtime: Runtime, locale: str
) -> None:
    writer = await create_member(runtime, name="Lina")
    async with runtime.db.unit_of_work() as session:
        row = await session.get(User, writer)
        assert row is not None
        row.locale = locale
    headers = await headers_for(client, runtime, writer)
    body = (await check(client, headers, CRISIS_TEXTS[locale])).json()
    with i18n.use_locale(locale):
        expected = i18n.gettext(crisis.SUPPORT_MESSAGE)
    assert body["resources"]["message"] == expected
    assert expected != crisis.SUPPORT_MESSAGE, f"the {locale} catalog lacks the message"
    english = await create_member(runtime, name="Sam")
    english_body = (
        await check(client, await headers_for(client, runtime, english), CRISIS_TEXTS["en"])
    ).json()
    assert english_body["resources"]["message"] != body["resources"]["message"]


async def test_bad_checks_get_clear_errors(client: httpx.AsyncClient, runtime: Runtime) -> None:
    user = await create_user(runtime)
    headers = bearer(await login(client, user.email))
    for text in ("", "   \n "):
        empty = await check(client, headers, text)
        assert empty.status_code == 422, empty.text
        assert empty.headers["content-type"].startswith("application/problem+json")
        assert empty.json()["errors"][0]["loc"] == ["body", "text"]
    huge = await check(client, headers, "I am sad " * 12_000)
    assert huge.status_code in (413, 422) and huge.json()["title"]
    missing = await client.post("/api/v1/safety/check", json={}, headers=headers)
    assert missing.status_code == 422
    extra = await client.post(
        "/api/v1/safety/check", json={"text": "hi", "admin": True}, headers=headers
    )
    assert extra.status_code == 422
    assert (await client.post("/api/v1/safety/check", json={"text": "hi"})).status_code == 401


async def test_checks_are_rate_limited(client: httpx.AsyncClient, runtime: Runtime) -> None:
    user = await create_user(runtime)
    headers = bearer(await login(client, user.email))
    for _ in range(CHECKS_PER_MINUTE):
        assert (await check(client, headers, "hello")).status_code == 200
    limited = await check(client, headers, "hello")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0 and limited.json()["detail"]
    other = await create_user(runtime)
    assert (
        await check(client, bearer(await login(client, other.email)), "hello")
    ).status_code == 200
