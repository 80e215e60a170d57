"""The demo's privacy choices and moderation queue: most members allow semantic matching
(some decline, as people do), and a few reports wait in the moderators' console."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.models import User
from dinner1.config import Settings
from dinner1.privacy.consents import Purpose, record_changes
from dinner1.safety import cases

# Share of demo members who say yes to each purpose.
CONSENT_RATES = {
    Purpose.SEMANTIC_MATCHING: 0.85,
    Purpose.ANALYTICS: 0.6,
    Purpose.MARKETING_EMAIL: 0.3,
}

# (category, details, minutes ago): an old harassment case, a scam, a fresh threat.
DEMO_CASES = (
    ("harassment", "Keeps writing after I said no, several times a day.", 600),
    ("scam", "Asked me to send money for a taxi before we even met.", 180),
    ("threats", "Said he knows where I work and will wait for me.", 20),
    ("fake_profile", "The photos are of a well-known actress.", 2900),
)


async def grant_demo_consents(
    session: AsyncSession, tenant_id: uuid.UUID, members: list[User], seed: int, now: datetime
) -> int:
    rng = random.Random(seed * 7 + 1)  # noqa: S311 - reproducible demo data, not security
    granted = 0
    for member in members:
        wanted = {purpose: rng.random() < rate for purpose, rate in CONSENT_RATES.items()}
        await record_changes(session, tenant_id, member.id, wanted, source="signup", now=now)
        granted += wanted[Purpose.SEMANTIC_MATCHING]
    return granted


async def open_demo_cases(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    members: list[User],
    seed: int,
    now: datetime,
) -> int:
    rng = random.Random(seed * 11 + 3)  # noqa: S311 - reproducible demo data
    opened = 0
    for category, details, minutes_ago in DEMO_CASES:
        reporter, subject = rng.sample(members, 2)
        report = await cases.open_case(
            session,
            settings,
            tenant_id=tenant_id,
            subject_type="member",
            subject_id=subject.id,
            subject_user_id=subject.id,
            category=category,
            reporter_id=reporter.id,
            details=details,
        )
        report.created_at = now - timedelta(minutes=minutes_ago)
        report.due_at -= timedelta(minutes=minutes_ago)
        opened += 1
    await session.flush()
    return opened
