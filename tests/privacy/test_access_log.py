"""The staff access log: every look by staff at a member's data is written down; the
member sees what and when (never who), administrators see and filter everything."""

from __future__ import annotations

from datetime import timedelta

import httpx

from dinner1.db.types import utcnow
from dinner1.runtime import Runtime
from tests.matching.test_daily import MAN
from tests.privacy.people import HER_ANSWERS, HIS_ANSWERS, soul_member
from tests.safety.cast import staff


async def test_staff_looks_are_logged_and_shown_to_the_member_without_names(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    her = await soul_member(client, runtime, "Nadia Fassi", HER_ANSWERS)
    him = await soul_member(client, runtime, "Youssef Alami", HIS_ANSWERS, **MAN)
    await client.get("/api/v1/matches/today", headers=her.headers)
    made = await client.post(
        "/api/v1/reports",
        json={"subject_type": "member", "subject_id": str(him.id), "category": "other"},
        headers=her.headers,
    )
    assert made.status_code == 201, made.text
    assert (await client.get("/api/v1/privacy/access-log", headers=him.headers)).json() == []

    moderator, mod_headers = await staff(
        client, runtime, "moderator", email="mod.rachidi@example.com"
    )
    admin, admin_headers = await staff(client, runtime, "admin")
    case = await client.get(f"/api/v1/console/cases/{made.json()['id']}", headers=mod_headers)
    assert case.status_code == 200, case.text
    risk = await client.get(f"/api/v1/console/members/{him.id}/risk", headers=admin_headers)
    assert risk.status_code == 200, risk.text
    forgot = await client.post("/api/v1/auth/password/forgot", json={"email": her.email})
    assert forgot.status_code == 202  # an email to her lands in the outbox
    outbox = await client.get(
        "/api/v1/admin/outbox", params={"to": her.email}, headers=admin_headers
    )
    assert outbox.status_code == 200 and outbox.json()

    seen = await client.get("/api/v1/privacy/access-log", headers=him.headers)
    assert seen.status_code == 200
    lines = seen.json()
    assert sorted((line["what"], line["by"]) for line in lines) == [
        ("report.view", "a moderator"),
        ("risk.view", "an administrator"),
    ]
    assert {line["description"] for line in lines} == {
        "A report that involves you",
        "Your account's safety signals",
    }
    for who in (str(moderator.id), moderator.display_name, moderator.email, str(admin.id)):
        assert who not in seen.text
    hers = (await client.get("/api/v1/privacy/access-log", headers=her.headers)).json()
    assert [line["what"] for line in hers] == ["outbox.read"]

    everything = await client.get("/api/v1/admin/access-log", headers=admin_headers)
    assert everything.status_code == 200
    rows = everything.json()
    assert {(r["staff_id"], r["subject_user_id"], r["what"]) for r in rows} == {
        (str(moderator.id), str(him.id), "report.view"),
        (str(admin.id), str(him.id), "risk.view"),
        (str(admin.id), str(her.id), "outbox.read"),
    }
    [case_line] = [r for r in rows if r["what"] == "report.view"]
    assert case_line["staff_role"] == "moderator" and case_line["staff_name"] == "Moderator"
    assert case_line["reason"] == f"case {made.json()['id']}"

    async def search(**params: str) -> list[tuple[str, str]]:
        response = await client.get(
            "/api/v1/admin/access-log", params=params, headers=admin_headers
        )
        assert response.status_code == 200, response.text
        return sorted((r["what"], r["subject_user_id"]) for r in response.json())

    assert await search(staff="Mod.Rachidi@example.com") == [("report.view", str(him.id))]
    assert await search(staff=str(admin.id), member=her.email) == [("outbox.read", str(her.id))]
    assert await search(member=str(him.id)) == [
        ("report.view", str(him.id)),
        ("risk.view", str(him.id)),
    ]
    assert await search(member="nobody@example.com") == []
    hour = timedelta(hours=1)
    assert await search(since=(utcnow() + hour).isoformat()) == []
    # A date-time without an offset is read as UTC.
    assert len(await search(until=(utcnow() + hour).strftime("%Y-%m-%dT%H:%M:%S"))) == 3
    assert await search(until=(utcnow() - hour).strftime("%Y-%m-%dT%H:%M:%S")) == []


async def test_only_administrators_read_the_whole_log(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, member = await staff(client, runtime, "member")
    _, moderator = await staff(client, runtime, "moderator")
    _, owner = await staff(client, runtime, "venue_owner")
    for headers in (member, moderator, owner):
        response = await client.get("/api/v1/admin/access-log", headers=headers)
        assert response.status_code == 403, response.text
    assert (await client.get("/api/v1/admin/access-log")).status_code == 401
    _, admin = await staff(client, runtime, "admin")
    assert (await client.get("/api/v1/admin/access-log", headers=admin)).status_code == 200
