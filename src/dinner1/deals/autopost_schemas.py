from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

MAX_LEAD_HOURS = 7 * 24  # the forecast looks one week ahead


class AutoPostSettingIn(BaseModel):
    """An auto-posting rule: "post 25 % when forecast occupancy 48 h ahead is below 40 %;
    never more than 40 % off", and what a posted slot offers."""

    model_config = ConfigDict(extra="forbid")

    below_occupancy: float = Field(gt=0, le=1, description="Forecast share of seats, 0–1")
    lead_hours: int = Field(default=48, ge=1, le=MAX_LEAD_HOURS)
    discount_percent: int = Field(default=25, ge=5, le=90)
    max_discount_percent: int = Field(default=40, ge=5, le=90)
    use_recommendation: bool = False
    min_empty_seats: int = Field(default=2, ge=0, le=500)
    seats: int = Field(default=8, ge=1, le=500)
    duration_minutes: int = Field(default=120, ge=60, le=360, multiple_of=15)
    active: bool = True
    # Where the rule goes in the list (0 = tried first); the end by default.
    position: int | None = Field(default=None, ge=0)

    @field_validator("max_discount_percent")
    @classmethod
    def _cap_covers_discount(cls, value: int, info: ValidationInfo) -> int:
        if info.data.get("discount_percent", 0) > value:
            raise ValueError("the maximum discount must be at least the rule's discount")
        return value


class AutoPostOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[uuid.UUID] = Field(min_length=1, max_length=50)


class AutoPostSettingOut(BaseModel):
    id: uuid.UUID
    position: int
    below_occupancy: float
    lead_hours: int
    discount_percent: int
    max_discount_percent: int
    use_recommendation: bool
    min_empty_seats: int
    seats: int
    duration_minutes: int
    active: bool
    description: str


class AutoPostRunOut(BaseModel):
    id: uuid.UUID
    created_at: datetime
    slot_starts_at: datetime
    local_slot: str
    forecast_occupancy: float
    posted: bool
    discount_percent: int
    deal_id: uuid.UUID | None
    setting_id: uuid.UUID | None
    explanation: str
