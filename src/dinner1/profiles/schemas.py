"""Onboarding steps and profile views. Every choice is checked against the taxonomy."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dinner1.locale.cities import CITY_BY_KEY
from dinner1.profiles import taxonomy as tx

STEPS = ("basics", "values", "interests", "communication", "lifestyle", "goals", "answers")
Step = Literal["basics", "values", "interests", "communication", "lifestyle", "goals", "answers"]


class StepInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _one_of(value: str, choices: tuple[tx.Choice, ...], what: str) -> str:
    if value not in tx.keys(choices):
        raise ValueError(f"unknown {what} {value!r}")
    return value


def _unique_subset(values: list[str], choices: tuple[tx.Choice, ...], what: str) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError(f"each {what} may appear once")
    for value in values:
        _one_of(value, choices, what)
    return values


class BasicsStep(StepInput):
    gender: str
    seeking: list[str] = Field(min_length=1, max_length=3)
    age_min: int = Field(ge=18, le=99)
    age_max: int = Field(ge=18, le=99)
    max_distance_km: int = Field(ge=1, le=500)
    city: str
    # Optional precise point from the device: snapped to a ~5 km cell, never stored.
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    languages: list[str] = Field(min_length=1, max_length=6)
    relationship_goal: str

    @field_validator("gender")
    @classmethod
    def _gender(cls, value: str) -> str:
        return _one_of(value, tx.GENDERS, "gender")

    @field_validator("seeking")
    @classmethod
    def _seeking(cls, value: list[str]) -> list[str]:
        return _unique_subset(value, tx.GENDERS, "gender")

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        return _unique_subset(value, tx.LANGUAGES, "language")

    @field_validator("relationship_goal")
    @classmethod
    def _goal(cls, value: str) -> str:
        return _one_of(value, tx.RELATIONSHIP_GOALS, "relationship goal")

    @field_validator("city")
    @classmethod
    def _city(cls, value: str) -> str:
        if value not in CITY_BY_KEY:
            raise ValueError(f"unknown city {value!r}")
        return value

    @model_validator(mode="after")
    def _ranges(self) -> BasicsStep:
        if self.age_min > self.age_max:
            raise ValueError("age_min must not be above age_max")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self


class ValuesStep(StepInput):
    values_ranked: list[str] = Field(min_length=3, max_length=tx.MAX_VALUES_RANKED)

    @field_validator("values_ranked")
    @classmethod
    def _values(cls, value: list[str]) -> list[str]:
        return _unique_subset(value, tx.VALUES, "value")


CustomInterest = Annotated[str, Field(min_length=2, max_length=40)]


class InterestsStep(StepInput):
    interests: list[str] = Field(min_length=tx.MIN_INTERESTS, max_length=tx.MAX_INTERESTS)
    custom_interests: list[CustomInterest] = Field(
        default_factory=list, max_length=tx.MAX_CUSTOM_INTERESTS
    )

    @field_validator("interests")
    @classmethod
    def _interests(cls, value: list[str]) -> list[str]:
        return _unique_subset(value, tx.INTERESTS, "interest")

    @field_validator("custom_interests")
    @classmethod
    def _custom(cls, value: list[str]) -> list[str]:
        cleaned = [" ".join(item.split()).lower() for item in value]
        return list(dict.fromkeys(item for item in cleaned if item))


class CommunicationStep(StepInput):
    communication_style: str
    love_language: str

    @field_validator("communication_style")
    @classmethod
    def _style(cls, value: str) -> str:
        return _one_of(value, tx.COMMUNICATION_STYLES, "communication style")

    @field_validator("love_language")
    @classmethod
    def _love(cls, value: str) -> str:
        return _one_of(value, tx.LOVE_LANGUAGES, "love language")


class LifestyleStep(StepInput):
    lifestyle: dict[str, str]
    diet: list[str] = Field(default_factory=list, max_length=6)
    religion: str
    religion_importance: int = Field(ge=0, le=3)
    smoking: str
    drinking: str
    has_children: str
    wants_children: str
    dealbreakers: list[str] = Field(default_factory=list, max_length=3)

    @field_validator("lifestyle")
    @classmethod
    def _lifestyle(cls, value: dict[str, str]) -> dict[str, str]:
        if set(value) != set(tx.LIFESTYLE):
            raise ValueError(f"answer exactly these: {', '.join(sorted(tx.LIFESTYLE))}")
        for question, answer in value.items():
            _one_of(answer, tx.LIFESTYLE[question], question)
        return value

    @model_validator(mode="after")
    def _choices(self) -> LifestyleStep:
        _unique_subset(self.diet, tx.DIETS, "diet")
        _one_of(self.religion, tx.RELIGIONS, "religion")
        _one_of(self.smoking, tx.SMOKING, "smoking answer")
        _one_of(self.drinking, tx.DRINKING, "drinking answer")
        _one_of(self.has_children, tx.HAS_CHILDREN, "children answer")
        _one_of(self.wants_children, tx.WANTS_CHILDREN, "children answer")
        _unique_subset(self.dealbreakers, tx.DEALBREAKERS, "dealbreaker")
        return self


class GoalsStep(StepInput):
    life_goals: list[str] = Field(min_length=1, max_length=5)

    @field_validator("life_goals")
    @classmethod
    def _goals(cls, value: list[str]) -> list[str]:
        return _unique_subset(value, tx.LIFE_GOALS, "life goal")


class AnswersStep(StepInput):
    answers: dict[str, str]

    @field_validator("answers")
    @classmethod
    def _answers(cls, value: dict[str, str]) -> dict[str, str]:
        if not tx.MIN_PROMPTS <= len(value) <= tx.MAX_PROMPTS:
            raise ValueError(f"answer between {tx.MIN_PROMPTS} and {tx.MAX_PROMPTS} prompts")
        cleaned: dict[str, str] = {}
        for prompt, text in value.items():
            _one_of(prompt, tx.PROMPTS, "prompt")
            text = " ".join(text.split())
            if len(text) < 10:
                raise ValueError("each answer needs at least 10 characters")
            if len(text) > tx.ANSWER_MAX_CHARS:
                raise ValueError(f"each answer is at most {tx.ANSWER_MAX_CHARS} characters")
            cleaned[prompt] = text
        return cleaned


STEP_MODELS: dict[str, type[StepInput]] = {
    "basics": BasicsStep,
    "values": ValuesStep,
    "interests": InterestsStep,
    "communication": CommunicationStep,
    "lifestyle": LifestyleStep,
    "goals": GoalsStep,
    "answers": AnswersStep,
}


class Progress(BaseModel):
    steps: list[str]
    done: list[str]
    next_step: str | None
    completed: bool


class ProfileOut(BaseModel):
    """The member's own profile, everything included (answers decrypted for the owner)."""

    user_id: uuid.UUID
    gender: str | None
    seeking: list[str]
    age_min: int
    age_max: int
    max_distance_km: int
    city: str | None
    languages: list[str]
    relationship_goal: str | None
    values_ranked: list[str]
    interests: list[str]
    custom_interests: list[str]
    communication_style: str | None
    love_language: str | None
    lifestyle: dict[str, Any]
    life_goals: list[str]
    diet: list[str]
    religion: str | None
    religion_importance: int
    smoking: str | None
    drinking: str | None
    has_children: str | None
    wants_children: str | None
    dealbreakers: list[str]
    answers: dict[str, str]
    paused: bool
    progress: Progress


class DiscoveryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paused: bool
