"""What erasure does in each of today's domains (the users row itself is `erasure.tombstone`).

Deleted outright (only the member's): profile and answers, photos and their files, the
answers' embedding, daily matches (theirs and others' proposals of them), blocks either
way, risk assessment, selfie checks and their files, emails and SMS, loyalty points,
consents, sessions, refresh and email tokens, phone verifications, venue roles.
Kept without the member (others or aggregates need them): bookings (the venue's books; the
member link now leads to the tombstone, and the note goes), reviews (the rating stays in
the venue's average, the text goes), reports they filed or that are about them (category,
status and outcome stay; their words and the evidence go), moderation decisions about them
(the reason goes), the staff access log about them (the reason goes).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select, update

from dinner1.accounts.models import AccountToken, PhoneVerification, RefreshToken, WebSession
from dinner1.bookings.models import Booking, LoyaltyEntry, VenueReview
from dinner1.mail.models import OutboxEmail, OutboxSms
from dinner1.matching.models import DailyMatch
from dinner1.privacy.erasure import ErasureContext, eraser
from dinner1.privacy.models import ConsentRecord, StaffAccess
from dinner1.profiles.models import Profile, ProfilePhoto, SoulEmbedding
from dinner1.safety.models import Block, ModerationAction, Report, RiskAssessment, SelfieCheck
from dinner1.venues.models import VenueStaff


async def _run(context: ErasureContext, *statements: Any) -> None:
    for statement in statements:
        await context.session.execute(statement.execution_options(synchronize_session=False))


@eraser("profiles")
async def erase_profile(context: ErasureContext) -> None:
    me = context.user_id
    photos = await context.session.execute(
        select(ProfilePhoto.storage_key, ProfilePhoto.blurred_key).where(ProfilePhoto.user_id == me)
    )
    for full, blurred in photos.all():
        context.media_keys.extend((full, blurred))
    await _run(
        context,
        delete(ProfilePhoto).where(ProfilePhoto.user_id == me),
        delete(SoulEmbedding).where(SoulEmbedding.user_id == me),
        delete(Profile).where(Profile.user_id == me),
    )


@eraser("matching")
async def erase_matches(context: ErasureContext) -> None:
    me = context.user_id
    await _run(
        context,
        delete(DailyMatch).where(or_(DailyMatch.user_id == me, DailyMatch.candidate_id == me)),
    )


@eraser("safety")
async def erase_safety(context: ErasureContext) -> None:
    me = context.user_id
    selfies = await context.session.execute(
        select(SelfieCheck.storage_key).where(
            SelfieCheck.user_id == me, SelfieCheck.storage_key.is_not(None)
        )
    )
    context.media_keys.extend(key for (key,) in selfies.all() if key)
    await _run(
        context,
        delete(Block).where(or_(Block.blocker_id == me, Block.blocked_id == me)),
        delete(RiskAssessment).where(RiskAssessment.user_id == me),
        delete(SelfieCheck).where(SelfieCheck.user_id == me),
        # Their words (as reporter) and their content (as subject) go; the case stays.
        update(Report)
        .where(or_(Report.reporter_id == me, Report.subject_user_id == me))
        .values(details=None, evidence=None),
        update(ModerationAction).where(ModerationAction.target_user_id == me).values(reason=None),
    )


@eraser("mail")
async def erase_mail(context: ErasureContext) -> None:
    me = context.user_id
    await _run(
        context,
        delete(OutboxEmail).where(
            OutboxEmail.tenant_id == context.tenant_id,
            or_(OutboxEmail.user_id == me, OutboxEmail.to_address == context.email),
        ),
        delete(OutboxSms).where(OutboxSms.user_id == me),
    )


@eraser("bookings")
async def erase_bookings(context: ErasureContext) -> None:
    me = context.user_id
    await _run(
        context,
        update(Booking).where(Booking.member_id == me).values(note=None),
        update(VenueReview).where(VenueReview.member_id == me).values(text=None, moderation=None),
        delete(LoyaltyEntry).where(LoyaltyEntry.member_id == me),
    )


@eraser("venues")
async def erase_venue_roles(context: ErasureContext) -> None:
    await _run(context, delete(VenueStaff).where(VenueStaff.user_id == context.user_id))


@eraser("privacy")
async def erase_privacy_records(context: ErasureContext) -> None:
    me = context.user_id
    await _run(
        context,
        delete(ConsentRecord).where(ConsentRecord.user_id == me),
        update(StaffAccess).where(StaffAccess.subject_user_id == me).values(reason=None),
    )


@eraser("accounts")
async def erase_logins(context: ErasureContext) -> None:
    me = context.user_id
    await _run(
        context,
        delete(WebSession).where(WebSession.user_id == me),
        delete(RefreshToken).where(RefreshToken.user_id == me),
        delete(AccountToken).where(AccountToken.user_id == me),
        delete(PhoneVerification).where(PhoneVerification.user_id == me),
    )
