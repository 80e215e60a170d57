"""A member's standing on each request: barred by moderators or not, and when last active.

Activity is kept coarse (at most one write per member per day) because it only drives
anonymization after long inactivity; it never reveals "online now" to anyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from dinner1.accounts.models import User, barred_until
from dinner1.core.errors import AccountBanned, AccountSuspended
from dinner1.db.types import utcnow

if TYPE_CHECKING:
    from dinner1.runtime import Runtime

ACTIVITY_RESOLUTION = timedelta(hours=20)
_recently_noted: dict[uuid.UUID, datetime] = {}


def refuse_if_barred(banned_at: datetime | None, suspended_until: datetime | None) -> None:
    """A banned or suspended member is told so (after a correct password, never before)."""
    if banned_at is not None:
        raise AccountBanned()
    if suspended_until is None:
        return
    until = barred_until(None, suspended_until, utcnow())
    if until is not None:
        raise AccountSuspended(
            f"Your account is suspended until {until.isoformat(timespec='minutes')}.",
            until=until.isoformat(),
        )


async def note_activity(runtime: Runtime, row: Mapping[str, Any]) -> None:
    """Record that the member is active, once a day at most (one short write)."""
    now = utcnow()
    last = row["last_active_at"]
    if last is not None and now - last < ACTIVITY_RESOLUTION:
        return
    user_id: uuid.UUID = row["id"]
    noted = _recently_noted.get(user_id)
    if noted is not None and now - noted < ACTIVITY_RESOLUTION:
        return
    if len(_recently_noted) > 100_000:
        _recently_noted.clear()
    _recently_noted[user_id] = now
    async with runtime.db.unit_of_work() as session:
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .values(last_active_at=now)
            .execution_options(synchronize_session=False)
        )
