from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from dinner1.db.base import Model, TenantOwned

Json = JSON().with_variant(JSONB(), "postgresql")


class Deal(TenantOwned, Model):
    """One discounted time slot. Times are UTC; `local_day` and the local minutes are kept
    so search by "tonight, 19:00–22:00" is an index range, whatever the time zone."""

    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_search", "tenant_id", "status", "local_day", "starts_at"),
        Index("ix_deals_venue_start", "venue_id", "starts_at"),
        # Search walks the venues in the box and, for each, the day's window.
        Index("ix_deals_venue_day", "venue_id", "local_day", "local_start_minute"),
        CheckConstraint("seats_booked <= seats_total", name="seats_within_total"),
        CheckConstraint("seats_booked >= 0", name="seats_not_negative"),
    )

    venue_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    rule_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("deal_rules.id", ondelete="SET NULL"), default=None, index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    local_day: Mapped[date] = mapped_column(Date)
    local_start_minute: Mapped[int]
    local_end_minute: Mapped[int]
    seats_total: Mapped[int]
    seats_booked: Mapped[int] = mapped_column(default=0)
    # "percent": percent_off of the menu; "menu": a fixed-price menu (prices below).
    kind: Mapped[str] = mapped_column(String(8))
    percent_off: Mapped[int] = mapped_column(default=0)
    original_price_minor: Mapped[int | None] = mapped_column(default=None)
    price_minor: Mapped[int | None] = mapped_column(default=None)
    currency: Mapped[str] = mapped_column(String(3))
    # Effective discount in percent (for "minimum discount" filters and sorting).
    discount_percent: Mapped[int] = mapped_column(default=0)
    # Price per person: the menu price, or the venue's typical spend less the discount.
    price_per_person_minor: Mapped[int] = mapped_column(default=0)
    min_party: Mapped[int] = mapped_column(default=1)
    max_party: Mapped[int] = mapped_column(default=8)
    restrictions: Mapped[list[str]] = mapped_column(Json, default=list)
    offer: Mapped[dict[str, str]] = mapped_column(Json, default=dict)
    template: Mapped[str | None] = mapped_column(String(24), default=None)
    # active | paused | cancelled
    status: Mapped[str] = mapped_column(String(12), default="active")
    posted_by: Mapped[str] = mapped_column(String(16), default="owner")
    extra: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class AutoPostSetting(TenantOwned, Model):
    """An owner's auto-posting rule ("post 25 % when forecast occupancy 48 h ahead is below
    40 %; never more than 40 % off"), tried in `position` order by the scheduled job."""

    __tablename__ = "auto_post_settings"

    venue_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("venues.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    below_occupancy: Mapped[float] = mapped_column(default=0.4)
    lead_hours: Mapped[int] = mapped_column(default=48)
    discount_percent: Mapped[int] = mapped_column(default=25)
    max_discount_percent: Mapped[int] = mapped_column(default=40)
    use_recommendation: Mapped[bool] = mapped_column(default=False)
    min_empty_seats: Mapped[int] = mapped_column(default=2)
    # What a posted slot offers: seats and length (start on the hour the forecast names).
    seats: Mapped[int] = mapped_column(default=8)
    duration_minutes: Mapped[int] = mapped_column(default=120)
    active: Mapped[bool] = mapped_column(default=True)


class AutoPostRun(TenantOwned, Model):
    """What the auto-posting job decided for one candidate slot, and why (the owner's log)."""

    __tablename__ = "auto_post_runs"
    __table_args__ = (Index("ix_auto_post_runs_venue", "venue_id", "created_at"),)

    venue_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    setting_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("auto_post_settings.id", ondelete="SET NULL"), default=None
    )
    slot_starts_at: Mapped[datetime]
    forecast_occupancy: Mapped[float]
    posted: Mapped[bool]
    discount_percent: Mapped[int] = mapped_column(default=0)
    deal_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("deals.id", ondelete="SET NULL"), default=None
    )
    explanation: Mapped[str] = mapped_column(Text)
