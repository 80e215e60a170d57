"""Venue setup pages, driven like a browser without JavaScript: register, edit, photos,
the admins' review queue, and CSRF on every form."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from dinner1.locale.cities import CITY_BY_KEY
from dinner1.runtime import Runtime
from dinner1.venues.features import feature_mask
from dinner1.venues.models import Venue, VenuePhoto, VenueStaff
from tests.fixtures.factories import PASSWORD, bearer, create_user, login
from tests.fixtures.pages import csrf_from, page_csrf, page_login
from tests.fixtures.venues import create_venue
from tests.media.generated_images import encode, scene

Form = dict[str, Any]


@pytest.fixture(autouse=True)
def as_a_browser(client: httpx.AsyncClient) -> None:
    """Errors come back as pages (and a missing login as a trip to the login page)."""
    client.headers["Accept"] = "text/html"


def venue_form(**changes: Any) -> Form:
    form: Form = {
        "name": "Dar Naji Agdal",
        "category": "restaurant",
        "description_fr": "Tajines et thé à la menthe.",
        "description_ar": "طاجين وشاي بالنعناع.",
        "description_en": "",
        "address": "12 Avenue de France",
        "city": "rabat",
        "lat": "",
        "lon": "",
        "timezone": "Africa/Casablanca",
        "phone": "+212 537 00 00 00",
        "currency": "MAD",
        "capacity": "48",
        "average_price": "125.50",
        "features": ["halal", "terrace"],
        "closed_dates": ["2030-01-01", ""],
        "busy": ["4-13", "4-20", "5-21"],
    }
    for day in range(6):  # closed on Sundays
        form |= {f"hours_{day}_0_open": "12:00", f"hours_{day}_0_close": "15:00"}
        form |= {f"hours_{day}_1_open": "19:00", f"hours_{day}_1_close": "23:30"}
    return form | changes


async def logged_in(client: httpx.AsyncClient, runtime: Runtime, role: str = "venue_owner") -> Any:
    user = await create_user(runtime, role=role)
    assert (await page_login(client, user.email, PASSWORD)).status_code == 303
    return user


async def only_venue(runtime: Runtime) -> Venue:
    async with runtime.db.sessionmaker() as session:
        venues = list((await session.execute(select(Venue))).scalars())
    assert len(venues) == 1
    return venues[0]


async def test_register_through_the_form_then_edit(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await logged_in(client, runtime)
    page = await client.get("/venue/new")
    assert page.status_code == 200 and 'data-testid="venue-form"' in page.text
    assert "venue_setup.css" in page.text and 'value="rabat"' in page.text
    token = csrf_from(page.text)
    created = await client.post("/venue/new", data=venue_form(csrf_token=token))
    assert created.status_code == 303, created.text[:2000]
    venue = await only_venue(runtime)
    assert created.headers["location"] == f"/venue/{venue.id}/photos?notice=created"
    rabat = CITY_BY_KEY["rabat"]
    assert (venue.lat, venue.lon, venue.status) == (rabat.lat, rabat.lon, "pending")
    assert venue.average_price_minor == 12550 and venue.capacity == 48
    assert venue.features == feature_mask(["halal", "terrace"])
    assert venue.description == {"fr": "Tajines et thé à la menthe.", "ar": "طاجين وشاي بالنعناع."}
    assert venue.hours["0"] == [["12:00", "15:00"], ["19:00", "23:30"]] and "6" not in venue.hours
    assert venue.hours_exceptions == {"2030-01-01": []}
    assert venue.busy_hours == {"4": [13, 20], "5": [21]}
    async with runtime.db.sessionmaker() as session:
        role = await session.scalar(select(VenueStaff.role).where(VenueStaff.user_id == owner.id))
    assert role == "owner"

    edit = await client.get(f"/venue/{venue.id}/edit")
    assert edit.status_code == 200
    for shown in (
        'value="Dar Naji Agdal"',
        'value="23:30"',
        'value="2030-01-01"',
        'value="125.50"',
    ):
        assert shown in edit.text, shown
    assert re.search(r'value="terrace"\s+checked', edit.text)
    assert re.search(r'value="5-21"\s+checked', edit.text)
    # Special hours set through the API are not in the form and survive its saving.
    async with runtime.db.unit_of_work() as session:
        stored = await session.get(Venue, venue.id)
        assert stored is not None
        stored.hours_exceptions = {"2030-01-01": [], "2030-02-14": [["18:00", "23:59"]]}
    saved = await client.post(
        f"/venue/{venue.id}/edit",
        data=venue_form(
            name="Dar Naji", lat="34.01", lon="-6.83", closed_dates=[""], csrf_token=token
        ),
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("notice=saved")
    venue = await only_venue(runtime)
    assert (venue.name, venue.lat, venue.lon) == ("Dar Naji", 34.01, -6.83)
    assert venue.hours_exceptions == {"2030-02-14": [["18:00", "23:59"]]}
    assert "Changes saved." in (await client.get(saved.headers["location"])).text


async def test_errors_sit_next_to_fields_and_keep_what_was_typed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await logged_in(client, runtime)
    token = await page_csrf(client, "/venue/new")
    bad = venue_form(
        name="",
        capacity="lots",
        lat="33.9",
        average_price="cheap",
        hours_2_1_close="",
        closed_dates=["not a date"],
        csrf_token=token,
    )
    response = await client.post("/venue/new", data=bad)
    assert response.status_code == 422
    html = response.text
    for field in ("name", "capacity", "coordinates", "average_price", "hours_2", "closed_dates"):
        assert f'id="e-{field}"' in html, field
    assert 'data-testid="form-error"' in html
    for kept in (
        'value="12 Avenue de France"',
        "Tajines et thé à la menthe.",
        'value="lots"',
        'value="33.9"',
        'value="cheap"',
        'value="19:00"',
        'value="not a date"',
    ):
        assert kept in html, kept
    assert re.search(r'value="halal"\s+checked', html)
    assert re.search(r'value="4-20"\s+checked', html)
    assert re.search(r'<option value="restaurant"\s+selected', html)
    async with runtime.db.sessionmaker() as session:
        assert (await session.execute(select(Venue))).first() is None


async def test_who_may_open_the_setup_pages(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await create_user(runtime, role="venue_owner")
    venue_id = await create_venue(runtime, owner)
    assert (await client.get("/venue/new")).headers["location"].startswith("/login")
    assert (await client.get(f"/venue/{venue_id}/edit")).status_code == 303

    await logged_in(client, runtime, "member")
    assert (await client.get("/venue/new")).status_code == 403
    assert (await client.get(f"/venue/{venue_id}/edit")).status_code == 404
    assert (await client.get(f"/venue/{venue_id}/photos")).status_code == 404
    assert (await client.get("/admin/venues")).status_code == 403

    client.cookies.clear()  # an API log-in carries no page session
    owner_api = bearer(await login(client, owner.email))
    for role in ("host", "manager"):
        staff = await create_user(runtime)
        added = await client.post(
            f"/api/v1/venues/{venue_id}/staff",
            json={"email": staff.email, "role": role},
            headers=owner_api,
        )
        assert added.status_code == 201
        client.cookies.clear()
        await page_login(client, staff.email, PASSWORD)
        expected = 403 if role == "host" else 200
        assert (await client.get(f"/venue/{venue_id}/edit")).status_code == expected
        assert (await client.get(f"/venue/{venue_id}/photos")).status_code == expected
    token = await page_csrf(client, f"/venue/{venue_id}/edit")
    saved = await client.post(
        f"/venue/{venue_id}/edit", data=venue_form(name="Managed", csrf_token=token)
    )
    assert saved.status_code == 303
    assert (await only_venue(runtime)).name == "Managed"


def photo_bytes(seed: int) -> bytes:
    return encode(scene(seed, (480, 360)), "JPEG")


async def upload_page(
    client: httpx.AsyncClient, venue_id: uuid.UUID, token: str, data: bytes, caption: str = ""
) -> httpx.Response:
    return await client.post(
        f"/venue-photos/{venue_id}",
        params={"csrf_token": token},
        data={"csrf_token": token, "caption": caption},
        files={"photo": ("p.jpg", data, "image/jpeg")},
    )


async def test_the_photos_page(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await logged_in(client, runtime)
    venue_id = await create_venue(runtime, owner)
    page = await client.get(f"/venue/{venue_id}/photos")
    assert page.status_code == 200 and 'data-testid="venue-photo-form"' in page.text
    token = csrf_from(page.text)
    assert f"/venue-photos/{venue_id}?csrf_token=" in page.text

    for seed, caption in ((1, "La salle"), (2, ""), (3, "Le patio")):
        uploaded = await upload_page(client, venue_id, token, photo_bytes(seed), caption)
        assert uploaded.status_code == 303, uploaded.text[:1000]
    async with runtime.db.sessionmaker() as session:
        rows = list(
            (await session.execute(select(VenuePhoto).order_by(VenuePhoto.position))).scalars()
        )
    first, second, third = (str(photo.id) for photo in rows)
    page = await client.get(f"/venue/{venue_id}/photos")
    assert page.text.count('data-testid="venue-photo"') == 3 and 'value="La salle"' in page.text
    preview = await client.get(f"/api/v1/venue-photos/{first}/thumb")
    assert preview.status_code == 200  # staff preview a pending venue's photos

    refused = await upload_page(client, venue_id, token, b"plain text", "Gardé")
    assert refused.status_code == 422
    assert "not a photo" in refused.text and 'value="Gardé"' in refused.text
    too_long = await client.post(
        f"/venue/{venue_id}/photos/{second}/caption",
        data={"caption": "x" * 130, "csrf_token": token},
    )
    assert too_long.status_code == 422 and f'id="e-caption-{second}"' in too_long.text
    assert 'value="' + "x" * 130 + '"' in too_long.text

    moved = await client.post(
        f"/venue/{venue_id}/photos/order",
        data={"photo_ids": [second, first, third], "csrf_token": token},
    )
    assert moved.status_code == 303 and moved.headers["location"].endswith("notice=ordered")
    page = await client.get(f"/venue/{venue_id}/photos")
    assert page.text.index(f'id="photo-{second}"') < page.text.index(f'id="photo-{first}"')
    captioned = await client.post(
        f"/venue/{venue_id}/photos/{second}/caption",
        data={"caption": "Terrasse", "csrf_token": token},
    )
    assert captioned.status_code == 303
    deleted = await client.post(
        f"/venue/{venue_id}/photos/{first}/delete", data={"csrf_token": token}
    )
    assert deleted.status_code == 303
    page = await client.get(f"/venue/{venue_id}/photos")
    assert page.text.count('data-testid="venue-photo"') == 2 and 'value="Terrasse"' in page.text


async def test_the_admins_review_queue(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await create_user(runtime, role="venue_owner")
    venue_id = await create_venue(runtime, owner, name="Café Hafa")
    await logged_in(client, runtime, "admin")
    queue = await client.get("/admin/venues")
    assert queue.status_code == 200 and 'data-testid="pending-venue"' in queue.text
    assert "Café Hafa" in queue.text and f'data-testid="reject-{venue_id}"' in queue.text
    token = csrf_from(queue.text)

    async def decide(decision: str) -> httpx.Response:
        return await client.post(
            f"/admin/venues/{venue_id}/review", data={"decision": decision, "csrf_token": token}
        )

    async def status() -> str:
        async with runtime.db.sessionmaker() as session:
            venue = await session.get(Venue, venue_id)
            assert venue is not None
            return venue.status

    assert (await decide("approve")).headers["location"].startswith("/admin/venues?notice=reviewed")
    assert await status() == "approved"
    queue = await client.get("/admin/venues")
    assert 'data-testid="approved-venues"' in queue.text
    assert f'data-testid="suspend-{venue_id}"' in queue.text and "Nothing to review." in queue.text
    stale = await decide("reinstate")
    assert (
        stale.headers["location"] == "/admin/venues?notice=stale" and await status() == "approved"
    )
    await decide("suspend")
    assert await status() == "suspended"
    assert f'data-testid="reinstate-{venue_id}"' in (await client.get("/admin/venues")).text
    await decide("reinstate")
    assert await status() == "approved"
    assert (await decide("delete everything")).headers["location"].endswith("notice=stale")


async def test_every_setup_form_needs_its_csrf_token(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await logged_in(client, runtime)
    venue_id = await create_venue(runtime, owner)
    token = await page_csrf(client, f"/venue/{venue_id}/photos")
    without = [
        await client.post("/venue/new", data=venue_form()),
        await client.post(f"/venue/{venue_id}/edit", data=venue_form()),
        await client.post(f"/venue/{venue_id}/photos/order", data={"photo_ids": []}),
        await client.post(f"/admin/venues/{venue_id}/review", data={"decision": "approve"}),
        # A multipart form carries its token in the query string too: the field alone is
        # not read before the body is parsed.
        await client.post(
            f"/venue-photos/{venue_id}",
            data={"csrf_token": token},
            files={"photo": ("p.jpg", photo_bytes(9), "image/jpeg")},
        ),
    ]
    assert [response.status_code for response in without] == [403] * len(without)
    async with runtime.db.sessionmaker() as session:
        assert (await session.execute(select(VenuePhoto))).first() is None
        assert len(list((await session.execute(select(Venue))).scalars())) == 1
