"""The fraud / fake-profile risk score: explainable signals added up, stored, acted on.

The score is the sum of the signals' weights (at most 1), so a moderator reads exactly
why it is what it is. At `risk_review_at` the member shows in the console's risk list; at
`risk_throttle_at` the account is throttled (one "interested" a day, see `gates`) and a
system "fake_profile" case is opened. A moderator may clear the risk: the member is
throttled again only by evidence newer than the clearing (a report, a failed code).
Recomputed on events (a report received, a failed verification) and nightly by the job
`safety.recompute_risk`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import repository as accounts
from dinner1.accounts.auth import Principal
from dinner1.accounts.models import Role
from dinner1.config import SafetySettings, Settings
from dinner1.core.errors import NotFound
from dinner1.db.types import utcnow
from dinner1.locale.service import gettext as _
from dinner1.safety import cases, repository
from dinner1.safety.audit import record_action
from dinner1.safety.models import RiskAssessment
from dinner1.safety.risk_signals import Signal, collect


def level_of(score: float, rules: SafetySettings) -> str:
    if score >= rules.risk_throttle_at:
        return "high"
    return "medium" if score >= rules.risk_review_at else "low"


def _newer_than(signals: list[Signal], moment: datetime | None) -> bool:
    return moment is None or any(s.at is not None and s.at > moment for s in signals)


async def _assessment(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> RiskAssessment:
    found = await repository.get_risk(session, tenant_id, user_id)
    if found is not None:
        return found
    try:
        async with session.begin_nested():
            created = RiskAssessment(tenant_id=tenant_id, user_id=user_id, signals=[])
            session.add(created)
        return created
    except IntegrityError:  # scored at the same moment by another request
        again = await repository.get_risk(session, tenant_id, user_id)
        assert again is not None
        return again


async def recompute(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> RiskAssessment | None:
    """Score a member again; throttle and open a case when it turns high."""
    user = await accounts.get_user(session, tenant_id, user_id)
    if user is None or user.role != Role.MEMBER or user.banned_at is not None:
        return None
    rules = settings.safety
    signals = await collect(session, user, rules.phone_code_attempts)
    assessment = await _assessment(session, tenant_id, user_id)
    was_throttled = assessment.throttled
    assessment.score = round(min(1.0, sum(s.weight for s in signals)), 3)
    assessment.level = level_of(assessment.score, rules)
    assessment.signals = [s.to_json() for s in signals]
    assessment.throttled = assessment.level == "high" and _newer_than(
        signals, assessment.reviewed_at
    )
    assessment.updated_at = utcnow()
    await session.flush()
    if assessment.throttled and not was_throttled:
        await _queue_for_review(session, settings, assessment)
    return assessment


async def _queue_for_review(
    session: AsyncSession, settings: Settings, assessment: RiskAssessment
) -> None:
    existing = await repository.open_case_about(
        session,
        assessment.tenant_id,
        subject_type="member",
        subject_id=assessment.user_id,
        reporter_id=None,
        category="fake_profile",
    )
    if existing is not None:
        return
    await cases.open_case(
        session,
        settings,
        tenant_id=assessment.tenant_id,
        subject_type="member",
        subject_id=assessment.user_id,
        subject_user_id=assessment.user_id,
        category="fake_profile",
        evidence={"risk_score": assessment.score, "signals": assessment.signals},
    )


async def clear(
    session: AsyncSession, staff: Principal, user_id: uuid.UUID, reason: str | None
) -> RiskAssessment:
    """A moderator reviewed the member: the throttle is lifted until new evidence comes."""
    assessment = await repository.get_risk(session, staff.tenant_id, user_id)
    if assessment is None:
        raise NotFound(_("This member has no risk assessment."))
    assessment.throttled = False
    assessment.reviewed_at = utcnow()
    await record_action(session, staff, "clear_risk", target_user_id=user_id, reason=reason)
    await session.flush()
    return assessment
