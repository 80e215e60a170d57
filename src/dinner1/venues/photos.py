"""Venue photos: added by a venue's owner or managers, public once the venue is approved
(a business shows itself).

Uploads go through the members' photo pipeline (type sniffed from the bytes, byte and
pixel limits, metadata stripped, re-encoded as WebP), plus a thumbnail. There is no nudity
check: an admin looks at a venue's photos when reviewing the venue, and can suspend a
venue whose photos do not belong there; a business's storefront is not a member's body.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.auth import Principal
from dinner1.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from dinner1.core.storage import MediaStorage
from dinner1.locale.service import gettext as _
from dinner1.media.hashing import PhotoFingerprint, fingerprint_photo, is_same_photo
from dinner1.media.images import WEBP_QUALITY, EncodedImage, encode_webp, process_upload_async
from dinner1.venues.models import Venue, VenuePhoto
from dinner1.venues.service import access_venue

MAX_PHOTOS = 10
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_CAPTION = 120
THUMB_EDGE = 480
THUMB_QUALITY = 75
Variant = Literal["full", "thumb"]


@dataclass(frozen=True)
class PhotoRef:
    id: uuid.UUID
    url: str
    thumb_url: str
    width: int
    height: int
    caption: str | None


def photo_ref(photo: VenuePhoto) -> PhotoRef:
    return PhotoRef(
        id=photo.id,
        url=f"/api/v1/venue-photos/{photo.id}",
        thumb_url=f"/api/v1/venue-photos/{photo.id}/thumb",
        width=photo.width,
        height=photo.height,
        caption=photo.caption,
    )


async def list_public(
    session: AsyncSession, tenant_id: uuid.UUID, venue_id: uuid.UUID
) -> list[PhotoRef]:
    """A venue's photos in the owner's order (callers check the venue is approved)."""
    return [photo_ref(photo) for photo in await _photos_of(session, tenant_id, venue_id)]


async def _photos_of(
    session: AsyncSession, tenant_id: uuid.UUID, venue_id: uuid.UUID
) -> list[VenuePhoto]:
    rows = await session.execute(
        select(VenuePhoto)
        .where(VenuePhoto.tenant_id == tenant_id, VenuePhoto.venue_id == venue_id)
        .order_by(VenuePhoto.position, VenuePhoto.created_at)
    )
    return list(rows.scalars())


# ---- images -------------------------------------------------------------------------


@dataclass(frozen=True)
class VenueImage:
    """What is stored of one photo: the full WebP, its thumbnail, and how to recognise it."""

    full: EncodedImage
    thumb: EncodedImage
    sha256: str
    fingerprint: PhotoFingerprint | None = None


def encode_thumbnail(image: Image.Image) -> EncodedImage:
    small = image.copy()
    small.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    return encode_webp(small, THUMB_QUALITY)


def encode_variants(image: Image.Image) -> VenueImage:
    """Both variants of clean RGB pixels (drawn or already normalized)."""
    full = encode_webp(image, WEBP_QUALITY)
    return VenueImage(full, encode_thumbnail(image), hashlib.sha256(full.data).hexdigest())


def _thumbnail_of(normalized_webp: bytes) -> EncodedImage:
    # Our own re-encoded output, decoded again: nothing of the upload reaches this decoder.
    with Image.open(io.BytesIO(normalized_webp), formats=["WEBP"]) as image:
        return encode_thumbnail(image.convert("RGB"))


async def prepare_upload(data: bytes) -> VenueImage:
    """Check and re-encode an upload exactly as members' photos are, off the event loop."""
    processed = await process_upload_async(data, max_bytes=MAX_UPLOAD_BYTES, with_avif=False)
    thumb = await asyncio.to_thread(_thumbnail_of, processed.normalized.data)
    return VenueImage(processed.normalized, thumb, processed.content_sha256, processed.fingerprint)


def _resembles_any(fingerprint: PhotoFingerprint, thumbnails: Sequence[bytes]) -> bool:
    for data in thumbnails:
        with Image.open(io.BytesIO(data), formats=["WEBP"]) as image:
            if is_same_photo(fingerprint, fingerprint_photo(image)):
                return True
    return False


async def _refuse_duplicate(
    storage: MediaStorage, existing: Sequence[VenuePhoto], image: VenueImage
) -> None:
    """The same picture twice (even resized or recompressed) only makes the gallery longer."""
    duplicate = any(photo.sha256 == image.sha256 for photo in existing)
    if not duplicate and image.fingerprint is not None:
        thumbs = [await storage.get(photo.thumb_key) for photo in existing]
        found = [data for data in thumbs if data]
        duplicate = await asyncio.to_thread(_resembles_any, image.fingerprint, found)
    if duplicate:
        raise Conflict(_("This venue already has this photo."))


# ---- staff ---------------------------------------------------------------------------


def clean_caption(caption: str | None) -> str | None:
    text = " ".join((caption or "").split())
    if len(text) > MAX_CAPTION:
        raise ValidationFailed(
            _("A caption is at most %(n)s characters.") % {"n": MAX_CAPTION},
            errors=[{"loc": ["caption"], "msg": "too long"}],
        )
    return text or None


async def store_photo(
    session: AsyncSession,
    storage: MediaStorage,
    venue: Venue,
    image: VenueImage,
    *,
    position: int,
    caption: str | None = None,
) -> VenuePhoto:
    """Write both files and add the row (the caller flushes)."""
    prefix = f"venues/{venue.tenant_id}/{venue.id}"
    photo = VenuePhoto(
        tenant_id=venue.tenant_id,
        venue_id=venue.id,
        position=position,
        storage_key=await storage.put(prefix, image.full.data, ".webp"),
        thumb_key=await storage.put(prefix, image.thumb.data, ".webp"),
        width=image.full.width,
        height=image.full.height,
        media_type=image.full.media_type,
        sha256=image.sha256,
        caption=caption,
    )
    session.add(photo)
    return photo


async def add_photo(
    session: AsyncSession,
    storage: MediaStorage,
    principal: Principal,
    venue_id: uuid.UUID,
    image: VenueImage,
    caption: str | None = None,
) -> VenuePhoto:
    """Add a prepared photo at the end of the venue's gallery (owner or manager).

    Callers run `prepare_upload` first, before the session touches the database: on
    SQLite the first statement takes the write lock, which should not wait for Pillow."""
    venue = await access_venue(session, principal, venue_id, "manager")
    text = clean_caption(caption)
    # Two uploads racing for the last place: the second waits here, then counts.
    await session.execute(select(Venue.id).where(Venue.id == venue.id).with_for_update())
    existing = await _photos_of(session, venue.tenant_id, venue.id)
    if len(existing) >= MAX_PHOTOS:
        raise Conflict(
            _("A venue shows at most %(n)s photos; delete one first.") % {"n": MAX_PHOTOS}
        )
    await _refuse_duplicate(storage, existing, image)
    position = max((photo.position for photo in existing), default=-1) + 1
    photo = await store_photo(session, storage, venue, image, position=position, caption=text)
    await session.flush()
    return photo


async def list_for_staff(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID
) -> list[VenuePhoto]:
    venue = await access_venue(session, principal, venue_id, "host")
    return await _photos_of(session, venue.tenant_id, venue.id)


async def _staff_photo(
    session: AsyncSession, principal: Principal, photo_id: uuid.UUID
) -> VenuePhoto:
    photo = await session.get(VenuePhoto, photo_id)
    if photo is None or photo.tenant_id != principal.tenant_id:
        raise NotFound(_("No such photo."))
    await access_venue(session, principal, photo.venue_id, "manager")
    return photo


async def reorder(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, photo_ids: list[uuid.UUID]
) -> list[VenuePhoto]:
    """Put the gallery in this order; every photo must be named exactly once."""
    venue = await access_venue(session, principal, venue_id, "manager")
    by_id = {photo.id: photo for photo in await _photos_of(session, venue.tenant_id, venue.id)}
    if len(photo_ids) != len(by_id) or set(photo_ids) != set(by_id):
        raise ValidationFailed(
            _("Name every photo of the venue exactly once."),
            errors=[{"loc": ["photo_ids"], "msg": "not a permutation"}],
        )
    for position, photo_id in enumerate(photo_ids):
        by_id[photo_id].position = position
    await session.flush()
    return [by_id[photo_id] for photo_id in photo_ids]


async def set_caption(
    session: AsyncSession, principal: Principal, photo_id: uuid.UUID, caption: str | None
) -> VenuePhoto:
    photo = await _staff_photo(session, principal, photo_id)
    photo.caption = clean_caption(caption)
    await session.flush()
    return photo


async def delete_photo(
    session: AsyncSession, storage: MediaStorage, principal: Principal, photo_id: uuid.UUID
) -> None:
    """Delete the row, close the gap in the order, then remove both files."""
    photo = await _staff_photo(session, principal, photo_id)
    await session.delete(photo)
    await session.flush()
    for position, rest in enumerate(await _photos_of(session, photo.tenant_id, photo.venue_id)):
        rest.position = position
    await session.flush()
    for key in (photo.storage_key, photo.thumb_key):
        await storage.delete(key)


# ---- serving -------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoFile:
    key: str
    media_type: str
    etag: str
    public: bool


async def _may_preview(
    session: AsyncSession, principal: Principal | None, venue_id: uuid.UUID
) -> bool:
    """Staff (and admins reviewing) see a venue's photos before the public does."""
    if principal is None:
        return False
    try:
        await access_venue(session, principal, venue_id, "host")
    except (NotFound, Forbidden):
        return False
    return True


async def photo_file(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    photo_id: uuid.UUID,
    variant: Variant,
    viewer: Principal | None,
) -> PhotoFile:
    """Which file to serve to this viewer (None for the public), or NotFound."""
    row = (
        await session.execute(
            select(VenuePhoto, Venue.status)
            .join(Venue, Venue.id == VenuePhoto.venue_id)
            .where(VenuePhoto.tenant_id == tenant_id, VenuePhoto.id == photo_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(_("No such photo."))
    photo, status = row
    public = status == "approved"
    if not public and not await _may_preview(session, viewer, photo.venue_id):
        raise NotFound(_("No such photo."))
    key = photo.storage_key if variant == "full" else photo.thumb_key
    return PhotoFile(key, photo.media_type, f'"{photo.sha256[:32]}-{variant}"', public)


async def photo_bytes(storage: MediaStorage, file: PhotoFile) -> bytes:
    data = await storage.get(file.key)
    if data is None:
        raise NotFound(_("No such photo."))
    return data
