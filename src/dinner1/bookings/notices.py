"""The emails bookings send, in the member's language and the venue's local time."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.auth import Principal
from dinner1.accounts.models import User
from dinner1.bookings.models import Booking
from dinner1.bookings.rules import refund_deadline
from dinner1.config import Settings
from dinner1.core.templating import make_environment
from dinner1.core.text import N_
from dinner1.deals.models import Deal
from dinner1.locale import service as i18n
from dinner1.mail import service as mail
from dinner1.tenants.service import TenantContext
from dinner1.venues.models import Venue


@cache
def _environment() -> Environment:
    return make_environment(Path(__file__).parent / "templates")


def _render(template: str, locale: str, **context: Any) -> str:
    with i18n.use_locale(locale):
        return _environment().get_template(template).render(**context)


def _subject(message: str, locale: str, **values: Any) -> str:
    with i18n.use_locale(locale):
        return i18n.gettext(message) % values


async def booked(
    session: AsyncSession,
    settings: Settings,
    tenant: TenantContext,
    member: Principal,
    booking: Booking,
    venue: Venue,
    deal: Deal,
) -> None:
    locale = member.locale or tenant.default_locale
    when = i18n.format_datetime(deal.starts_at, venue.timezone, "medium", locale)
    await mail.queue_email(
        session,
        settings.mail,
        tenant_id=tenant.id,
        user_id=member.user_id,
        kind="booking_confirmed",
        to_address=member.email,
        subject=_subject(N_("Your table at %(venue)s"), locale, venue=venue.name),
        text_body=_render(
            "mail/booked.txt",
            locale,
            name=member.display_name,
            venue=venue.name,
            when=when,
            address=venue.address,
            party=booking.party,
            amount=i18n.format_money(booking.amount_minor, booking.currency, locale),
            code=booking.code,
            deadline=i18n.format_datetime(
                refund_deadline(booking, settings.bookings), venue.timezone, "short", locale
            ),
        ),
    )


async def cancelled(
    session: AsyncSession,
    settings: Settings,
    tenant: TenantContext,
    booking: Booking,
    venue: Venue,
    deal: Deal,
) -> None:
    member = await session.get(User, booking.member_id)
    if member is None:
        return
    locale = member.locale or tenant.default_locale
    await mail.queue_email(
        session,
        settings.mail,
        tenant_id=tenant.id,
        user_id=member.id,
        kind="booking_cancelled",
        to_address=member.email,
        subject=_subject(N_("Booking cancelled: %(venue)s"), locale, venue=venue.name),
        text_body=_render(
            "mail/cancelled.txt",
            locale,
            name=member.display_name,
            venue=venue.name,
            when=i18n.format_datetime(deal.starts_at, venue.timezone, "medium", locale),
            by_venue=booking.cancelled_by == "venue",
            refund=(
                i18n.format_money(booking.refund_minor, booking.currency, locale)
                if booking.refund_minor
                else None
            ),
        ),
    )
