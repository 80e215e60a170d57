"""Venue photos: upload and arrangement by staff, public serving once the venue is approved."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, UploadFile, status
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from dinner1.accounts.auth import CurrentPrincipal, OptionalPrincipal, Principal
from dinner1.core.deps import RuntimeDep, SessionDep, TenantDep
from dinner1.venues import photos
from dinner1.venues.models import VenuePhoto

router = APIRouter(prefix="/api/v1", tags=["venues"])
# Photos never change under an id, so caches may keep them; an hour bounds how long a
# suspended venue's photos can linger in a shared cache. Staff previews stay private.
PUBLIC_CACHE = "public, max-age=3600"
PREVIEW_CACHE = "private, no-cache"
IMAGE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"image/webp": {}}},
    304: {"description": "Not modified"},
}


class VenuePhotoOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    venue_id: uuid.UUID
    position: int
    width: int
    height: int
    caption: str | None
    url: str
    thumb_url: str
    created_at: datetime


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    venue_id: uuid.UUID
    photo_ids: list[uuid.UUID] = Field(max_length=photos.MAX_PHOTOS)


class CaptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    caption: str | None = Field(default=None, max_length=photos.MAX_CAPTION)


def photo_out(photo: VenuePhoto) -> VenuePhotoOut:
    ref = photos.photo_ref(photo)
    return VenuePhotoOut(
        id=photo.id,
        venue_id=photo.venue_id,
        position=photo.position,
        width=photo.width,
        height=photo.height,
        caption=photo.caption,
        url=ref.url,
        thumb_url=ref.thumb_url,
        created_at=photo.created_at,
    )


@router.post("/venue-photos", status_code=status.HTTP_201_CREATED, response_model=VenuePhotoOut)
async def upload_venue_photo(
    venue_id: Annotated[uuid.UUID, Form()],
    photo: UploadFile,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
    caption: Annotated[str | None, Form(max_length=photos.MAX_CAPTION)] = None,
) -> VenuePhotoOut:
    """Add a photo to a venue (owner or manager; JPEG, PNG or WebP up to 10 MB, 10 photos)."""
    image = await photos.prepare_upload(await photo.read(photos.MAX_UPLOAD_BYTES + 1))
    stored = await photos.add_photo(session, runtime.media, principal, venue_id, image, caption)
    return photo_out(stored)


@router.get("/venue-photos", response_model=list[VenuePhotoOut])
async def venue_photos(
    venue_id: Annotated[uuid.UUID, Query()], principal: CurrentPrincipal, session: SessionDep
) -> list[VenuePhotoOut]:
    """A venue's photos in gallery order, for its staff."""
    return [photo_out(p) for p in await photos.list_for_staff(session, principal, venue_id)]


@router.put("/venue-photos/order", response_model=list[VenuePhotoOut])
async def reorder_venue_photos(
    data: OrderIn, principal: CurrentPrincipal, session: SessionDep
) -> list[VenuePhotoOut]:
    """Put a venue's photos in this order (every photo named once; the first is the cover)."""
    ordered = await photos.reorder(session, principal, data.venue_id, data.photo_ids)
    return [photo_out(p) for p in ordered]


@router.patch("/venue-photos/{photo_id}", response_model=VenuePhotoOut)
async def caption_venue_photo(
    photo_id: uuid.UUID, data: CaptionIn, principal: CurrentPrincipal, session: SessionDep
) -> VenuePhotoOut:
    """Change or remove a photo's caption (owner or manager)."""
    return photo_out(await photos.set_caption(session, principal, photo_id, data.caption))


@router.delete("/venue-photos/{photo_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_venue_photo(
    photo_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """Delete a photo and its files (owner or manager)."""
    await photos.delete_photo(session, runtime.media, principal, photo_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def _serve(
    request: Request,
    viewer: Principal | None,
    session: SessionDep,
    runtime: RuntimeDep,
    tenant: TenantDep,
    photo_id: uuid.UUID,
    variant: photos.Variant,
) -> Response:
    file = await photos.photo_file(session, tenant.id, photo_id, variant, viewer)
    headers = {
        "Cache-Control": PUBLIC_CACHE if file.public else PREVIEW_CACHE,
        "ETag": file.etag,
        "Content-Disposition": "inline",
    }
    if request.headers.get("if-none-match") == file.etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    data = await photos.photo_bytes(runtime.media, file)
    return Response(data, media_type=file.media_type, headers=headers)


@router.get("/venue-photos/{photo_id}", response_class=Response, responses=IMAGE_RESPONSES)
async def venue_photo(
    photo_id: uuid.UUID,
    request: Request,
    viewer: OptionalPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
    tenant: TenantDep,
) -> Response:
    """A venue's photo (public once the venue is approved; its staff may preview before)."""
    return await _serve(request, viewer, session, runtime, tenant, photo_id, "full")


@router.get("/venue-photos/{photo_id}/thumb", response_class=Response, responses=IMAGE_RESPONSES)
async def venue_photo_thumbnail(
    photo_id: uuid.UUID,
    request: Request,
    viewer: OptionalPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
    tenant: TenantDep,
) -> Response:
    """The photo's thumbnail (at most 480 px), under the same rule."""
    return await _serve(request, viewer, session, runtime, tenant, photo_id, "thumb")
