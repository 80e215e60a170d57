"""Venue photos: upload, order, captions, deletion, public serving and who may do what."""

from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
from PIL import Image

from dinner1.runtime import Runtime
from dinner1.venues.models import VenuePhoto
from tests.fixtures.factories import bearer, create_user, login
from tests.fixtures.venues import venue_body
from tests.media.generated_images import encode, photo_with_metadata, scene

Headers = dict[str, str]


async def user_headers(
    client: httpx.AsyncClient, runtime: Runtime, role: str = "member"
) -> tuple[Headers, str]:
    user = await create_user(runtime, role=role)
    return bearer(await login(client, user.email)), user.email


async def new_venue(client: httpx.AsyncClient, owner: Headers) -> str:
    created = await client.post("/api/v1/venues", json=venue_body(), headers=owner)
    assert created.status_code == 201, created.text
    venue_id: str = created.json()["id"]
    return venue_id


async def review(client: httpx.AsyncClient, admin: Headers, venue: str, decision: str) -> None:
    response = await client.post(
        f"/api/v1/venues/{venue}/review", json={"decision": decision}, headers=admin
    )
    assert response.status_code == 200, response.text


def jpeg(seed: int, size: tuple[int, int] = (640, 480)) -> bytes:
    return encode(scene(seed, size), "JPEG", quality=90)


async def upload(
    client: httpx.AsyncClient,
    headers: Headers,
    venue: str,
    data: bytes,
    caption: str | None = None,
) -> httpx.Response:
    form = {"venue_id": venue} | ({"caption": caption} if caption is not None else {})
    return await client.post(
        "/api/v1/venue-photos",
        data=form,
        files={"photo": ("photo.jpg", data, "image/jpeg")},
        headers=headers,
    )


async def staff_list(
    client: httpx.AsyncClient, headers: Headers, venue: str
) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/venue-photos", params={"venue_id": venue}, headers=headers)
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return listed


async def stored_keys(runtime: Runtime, photo_id: str) -> tuple[str, str]:
    async with runtime.db.sessionmaker() as session:
        photo = await session.get(VenuePhoto, uuid.UUID(photo_id))
        assert photo is not None
        return photo.storage_key, photo.thumb_key


async def test_upload_order_caption_and_delete(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner, _ = await user_headers(client, runtime, "venue_owner")
    venue = await new_venue(client, owner)

    first = await upload(client, owner, venue, photo_with_metadata("JPEG"), "La terrasse")
    assert first.status_code == 201, first.text
    photo = first.json()
    assert photo["caption"] == "La terrasse" and photo["position"] == 0
    assert photo["url"] == f"/api/v1/venue-photos/{photo['id']}"
    full = await client.get(photo["url"], headers=owner)
    assert full.status_code == 200 and full.headers["content-type"] == "image/webp"
    stored = Image.open(io.BytesIO(full.content))
    assert stored.format == "WEBP" and (stored.width, stored.height) == (800, 600)
    assert not stored.getexif() and "xmp" not in stored.info and "icc_profile" not in stored.info
    thumb = Image.open(io.BytesIO((await client.get(photo["thumb_url"], headers=owner)).content))
    assert max(thumb.size) == 480 and thumb.format == "WEBP"

    second = (await upload(client, owner, venue, jpeg(2))).json()
    third = (await upload(client, owner, venue, jpeg(3))).json()
    ids = [p["id"] for p in await staff_list(client, owner, venue)]
    assert ids == [photo["id"], second["id"], third["id"]]

    wanted = [third["id"], photo["id"], second["id"]]
    ordered = await client.put(
        "/api/v1/venue-photos/order", json={"venue_id": venue, "photo_ids": wanted}, headers=owner
    )
    assert ordered.status_code == 200, ordered.text
    assert [p["id"] for p in await staff_list(client, owner, venue)] == wanted
    for partial in (wanted[:2], [*wanted[:2], wanted[0]], [*wanted[:2], str(uuid.uuid4())]):
        refused = await client.put(
            "/api/v1/venue-photos/order",
            json={"venue_id": venue, "photo_ids": partial},
            headers=owner,
        )
        assert refused.status_code == 422, partial

    captioned = await client.patch(
        f"/api/v1/venue-photos/{second['id']}", json={"caption": "  Le   salon  "}, headers=owner
    )
    assert captioned.json()["caption"] == "Le salon"
    cleared = await client.patch(
        f"/api/v1/venue-photos/{second['id']}", json={"caption": " "}, headers=owner
    )
    assert cleared.json()["caption"] is None

    keys = await stored_keys(runtime, photo["id"])
    assert all((runtime.settings.media_dir / key).exists() for key in keys)
    deleted = await client.delete(f"/api/v1/venue-photos/{photo['id']}", headers=owner)
    assert deleted.status_code == 204
    assert not any((runtime.settings.media_dir / key).exists() for key in keys)
    left = await staff_list(client, owner, venue)
    assert [(p["id"], p["position"]) for p in left] == [(third["id"], 0), (second["id"], 1)]
    assert (await client.get(photo["url"], headers=owner)).status_code == 404


async def test_duplicates_bad_files_and_the_limit_are_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner, _ = await user_headers(client, runtime, "venue_owner")
    venue = await new_venue(client, owner)
    original = scene(40, (640, 480))
    assert (await upload(client, owner, venue, encode(original, "JPEG"))).status_code == 201
    same_bytes = await upload(client, owner, venue, encode(original, "JPEG"))
    assert same_bytes.status_code == 409, same_bytes.text
    resized = encode(original.resize((500, 375)), "PNG")
    assert (await upload(client, owner, venue, resized)).status_code == 409
    for bad in (b"not an image at all", b"", encode(scene(41, (64, 64)), "GIF")):
        refused = await upload(client, owner, venue, bad)
        assert refused.status_code == 422 and refused.json()["type"].endswith("/image-rejected")
    too_long = await upload(client, owner, venue, jpeg(42), caption="x" * 121)
    assert too_long.status_code == 422

    for seed in range(43, 52):
        added = await upload(client, owner, venue, jpeg(seed, (320, 240)))
        assert added.status_code == 201, (seed, added.text)
    eleventh = await upload(client, owner, venue, jpeg(60, (320, 240)))
    assert eleventh.status_code == 409
    assert len(await staff_list(client, owner, venue)) == 10


async def test_photos_are_public_only_while_the_venue_is_approved(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner, _ = await user_headers(client, runtime, "venue_owner")
    admin, _ = await user_headers(client, runtime, "admin")
    member, _ = await user_headers(client, runtime, "member")
    venue = await new_venue(client, owner)
    photo = (await upload(client, owner, venue, jpeg(5))).json()
    urls = (photo["url"], photo["thumb_url"])

    for url in urls:  # pending: the public and other members see nothing, staff preview
        assert (await client.get(url)).status_code == 404
        assert (await client.get(url, headers=member)).status_code == 404
        preview = await client.get(url, headers=owner)
        assert preview.status_code == 200 and preview.headers["cache-control"].startswith("private")
        assert (await client.get(url, headers=admin)).status_code == 200

    await review(client, admin, venue, "approve")
    for url in urls:
        public = await client.get(url)
        assert public.status_code == 200 and public.headers["content-type"] == "image/webp"
        assert public.headers["cache-control"].startswith("public")
        again = await client.get(url, headers={"If-None-Match": public.headers["etag"]})
        assert again.status_code == 304 and not again.content
    assert (await client.get(photo["url"])).content != (
        await client.get(photo["thumb_url"])
    ).content

    await review(client, admin, venue, "suspend")
    for url in urls:
        assert (await client.get(url)).status_code == 404
    for unknown in (
        f"/api/v1/venue-photos/{uuid.uuid4()}",
        f"/api/v1/venue-photos/{uuid.uuid4()}/thumb",
    ):
        assert (await client.get(unknown, headers=admin)).status_code == 404


async def test_who_may_do_what_with_a_venues_photos(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner, _ = await user_headers(client, runtime, "venue_owner")
    other_owner, _ = await user_headers(client, runtime, "venue_owner")
    member, _ = await user_headers(client, runtime, "member")
    manager, manager_email = await user_headers(client, runtime, "member")
    host, host_email = await user_headers(client, runtime, "member")
    venue = await new_venue(client, owner)
    for email, role in ((manager_email, "manager"), (host_email, "host")):
        added = await client.post(
            f"/api/v1/venues/{venue}/staff", json={"email": email, "role": role}, headers=owner
        )
        assert added.status_code == 201
    photo = (await upload(client, owner, venue, jpeg(7))).json()

    async def attempts(who: Headers, seed: int) -> dict[str, int]:
        return {
            "upload": (await upload(client, who, venue, jpeg(seed))).status_code,
            "list": (
                await client.get("/api/v1/venue-photos", params={"venue_id": venue}, headers=who)
            ).status_code,
            "order": (
                await client.put(
                    "/api/v1/venue-photos/order",
                    json={"venue_id": venue, "photo_ids": [photo["id"]]},
                    headers=who,
                )
            ).status_code,
            "caption": (
                await client.patch(
                    f"/api/v1/venue-photos/{photo['id']}", json={"caption": "Hi"}, headers=who
                )
            ).status_code,
        }

    # Strangers learn nothing, not even that the venue exists.
    for stranger in (other_owner, member):
        assert set((await attempts(stranger, 8)).values()) == {404}
        gone = await client.delete(f"/api/v1/venue-photos/{photo['id']}", headers=stranger)
        assert gone.status_code == 404
    # Hosts see the gallery but cannot change it.
    assert await attempts(host, 9) == {"upload": 403, "list": 200, "order": 403, "caption": 403}
    assert (
        await client.delete(f"/api/v1/venue-photos/{photo['id']}", headers=host)
    ).status_code == 403
    # Managers run it like the owner.
    by_manager = await attempts(manager, 10)
    assert by_manager == {"upload": 201, "list": 200, "order": 422, "caption": 200}
    assert (await client.get("/api/v1/venue-photos", params={"venue_id": venue})).status_code == 401
    assert (
        await client.delete(f"/api/v1/venue-photos/{photo['id']}", headers=manager)
    ).status_code == 204
