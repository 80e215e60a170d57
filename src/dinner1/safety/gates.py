"""What trust & safety allows a member to do next, asked by other domains before acting.

Matching asks before an "interested": a member a moderator asked to verify must verify
first, a throttled (high-risk) account may show interest once a day, and a member who
accepts only verified members is reached only by identity-verified ones. Bookings ask
before a table is booked.
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import repository as accounts
from dinner1.core.errors import AppError, RateLimited
from dinner1.core.text import N_
from dinner1.db.types import utcnow
from dinner1.locale.service import gettext as _
from dinner1.safety import repository

THROTTLED_INTERESTS_PER_DAY = 1
VERIFY_PATH = "/verification"


class VerificationRequired(AppError):
    status = 403
    slug = "verification-required"
    title = N_("Verify your identity to continue")


class VerifiedMembersOnly(AppError):
    status = 403
    slug = "verified-members-only"
    title = N_("This member only hears from verified members")


async def check_not_asked_to_verify(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    me = await accounts.get_user(session, tenant_id, user_id)
    if me is not None and me.verification_required and me.identity_verified_at is None:
        raise VerificationRequired(
            _("Our moderators asked you to verify your identity before you go on."),
            verify_url=VERIFY_PATH,
        )


async def check_can_express_interest(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    candidate_id: uuid.UUID,
    recent_interests: list[datetime],
) -> None:
    """`recent_interests`: when the member said "interested" in the last 24 hours."""
    await check_not_asked_to_verify(session, tenant_id, user_id)
    assessment = await repository.get_risk(session, tenant_id, user_id)
    throttled = assessment is not None and assessment.throttled
    if throttled and len(recent_interests) >= THROTTLED_INTERESTS_PER_DAY:
        wait = recent_interests[0] + timedelta(days=1) - utcnow()
        raise RateLimited(
            math.ceil(max(60.0, wait.total_seconds())),
            _(
                "Your account is being reviewed by our team; until then you can show "
                "interest in one match a day."
            ),
        )
    users = await repository.users_by_id(session, tenant_id, {user_id, candidate_id})
    me, other = users.get(user_id), users.get(candidate_id)
    unverified = me is None or me.identity_verified_at is None
    if other is not None and other.verified_requests_only and unverified:
        raise VerifiedMembersOnly(
            _(
                "%(name)s only accepts interest from verified members. Verify your "
                "identity with a selfie, then try again."
            )
            % {"name": other.display_name},
            verify_url=VERIFY_PATH,
        )


async def check_can_book(session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
    await check_not_asked_to_verify(session, tenant_id, user_id)
