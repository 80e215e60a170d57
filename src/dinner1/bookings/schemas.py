from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    party: int = Field(ge=1, le=20)
    note: str | None = Field(default=None, max_length=280)

    @field_validator("note")
    @classmethod
    def _tidy(cls, value: str | None) -> str | None:
        value = " ".join(value.split()) if value else None
        return value or None


class VenueRef(BaseModel):
    id: uuid.UUID
    name: str
    address: str
    city: str
    timezone: str


class BookingOut(BaseModel):
    """A member's own booking (only ever shown to that member)."""

    id: uuid.UUID
    deal_id: uuid.UUID
    venue: VenueRef
    status: Literal["confirmed", "checked_in", "no_show", "cancelled"]
    code: str
    party: int
    starts_at: datetime
    local_day: date
    local_start: str
    local_end: str
    offer: dict[str, str]
    discount_percent: int
    currency: str
    amount_minor: int
    refund_minor: int
    free_cancellation_until: datetime
    cancelled_by: str | None
    can_cancel: bool
    can_review: bool
    payment_provider: str
    note: str | None


class VenueBookingOut(BaseModel):
    """A booking as venue staff see it: first name and party, nothing more personal."""

    id: uuid.UUID
    first_name: str
    party: int
    status: str
    starts_at: datetime
    local_start: str
    note: str | None
    amount_minor: int
    refund_minor: int
    fee_minor: int
    payout_minor: int
    currency: str
    checked_in_at: datetime | None


class CheckInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=4, max_length=12)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: int = Field(ge=1, le=5)
    text: str | None = Field(default=None, max_length=2000)

    @field_validator("text")
    @classmethod
    def _tidy(cls, value: str | None) -> str | None:
        return value.strip() or None if value else None


class ReviewOut(BaseModel):
    id: uuid.UUID
    rating: int
    text: str | None
    first_name: str
    created_at: datetime
    status: str


class LoyaltyLine(BaseModel):
    points: int
    reason: str
    booking_id: uuid.UUID | None
    created_at: datetime


class LoyaltyOut(BaseModel):
    balance: int
    entries: list[LoyaltyLine]
