"""Two years without a visit: one warning a month before, then the account is
anonymized like a deletion (never staff, never someone who came back)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import httpx
from sqlalchemy import update

from dinner1.accounts.models import User
from dinner1.db.types import utcnow
from dinner1.locale import service as i18n
from dinner1.privacy import emails, erasure, tasks
from dinner1.runtime import Runtime
from tests.fixtures.factories import create_user, login, outbox_for
from tests.privacy.people import HER_ANSWERS, database_text, soul_member

DAY = timedelta(days=1)


async def last_seen(runtime: Runtime, user_id: uuid.UUID, when: datetime) -> None:
    async with runtime.db.unit_of_work() as session:
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .values(last_active_at=when, last_login_at=when, created_at=when - 30 * DAY)
        )


async def user_row(runtime: Runtime, user_id: uuid.UUID) -> User:
    async with runtime.db.sessionmaker() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user


async def warnings_to(runtime: Runtime, address: str) -> int:
    return len(
        [m for m in await outbox_for(runtime, address) if m.kind == emails.INACTIVITY_WARNING]
    )


async def test_warned_a_month_before_then_anonymized(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    assert runtime.settings.privacy.inactivity_anonymize_days == 730
    now = utcnow()
    nearly = await soul_member(client, runtime, "Hafsa Tazi", HER_ANSWERS)
    recent = await create_user(runtime, display_name="Recent Visitor")
    admin = await create_user(runtime, role="admin", display_name="Old Admin")
    await last_seen(runtime, nearly.id, now - 710 * DAY)
    await last_seen(runtime, recent.id, now - 600 * DAY)
    await last_seen(runtime, admin.id, now - 2000 * DAY)

    assert await tasks.anonymize_inactive(runtime, now) == 0
    [warning] = [
        m for m in await outbox_for(runtime, nearly.email) if m.kind == emails.INACTIVITY_WARNING
    ]
    assert "Hafsa Tazi" in warning.text_body
    # Two years after the last visit is 20 days away, but a warning gives a full month.
    when = i18n.format_date((now + 30 * DAY).date(), "long", "en")
    assert when in warning.text_body, warning.text_body
    assert await warnings_to(runtime, recent.email) == 0
    assert await warnings_to(runtime, admin.email) == 0

    # The next night: no second warning.
    assert await tasks.anonymize_inactive(runtime, now + DAY) == 0
    assert await warnings_to(runtime, nearly.email) == 1
    assert await tasks.anonymize_inactive(runtime, now + 29 * DAY) == 0
    # Past two years, and warned a month ago, without coming back: anonymized.
    later = now + 30 * DAY
    assert await tasks.anonymize_inactive(runtime, later) == 1
    row = await user_row(runtime, nearly.id)
    assert row.anonymized_at == later and row.display_name == erasure.TOMBSTONE_NAME
    text = await database_text(runtime)
    for secret in nearly.secrets():
        assert secret.lower() not in text, secret
    assert (await user_row(runtime, recent.id)).anonymized_at is None
    assert (await user_row(runtime, admin.id)).anonymized_at is None


async def test_nobody_is_anonymized_without_a_warning_a_month_before(
    runtime: Runtime,
) -> None:
    """Already past two years when first found (the job did not run, or the rule is new)."""
    now = utcnow()
    member = await create_user(runtime, display_name="Long Gone")
    await last_seen(runtime, member.id, now - 1000 * DAY)
    assert await tasks.anonymize_inactive(runtime, now) == 0
    assert await warnings_to(runtime, member.email) == 1
    [warning] = [
        m for m in await outbox_for(runtime, member.email) if m.kind == emails.INACTIVITY_WARNING
    ]
    assert i18n.format_date((now + 30 * DAY).date(), "long", "en") in warning.text_body
    assert await tasks.anonymize_inactive(runtime, now + 29 * DAY) == 0
    assert (await user_row(runtime, member.id)).anonymized_at is None
    assert await tasks.anonymize_inactive(runtime, now + 30 * DAY) == 1
    assert (await user_row(runtime, member.id)).anonymized_at is not None
    assert await warnings_to(runtime, member.email) == 0  # erased with the rest


async def test_coming_back_after_the_warning_keeps_the_account(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    now = utcnow()
    member = await create_user(runtime, display_name="Returning Member")
    await last_seen(runtime, member.id, now - 710 * DAY)
    await tasks.anonymize_inactive(runtime, now)
    assert await warnings_to(runtime, member.email) == 1

    await login(client, member.email)  # the member comes back today
    assert await tasks.anonymize_inactive(runtime, now + 30 * DAY) == 0
    row = await user_row(runtime, member.id)
    assert row.anonymized_at is None and row.is_active
    # Warned again only when they near the limit again, two years on.
    assert await tasks.anonymize_inactive(runtime, now + 700 * DAY) == 0
    assert await warnings_to(runtime, member.email) == 1
    assert await tasks.anonymize_inactive(runtime, now + 710 * DAY) == 0
    assert await warnings_to(runtime, member.email) == 2
