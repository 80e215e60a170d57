"""Reports: members report a member, a photo, a venue or a review; other domains flag
content the classifier held. Each becomes a case for the moderators' queue.

A member can only report what they can see (anything else is "not found"), gets one open
case per subject (asking again returns it), may block in the same breath, and is told
the outcome when the case closes. Reports are rate-limited per reporter.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.auth import Principal
from dinner1.bookings.models import VenueReview
from dinner1.config import Settings
from dinner1.core.errors import RateLimited
from dinner1.core.ratelimit import RateLimiter
from dinner1.core.storage import MediaStorage
from dinner1.core.text import N_
from dinner1.locale.service import gettext as _
from dinner1.safety import blocks, cases, repository, risk
from dinner1.safety.categories import category_for_labels
from dinner1.safety.models import Report
from dinner1.safety.schemas import ReportIn, ReportOut
from dinner1.safety.subjects import SubjectContext, handlers_for, review_evidence
from dinner1.venues import service as venues

REPORTS_PER_HOUR = 10


async def check_report_rate(limiter: RateLimiter, reporter: Principal) -> None:
    try:
        await limiter.check(
            "report", f"{reporter.tenant_id}:{reporter.user_id}", REPORTS_PER_HOUR, 3600
        )
    except RateLimited as exc:
        raise RateLimited(
            int(exc.extra["retry_after"]),
            _(
                "You sent many reports in the last hour. Our moderators have them; you can "
                "report again later. If someone is in danger, call the emergency services."
            ),
        ) from exc


async def file_report(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    media: MediaStorage,
    reporter: Principal,
    data: ReportIn,
) -> Report:
    """A member reports something they saw; returns the case (their open one on the same
    subject if they already reported it, escalated when the new category is more serious)."""
    handlers = handlers_for(data.subject_type)
    await check_report_rate(limiter, reporter)
    existing = await repository.open_case_about(
        session,
        reporter.tenant_id,
        subject_type=data.subject_type,
        subject_id=data.subject_id,
        reporter_id=reporter.user_id,
    )
    context = SubjectContext(session, media, reporter.tenant_id, reporter.user_id)
    subject = await handlers.resolve(context, data.subject_id) if existing is None else None
    report = existing or await cases.open_case(
        session,
        settings,
        tenant_id=reporter.tenant_id,
        subject_type=data.subject_type,
        subject_id=data.subject_id,
        subject_user_id=subject.user_id if subject else None,
        category=data.category,
        reporter_id=reporter.user_id,
        details=data.details,
        evidence=subject.evidence if subject else None,
    )
    escalated = existing is not None and await cases.escalate_case(
        session, settings, existing, data.category, data.details
    )
    if data.block and report.subject_user_id not in (None, reporter.user_id):
        assert report.subject_user_id is not None
        await blocks.block(session, reporter.tenant_id, reporter.user_id, report.subject_user_id)
    if (existing is None or escalated) and report.subject_user_id is not None:
        await risk.recompute(session, settings, reporter.tenant_id, report.subject_user_id)
    return report


async def flag_content(
    session: AsyncSession,
    settings: Settings,
    *,
    tenant_id: uuid.UUID,
    subject_type: str,
    subject_id: uuid.UUID,
    subject_user_id: uuid.UUID | None,
    labels: tuple[str, ...] | list[str] = (),
    category: str | None = None,
    evidence: dict[str, Any] | None = None,
) -> Report:
    """A system case for content the classifier held or escalated (other domains call this:
    held reviews now, messages later). One open system case per subject and category."""
    chosen = category or category_for_labels(labels)
    existing = await repository.open_case_about(
        session,
        tenant_id,
        subject_type=subject_type,
        subject_id=subject_id,
        reporter_id=None,
        category=chosen,
    )
    if existing is not None:
        return existing
    report = await cases.open_case(
        session,
        settings,
        tenant_id=tenant_id,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_user_id=subject_user_id,
        category=chosen,
        evidence={**(evidence or {}), "labels": [str(label) for label in labels]},
    )
    if subject_user_id is not None and chosen != "crisis":
        await risk.recompute(session, settings, tenant_id, subject_user_id)
    return report


async def flag_held_review(
    session: AsyncSession, settings: Settings, review: VenueReview, labels: tuple[str, ...]
) -> Report:
    """Bookings held a review the classifier blocked: it waits for a moderator."""
    venue = (await venues.venues_by_id(session, [review.venue_id])).get(review.venue_id)
    return await flag_content(
        session,
        settings,
        tenant_id=review.tenant_id,
        subject_type="review",
        subject_id=review.id,
        subject_user_id=review.member_id,
        labels=labels,
        evidence=review_evidence(review.text, review.rating, venue.name if venue else ""),
    )


async def my_reports(session: AsyncSession, reporter: Principal, limit: int = 50) -> list[Report]:
    """The reporter's own cases, newest first, with their outcome."""
    return await repository.reports_by(session, reporter.tenant_id, reporter.user_id, limit)


STATUS_TEXTS = {
    "open": N_("Waiting for a moderator"),
    "in_review": N_("A moderator is looking at it"),
    "dismissed": N_("Reviewed: no breach of our rules was found"),
    "actioned": N_("Reviewed: our moderators took action"),
}


def report_out(report: Report) -> ReportOut:
    """A case as its reporter sees it (whether action was taken, never which)."""
    return ReportOut(
        id=report.id,
        subject_type=report.subject_type,
        category=report.category,
        status=report.status,
        outcome="dismissed"
        if report.status == "dismissed"
        else ("actioned" if report.status == "actioned" else None),
        outcome_text=_(STATUS_TEXTS.get(report.status, STATUS_TEXTS["open"])),
        created_at=report.created_at,
        resolved_at=report.resolved_at,
    )
