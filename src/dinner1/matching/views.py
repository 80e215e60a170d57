"""Turning stored matches into what a member sees, in their language."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.models import User
from dinner1.locale.service import gettext as _
from dinner1.matching import explain
from dinner1.matching.models import DailyMatch
from dinner1.matching.repository import age_on
from dinner1.matching.schemas import ComponentOut, FactorOut, MatchOut, PersonOut
from dinner1.profiles.models import Profile
from dinner1.profiles.photos import first_blurred_photo_ids


async def people(
    session: AsyncSession, tenant_id: uuid.UUID, user_ids: list[uuid.UUID], today: date
) -> dict[uuid.UUID, PersonOut]:
    if not user_ids:
        return {}
    query = (
        select(
            Profile,
            User.display_name,
            User.date_of_birth,
            User.identity_verified_at,
            User.verified_requests_only,
        )
        .join(User, User.id == Profile.user_id)
        .where(Profile.tenant_id == tenant_id, Profile.user_id.in_(user_ids))
    )
    photos = await first_blurred_photo_ids(session, tenant_id, user_ids)
    found = {}
    for profile, name, birth, verified_at, verified_only in (await session.execute(query)).all():
        photo_id = photos.get(profile.user_id)
        found[profile.user_id] = PersonOut(
            user_id=profile.user_id,
            display_name=name,
            age=age_on(birth, today),
            city=profile.city,
            languages=profile.languages,
            relationship_goal=profile.relationship_goal,
            values_ranked=profile.values_ranked,
            interests=profile.interests + profile.custom_interests,
            communication_style=profile.communication_style,
            love_language=profile.love_language,
            life_goals=profile.life_goals,
            answers=profile.answers or {},
            photo_url=f"/api/v1/photos/{photo_id}?variant=blurred" if photo_id else None,
            verified=verified_at is not None,
            verified_requests_only=verified_only,
        )
    return found


def match_out(match: DailyMatch, person: PersonOut) -> MatchOut:
    return MatchOut(
        id=match.id,
        day=match.day,
        rank=match.rank,
        score=match.score,
        label=match.label,
        label_text=_(explain.QUALITY_LABELS.get(match.label, match.label)),
        explanation=explain.explanation(match.label, match.breakdown, match.factors),
        breakdown=[
            ComponentOut(name=name, label=_(explain.COMPONENT_LABELS.get(name, name)), value=value)
            for name, value in sorted(match.breakdown.items(), key=lambda kv: -kv[1])
        ],
        factors=[
            FactorOut(
                kind=f["kind"],
                key=f["key"],
                label=explain.factor_label(f["kind"], f["key"]),
                sentence=explain.factor_sentence(f),
            )
            for f in match.factors
        ],
        distance=match.distance_bucket,
        distance_text=explain.distance_label(match.distance_bucket),
        outcome=match.outcome,
        model_version=match.model_version,
        person=person,
    )
