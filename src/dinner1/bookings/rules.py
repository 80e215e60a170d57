"""The money and time rules of a booking, pure so they are unit-tested alone."""

from __future__ import annotations

from datetime import datetime, timedelta

from dinner1.bookings.models import Booking
from dinner1.config import BookingSettings
from dinner1.locale.money import convert_minor


def fee_of(amount_minor: int, rules: BookingSettings) -> int:
    return round(amount_minor * rules.platform_fee_percent / 100)


def payout_of(booking: Booking) -> int:
    """What the venue receives: paid, less refunds, less the platform fee."""
    return booking.amount_minor - booking.refund_minor - booking.fee_minor


def refund_deadline(booking: Booking, rules: BookingSettings) -> datetime:
    return booking.starts_at - timedelta(hours=rules.free_cancellation_hours)


def refund_on_member_cancel(booking: Booking, rules: BookingSettings, now: datetime) -> int:
    return booking.amount_minor if now <= refund_deadline(booking, rules) else 0


def check_in_window(booking: Booking, rules: BookingSettings) -> tuple[datetime, datetime]:
    return (
        booking.starts_at - timedelta(minutes=rules.check_in_opens_minutes),
        booking.starts_at + timedelta(minutes=rules.check_in_closes_minutes),
    )


def visit_points(booking: Booking, rules: BookingSettings, exchange_rates: dict[str, float]) -> int:
    paid = booking.amount_minor - booking.refund_minor
    in_mad = convert_minor(paid, booking.currency, "MAD", exchange_rates)
    return in_mad // 1000 * rules.points_per_10_mad
