from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dinner1.venues.features import CATEGORIES, FEATURES

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
Locale = Literal["en", "fr", "ar"]


def check_ranges(ranges: list[list[str]]) -> list[list[str]]:
    for pair in ranges:
        if len(pair) != 2 or not all(_HHMM.match(t) for t in pair):
            raise ValueError("opening hours are pairs of HH:MM times")
        if pair[0] == pair[1]:
            raise ValueError("an opening range cannot be empty")
    return ranges


class VenueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=120)
    category: str
    description: dict[Locale, str] = Field(default_factory=dict)
    address: str = Field(min_length=3, max_length=240)
    city: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    timezone: str = "Africa/Casablanca"
    phone: str | None = Field(default=None, max_length=32)
    currency: Literal["MAD", "EUR", "USD"] = "MAD"
    capacity: int = Field(ge=1, le=2000)
    average_price_minor: int = Field(default=15000, ge=100, le=10_000_000)
    features: list[str] = Field(default_factory=list)
    hours: dict[Literal["0", "1", "2", "3", "4", "5", "6"], list[list[str]]] = Field(
        default_factory=dict
    )
    hours_exceptions: dict[str, list[list[str]]] = Field(default_factory=dict)
    busy_hours: dict[Literal["0", "1", "2", "3", "4", "5", "6"], list[int]] = Field(
        default_factory=dict
    )

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"category is one of {', '.join(CATEGORIES)}")
        return value

    @field_validator("features")
    @classmethod
    def _features(cls, value: list[str]) -> list[str]:
        unknown = [f for f in value if f not in FEATURES]
        if unknown:
            raise ValueError(f"unknown features: {', '.join(unknown)}")
        return sorted(set(value))

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError("unknown time zone")
        ZoneInfo(value)
        return value

    @field_validator("description")
    @classmethod
    def _description(cls, value: dict[str, str]) -> dict[str, str]:
        if any(len(text) > 2000 for text in value.values()):
            raise ValueError("descriptions are at most 2000 characters")
        return {k: v.strip() for k, v in value.items() if v.strip()}

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
        return {day: check_ranges(ranges) for day, ranges in value.items()}

    @field_validator("hours_exceptions")
    @classmethod
    def _exceptions(cls, value: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
        for day, ranges in value.items():
            datetime.strptime(day, "%Y-%m-%d")  # noqa: DTZ007 - a calendar date, no clock
            check_ranges(ranges)
        return value

    @field_validator("busy_hours")
    @classmethod
    def _busy(cls, value: dict[str, list[int]]) -> dict[str, list[int]]:
        if any(not 0 <= h <= 23 for hours in value.values() for h in hours):
            raise ValueError("busy hours are 0–23")
        return value


class VenueOut(BaseModel):
    id: uuid.UUID
    name: str
    category: str
    description: dict[str, str]
    address: str
    city: str
    lat: float
    lon: float
    timezone: str
    phone: str | None
    currency: str
    capacity: int
    average_price_minor: int
    features: list[str]
    hours: dict[str, list[list[str]]]
    status: str
    rating: float | None


class StaffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320)
    role: Literal["manager", "host"]


class StaffOut(BaseModel):
    user_id: uuid.UUID
    display_name: str
    role: str


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject", "suspend", "reinstate"]
    reason: str | None = Field(default=None, max_length=500)
