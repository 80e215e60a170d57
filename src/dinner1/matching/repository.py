"""SQL for matching: the members a member may be shown (hard filters, both ways) and
their traits, read in one query."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from dinner1.accounts.models import User
from dinner1.core.geo import bounding_box
from dinner1.db.types import utcnow
from dinner1.matching.embeddings import from_bytes
from dinner1.matching.features import SoulTraits, years_before
from dinner1.matching.models import DailyMatch
from dinner1.profiles.models import Profile, SoulEmbedding
from dinner1.profiles.service import DEALBREAKER_BITS
from dinner1.safety.blocks import not_blocked_between

_ORDINAL = {
    "rhythm": ("early", "flexible", "late"),
    "social": ("homebody", "balanced", "outgoing"),
    "activity": ("calm", "active", "very_active"),
    "tidiness": ("relaxed", "tidy", "meticulous"),
    "spending": ("saver", "balanced", "spender"),
}


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# Read as plain rows, not ORM objects: matching loads hundreds of members per request.
_TRAIT_COLUMNS = (
    Profile.user_id,
    Profile.gender_bit,
    Profile.seeking_mask,
    Profile.age_min,
    Profile.age_max,
    Profile.max_distance_km,
    Profile.cell_lat,
    Profile.cell_lon,
    Profile.relationship_goal,
    Profile.values_ranked,
    Profile.interests,
    Profile.custom_interests,
    Profile.communication_style,
    Profile.love_language,
    Profile.lifestyle,
    Profile.life_goals,
    Profile.languages,
    Profile.religion,
    Profile.religion_importance,
    Profile.smoking,
    Profile.drinking,
    Profile.has_children,
    Profile.wants_children,
    Profile.dealbreakers,
    User.date_of_birth,
    SoulEmbedding.vector,
)


def _traits_query(tenant_id: Any, now: Any = None) -> Select[Any]:
    """Traits of a tenant's members who may be proposed (`tenant_id` and `now` are values
    or bound parameters)."""
    return (
        select(*_TRAIT_COLUMNS)
        .join(User, User.id == Profile.user_id)
        .outerjoin(
            SoulEmbedding,
            (SoulEmbedding.tenant_id == Profile.tenant_id)
            & (SoulEmbedding.user_id == Profile.user_id),
        )
        .where(
            Profile.tenant_id == tenant_id,
            User.is_active.is_(True),
            # Moderation: banned and suspended members are proposed to no one.
            User.banned_at.is_(None),
            or_(
                User.suspended_until.is_(None),
                User.suspended_until <= (utcnow() if now is None else now),
            ),
        )
    )


def to_traits(row: Any, today: date) -> SoulTraits:
    lifestyle = tuple(
        (q, _ORDINAL[q].index(a))
        for q, a in sorted((row.lifestyle or {}).items())
        if q in _ORDINAL and a in _ORDINAL[q]
    )
    return SoulTraits(
        id=row.user_id,
        age=age_on(row.date_of_birth, today),
        gender_bit=row.gender_bit,
        seeking_mask=row.seeking_mask,
        age_min=row.age_min,
        age_max=row.age_max,
        max_distance_km=row.max_distance_km,
        cell_lat=row.cell_lat or 0.0,
        cell_lon=row.cell_lon or 0.0,
        relationship_goal=row.relationship_goal,
        values_ranked=tuple(row.values_ranked or ()),
        interests=frozenset((row.interests or []) + (row.custom_interests or [])),
        communication_style=row.communication_style,
        love_language=row.love_language,
        lifestyle=lifestyle,
        life_goals=frozenset(row.life_goals or ()),
        languages=frozenset(row.languages or ()),
        religion=row.religion,
        religion_importance=row.religion_importance,
        smoking=row.smoking,
        drinking=row.drinking,
        has_children=row.has_children,
        wants_children=row.wants_children,
        dealbreakers=frozenset(row.dealbreakers or ()),
        embedding=from_bytes(row.vector) if row.vector else None,
        born=row.date_of_birth,
    )


_NOW = bindparam("now", type_=User.suspended_until.type)


@cache
def _traits_by_id(discoverable_only: bool) -> Select[Any]:
    """The traits of a list of members, built once (hot path: twice per generation) with
    the tenant, the moment and the ids bound at execution."""
    query = _traits_query(bindparam("tenant_id", type_=Profile.tenant_id.type), now=_NOW).where(
        Profile.user_id.in_(bindparam("user_ids", expanding=True))
    )
    return query.where(Profile.discoverable.is_(True)) if discoverable_only else query


async def _traits_of(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    user_ids: Sequence[uuid.UUID],
    today: date,
    *,
    discoverable_only: bool,
) -> dict[uuid.UUID, SoulTraits]:
    if not user_ids:
        return {}
    query = _traits_by_id(discoverable_only)
    params = {"tenant_id": tenant_id, "now": utcnow(), "user_ids": list(user_ids)}
    rows = (await session.execute(query, params)).all()
    return {row.user_id: to_traits(row, today) for row in rows}


async def load_traits(
    session: AsyncSession, tenant_id: uuid.UUID, user_ids: Sequence[uuid.UUID], today: date
) -> dict[uuid.UUID, SoulTraits]:
    return await _traits_of(session, tenant_id, user_ids, today, discoverable_only=False)


async def discoverable_among(
    session: AsyncSession, tenant_id: uuid.UUID, today: date, among: Sequence[uuid.UUID]
) -> dict[uuid.UUID, SoulTraits]:
    """The traits of those of `among` who may be shown today (discoverable, active, not
    banned or suspended), read fresh, in one query."""
    return await _traits_of(session, tenant_id, among, today, discoverable_only=True)


async def changed_since(
    session: AsyncSession, tenant_id: uuid.UUID, since: datetime
) -> dict[uuid.UUID, datetime]:
    """Members whose profile or account (ban, suspension, reactivation, birth date)
    changed after `since`, and when last: the retrieval index catches up on them."""
    changed: dict[uuid.UUID, datetime] = {}
    for user_column, at_column in (
        (Profile.user_id, Profile.updated_at),
        (User.id, User.updated_at),
    ):
        table = at_column.class_
        query = select(user_column, at_column).where(
            table.tenant_id == tenant_id, at_column > since
        )
        for user_id, at in (await session.execute(query)).all():
            if user_id not in changed or at > changed[user_id]:
                changed[user_id] = at
    return changed


async def discoverable_traits(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    today: date,
    among: Sequence[uuid.UUID] | None = None,
) -> list[SoulTraits]:
    query = _traits_query(tenant_id).where(Profile.discoverable.is_(True))
    if among is not None:
        query = query.where(Profile.user_id.in_(list(among)))
    return [to_traits(row, today) for row in (await session.execute(query)).all()]


def hard_filters(me: SoulTraits, today: date) -> list[ColumnElement[bool]]:
    """Both directions of every dealbreaker that SQL can check (distance is boxed here
    and checked exactly afterwards)."""
    p = Profile
    min_lat, max_lat, min_lon, max_lon = bounding_box(me.cell_lat, me.cell_lon, me.max_distance_km)
    seeking = [bit for bit in (1, 2, 4) if me.seeking_mask & bit]
    rules: list[ColumnElement[bool]] = [
        p.discoverable.is_(True),
        p.user_id != me.id,
        p.gender_bit.in_(seeking),
        p.seeking_mask.op("&")(me.gender_bit) != 0,
        User.date_of_birth > years_before(today, me.age_max + 1),
        User.date_of_birth <= years_before(today, me.age_min),
        p.age_min <= me.age,
        p.age_max >= me.age,
        p.cell_lat.between(min_lat, max_lat),
        p.cell_lon.between(min_lon, max_lon),
    ]
    if me.religion_importance >= 3 and me.religion:
        rules.append(p.religion == me.religion)
    if me.religion:
        rules.append(or_(p.religion_importance < 3, p.religion == me.religion))
    if me.wants_children in ("wants", "does_not_want"):
        opposite = "does_not_want" if me.wants_children == "wants" else "wants"
        rules.append(p.wants_children != opposite)
    rules.extend(_dealbreaker_rules(me))
    return rules


def _dealbreaker_rules(me: SoulTraits) -> list[ColumnElement[bool]]:
    p = Profile
    rules: list[ColumnElement[bool]] = []
    if "smoker" in me.dealbreakers:
        rules.append(p.smoking == "never")
    if "drinker" in me.dealbreakers:
        rules.append(p.drinking == "never")
    if "has_children" in me.dealbreakers:
        rules.append(p.has_children != "yes")
    mine = (
        ("smoker", me.smoking in ("sometimes", "often")),
        ("drinker", me.drinking in ("socially", "often")),
        ("has_children", me.has_children == "yes"),
    )
    for name, applies in mine:
        if applies:
            rules.append(p.dealbreaker_mask.op("&")(DEALBREAKER_BITS[name]) == 0)
    return rules


async def eligible_candidates(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    me: SoulTraits,
    today: date,
    *,
    excluded: set[uuid.UUID] | None = None,
    limit: int = 5000,
) -> list[uuid.UUID]:
    """Everyone passing the hard filters with `me`, both ways (small communities)."""
    query = (
        select(Profile.user_id)
        .join(User, User.id == Profile.user_id)
        .where(
            Profile.tenant_id == tenant_id,
            User.is_active.is_(True),
            *hard_filters(me, today),
            not_blocked_between(tenant_id, me.id, Profile.user_id),
        )
    )
    ids = [row[0] for row in (await session.execute(query.limit(limit))).all()]
    return [i for i in ids if not excluded or i not in excluded]


async def recently_shown_or_passed(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, today: date, days: int = 14
) -> set[uuid.UUID]:
    """Not shown again: anyone passed on, and anyone proposed in the last two weeks."""
    query = select(DailyMatch.candidate_id).where(
        DailyMatch.tenant_id == tenant_id,
        DailyMatch.user_id == user_id,
        or_(DailyMatch.outcome == "pass", DailyMatch.day > today - timedelta(days=days)),
    )
    return {row[0] for row in (await session.execute(query)).all()}


async def matches_for_day(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, day: date
) -> list[DailyMatch]:
    query = (
        select(DailyMatch)
        .where(
            DailyMatch.tenant_id == tenant_id,
            DailyMatch.user_id == user_id,
            DailyMatch.day == day,
            # A block made after the matches were generated hides them at once.
            not_blocked_between(tenant_id, user_id, DailyMatch.candidate_id),
        )
        .order_by(DailyMatch.rank)
    )
    return list((await session.execute(query)).scalars())


async def get_match(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, match_id: uuid.UUID
) -> DailyMatch | None:
    query = select(DailyMatch).where(
        DailyMatch.tenant_id == tenant_id,
        DailyMatch.user_id == user_id,
        DailyMatch.id == match_id,
        not_blocked_between(tenant_id, user_id, DailyMatch.candidate_id),
    )
    return (await session.execute(query)).scalar_one_or_none()


async def interests_since(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, since: datetime
) -> list[datetime]:
    """When the member said "interested", oldest first (safety reads initiation velocity)."""
    query = (
        select(DailyMatch.outcome_at)
        .where(
            DailyMatch.tenant_id == tenant_id,
            DailyMatch.user_id == user_id,
            DailyMatch.outcome == "interested",
            DailyMatch.outcome_at >= since,
        )
        .order_by(DailyMatch.outcome_at)
    )
    return [at for (at,) in (await session.execute(query)).all() if at is not None]


async def proposals_since(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, since: date
) -> int:
    query = select(func.count()).where(
        DailyMatch.tenant_id == tenant_id, DailyMatch.user_id == user_id, DailyMatch.day >= since
    )
    return int((await session.scalar(query)) or 0)


async def were_proposed(
    session: AsyncSession, tenant_id: uuid.UUID, a: uuid.UUID, b: uuid.UUID
) -> bool:
    """Whether either member was ever shown the other (blocks aside: a member may report
    someone they blocked)."""
    query = (
        select(DailyMatch.id)
        .where(
            DailyMatch.tenant_id == tenant_id,
            or_(
                (DailyMatch.user_id == a) & (DailyMatch.candidate_id == b),
                (DailyMatch.user_id == b) & (DailyMatch.candidate_id == a),
            ),
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None
