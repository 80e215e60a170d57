from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Locale = Literal["en", "fr", "ar"]
RESTRICTIONS = (
    "no_solo",
    "not_combinable",
    "drinks_excluded",
    "weekday_only",
    "reservation_required",
)


class Terms(BaseModel):
    """What a slot offers; shared by single slots, recurring rules and templates."""

    model_config = ConfigDict(extra="forbid")

    seats: int = Field(ge=1, le=500)
    kind: Literal["percent", "menu"] = "percent"
    percent_off: int = Field(default=0, ge=0, le=90)
    original_price_minor: int | None = Field(default=None, ge=1)
    price_minor: int | None = Field(default=None, ge=1)
    min_party: int = Field(default=1, ge=1, le=50)
    # Defaults to 8, or the number of seats when fewer.
    max_party: int = Field(default=0, ge=0, le=50)
    restrictions: list[
        Literal[
            "no_solo", "not_combinable", "drinks_excluded", "weekday_only", "reservation_required"
        ]
    ] = Field(default_factory=list)
    offer: dict[Locale, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Terms:
        if self.max_party == 0:
            self.max_party = min(8, self.seats)
        if self.kind == "percent" and not 5 <= self.percent_off <= 90:
            raise ValueError("a percent-off deal takes 5 to 90 percent off")
        if self.kind == "menu":
            if self.price_minor is None or self.original_price_minor is None:
                raise ValueError("a fixed menu needs its price and the usual price")
            if self.price_minor >= self.original_price_minor:
                raise ValueError("the menu price must be below the usual price")
        if self.min_party > self.max_party or self.max_party > self.seats:
            raise ValueError("party sizes must satisfy min ≤ max ≤ seats")
        if any(len(text) > 280 for text in self.offer.values()):
            raise ValueError("offer texts are at most 280 characters")
        return self


class SlotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: date
    start: time
    end: time
    terms: Terms
    template: str | None = None


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekdays: list[int] = Field(min_length=1, max_length=7)
    start: time
    end: time
    first_day: date
    weeks: int = Field(ge=1, le=12)
    terms: Terms

    @model_validator(mode="after")
    def _weekdays(self) -> RuleIn:
        if any(not 0 <= d <= 6 for d in self.weekdays) or len(set(self.weekdays)) != len(
            self.weekdays
        ):
            raise ValueError("weekdays are distinct numbers 0 (Monday) to 6 (Sunday)")
        return self


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template: Literal["afternoon_tea", "early_dinner", "late_lunch", "iftar", "suhoor"]
    first_day: date
    weeks: int = Field(default=4, ge=1, le=12)
    seats: int = Field(ge=1, le=500)
    weekdays: list[int] | None = None
    price_minor: int | None = Field(default=None, ge=1)
    original_price_minor: int | None = Field(default=None, ge=1)
    percent_off: int | None = Field(default=None, ge=5, le=90)


class SlotEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seats: int | None = Field(default=None, ge=1, le=500)
    offer: dict[Locale, str] | None = None
    status: Literal["active", "paused"] | None = None


class DealOut(BaseModel):
    id: uuid.UUID
    venue_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    local_day: date
    local_start: str
    local_end: str
    seats_total: int
    seats_left: int
    kind: str
    percent_off: int
    original_price_minor: int | None
    price_minor: int | None
    currency: str
    discount_percent: int
    min_party: int
    max_party: int
    restrictions: list[str]
    offer: dict[str, str]
    template: str | None
    status: str


class VenueSummary(BaseModel):
    id: uuid.UUID
    name: str
    category: str
    city: str
    address: str
    features: list[str]
    rating: float | None


class ResultOut(BaseModel):
    """One table found by search."""

    deal_id: uuid.UUID
    venue: VenueSummary
    local_day: date
    local_start: str
    local_end: str
    seats_left: int
    discount_percent: int
    kind: str
    price_minor: int | None
    original_price_minor: int | None
    price_per_person_minor: int
    currency: str
    # Converted with configured rates, for orientation only: the bill is in `currency`.
    approx_price_per_person_minor: int
    approx_currency: str
    offer: dict[str, str]
    restrictions: list[str]
    distance: str | None
    distance_text: str | None
