from __future__ import annotations

import httpx
from sqlalchemy import text

from dinner1.runtime import Runtime
from tests.fixtures.factories import bearer, create_user, login
from tests.fixtures.profiles import onboard, steps


async def member_headers(
    client: httpx.AsyncClient, runtime: Runtime, **kwargs: object
) -> dict[str, str]:
    user = await create_user(runtime, **kwargs)  # type: ignore[arg-type]
    return bearer(await login(client, user.email))


async def test_onboarding_is_resumable_step_by_step(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers = await member_headers(client, runtime)
    start = (await client.get("/api/v1/profile", headers=headers)).json()
    assert start["progress"]["done"] == []
    assert start["progress"]["next_step"] == "basics"
    body = steps()
    for done, step in enumerate(["basics", "values", "interests"], start=1):
        saved = await client.put(
            f"/api/v1/profile/onboarding/{step}", json=body[step], headers=headers
        )
        assert saved.status_code == 200
        assert len(saved.json()["progress"]["done"]) == done
    # Come back later: the profile remembers where we were.
    later = (await client.get("/api/v1/profile", headers=headers)).json()
    assert later["progress"]["next_step"] == "communication"
    assert later["interests"] == ["hiking", "cooking", "poetry", "calligraphy"]
    assert later["custom_interests"] == ["oud music"]
    assert later["progress"]["completed"] is False


async def test_completing_every_step_opens_discovery(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers = await member_headers(client, runtime)
    refused = await client.get("/api/v1/matches/today", headers=headers)
    assert refused.status_code == 409
    await onboard(client, headers)
    profile = (await client.get("/api/v1/profile", headers=headers)).json()
    assert profile["progress"]["completed"] is True
    assert profile["answers"]["philosophy"].startswith("Live slowly")
    assert (await client.get("/api/v1/matches/today", headers=headers)).status_code == 200


async def test_bad_answers_are_refused_with_field_errors(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers = await member_headers(client, runtime)
    cases = [
        ("basics", {**steps()["basics"], "age_min": 40, "age_max": 30}),
        ("basics", {**steps()["basics"], "gender": "robot"}),
        ("basics", {**steps()["basics"], "city": "atlantis"}),
        ("basics", {**steps()["basics"], "latitude": 33.5}),
        ("values", {"values_ranked": ["honesty", "honesty", "family"]}),
        ("interests", {"interests": ["hiking"]}),
        ("lifestyle", {**steps()["lifestyle"], "lifestyle": {"rhythm": "early"}}),
        ("answers", {"answers": {"philosophy": "too short"}}),
        ("answers", {"answers": {"unknown": "x" * 40, "home": "y" * 40, "laugh": "z" * 40}}),
        ("basics", {**steps()["basics"], "surprise": True}),
    ]
    for step, body in cases:
        response = await client.put(
            f"/api/v1/profile/onboarding/{step}", json=body, headers=headers
        )
        assert response.status_code == 422, (step, body, response.text)
        assert response.json()["type"].endswith("/validation-error")
    unknown = await client.put("/api/v1/profile/onboarding/nope", json={}, headers=headers)
    assert unknown.status_code == 422
    profile = (await client.get("/api/v1/profile", headers=headers)).json()
    assert profile["progress"]["done"] == []  # nothing half-saved


async def test_free_text_is_encrypted_at_rest(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = await member_headers(client, runtime)
    await onboard(client, headers)
    async with runtime.db.engine.connect() as connection:
        raw = (await connection.execute(text("SELECT answers FROM profiles"))).scalar_one()
    assert isinstance(raw, str)
    assert "Live slowly" not in raw and "rooftop" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token


async def test_a_precise_location_is_snapped_to_a_coarse_cell(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers = await member_headers(client, runtime)
    precise = {**steps()["basics"], "latitude": 33.589886, "longitude": -7.603869}
    saved = await client.put("/api/v1/profile/onboarding/basics", json=precise, headers=headers)
    assert saved.status_code == 200
    assert "33.589886" not in saved.text and "7.603869" not in saved.text
    async with runtime.db.engine.connect() as connection:
        row = (
            await connection.execute(text("SELECT geocell, cell_lat, cell_lon FROM profiles"))
        ).one()
    assert len(row[0]) == 5
    assert abs(row[1] - 33.589886) > 1e-4 or abs(row[2] + 7.603869) > 1e-4
    assert abs(row[1] - 33.589886) < 0.03 and abs(row[2] + 7.603869) < 0.03


async def test_options_are_localized(client: httpx.AsyncClient, runtime: Runtime) -> None:
    english = (await client.get("/api/v1/profile/options")).json()
    french = (await client.get("/api/v1/profile/options", headers={"Accept-Language": "fr"})).json()
    assert {v["key"] for v in english["values"]} == {v["key"] for v in french["values"]}
    assert english["values"][0]["label"] == "Honesty"
    assert len(english["prompts"]) >= 5


async def test_pausing_leaves_discovery(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = await member_headers(client, runtime)
    await onboard(client, headers)
    paused = await client.put("/api/v1/profile/discovery", json={"paused": True}, headers=headers)
    assert paused.json()["paused"] is True
    async with runtime.db.engine.connect() as connection:
        assert (
            await connection.execute(text("SELECT discoverable FROM profiles"))
        ).scalar_one() in (False, 0)
