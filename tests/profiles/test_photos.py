from __future__ import annotations

import io

import httpx
from PIL import Image

from dinner1.runtime import Runtime
from tests.fixtures.profiles import create_member
from tests.matching.test_daily import MAN, headers_for
from tests.media.generated_images import encode, photo_with_metadata, png_declaring, scene


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], data: bytes, name: str = "me.jpg"
) -> httpx.Response:
    return await client.post(
        "/api/v1/profile/photos", headers=headers, files={"photo": (name, data, "image/jpeg")}
    )


async def test_upload_strips_location_and_serves_only_what_is_allowed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_member(runtime)
    headers = await headers_for(client, runtime, owner)
    response = await upload(client, headers, photo_with_metadata("JPEG"))
    assert response.status_code == 201, response.text
    photo = response.json()
    assert photo["status"] == "approved"

    full = await client.get(f"/api/v1/photos/{photo['id']}?variant=full", headers=headers)
    assert full.status_code == 200 and full.headers["content-type"] == "image/webp"
    stored = Image.open(io.BytesIO(full.content))
    assert not stored.getexif() and "exif" not in stored.info and "xmp" not in stored.info

    stranger = await create_member(runtime, name="Stranger", **MAN)
    stranger_headers = await headers_for(client, runtime, stranger)
    for variant in ("blurred", "full"):
        hidden = await client.get(
            f"/api/v1/photos/{photo['id']}?variant={variant}", headers=stranger_headers
        )
        assert hidden.status_code == 404

    # Once the two are proposed to each other, the blurred photo (and only it) is visible.
    matches = (await client.get("/api/v1/matches/today", headers=stranger_headers)).json()
    assert matches and matches[0]["person"]["photo_url"].endswith("variant=blurred")
    blurred = await client.get(matches[0]["person"]["photo_url"], headers=stranger_headers)
    assert blurred.status_code == 200
    assert Image.open(io.BytesIO(blurred.content)).size == Image.open(
        io.BytesIO(full.content)
    ).size or len(blurred.content) < len(full.content)
    sharp = await client.get(f"/api/v1/photos/{photo['id']}?variant=full", headers=stranger_headers)
    assert sharp.status_code == 404


async def test_bad_uploads_are_refused_with_a_reason(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_member(runtime)
    headers = await headers_for(client, runtime, member)
    cases = {
        "text": b"this is not an image at all",
        "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "bomb": png_declaring(60000, 60000),
        "gif": encode(scene(1, (64, 64)), "GIF"),
        "truncated": encode(scene(2), "JPEG")[:2000],
    }
    for name, data in cases.items():
        response = await upload(client, headers, data, f"{name}.jpg")
        assert response.status_code == 422, (name, response.text)
        assert response.json()["type"].endswith("/image-rejected")
    assert (await client.get("/api/v1/profile/photos", headers=headers)).json() == []


async def test_oversized_uploads_stop_at_the_door(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_member(runtime)
    headers = await headers_for(client, runtime, member)
    response = await upload(client, headers, b"\xff\xd8" + b"0" * (12 * 1024 * 1024))
    assert response.status_code == 413


async def test_the_same_photo_on_another_account_is_held_for_review(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    first = await headers_for(client, runtime, await create_member(runtime))
    second = await headers_for(client, runtime, await create_member(runtime, name="Copy"))
    original = encode(scene(7, (900, 700)), "JPEG", quality=90)
    assert (await upload(client, first, original)).json()["status"] == "approved"
    copy = encode(scene(7, (900, 700)).resize((600, 467)), "JPEG", quality=60)
    held = (await upload(client, second, copy)).json()
    assert held["status"] == "pending_review"
    assert held["review_reason"] == "same_photo_on_another_account"


async def test_photos_can_be_deleted_and_are_capped(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_member(runtime)
    headers = await headers_for(client, runtime, member)
    ids = []
    for seed in range(6):
        response = await upload(client, headers, encode(scene(100 + seed, (320, 240)), "PNG"))
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    assert (await upload(client, headers, encode(scene(99, (320, 240)), "PNG"))).status_code == 409
    assert (
        await client.delete(f"/api/v1/profile/photos/{ids[0]}", headers=headers)
    ).status_code == 204
    assert (
        await client.get(f"/api/v1/photos/{ids[0]}?variant=full", headers=headers)
    ).status_code == 404
    other = await headers_for(client, runtime, await create_member(runtime, name="Other"))
    assert (
        await client.delete(f"/api/v1/profile/photos/{ids[1]}", headers=other)
    ).status_code == 404
