"""Profile photos: sanitized, blurred for everyone until both consent, checked for nudity
and for the same photo on other accounts.

Who may see what: the owner sees every variant; a member the owner was proposed to (or
who was proposed to them) sees the blurred variant only; nobody else learns the photo
exists. Revealing the sharp photo to a connection arrives with soul connections.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.core.errors import Conflict, NotFound
from dinner1.core.storage import MediaStorage
from dinner1.locale.service import gettext as _
from dinner1.matching.models import DailyMatch
from dinner1.media.errors import ImageRejected, NudityCheckUnavailable
from dinner1.media.hashing import PerceptualHash, PhotoFingerprint, is_same_photo
from dinner1.media.images import ProcessedImage, process_upload_async
from dinner1.media.nudity import assess_nudity_async
from dinner1.profiles.models import ProfilePhoto
from dinner1.safety.blocks import not_blocked_between

MAX_PHOTOS = 6
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _fingerprint_json(fingerprint: PhotoFingerprint) -> dict[str, Any]:
    return {"whole": asdict(fingerprint.whole), "views": [asdict(v) for v in fingerprint.views]}


def _fingerprint(data: dict[str, Any]) -> PhotoFingerprint | None:
    if not data.get("whole"):
        return None
    return PhotoFingerprint(
        PerceptualHash(**data["whole"]),
        tuple(PerceptualHash(**view) for view in data.get("views", [])),
    )


async def add_photo(
    session: AsyncSession,
    storage: MediaStorage,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    data: bytes,
) -> ProfilePhoto:
    count = await session.scalar(
        select(func.count())
        .select_from(ProfilePhoto)
        .where(ProfilePhoto.tenant_id == tenant_id, ProfilePhoto.user_id == user_id)
    )
    if (count or 0) >= MAX_PHOTOS:
        raise Conflict(
            _("A profile holds at most %(count)d photos; delete one first.") % {"count": MAX_PHOTOS}
        )
    processed = await process_upload_async(data, max_bytes=MAX_UPLOAD_BYTES, with_avif=False)
    status, reason = "approved", None
    try:
        nudity = await assess_nudity_async(processed.normalized.data)
    except NudityCheckUnavailable:
        # Never publish unchecked: a person looks at it instead.
        status, reason = "pending_review", "nudity_check_unavailable"
    else:
        if nudity.verdict == "explicit":
            raise ImageRejected("explicit", "This photo shows nudity; profile photos cannot.")
        if nudity.verdict == "borderline":
            status, reason = "pending_review", "possible_nudity"
    if await _used_by_someone_else(session, tenant_id, user_id, processed):
        status, reason = "pending_review", "same_photo_on_another_account"
    prefix = f"{tenant_id}/{user_id}"
    photo = ProfilePhoto(
        tenant_id=tenant_id,
        user_id=user_id,
        position=int(count or 0),
        storage_key=await storage.put(prefix, processed.normalized.data, ".webp"),
        blurred_key=await storage.put(prefix, processed.blurred.data, ".webp"),
        width=processed.normalized.width,
        height=processed.normalized.height,
        media_type=processed.normalized.media_type,
        sha256=processed.content_sha256,
        phash=processed.fingerprint.whole.phash,
        fingerprint=_fingerprint_json(processed.fingerprint),
        status=status,
        review_reason=reason,
    )
    session.add(photo)
    await session.flush()
    return photo


async def _used_by_someone_else(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, processed: ProcessedImage
) -> bool:
    """The same photo on another account is the first sign of a stolen or fake profile."""
    query = select(ProfilePhoto.fingerprint).where(
        ProfilePhoto.tenant_id == tenant_id, ProfilePhoto.user_id != user_id
    )
    for (stored,) in (await session.execute(query)).all():
        other = _fingerprint(stored)
        if other is not None and is_same_photo(processed.fingerprint, other):
            return True
    return False


async def list_photos(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> list[ProfilePhoto]:
    query = (
        select(ProfilePhoto)
        .where(ProfilePhoto.tenant_id == tenant_id, ProfilePhoto.user_id == user_id)
        .order_by(ProfilePhoto.position, ProfilePhoto.created_at)
    )
    return list((await session.execute(query)).scalars())


async def delete_photo(
    session: AsyncSession,
    storage: MediaStorage,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    photo_id: uuid.UUID,
) -> None:
    photo = await _own_photo(session, tenant_id, user_id, photo_id)
    await session.delete(photo)
    await session.flush()
    for key in (photo.storage_key, photo.blurred_key):
        await storage.delete(key)


async def _own_photo(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, photo_id: uuid.UUID
) -> ProfilePhoto:
    photo = await session.get(ProfilePhoto, photo_id)
    if photo is None or photo.tenant_id != tenant_id or photo.user_id != user_id:
        raise NotFound(_("No such photo."))
    return photo


async def _were_proposed(
    session: AsyncSession, tenant_id: uuid.UUID, a: uuid.UUID, b: uuid.UUID
) -> bool:
    query = (
        select(DailyMatch.id)
        .where(
            DailyMatch.tenant_id == tenant_id,
            not_blocked_between(tenant_id, a, b),
            or_(
                (DailyMatch.user_id == a) & (DailyMatch.candidate_id == b),
                (DailyMatch.user_id == b) & (DailyMatch.candidate_id == a),
            ),
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None


async def photo_bytes_for_viewer(
    session: AsyncSession,
    storage: MediaStorage,
    tenant_id: uuid.UUID,
    viewer_id: uuid.UUID,
    photo_id: uuid.UUID,
    variant: str,
) -> tuple[bytes, str]:
    """The bytes a viewer may see, or NotFound — never a hint that the photo exists."""
    photo = await session.get(ProfilePhoto, photo_id)
    if photo is None or photo.tenant_id != tenant_id:
        raise NotFound(_("No such photo."))
    owner = photo.user_id == viewer_id
    allowed = owner or (
        variant == "blurred"
        and photo.status == "approved"
        and await _were_proposed(session, tenant_id, viewer_id, photo.user_id)
    )
    if not allowed:
        raise NotFound(_("No such photo."))
    key = photo.storage_key if variant == "full" else photo.blurred_key
    data = await storage.get(key)
    if data is None:
        raise NotFound(_("No such photo."))
    return data, photo.media_type


async def first_blurred_photo_ids(
    session: AsyncSession, tenant_id: uuid.UUID, user_ids: list[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """The first approved photo of each member, for match cards."""
    if not user_ids:
        return {}
    query = (
        select(ProfilePhoto.user_id, ProfilePhoto.id)
        .where(
            ProfilePhoto.tenant_id == tenant_id,
            ProfilePhoto.user_id.in_(user_ids),
            ProfilePhoto.status == "approved",
        )
        .order_by(ProfilePhoto.position.desc())
    )
    return {row[0]: row[1] for row in (await session.execute(query)).all()}


# ---- for trust & safety: reports, the moderation console and risk signals ---------------


async def photo_for_viewer(
    session: AsyncSession, tenant_id: uuid.UUID, viewer_id: uuid.UUID, photo_id: uuid.UUID
) -> ProfilePhoto:
    """A photo this member may see (theirs, or an approved one of someone proposed to
    them), else NotFound — the same rule as the photo endpoint."""
    photo = await session.get(ProfilePhoto, photo_id)
    if photo is None or photo.tenant_id != tenant_id:
        raise NotFound(_("No such photo."))
    if photo.user_id != viewer_id and not (
        photo.status == "approved"
        and await _were_proposed(session, tenant_id, viewer_id, photo.user_id)
    ):
        raise NotFound(_("No such photo."))
    return photo


async def photo_for_staff(
    session: AsyncSession, tenant_id: uuid.UUID, photo_id: uuid.UUID
) -> ProfilePhoto | None:
    photo = await session.get(ProfilePhoto, photo_id)
    return photo if photo is not None and photo.tenant_id == tenant_id else None


async def reject_photo(
    session: AsyncSession, tenant_id: uuid.UUID, photo_id: uuid.UUID, reason: str
) -> ProfilePhoto | None:
    """A moderator removes a photo: nobody but its owner sees it any more."""
    photo = await photo_for_staff(session, tenant_id, photo_id)
    if photo is not None:
        photo.status, photo.review_reason = "rejected", reason[:64]
        await session.flush()
    return photo


async def photo_reuse(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> tuple[int, int]:
    """(photos flagged at upload as used on another account, other accounts holding a photo
    with the very same perceptual hash)."""
    mine = await list_photos(session, tenant_id, user_id)
    flagged = sum(1 for p in mine if p.review_reason == "same_photo_on_another_account")
    hashes = {p.phash for p in mine}
    if not hashes:
        return flagged, 0
    others = await session.scalar(
        select(func.count(func.distinct(ProfilePhoto.user_id))).where(
            ProfilePhoto.tenant_id == tenant_id,
            ProfilePhoto.user_id != user_id,
            ProfilePhoto.phash.in_(hashes),
        )
    )
    return flagged, int(others or 0)
