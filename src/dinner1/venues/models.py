from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from dinner1.db.base import Model, TenantOwned

Json = JSON().with_variant(JSONB(), "postgresql")


class Venue(TenantOwned, Model):
    """A restaurant, café or tea house. Its location is public (it is a business)."""

    __tablename__ = "venues"
    __table_args__ = (
        Index("ix_venues_search", "tenant_id", "status", "lat"),
        Index("ix_venues_city", "tenant_id", "city"),
    )

    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(24))
    # {"en": …, "fr": …, "ar": …}: whichever the owner wrote.
    description: Mapped[dict[str, str]] = mapped_column(Json, default=dict)
    address: Mapped[str] = mapped_column(String(240))
    city: Mapped[str] = mapped_column(String(32))
    lat: Mapped[float]
    lon: Mapped[float]
    timezone: Mapped[str] = mapped_column(String(40), default="Africa/Casablanca")
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    currency: Mapped[str] = mapped_column(String(3), default="MAD")
    capacity: Mapped[int] = mapped_column(default=40)
    # Typical spend per person, to estimate the price of a percent-off deal.
    average_price_minor: Mapped[int] = mapped_column(default=15000)
    # Bits, so search filters in one indexed-friendly comparison (venues.features.FEATURES).
    features: Mapped[int] = mapped_column(default=0)
    # Weekday ("0" Monday … "6") → [["12:00", "15:00"], …] in the venue's local time.
    hours: Mapped[dict[str, list[list[str]]]] = mapped_column(Json, default=dict)
    # Date (ISO) → same shape as a weekday; [] means closed that day.
    hours_exceptions: Mapped[dict[str, list[list[str]]]] = mapped_column(Json, default=dict)
    # Hours the owner declares busy (cold start for forecasts): weekday → [hours].
    busy_hours: Mapped[dict[str, list[int]]] = mapped_column(Json, default=dict)
    # pending → approved | rejected; approved → suspended → approved
    status: Mapped[str] = mapped_column(String(16), default="pending")
    rating_sum: Mapped[int] = mapped_column(default=0)
    rating_count: Mapped[int] = mapped_column(default=0)
    # Lower-cased name, description and address for text search (both databases).
    search_text: Mapped[str] = mapped_column(Text, default="")


class VenueStaff(TenantOwned, Model):
    """Who may run a venue: owner (everything), manager (deals, bookings), host (arrivals)."""

    __tablename__ = "venue_staff"
    __table_args__ = (UniqueConstraint("venue_id", "user_id"),)

    venue_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))


class DealRule(TenantOwned, Model):
    """A recurring offer ("every Tue–Thu 15:00–17:00, 12 seats, 30% off, for 8 weeks")."""

    __tablename__ = "deal_rules"

    venue_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("venues.id", ondelete="CASCADE"), index=True
    )
    weekdays: Mapped[list[int]] = mapped_column(Json)
    start_local: Mapped[str] = mapped_column(String(5))
    end_local: Mapped[str] = mapped_column(String(5))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    terms: Mapped[dict[str, Any]] = mapped_column(Json)
    active: Mapped[bool] = mapped_column(default=True)


class VenuePhoto(TenantOwned, Model):
    """A venue's public photo, re-encoded (metadata stripped) with a small variant."""

    __tablename__ = "venue_photos"

    venue_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("venues.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    storage_key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    width: Mapped[int]
    height: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(32), default="image/webp")
    sha256: Mapped[str] = mapped_column(String(64))
    caption: Mapped[str | None] = mapped_column(String(120), default=None)
