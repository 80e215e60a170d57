"""What today's domains do the moment a member leaves (asks for deletion, or is
anonymized after long inactivity). Connections will add theirs: tell each connection
that the member left."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_

from dinner1.accounts.auth import Principal
from dinner1.bookings import service as bookings
from dinner1.matching.models import DailyMatch
from dinner1.privacy.deletion import LeavingContext, on_member_leaving
from dinner1.profiles import repository as profiles_repo
from dinner1.venues.models import VenueStaff


@on_member_leaving("matching")
async def hide_from_matching(context: LeavingContext) -> None:
    """Out of discovery and the index, and off today's (and later) proposals."""
    user, session = context.user, context.session
    profile = await profiles_repo.get_profile(session, user.tenant_id, user.id)
    if profile is not None:
        profile.discoverable = False
    state = context.runtime.matching.tenants.get(user.tenant_id)
    if state is not None:
        state.index.remove(user.id)
    zone = ZoneInfo(context.runtime.settings.locale.default_timezone)
    today = context.now.astimezone(zone).date()
    await session.execute(
        delete(DailyMatch).where(
            DailyMatch.tenant_id == user.tenant_id,
            DailyMatch.day >= today,
            or_(DailyMatch.user_id == user.id, DailyMatch.candidate_id == user.id),
        )
    )


def _as_principal(context: LeavingContext) -> Principal:
    user = context.user
    return Principal(
        user_id=user.id,
        tenant_id=user.tenant_id,
        email=user.email,
        display_name=user.display_name,
        date_of_birth=user.date_of_birth,
        role=user.role,
        locale=user.locale,
        is_verified=user.is_verified,
        created_at=user.created_at,
        via="token",
    )


@on_member_leaving("bookings")
async def cancel_upcoming_bookings(context: LeavingContext) -> None:
    """Under the booking rules, as if the member cancelled each one (refund if in time)."""
    principal = _as_principal(context)
    upcoming = await bookings.list_mine(
        context.session, principal, upcoming=True, now=context.now, limit=100
    )
    for view in upcoming:
        booking = view.booking
        if booking.status == bookings.UPCOMING and booking.starts_at > context.now:
            await bookings.cancel_by_member(
                context.session,
                context.runtime.settings,
                context.tenant,
                principal,
                booking.id,
                now=context.now,
            )


@on_member_leaving("venues")
async def remove_venue_roles(context: LeavingContext) -> None:
    """A member who left no longer runs any venue (owner, manager or host)."""
    await context.session.execute(
        delete(VenueStaff).where(
            VenueStaff.tenant_id == context.user.tenant_id,
            VenueStaff.user_id == context.user.id,
        )
    )
