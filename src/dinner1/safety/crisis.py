"""Crisis support: a member who writes crisis language sees supportive resources for their
country, in their language, and is never blocked; moderators get a crisis case (severity
4, alerted at once). `POST /api/v1/safety/check` uses this now; messaging will call
`support_writer` with the classifier's verdict on each message.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import service as accounts
from dinner1.accounts.auth import Principal
from dinner1.config import CrisisLine, Settings
from dinner1.core.text import N_
from dinner1.locale.service import gettext as _
from dinner1.safety import reports
from dinner1.safety.countries import INTERNATIONAL, member_country
from dinner1.safety.moderation import Action, ModerationResult, classify
from dinner1.safety.schemas import CheckOut, CrisisLineOut, CrisisResourcesOut

EVIDENCE_LIMIT = 2000
SUPPORT_MESSAGE = N_(
    "It sounds like you are going through something very hard. You are not alone, and "
    "you deserve support right now. If you are in danger, call one of these numbers; "
    "talking to someone can help."
)


@dataclass(frozen=True)
class Support:
    resources: CrisisResourcesOut | None
    case_id: uuid.UUID | None


def resources_for(settings: Settings, country: str) -> CrisisResourcesOut:
    """The configured lines for `country` (the international ones when none are set)."""
    lines = settings.safety.crisis_lines
    chosen = country if country in lines else INTERNATIONAL
    found: list[CrisisLine] = lines.get(chosen, [])
    return CrisisResourcesOut(
        country=chosen,
        message=_(SUPPORT_MESSAGE),
        lines=[CrisisLineOut(name=n.name, phone=n.phone, url=n.url, hours=n.hours) for n in found],
    )


async def support_writer(
    session: AsyncSession,
    settings: Settings,
    writer: Principal,
    text: str,
    verdict: ModerationResult,
    *,
    subject_type: str = "member",
    subject_id: uuid.UUID | None = None,
) -> Support:
    """When the verdict escalates: resources for the writer and a crisis case for moderators
    (one open case per writer; writing again does not alert again)."""
    if verdict.action != Action.ESCALATE:
        return Support(None, None)
    user = await accounts.load_user(session, writer.tenant_id, writer.user_id)
    resources = resources_for(settings, await member_country(session, user))
    case = await reports.flag_content(
        session,
        settings,
        tenant_id=writer.tenant_id,
        subject_type=subject_type,
        subject_id=subject_id or writer.user_id,
        subject_user_id=writer.user_id,
        labels=[str(label) for label in verdict.labels],
        category="crisis",
        evidence={"text": text[:EVIDENCE_LIMIT], "language": verdict.language},
    )
    return Support(resources, case.id)


async def check_text(
    session: AsyncSession, settings: Settings, writer: Principal, text: str
) -> CheckOut:
    """The classifier's verdict on a text, with support when it is a crisis."""
    verdict = await asyncio.to_thread(classify, text, locale=writer.locale)
    support = await support_writer(session, settings, writer, text, verdict)
    return CheckOut(
        action=verdict.action.value,
        labels=[label.value for label in verdict.labels],
        score=verdict.score,
        language=verdict.language,
        resources=support.resources,
        case_id=support.case_id,
    )
