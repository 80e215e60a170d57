"""A venue's auto-posting rules (ordered, owner or manager) and the log of what they did.

Rules are tried in `position` order (0 first); positions stay 0…n−1 after every change.
The scheduled job (`deals.tasks`) reads the active rules and writes the log.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.auth import Principal
from dinner1.core.errors import Conflict, NotFound, ValidationFailed
from dinner1.deals.autopost import AutoPostRule
from dinner1.deals.autopost_schemas import AutoPostSettingIn
from dinner1.deals.models import AutoPostRun, AutoPostSetting
from dinner1.locale.service import gettext as _
from dinner1.venues.models import Venue
from dinner1.venues.service import access_venue

MAX_RULES = 10
RUNS_PAGE = 50
# What makes two rules the same rule (the rest only shapes the posted slot).
IDENTITY = ("below_occupancy", "lead_hours", "discount_percent", "use_recommendation")


def rule_of(setting: AutoPostSetting) -> AutoPostRule:
    return AutoPostRule(
        below_occupancy=setting.below_occupancy,
        lead_hours=setting.lead_hours,
        discount_percent=setting.discount_percent,
        max_discount_percent=setting.max_discount_percent,
        use_recommendation=setting.use_recommendation,
        min_empty_seats=setting.min_empty_seats,
    )


async def _ordered(session: AsyncSession, venue_id: uuid.UUID) -> list[AutoPostSetting]:
    query = (
        select(AutoPostSetting)
        .where(AutoPostSetting.venue_id == venue_id)
        .order_by(AutoPostSetting.position, AutoPostSetting.created_at)
    )
    return list((await session.execute(query)).scalars())


def _renumber(settings: Sequence[AutoPostSetting]) -> None:
    for index, setting in enumerate(settings):
        setting.position = index


def _placed(
    settings: list[AutoPostSetting], setting: AutoPostSetting, position: int | None
) -> list[AutoPostSetting]:
    others = [s for s in settings if s is not setting]
    index = len(others) if position is None else min(position, len(others))
    return [*others[:index], setting, *others[index:]]


def _check_setting(
    venue: Venue,
    data: AutoPostSettingIn,
    settings: Sequence[AutoPostSetting],
    editing: AutoPostSetting | None = None,
) -> None:
    """A rule must fit the venue and differ from its other rules."""
    if data.seats > venue.capacity:
        message = _("The venue seats %(capacity)s; a posted slot can offer at most that many.") % {
            "capacity": venue.capacity
        }
        raise ValidationFailed(
            message, errors=[{"loc": ["body", "seats"], "msg": message, "type": "value_error"}]
        )
    for other in settings:
        if other is not editing and all(
            getattr(other, name) == getattr(data, name) for name in IDENTITY
        ):
            raise Conflict(
                _("An identical rule already exists (rule %(number)s).")
                % {"number": other.position + 1}
            )


async def list_settings(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID
) -> list[AutoPostSetting]:
    venue = await access_venue(session, principal, venue_id, "manager")
    return await _ordered(session, venue.id)


async def create_setting(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, data: AutoPostSettingIn
) -> AutoPostSetting:
    venue = await access_venue(session, principal, venue_id, "manager")
    settings = await _ordered(session, venue.id)
    if len(settings) >= MAX_RULES:
        raise Conflict(
            _("A venue has at most %(count)s auto-posting rules.") % {"count": MAX_RULES}
        )
    _check_setting(venue, data, settings)
    setting = AutoPostSetting(tenant_id=venue.tenant_id, venue_id=venue.id)
    _apply(setting, data)
    session.add(setting)
    _renumber(_placed(settings, setting, data.position))
    await session.flush()
    return setting


def _apply(setting: AutoPostSetting, data: AutoPostSettingIn) -> None:
    for name, value in data.model_dump(exclude={"position"}).items():
        setattr(setting, name, value)


async def _venue_setting(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, setting_id: uuid.UUID
) -> tuple[Venue, list[AutoPostSetting], AutoPostSetting]:
    venue = await access_venue(session, principal, venue_id, "manager")
    settings = await _ordered(session, venue.id)
    found = next((s for s in settings if s.id == setting_id), None)
    if found is None:
        raise NotFound(_("No such auto-posting rule."))
    return venue, settings, found


async def update_setting(
    session: AsyncSession,
    principal: Principal,
    venue_id: uuid.UUID,
    setting_id: uuid.UUID,
    data: AutoPostSettingIn,
) -> AutoPostSetting:
    venue, settings, setting = await _venue_setting(session, principal, venue_id, setting_id)
    _check_setting(venue, data, settings, editing=setting)
    _apply(setting, data)
    position = setting.position if data.position is None else data.position
    _renumber(_placed(settings, setting, position))
    await session.flush()
    return setting


async def set_setting_active(
    session: AsyncSession,
    principal: Principal,
    venue_id: uuid.UUID,
    setting_id: uuid.UUID,
    active: bool,
) -> AutoPostSetting:
    """Pause a rule (the job skips it, it keeps its place) or resume it."""
    _venue, _settings, setting = await _venue_setting(session, principal, venue_id, setting_id)
    setting.active = active
    await session.flush()
    return setting


async def delete_setting(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, setting_id: uuid.UUID
) -> None:
    _venue, settings, setting = await _venue_setting(session, principal, venue_id, setting_id)
    await session.delete(setting)
    _renumber([s for s in settings if s is not setting])
    await session.flush()


async def reorder_settings(
    session: AsyncSession, principal: Principal, venue_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[AutoPostSetting]:
    """Put the rules in the order given; every rule of the venue must be named once."""
    venue = await access_venue(session, principal, venue_id, "manager")
    settings = await _ordered(session, venue.id)
    by_id = {setting.id: setting for setting in settings}
    if len(ids) != len(set(ids)) or set(ids) != set(by_id):
        raise Conflict(_("Name every rule of this venue exactly once; reload to see them all."))
    ordered = [by_id[setting_id] for setting_id in ids]
    _renumber(ordered)
    await session.flush()
    return ordered


async def move_setting(
    session: AsyncSession,
    principal: Principal,
    venue_id: uuid.UUID,
    setting_id: uuid.UUID,
    offset: int,
) -> None:
    """Move a rule up (−1) or down (+1) the list."""
    _venue, settings, setting = await _venue_setting(session, principal, venue_id, setting_id)
    _renumber(_placed(settings, setting, max(0, setting.position + offset)))
    await session.flush()


async def list_runs(
    session: AsyncSession,
    principal: Principal,
    venue_id: uuid.UUID,
    *,
    limit: int = RUNS_PAGE,
    before: datetime | None = None,
) -> tuple[Venue, list[AutoPostRun]]:
    """The log, newest first; `before` pages back from a `created_at`."""
    venue = await access_venue(session, principal, venue_id, "manager")
    query = select(AutoPostRun).where(AutoPostRun.venue_id == venue.id)
    if before is not None:
        query = query.where(AutoPostRun.created_at < before)
    query = query.order_by(AutoPostRun.created_at.desc(), AutoPostRun.slot_starts_at).limit(limit)
    return venue, list((await session.execute(query)).scalars())


# ---- for the scheduled job (no principal: the job acts for the owner who set the rules) ---


async def venues_with_active_rules(session: AsyncSession) -> list[uuid.UUID]:
    """Approved venues (every tenant) with at least one active rule."""
    query = (
        select(Venue.id)
        .join(AutoPostSetting, AutoPostSetting.venue_id == Venue.id)
        .where(Venue.status == "approved", AutoPostSetting.active.is_(True))
        .distinct()
    )
    return sorted((await session.execute(query)).scalars())


async def active_settings(session: AsyncSession, venue_id: uuid.UUID) -> list[AutoPostSetting]:
    return [s for s in await _ordered(session, venue_id) if s.active]


async def slots_logged_since(
    session: AsyncSession, venue_id: uuid.UUID, starts: Sequence[datetime], since: datetime
) -> set[datetime]:
    """Slot starts already decided by a run from `since` on (a job run repeated in the
    same hour decides nothing twice)."""
    if not starts:
        return set()
    query = select(AutoPostRun.slot_starts_at).where(
        AutoPostRun.venue_id == venue_id,
        AutoPostRun.slot_starts_at.in_(list(starts)),
        AutoPostRun.created_at >= since,
    )
    return set((await session.execute(query)).scalars())
