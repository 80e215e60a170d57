"""What trust & safety may read and do to reviews: find one, publish a held one, remove one
(its rating leaves the venue's average)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.bookings.models import VenueReview
from dinner1.venues import service as venues


async def get_review(
    session: AsyncSession, tenant_id: uuid.UUID, review_id: uuid.UUID
) -> VenueReview | None:
    query = select(VenueReview).where(
        VenueReview.tenant_id == tenant_id, VenueReview.id == review_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def remove_review(
    session: AsyncSession, tenant_id: uuid.UUID, review_id: uuid.UUID
) -> VenueReview | None:
    review = await get_review(session, tenant_id, review_id)
    if review is None or review.status == "removed":
        return review
    if review.status == "published":
        await venues.withdraw_rating(session, review.venue_id, review.rating)
    review.status = "removed"
    await session.flush()
    return review


async def publish_held_review(
    session: AsyncSession, tenant_id: uuid.UUID, review_id: uuid.UUID
) -> VenueReview | None:
    """A moderator found nothing wrong with a held review: it is published and counted."""
    review = await get_review(session, tenant_id, review_id)
    if review is None or review.status != "held":
        return review
    review.status = "published"
    await venues.count_rating(session, review.venue_id, review.rating)
    await session.flush()
    return review
