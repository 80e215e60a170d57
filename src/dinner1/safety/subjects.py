"""What can be reported, resolved through the domain that owns it.

Each subject type registers handlers: `resolve` finds the subject as the reporter may see
it (NotFound otherwise, never a hint it exists), names the member responsible and
snapshots the evidence (the text, or a private copy of the photo) at report time;
`remove` takes it down for a moderator; `restore` publishes content the classifier held
when a moderator finds nothing wrong. Messaging and connections register "message" and
"revelation" when they arrive; until then reporting those answers 422.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import repository as accounts
from dinner1.bookings import moderation as reviews
from dinner1.core.errors import BadRequest, NotFound, ValidationFailed
from dinner1.core.storage import MediaStorage
from dinner1.locale.service import gettext as _
from dinner1.matching import service as matching
from dinner1.profiles import photos
from dinner1.profiles import repository as profiles
from dinner1.venues import repository as venue_rows
from dinner1.venues import service as venues

EVIDENCE_TEXT_LIMIT = 4000


@dataclass(frozen=True)
class SubjectContext:
    session: AsyncSession
    media: MediaStorage
    tenant_id: uuid.UUID
    viewer_id: uuid.UUID


@dataclass(frozen=True)
class Subject:
    user_id: uuid.UUID | None
    evidence: dict[str, Any]


Resolve = Callable[[SubjectContext, uuid.UUID], Awaitable[Subject]]
# (session, tenant, subject id) → whether something changed.
Change = Callable[[AsyncSession, uuid.UUID, uuid.UUID], Awaitable[bool]]


@dataclass(frozen=True)
class SubjectHandlers:
    resolve: Resolve
    remove: Change | None = None
    restore: Change | None = None


_REGISTRY: dict[str, SubjectHandlers] = {}


def register_subject(subject_type: str, handlers: SubjectHandlers) -> None:
    _REGISTRY[subject_type] = handlers


def handlers_for(subject_type: str) -> SubjectHandlers:
    found = _REGISTRY.get(subject_type)
    if found is None:
        raise ValidationFailed(
            _("A %(kind)s cannot be reported yet; report the member instead.")
            % {"kind": subject_type}
        )
    return found


def _not_yourself() -> BadRequest:
    return BadRequest(_("You cannot report yourself or your own content."))


async def resolve_member(ctx: SubjectContext, subject_id: uuid.UUID) -> Subject:
    if subject_id == ctx.viewer_id:
        raise _not_yourself()
    user = await accounts.get_user(ctx.session, ctx.tenant_id, subject_id)
    # A member can report someone they were shown (blocked since or not).
    if user is None or not await matching.were_proposed(
        ctx.session, ctx.tenant_id, ctx.viewer_id, subject_id
    ):
        raise NotFound(_("No such member."))
    profile = await profiles.get_profile(ctx.session, ctx.tenant_id, subject_id)
    answers = (profile.answers or {}) if profile is not None else {}
    return Subject(
        user.id,
        {
            "display_name": user.display_name,
            "city": profile.city if profile is not None else None,
            "answers": {key: text[:EVIDENCE_TEXT_LIMIT] for key, text in answers.items()},
        },
    )


async def resolve_photo(ctx: SubjectContext, subject_id: uuid.UUID) -> Subject:
    photo = await photos.photo_for_viewer(ctx.session, ctx.tenant_id, ctx.viewer_id, subject_id)
    if photo.user_id == ctx.viewer_id:
        raise _not_yourself()
    data = await ctx.media.get(photo.storage_key)
    # A private copy: the evidence survives the member deleting the photo.
    copy = await ctx.media.put(f"{ctx.tenant_id}/private/evidence", data, ".webp") if data else None
    return Subject(photo.user_id, {"photo_id": str(photo.id), "evidence_key": copy})


async def remove_photo(session: AsyncSession, tenant_id: uuid.UUID, photo_id: uuid.UUID) -> bool:
    return (
        await photos.reject_photo(session, tenant_id, photo_id, "removed_by_moderator") is not None
    )


async def resolve_venue(ctx: SubjectContext, subject_id: uuid.UUID) -> Subject:
    venue = await venue_rows.get_venue(ctx.session, ctx.tenant_id, subject_id)
    if venue is None or venue.status != "approved":
        raise NotFound(_("No such venue."))
    owner = await venues.owner_id(ctx.session, ctx.tenant_id, venue.id)
    if owner == ctx.viewer_id:
        raise _not_yourself()
    return Subject(
        owner,
        {
            "name": venue.name,
            "address": venue.address,
            "city": venue.city,
            "description": venue.description,
        },
    )


async def remove_venue(session: AsyncSession, tenant_id: uuid.UUID, venue_id: uuid.UUID) -> bool:
    return await venues.suspend_for_moderation(session, tenant_id, venue_id) is not None


async def resolve_review(ctx: SubjectContext, subject_id: uuid.UUID) -> Subject:
    review = await reviews.get_review(ctx.session, ctx.tenant_id, subject_id)
    venue = (
        await venue_rows.get_venue(ctx.session, ctx.tenant_id, review.venue_id)
        if review is not None
        else None
    )
    if review is None or review.status != "published" or venue is None:
        raise NotFound(_("No such review."))
    if review.member_id == ctx.viewer_id:
        raise _not_yourself()
    return Subject(review.member_id, review_evidence(review.text, review.rating, venue.name))


def review_evidence(text: str | None, rating: int, venue_name: str) -> dict[str, Any]:
    return {"text": (text or "")[:EVIDENCE_TEXT_LIMIT], "rating": rating, "venue": venue_name}


async def remove_review(session: AsyncSession, tenant_id: uuid.UUID, review_id: uuid.UUID) -> bool:
    return await reviews.remove_review(session, tenant_id, review_id) is not None


async def publish_review(session: AsyncSession, tenant_id: uuid.UUID, review_id: uuid.UUID) -> bool:
    return await reviews.publish_held_review(session, tenant_id, review_id) is not None


register_subject("member", SubjectHandlers(resolve_member))
register_subject("photo", SubjectHandlers(resolve_photo, remove=remove_photo))
register_subject("venue", SubjectHandlers(resolve_venue, remove=remove_venue))
register_subject(
    "review", SubjectHandlers(resolve_review, remove=remove_review, restore=publish_review)
)
