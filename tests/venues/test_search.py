"""Each search filter alone and combined (runs on SQLite, and on PostgreSQL in CI)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import httpx
import pytest

from dinner1.runtime import Runtime
from tests.fixtures.factories import create_user
from tests.fixtures.venues import create_venue, post_deal

DAY = date.today() + timedelta(days=4)
CASA = (33.5731, -7.5898)


@pytest.fixture
async def world(runtime: Runtime) -> dict[str, Any]:
    owner = await create_user(runtime, role="venue_owner")
    admin = await create_user(runtime, role="admin")
    venues = {
        # ~1 km from the centre, halal café
        "maure": await create_venue(
            runtime, owner, admin, name="Café Maure", lat=CASA[0] + 0.009, lon=CASA[1]
        ),
        # ~3 km, restaurant with alcohol, vegetarian
        "bistro": await create_venue(
            runtime,
            owner,
            admin,
            name="Le Petit Bistrot",
            category="restaurant",
            features=["vegetarian", "terrace"],
            lat=CASA[0] - 0.027,
            lon=CASA[1],
            description={"fr": "Cuisine française, terrasse"},
        ),
        # ~8 km, tea house
        "dar": await create_venue(
            runtime,
            owner,
            admin,
            name="دار الشاي",
            category="tea_house",
            features=["halal", "quiet"],
            lat=CASA[0],
            lon=CASA[1] + 0.086,
            description={"ar": "شاي بالنعناع وحلويات"},
        ),
        # Rabat: far away
        "rabat": await create_venue(
            runtime, owner, admin, name="Rabat Rooftop", city="rabat", lat=34.0209, lon=-6.8416
        ),
        # pending venue: never shown
        "pending": await create_venue(
            runtime, owner, None, name="Pending Place", lat=CASA[0], lon=CASA[1]
        ),
    }
    deals = {
        "maure_tea": await post_deal(
            runtime,
            owner,
            venues["maure"],
            day=DAY,
            start=time(15, 0),
            end=time(17, 0),
            seats=10,
            percent_off=30,
        ),
        "maure_dinner": await post_deal(
            runtime,
            owner,
            venues["maure"],
            day=DAY,
            start=time(19, 0),
            end=time(21, 0),
            seats=2,
            max_party=2,
            percent_off=20,
        ),
        "bistro_menu": await post_deal(
            runtime,
            owner,
            venues["bistro"],
            day=DAY,
            start=time(18, 0),
            end=time(19, 30),
            seats=6,
            kind="menu",
            price_minor=9000,
            original_price_minor=20000,
        ),
        "dar_tea": await post_deal(
            runtime,
            owner,
            venues["dar"],
            day=DAY,
            start=time(16, 0),
            end=time(18, 0),
            seats=8,
            percent_off=40,
            min_party=2,
        ),
        "rabat": await post_deal(
            runtime,
            owner,
            venues["rabat"],
            day=DAY,
            start=time(16, 0),
            end=time(18, 0),
            percent_off=50,
        ),
        "pending": await post_deal(runtime, owner, venues["pending"], day=DAY, percent_off=60),
        "other_day": await post_deal(
            runtime, owner, venues["maure"], day=DAY + timedelta(days=1), percent_off=30
        ),
    }
    return {"venues": venues, "deals": deals}


async def found(client: httpx.AsyncClient, **params: Any) -> list[str]:
    query = {
        "lat": CASA[0],
        "lon": CASA[1],
        "radius_km": 10,
        "day": DAY.isoformat(),
        "party": 2,
    } | params
    query = {key: value for key, value in query.items() if value is not None}
    response = await client.get("/api/v1/deals/search", params=query)
    assert response.status_code == 200, response.text
    return [item["deal_id"] for item in response.json()["items"]]


def ids(world: dict[str, Any], *names: str) -> set[str]:
    return {str(world["deals"][name]) for name in names}


async def test_each_filter_alone(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    everything = ids(world, "maure_tea", "maure_dinner", "bistro_menu", "dar_tea")
    assert set(await found(client)) == everything  # not Rabat, not pending, not other days
    assert set(await found(client, radius_km=2)) == ids(world, "maure_tea", "maure_dinner")
    assert set(await found(client, radius_km=5)) == everything - ids(world, "dar_tea")
    assert set(await found(client, start="18:00", end="22:00")) == ids(
        world, "maure_dinner", "bistro_menu"
    )
    assert set(await found(client, party=3)) == everything - ids(world, "maure_dinner")
    assert set(await found(client, party=1)) == everything - ids(world, "dar_tea")
    assert set(await found(client, feature="halal")) == ids(
        world, "maure_tea", "maure_dinner", "dar_tea"
    )
    assert set(await found(client, feature="vegetarian")) == ids(world, "bistro_menu")
    assert set(await found(client, min_discount=35)) == ids(world, "bistro_menu", "dar_tea")
    assert set(await found(client, category="tea_house")) == ids(world, "dar_tea")
    # Café Maure's typical 120 MAD less 30% is 84 MAD; the bistro menu is 90 MAD.
    assert set(await found(client, max_price_minor=8500)) == ids(world, "maure_tea", "dar_tea")
    assert set(await found(client, max_price_minor=900, currency="EUR")) == ids(
        world, "maure_tea", "maure_dinner", "bistro_menu", "dar_tea"
    )  # ≈ 97 MAD


async def test_free_text_finds_names_descriptions_and_arabic(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    assert set(await found(client, q="bistro")) == ids(world, "bistro_menu")
    assert set(await found(client, q="cafe")) == ids(world, "maure_tea", "maure_dinner")
    assert set(await found(client, q="terras")) == ids(world, "bistro_menu")  # prefixes
    assert set(await found(client, q="شاي")) == ids(world, "dar_tea")
    assert await found(client, q="sushi") == []


async def test_filters_combined_and_sorted(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    combined = await found(
        client, feature="halal", start="14:00", end="18:00", party=2, min_discount=25, radius_km=10
    )
    assert set(combined) == ids(world, "maure_tea", "dar_tea")
    by_discount = await found(client, sort="discount")
    assert by_discount[0] == str(world["deals"]["bistro_menu"])  # 55% off the menu
    by_distance = await found(client, sort="distance")
    assert by_distance[-1] == str(world["deals"]["dar_tea"])
    by_time = await found(client, sort="time")
    assert by_time[0] == str(world["deals"]["maure_tea"])


async def test_pages_and_prices_are_labelled(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    first = (
        await client.get(
            "/api/v1/deals/search",
            params={
                "lat": CASA[0],
                "lon": CASA[1],
                "radius_km": 10,
                "day": DAY.isoformat(),
                "per_page": 3,
                "currency": "EUR",
            },
        )
    ).json()
    assert len(first["items"]) == 3 and first["has_more"] is True
    second = (
        await client.get(
            "/api/v1/deals/search",
            params={
                "lat": CASA[0],
                "lon": CASA[1],
                "radius_km": 10,
                "day": DAY.isoformat(),
                "per_page": 3,
                "page": 2,
            },
        )
    ).json()
    assert len(second["items"]) == 1 and second["has_more"] is False
    item = first["items"][0]
    assert item["currency"] == "MAD" and item["approx_currency"] == "EUR"
    assert first["approximate_conversion"] is True
    assert item["distance"] in {"under_5_km", "5_10_km"} and "lat" not in item["venue"]


async def test_city_search_and_bad_parameters(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    assert set(await found(client, lat=None, lon=None, city="rabat", radius_km=5)) == ids(
        world, "rabat"
    )
    for bad in (
        {"feature": "disco"},
        {"category": "casino"},
        {"city": "atlantis", "lat": None, "lon": None},
        {"lat": 33.5, "lon": None},
        {"radius_km": 0},
        {"party": 0},
    ):
        params = {k: v for k, v in ({"day": DAY.isoformat()} | bad).items() if v is not None}
        response = await client.get("/api/v1/deals/search", params=params)
        assert response.status_code == 422, bad
