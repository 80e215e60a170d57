"""Reviews of a meal one was checked in for, and the loyalty points meals and reviews earn.

A review is open for 30 days after the meal, one per booking; its text goes through the
same moderation as messages: a blocked or crisis verdict holds it for a moderator instead
of publishing it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import service as accounts
from dinner1.accounts.auth import Principal
from dinner1.bookings.models import LoyaltyEntry, VenueReview
from dinner1.bookings.service import REVIEW_WINDOW, members_booking
from dinner1.config import Settings
from dinner1.core.errors import Conflict
from dinner1.locale.service import gettext as _
from dinner1.safety import reports as safety_reports
from dinner1.safety.moderation.classifier import classify
from dinner1.safety.moderation.result import Action
from dinner1.venues import service as venues


async def review(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    booking_id: uuid.UUID,
    *,
    rating: int,
    text: str | None,
    now: datetime,
) -> VenueReview:
    booking = await members_booking(session, principal, booking_id)
    if booking.status != "checked_in":
        raise Conflict(_("Only a meal you were checked in for can be reviewed."))
    if now - booking.starts_at > REVIEW_WINDOW:
        raise Conflict(_("Reviews are open for 30 days after the meal."))
    exists = await session.scalar(
        select(VenueReview.id).where(VenueReview.booking_id == booking.id)
    )
    if exists is not None:
        raise Conflict(_("You already reviewed this meal."))
    status, reason = "published", None
    labels: tuple[str, ...] = ()
    if text:
        verdict = classify(text, locale=principal.locale)
        if verdict.action in (Action.BLOCK, Action.ESCALATE):
            labels = tuple(str(label) for label in verdict.labels)
            status, reason = "held", ",".join(labels)[:120]
    entry = VenueReview(
        tenant_id=booking.tenant_id,
        booking_id=booking.id,
        venue_id=booking.venue_id,
        member_id=principal.user_id,
        rating=rating,
        text=text,
        status=status,
        moderation=reason,
    )
    session.add(entry)
    if status == "published":
        await venues.count_rating(session, booking.venue_id, rating)
    if settings.bookings.points_per_review:
        session.add(
            LoyaltyEntry(
                tenant_id=booking.tenant_id,
                member_id=principal.user_id,
                booking_id=booking.id,
                points=settings.bookings.points_per_review,
                reason="review",
            )
        )
    await session.flush()
    if status == "held":
        await safety_reports.flag_held_review(session, settings, entry, labels)
    return entry


async def venue_reviews(
    session: AsyncSession, tenant_id: uuid.UUID, venue_id: uuid.UUID, limit: int = 20
) -> list[tuple[VenueReview, str]]:
    found = list(
        (
            await session.execute(
                select(VenueReview)
                .where(
                    VenueReview.tenant_id == tenant_id,
                    VenueReview.venue_id == venue_id,
                    VenueReview.status == "published",
                )
                .order_by(VenueReview.created_at.desc())
                .limit(limit)
            )
        ).scalars()
    )
    names = await accounts.first_names(session, tenant_id, {r.member_id for r in found})
    return [(r, names.get(r.member_id, "?")) for r in found]


async def loyalty(
    session: AsyncSession, principal: Principal, limit: int = 50
) -> tuple[int, list[LoyaltyEntry]]:
    where = (
        LoyaltyEntry.tenant_id == principal.tenant_id,
        LoyaltyEntry.member_id == principal.user_id,
    )
    balance = await session.scalar(
        select(func.coalesce(func.sum(LoyaltyEntry.points), 0)).where(*where)
    )
    entries = (
        (
            await session.execute(
                select(LoyaltyEntry)
                .where(*where)
                .order_by(LoyaltyEntry.created_at.desc())
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    return int(balance or 0), list(entries)
