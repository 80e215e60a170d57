from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict


class FactorOut(BaseModel):
    kind: str
    key: str
    label: str
    sentence: str


class ComponentOut(BaseModel):
    name: str
    label: str
    value: float


class PersonOut(BaseModel):
    """What a match may see of a member: no birth date, email, photo or coordinates."""

    user_id: uuid.UUID
    display_name: str
    age: int
    city: str | None
    languages: list[str]
    relationship_goal: str | None
    values_ranked: list[str]
    interests: list[str]
    communication_style: str | None
    love_language: str | None
    life_goals: list[str]
    answers: dict[str, str]
    # Blurred until both reveal; only members proposed to each other may load it.
    photo_url: str | None = None
    # Identity verified by a moderator (selfie check): the "verified" badge.
    verified: bool = False
    # Only verified members may say "interested" to this member.
    verified_requests_only: bool = False


class MatchOut(BaseModel):
    id: uuid.UUID
    day: date
    rank: int
    score: float
    label: str
    label_text: str
    explanation: str
    breakdown: list[ComponentOut]
    factors: list[FactorOut]
    distance: str
    distance_text: str
    outcome: str | None
    model_version: int
    person: PersonOut


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["pass", "interested"]
