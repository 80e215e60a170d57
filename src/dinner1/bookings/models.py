from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dinner1.db.base import Model, TenantOwned


class Booking(TenantOwned, Model):
    """Seats held at one deal for one member; prepaid, refunded when cancelled in time.

    Money is integer minor units of the deal's currency. `amount_minor` is what the member
    paid, `refund_minor` what went back; the venue's payout is amount − refund − fee, and
    the platform fee is only charged on bookings that were honoured (or not shown up for).
    """

    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_venue_start", "venue_id", "starts_at"),
        Index("ix_bookings_member_start", "member_id", "starts_at"),
        UniqueConstraint("venue_id", "code"),
    )

    deal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("deals.id", ondelete="CASCADE"), index=True
    )
    venue_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The deal's start, copied so a venue's day and a member's history are one index range.
    starts_at: Mapped[datetime]
    party: Mapped[int]
    # Shown to the host at arrival; unique per venue.
    code: Mapped[str] = mapped_column(String(8))
    # confirmed → checked_in | no_show | cancelled
    status: Mapped[str] = mapped_column(String(12), default="confirmed")
    currency: Mapped[str] = mapped_column(String(3))
    price_per_person_minor: Mapped[int]
    amount_minor: Mapped[int]
    refund_minor: Mapped[int] = mapped_column(default=0)
    fee_minor: Mapped[int] = mapped_column(default=0)
    payment_ref: Mapped[str] = mapped_column(String(40))
    # search | first_date | group
    source: Mapped[str] = mapped_column(String(12), default="search")
    note: Mapped[str | None] = mapped_column(String(280), default=None)
    checked_in_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    # member | venue | system
    cancelled_by: Mapped[str | None] = mapped_column(String(8), default=None)


class VenueReview(TenantOwned, Model):
    """A diner's rating of a visit; only honoured bookings can be reviewed, once."""

    __tablename__ = "venue_reviews"
    __table_args__ = (Index("ix_venue_reviews_venue", "venue_id", "created_at"),)

    booking_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True
    )
    venue_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int]
    text: Mapped[str | None] = mapped_column(Text, default=None)
    # published | held (waiting for a moderator) | removed
    status: Mapped[str] = mapped_column(String(12), default="published")
    moderation: Mapped[str | None] = mapped_column(String(120), default=None)


class LoyaltyEntry(TenantOwned, Model):
    """One line of a member's points ledger; the balance is the sum."""

    __tablename__ = "loyalty_entries"
    __table_args__ = (UniqueConstraint("booking_id", "reason"),)

    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    booking_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), default=None
    )
    points: Mapped[int]
    # visit | review | redeemed | adjustment
    reason: Mapped[str] = mapped_column(String(16))
