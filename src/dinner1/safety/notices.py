"""The emails trust & safety sends, each in its recipient's language.

None of them quotes the reported content: an alert names the category and the link to
the case, an outcome tells the reporter whether action was taken, never which.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.models import User
from dinner1.config import Settings
from dinner1.core.text import N_
from dinner1.locale import service as i18n
from dinner1.mail import service as mail
from dinner1.safety.categories import CATEGORY_LABELS, SUBJECT_LABELS
from dinner1.safety.models import Report
from dinner1.tenants.models import Tenant

ALERT_SUBJECT = N_("Urgent case waiting: %(category)s")
ALERT_BODY = N_(
    "A case of severity %(severity)s (%(category)s) was just opened on %(brand)s. "
    "It should be handled within %(minutes)s minutes.\n\nOpen it in the console: %(link)s"
)
OUTCOME_SUBJECT = N_("Your report to %(brand)s was reviewed")
OUTCOME_ACTIONED = N_(
    "Hello %(name)s,\n\nThank you for reporting a %(subject)s (%(category)s). Our moderators "
    "reviewed it and took action under our community rules. To protect everyone's privacy "
    "we do not share the details.\n\nThe %(brand)s team"
)
OUTCOME_DISMISSED = N_(
    "Hello %(name)s,\n\nThank you for reporting a %(subject)s (%(category)s). Our moderators "
    "reviewed it and did not find a breach of our community rules this time. If anything "
    "else happens, report it again, or block the member: they are never told.\n\n"
    "The %(brand)s team"
)
WARNING_SUBJECT = N_("A warning from the %(brand)s moderators")
WARNING_BODY = N_(
    "Hello %(name)s,\n\nOur moderators found that something you did on %(brand)s broke our "
    "community rules (%(category)s). This is a warning: if it happens again, your account "
    "may be suspended or closed.%(note)s\n\nThe %(brand)s team"
)
SUSPENDED_SUBJECT = N_("Your %(brand)s account is suspended")
SUSPENDED_BODY = N_(
    "Hello %(name)s,\n\nOur moderators suspended your account until %(until)s because it "
    "broke our community rules (%(category)s).%(note)s\n\nThe %(brand)s team"
)
BANNED_SUBJECT = N_("Your %(brand)s account was closed")
BANNED_BODY = N_(
    "Hello %(name)s,\n\nOur moderators closed your account because it broke our community "
    "rules (%(category)s).%(note)s\n\nThe %(brand)s team"
)
VERIFY_SUBJECT = N_("Please verify your identity on %(brand)s")
VERIFY_BODY = N_(
    "Hello %(name)s,\n\nBefore you can show interest in matches or book tables again, our "
    "moderators ask you to verify your identity with a selfie: %(link)s%(note)s\n\n"
    "The %(brand)s team"
)
SELFIE_APPROVED_SUBJECT = N_("You are verified on %(brand)s")
SELFIE_APPROVED_BODY = N_(
    "Hello %(name)s,\n\nOur moderators checked your selfie: your profile now shows the "
    "verified badge.\n\nThe %(brand)s team"
)
SELFIE_REJECTED_SUBJECT = N_("Your %(brand)s verification selfie was not approved")
SELFIE_REJECTED_BODY = N_(
    "Hello %(name)s,\n\nOur moderators could not approve your selfie: %(reason)s\n\n"
    "You can try again with a new pose: %(link)s\n\nThe %(brand)s team"
)
NOTE = N_("\n\nModerator's note: %(reason)s")


def link(settings: Settings, path: str) -> str:
    """An absolute link when the public URL is configured, else the path."""
    base = (settings.http.public_url or "").rstrip("/")
    return base + path


async def _send(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    kind: str,
    subject: str,
    body: str,
    translated: dict[str, str] | None = None,
    **values: str,
) -> None:
    """Render `subject` and `body` in the recipient's language; `translated` values are
    message ids translated in that language too."""
    tenant = await session.get(Tenant, user.tenant_id)
    brand, default_locale = (tenant.name, tenant.default_locale) if tenant else ("Dinner1", "en")
    with i18n.use_locale(user.locale or default_locale):
        names = {key: i18n.gettext(message) for key, message in (translated or {}).items()}
        context = {"brand": brand, "name": user.display_name, **values, **names}
        await mail.queue_email(
            session,
            settings.mail,
            tenant_id=user.tenant_id,
            user_id=user.id,
            kind=kind,
            to_address=user.email,
            subject=i18n.gettext(subject) % context,
            text_body=i18n.gettext(body) % context,
        )


def _note(reason: str | None) -> str:
    return i18n.gettext(NOTE) % {"reason": reason} if reason else ""


async def alert_moderators(
    session: AsyncSession, settings: Settings, report: Report, staff: list[User]
) -> None:
    minutes = settings.safety.sla_minutes.get(report.severity, 0)
    for person in staff:
        await _send(
            session,
            settings,
            person,
            kind="moderation_alert",
            subject=ALERT_SUBJECT,
            body=ALERT_BODY,
            translated={"category": CATEGORY_LABELS[report.category]},
            severity=str(report.severity),
            minutes=str(minutes),
            link=link(settings, f"/console/cases/{report.id}"),
        )


async def tell_reporter(
    session: AsyncSession, settings: Settings, report: Report, reporter: User
) -> None:
    body = OUTCOME_DISMISSED if report.status == "dismissed" else OUTCOME_ACTIONED
    await _send(
        session,
        settings,
        reporter,
        kind="report_outcome",
        subject=OUTCOME_SUBJECT,
        body=body,
        translated={
            "category": CATEGORY_LABELS[report.category],
            "subject": SUBJECT_LABELS[report.subject_type],
        },
    )


async def tell_member(
    session: AsyncSession,
    settings: Settings,
    member: User,
    action: str,
    *,
    category: str,
    reason: str | None,
    until: datetime | None = None,
) -> None:
    """The member concerned by a warning, suspension, ban or verification request."""
    subject, body = {
        "warn": (WARNING_SUBJECT, WARNING_BODY),
        "suspend": (SUSPENDED_SUBJECT, SUSPENDED_BODY),
        "ban": (BANNED_SUBJECT, BANNED_BODY),
        "require_verification": (VERIFY_SUBJECT, VERIFY_BODY),
    }[action]
    tenant = await session.get(Tenant, member.tenant_id)
    with i18n.use_locale(member.locale or (tenant.default_locale if tenant else "en")):
        note = _note(reason)
        when = i18n.format_datetime(until, format="medium") if until else ""
    await _send(
        session,
        settings,
        member,
        kind=f"moderation_{action}",
        subject=subject,
        body=body,
        translated={"category": CATEGORY_LABELS.get(category, CATEGORY_LABELS["other"])},
        note=note,
        until=when,
        link=link(settings, "/verification"),
    )


async def tell_selfie_result(
    session: AsyncSession, settings: Settings, member: User, *, approved: bool, reason: str
) -> None:
    await _send(
        session,
        settings,
        member,
        kind="selfie_approved" if approved else "selfie_rejected",
        subject=SELFIE_APPROVED_SUBJECT if approved else SELFIE_REJECTED_SUBJECT,
        body=SELFIE_APPROVED_BODY if approved else SELFIE_REJECTED_BODY,
        reason=reason,
        link=link(settings, "/verification"),
    )
