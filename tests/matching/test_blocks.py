from __future__ import annotations

import httpx

from dinner1.runtime import Runtime
from tests.fixtures.profiles import create_member
from tests.matching.test_daily import MAN, headers_for
from tests.media.generated_images import encode, scene


async def test_a_block_hides_both_members_from_each_other_silently(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    woman = await create_member(runtime)
    man = await create_member(runtime, name="Reda", **MAN)
    her, him = (
        (await headers_for(client, runtime, woman)),
        (await headers_for(client, runtime, man)),
    )
    photo = (
        await client.post(
            "/api/v1/profile/photos",
            headers=him,
            files={"photo": ("me.png", encode(scene(5, (300, 300)), "PNG"), "image/png")},
        )
    ).json()
    [match] = (await client.get("/api/v1/matches/today", headers=her)).json()
    assert match["person"]["user_id"] == str(man)
    assert (await client.get(match["person"]["photo_url"], headers=her)).status_code == 200

    blocked = await client.post("/api/v1/blocks", json={"user_id": str(man)}, headers=her)
    assert blocked.status_code == 204
    # Gone from today's list at once, its photo and its answer form too.
    assert (await client.get("/api/v1/matches/today", headers=her)).json() == []
    assert (await client.get(f"/api/v1/photos/{photo['id']}", headers=her)).status_code == 404
    answer = await client.post(
        f"/api/v1/matches/{match['id']}/outcome", json={"outcome": "interested"}, headers=her
    )
    assert answer.status_code == 404
    # And the other way round, without him being told anything.
    assert (await client.get("/api/v1/matches/today", headers=him)).json() == []
    assert (await client.get("/api/v1/blocks", headers=him)).json() == []
    assert (await client.get("/api/v1/blocks", headers=her)).json() == [str(man)]


async def test_blocks_are_personal_and_can_be_lifted(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    woman = await create_member(runtime)
    man = await create_member(runtime, name="Anas", **MAN)
    her = await headers_for(client, runtime, woman)
    assert (
        await client.post("/api/v1/blocks", json={"user_id": str(woman)}, headers=her)
    ).status_code == 400
    await client.post("/api/v1/blocks", json={"user_id": str(man)}, headers=her)
    await client.post("/api/v1/blocks", json={"user_id": str(man)}, headers=her)  # idempotent
    him = await headers_for(client, runtime, man)
    assert (await client.delete(f"/api/v1/blocks/{woman}", headers=him)).status_code == 404
    assert (await client.delete(f"/api/v1/blocks/{man}", headers=her)).status_code == 204
    assert len((await client.get("/api/v1/matches/today", headers=her)).json()) == 1
