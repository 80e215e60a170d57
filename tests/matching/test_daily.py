from __future__ import annotations

import random
import re
import uuid
from datetime import date

import httpx
import pytest
from sqlalchemy import text

from dinner1.core.geo import distance_km
from dinner1.matching import dealbreakers, repository
from dinner1.matching.clock import local_today
from dinner1.runtime import Runtime
from tests.fixtures.factories import bearer, login
from tests.fixtures.profiles import create_member

MAN = {"basics": {"gender": "man", "seeking": ["woman"]}}


async def headers_for(
    client: httpx.AsyncClient, runtime: Runtime, user_id: uuid.UUID
) -> dict[str, str]:
    async with runtime.db.engine.connect() as connection:
        email = (
            await connection.execute(
                text("SELECT email FROM users WHERE id = :id"),
                {"id": user_id.hex if runtime.settings.is_sqlite else user_id},
            )
        ).scalar_one()
    return bearer(await login(client, email))


async def test_todays_matches_are_reciprocal_and_explained(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    me = await create_member(runtime)
    good = [
        await create_member(runtime, name=f"Man {i}", birth=date(1990, 1, 1 + i), **MAN)
        for i in range(4)
    ]
    too_old = await create_member(runtime, name="Old", birth=date(1960, 1, 1), **MAN)
    smoker = await create_member(
        runtime, name="Smoker", **MAN, lifestyle={"smoking": "often", "dealbreakers": []}
    )
    wrong_gender = await create_member(runtime, name="Woman")
    far = await create_member(
        runtime, name="Far", **{"basics": {"gender": "man", "seeking": ["woman"], "city": "agadir"}}
    )
    narrow = await create_member(
        runtime,
        name="Narrow",
        **{"basics": {"gender": "man", "seeking": ["woman"], "age_min": 40, "age_max": 50}},
    )

    headers = await headers_for(client, runtime, me)
    response = await client.get("/api/v1/matches/today", headers=headers)
    assert response.status_code == 200
    matches = response.json()
    shown = {uuid.UUID(m["person"]["user_id"]) for m in matches}
    assert len(matches) == 3
    assert shown <= set(good)
    assert not shown & {too_old, smoker, wrong_gender, far, narrow}
    scores = [m["score"] for m in matches]
    assert scores == sorted(scores, reverse=True)
    first = matches[0]
    assert first["explanation"] and first["factors"] and first["breakdown"]
    assert first["distance"] == "under_5_km"
    # Same answer all day: matches are generated once per day.
    again = (await client.get("/api/v1/matches/today", headers=headers)).json()
    assert [m["id"] for m in again] == [m["id"] for m in matches]


async def test_no_response_reveals_coordinates_exact_distance_or_private_data(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    me = await create_member(runtime)
    other = await create_member(runtime, name="Karim", birth=date(1991, 2, 3), **MAN)
    response = await client.get(
        "/api/v1/matches/today", headers=await headers_for(client, runtime, me)
    )
    body = response.text
    assert "1991-02-03" not in body and "@" not in body
    keys = set(_keys(response.json()))
    forbidden = {
        "lat",
        "lon",
        "latitude",
        "longitude",
        "cell_lat",
        "cell_lon",
        "geocell",
        "distance_km",
        "date_of_birth",
        "email",
        "birth",
    }
    assert not keys & forbidden
    assert not re.search(r"-?\d{1,3}\.\d{4,}", body)  # no precise decimal coordinates
    assert str(other) in body


async def test_paused_members_are_not_proposed(client: httpx.AsyncClient, runtime: Runtime) -> None:
    me = await create_member(runtime)
    paused = await create_member(runtime, name="Paused", **MAN)
    await client.put(
        "/api/v1/profile/discovery",
        json={"paused": True},
        headers=await headers_for(client, runtime, paused),
    )
    matches = (
        await client.get("/api/v1/matches/today", headers=await headers_for(client, runtime, me))
    ).json()
    assert matches == []


async def test_pass_and_interested_are_recorded_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    me = await create_member(runtime)
    await create_member(runtime, name="Youssef", **MAN)
    headers = await headers_for(client, runtime, me)
    [match] = (await client.get("/api/v1/matches/today", headers=headers)).json()
    answered = await client.post(
        f"/api/v1/matches/{match['id']}/outcome", json={"outcome": "pass"}, headers=headers
    )
    assert answered.json()["outcome"] == "pass"
    changed = await client.post(
        f"/api/v1/matches/{match['id']}/outcome", json={"outcome": "interested"}, headers=headers
    )
    assert changed.status_code == 409
    bad = await client.post(
        f"/api/v1/matches/{match['id']}/outcome", json={"outcome": "maybe"}, headers=headers
    )
    assert bad.status_code == 422
    async with runtime.db.sessionmaker() as session:
        excluded = await repository.recently_shown_or_passed(
            session, (await _tenant(runtime)), me, date(2099, 1, 1)
        )
    assert uuid.UUID(match["person"]["user_id"]) in excluded  # a pass is forever


async def test_nobody_can_answer_someone_elses_match(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    me = await create_member(runtime)
    await create_member(runtime, name="Omar", **MAN)
    [match] = (
        await client.get("/api/v1/matches/today", headers=await headers_for(client, runtime, me))
    ).json()
    intruder = await create_member(runtime, name="Intruder")
    response = await client.post(
        f"/api/v1/matches/{match['id']}/outcome",
        json={"outcome": "interested"},
        headers=await headers_for(client, runtime, intruder),
    )
    assert response.status_code == 404


async def test_explanations_follow_the_viewers_language(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    me = await create_member(runtime)
    await create_member(runtime, name="Hamza", **MAN)
    headers = await headers_for(client, runtime, me)
    await client.patch("/api/v1/me", json={"locale": "fr"}, headers=headers)
    [match] = (await client.get("/api/v1/matches/today", headers=headers)).json()
    assert match["label_text"] != "Strong match" or match["label"] != "strong"
    assert "Exceptional" not in match["explanation"] and "strongest" not in match["explanation"]


def _keys(value: object) -> list[str]:
    if isinstance(value, dict):
        return [k for key, item in value.items() for k in [key, *_keys(item)]]
    if isinstance(value, list):
        return [k for item in value for k in _keys(item)]
    return []


async def _tenant(runtime: Runtime) -> uuid.UUID:
    from dinner1.tenants import repository as tenants

    async with runtime.db.sessionmaker() as session:
        tenant = await tenants.get_default(session)
        assert tenant is not None
        return tenant.id


async def test_sql_hard_filters_agree_with_the_rules(runtime: Runtime) -> None:
    """On a random population, SQL candidates (then the exact distance check) are exactly
    the members the rules allow, in both directions."""
    rng = random.Random(11)
    members = []
    for i in range(40):
        gender = rng.choice(["woman", "man"])
        seeking = rng.choice([["man"], ["woman"], ["man", "woman"]])
        low = rng.randint(20, 35)
        members.append(
            await create_member(
                runtime,
                name=f"P{i}",
                birth=date(rng.randint(1975, 2000), rng.randint(1, 12), 10),
                basics={
                    "gender": gender,
                    "seeking": seeking,
                    "age_min": low,
                    "age_max": low + rng.randint(3, 20),
                    "max_distance_km": rng.choice([5, 30, 500]),
                    "city": rng.choice(["casablanca", "rabat", "casablanca"]),
                },
                lifestyle={
                    "smoking": rng.choice(["never", "often"]),
                    "drinking": rng.choice(["never", "socially"]),
                    "religion": rng.choice(["muslim", "none"]),
                    "religion_importance": rng.choice([0, 3]),
                    "wants_children": rng.choice(["wants", "open", "does_not_want"]),
                    "dealbreakers": rng.choice([[], ["smoker"], ["drinker"]]),
                },
            )
        )
    tenant_id, today = await _tenant(runtime), local_today("Africa/Casablanca")
    async with runtime.db.sessionmaker() as session:
        traits = await repository.load_traits(session, tenant_id, members, today)
        for me in traits.values():
            sql = set(await repository.eligible_candidates(session, tenant_id, me, today))
            exact = {
                o
                for o in sql
                if distance_km(me.cell_lat, me.cell_lon, traits[o].cell_lat, traits[o].cell_lon)
                <= min(me.max_distance_km, traits[o].max_distance_km)
            }
            expected = {
                o.id
                for o in traits.values()
                if o.id != me.id
                and dealbreakers.compatible(
                    me, o, distance_km(me.cell_lat, me.cell_lon, o.cell_lat, o.cell_lon)
                )
            }
            assert exact == expected, me


async def test_the_index_path_applies_the_same_rules(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large communities retrieve through the index first; the same members come out."""
    from dinner1.matching import service

    monkeypatch.setattr(service, "SMALL_COMMUNITY", 1)
    me = await create_member(runtime)
    good = [
        await create_member(runtime, name=f"Man {i}", birth=date(1990, 1, 1 + i), **MAN)
        for i in range(4)
    ]
    await create_member(runtime, name="Old", birth=date(1960, 1, 1), **MAN)
    await create_member(runtime, name="Woman")
    await create_member(
        runtime, name="Far", basics={"gender": "man", "seeking": ["woman"], "city": "agadir"}
    )
    matches = (
        await client.get("/api/v1/matches/today", headers=await headers_for(client, runtime, me))
    ).json()
    assert len(matches) == 3
    assert {uuid.UUID(m["person"]["user_id"]) for m in matches} <= set(good)
