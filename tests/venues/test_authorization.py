"""Who may do what with a venue: an authorization matrix over the API."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from dinner1.runtime import Runtime
from tests.fixtures.factories import bearer, create_user, login
from tests.fixtures.venues import create_venue, venue_body


async def headers(
    client: httpx.AsyncClient, runtime: Runtime, role: str
) -> tuple[dict[str, str], str]:
    user = await create_user(runtime, role=role)
    return bearer(await login(client, user.email)), user.email


def slot(days: int = 3) -> dict[str, object]:
    return {
        "day": (date.today() + timedelta(days=days)).isoformat(),
        "start": "16:00",
        "end": "18:00",
        "terms": {"seats": 8, "percent_off": 30},
    }


async def test_the_matrix(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner, _ = await headers(client, runtime, "venue_owner")
    other_owner, _ = await headers(client, runtime, "venue_owner")
    member, _ = await headers(client, runtime, "member")
    admin, _ = await headers(client, runtime, "admin")
    manager, manager_email = await headers(client, runtime, "member")
    host, host_email = await headers(client, runtime, "member")

    assert (
        await client.post("/api/v1/venues", json=venue_body(), headers=member)
    ).status_code == 403
    created = await client.post("/api/v1/venues", json=venue_body(), headers=owner)
    assert created.status_code == 201 and created.json()["status"] == "pending"
    venue = created.json()["id"]
    # Pending venues are not public.
    assert (await client.get(f"/api/v1/venues/{venue}")).status_code == 404

    for who in (member, other_owner):
        assert (
            await client.post(
                f"/api/v1/venues/{venue}/review", json={"decision": "approve"}, headers=who
            )
        ).status_code == 403
    assert (
        await client.post(
            f"/api/v1/venues/{venue}/review", json={"decision": "approve"}, headers=admin
        )
    ).json()["status"] == "approved"
    assert (await client.get(f"/api/v1/venues/{venue}")).status_code == 200

    # Another owner learns nothing about this venue.
    assert (
        await client.put(
            f"/api/v1/venues/{venue}", json=venue_body(name="Mine now"), headers=other_owner
        )
    ).status_code == 404
    assert (
        await client.post(f"/api/v1/venues/{venue}/deals", json=slot(), headers=other_owner)
    ).status_code == 404
    assert (
        await client.post(
            f"/api/v1/venues/{venue}/staff",
            json={"email": manager_email, "role": "manager"},
            headers=other_owner,
        )
    ).status_code == 404

    for email, role in ((manager_email, "manager"), (host_email, "host")):
        added = await client.post(
            f"/api/v1/venues/{venue}/staff", json={"email": email, "role": role}, headers=owner
        )
        assert added.status_code == 201
    # Managers edit and post deals but do not manage staff.
    assert (
        await client.put(
            f"/api/v1/venues/{venue}", json=venue_body(name="Café Maure 2"), headers=manager
        )
    ).status_code == 200
    posted = await client.post(f"/api/v1/venues/{venue}/deals", json=slot(), headers=manager)
    assert posted.status_code == 201
    assert (
        await client.post(
            f"/api/v1/venues/{venue}/staff",
            json={"email": host_email, "role": "manager"},
            headers=manager,
        )
    ).status_code == 403
    # Hosts see the venue but cannot post or edit deals.
    assert (
        await client.post(f"/api/v1/venues/{venue}/deals", json=slot(), headers=host)
    ).status_code == 403
    deal = posted.json()["id"]
    assert (
        await client.patch(f"/api/v1/deals/{deal}", json={"seats": 4}, headers=host)
    ).status_code == 403
    assert (
        await client.patch(f"/api/v1/deals/{deal}", json={"seats": 4}, headers=other_owner)
    ).status_code == 404
    assert [v["id"] for v in (await client.get("/api/v1/venues/mine", headers=host)).json()] == [
        venue
    ]
    assert (await client.get("/api/v1/venues/mine", headers=other_owner)).json() == []
    # Suspension takes the venue out of public view.
    await client.post(f"/api/v1/venues/{venue}/review", json={"decision": "suspend"}, headers=admin)
    assert (await client.get(f"/api/v1/venues/{venue}")).status_code == 404


async def test_bad_venues_are_refused_clearly(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner, _ = await headers(client, runtime, "venue_owner")
    for bad in (
        venue_body(category="casino"),
        venue_body(features=["disco"]),
        venue_body(timezone="Mars/Olympus"),
        venue_body(lat=123),
        venue_body(hours={"0": [["25:00", "26:00"]]}),
        venue_body(capacity=0),
        {**venue_body(), "owner_id": "x"},
    ):
        response = await client.post("/api/v1/venues", json=bad, headers=owner)
        assert response.status_code == 422, bad
    assert (await client.get("/api/v1/venues/mine", headers=owner)).json() == []


async def test_fixtures_agree_with_the_api(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await create_user(runtime, role="venue_owner")
    admin = await create_user(runtime, role="admin")
    venue = await create_venue(runtime, owner, admin)
    assert (await client.get(f"/api/v1/venues/{venue}")).json()["features"] == [
        "halal",
        "alcohol_free",
    ]
