"""Profiles and the emotional onboarding: one step at a time, resumable, checked."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.core.errors import ValidationFailed
from dinner1.core.geo import snap
from dinner1.core.problems import clean_validation_errors
from dinner1.db.session import enqueue_job
from dinner1.db.types import utcnow
from dinner1.locale.cities import CITY_BY_KEY
from dinner1.locale.service import gettext as _
from dinner1.profiles import repository
from dinner1.profiles.models import Profile
from dinner1.profiles.schemas import (
    STEP_MODELS,
    STEPS,
    AnswersStep,
    BasicsStep,
    LifestyleStep,
    ProfileOut,
    Progress,
    StepInput,
)

GENDER_BITS = {"woman": 1, "man": 2, "nonbinary": 4}
DEALBREAKER_BITS = {"smoker": 1, "drinker": 2, "has_children": 4}
EMBED_JOB = "matching.embed_answers"


def gender_mask(genders: list[str]) -> int:
    mask = 0
    for gender in genders:
        mask |= GENDER_BITS[gender]
    return mask


async def get_or_create(session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID) -> Profile:
    profile = await repository.get_profile(session, tenant_id, user_id, for_update=True)
    if profile is None:
        profile = Profile(tenant_id=tenant_id, user_id=user_id)
        session.add(profile)
        await session.flush()
    return profile


def parse_step(step: str, data: dict[str, Any]) -> StepInput:
    model = STEP_MODELS.get(step)
    if model is None:
        raise ValidationFailed(
            _("Unknown onboarding step %(step)s; the steps are %(steps)s.")
            % {"step": step, "steps": ", ".join(STEPS)}
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = clean_validation_errors(list(exc.errors()))
        summary = "; ".join(f"{'.'.join(map(str, e['loc'])) or step}: {e['msg']}" for e in errors)
        raise ValidationFailed(summary, errors=errors) from exc


async def save_step(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    step: str,
    data: dict[str, Any],
) -> Profile:
    """Store one step's answers; the last missing step completes onboarding."""
    parsed = parse_step(step, data)
    profile = await get_or_create(session, tenant_id, user_id)
    _apply(profile, parsed)
    if step not in profile.steps_done:
        profile.steps_done = [*profile.steps_done, step]
    if profile.onboarding_completed_at is None and set(STEPS) <= set(profile.steps_done):
        profile.onboarding_completed_at = utcnow()
    profile.discoverable = profile.onboarding_completed_at is not None and not profile.paused
    if isinstance(parsed, AnswersStep):
        profile.answers_updated_at = utcnow()
        enqueue_job(session, EMBED_JOB, {"tenant_id": str(tenant_id), "user_id": str(user_id)})
    return profile


def _apply(profile: Profile, parsed: StepInput) -> None:
    values = parsed.model_dump()
    if isinstance(parsed, BasicsStep):
        city = CITY_BY_KEY[parsed.city]
        if parsed.latitude is not None and parsed.longitude is not None:
            cell = snap(parsed.latitude, parsed.longitude)
        else:
            cell = snap(city.lat, city.lon)
        profile.geocell, profile.cell_lat, profile.cell_lon = cell.geohash, cell.lat, cell.lon
        profile.gender_bit = GENDER_BITS[parsed.gender]
        profile.seeking_mask = gender_mask(parsed.seeking)
        values.pop("latitude")
        values.pop("longitude")
    if isinstance(parsed, LifestyleStep):
        profile.dealbreaker_mask = sum(DEALBREAKER_BITS[d] for d in parsed.dealbreakers)
    for name, value in values.items():
        setattr(profile, name, value)


def empty_profile(tenant_id: uuid.UUID, user_id: uuid.UUID) -> Profile:
    """An unsaved profile with every default, for members who have not started."""
    return Profile(
        tenant_id=tenant_id,
        user_id=user_id,
        gender_bit=0,
        seeking_mask=0,
        age_min=18,
        age_max=99,
        max_distance_km=50,
        languages=[],
        diet=[],
        religion_importance=0,
        dealbreakers=[],
        dealbreaker_mask=0,
        values_ranked=[],
        interests=[],
        custom_interests=[],
        lifestyle={},
        life_goals=[],
        steps_done=[],
        paused=False,
        discoverable=False,
    )


def seeking_from_mask(mask: int) -> list[str]:
    return [gender for gender, bit in GENDER_BITS.items() if mask & bit]


def progress(profile: Profile | None) -> Progress:
    done = [step for step in STEPS if profile is not None and step in profile.steps_done]
    missing = [step for step in STEPS if step not in done]
    completed = profile is not None and profile.onboarding_completed_at is not None
    return Progress(
        steps=list(STEPS), done=done, next_step=missing[0] if missing else None, completed=completed
    )


async def set_paused(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, paused: bool
) -> Profile:
    profile = await get_or_create(session, tenant_id, user_id)
    profile.paused = paused
    profile.discoverable = profile.onboarding_completed_at is not None and not paused
    return profile


def to_out(profile: Profile) -> ProfileOut:
    return ProfileOut(
        user_id=profile.user_id,
        gender=profile.gender,
        seeking=seeking_from_mask(profile.seeking_mask),
        age_min=profile.age_min,
        age_max=profile.age_max,
        max_distance_km=profile.max_distance_km,
        city=profile.city,
        languages=profile.languages,
        relationship_goal=profile.relationship_goal,
        values_ranked=profile.values_ranked,
        interests=profile.interests,
        custom_interests=profile.custom_interests,
        communication_style=profile.communication_style,
        love_language=profile.love_language,
        lifestyle=profile.lifestyle,
        life_goals=profile.life_goals,
        diet=profile.diet,
        religion=profile.religion,
        religion_importance=profile.religion_importance,
        smoking=profile.smoking,
        drinking=profile.drinking,
        has_children=profile.has_children,
        wants_children=profile.wants_children,
        dealbreakers=profile.dealbreakers,
        answers=profile.answers or {},
        paused=profile.paused,
        progress=progress(profile),
    )
