"""What each of today's domains puts in a member's export.

Every query is bounded by the member's own id (ids are unique across tenants); every
other person goes through `context.aliases`. A new domain adds an `@exporter` in its own
module (listed in `export.EXPORTER_MODULES`) rather than growing this file.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from dinner1.accounts.models import RefreshToken, User, WebSession
from dinner1.bookings.models import Booking, LoyaltyEntry, VenueReview
from dinner1.deals.models import Deal
from dinner1.mail.models import OutboxEmail, OutboxSms
from dinner1.matching.embeddings import from_bytes
from dinner1.matching.models import DailyMatch
from dinner1.privacy import audit, consents
from dinner1.privacy.export import ExportContext, ExportFile, exporter, json_file
from dinner1.profiles.models import Profile, ProfilePhoto, SoulEmbedding
from dinner1.safety.models import Block, ModerationAction, Report, SelfieCheck
from dinner1.venues.models import Venue, VenueStaff


async def _rows(context: ExportContext, query: Any) -> list[Any]:
    return list((await context.session.execute(query)).scalars())


@exporter("account")
async def export_account(context: ExportContext) -> list[ExportFile]:
    user = await context.session.get(User, context.user_id)
    assert user is not None
    account = {
        name: getattr(user, name)
        for name in (
            "id email display_name date_of_birth role locale home_city created_at "
            "email_verified_at last_login_at last_active_at phone phone_verified_at "
            "identity_verified_at verified_requests_only verification_required "
            "suspended_until banned_at deletion_requested_at"
        ).split()
    }
    web = await _rows(context, select(WebSession).where(WebSession.user_id == context.user_id))
    refresh = await _rows(
        context, select(RefreshToken).where(RefreshToken.user_id == context.user_id)
    )
    sessions = {
        "browser_sessions": [
            {"started_at": s.created_at, "expires_at": s.expires_at, "device": s.user_agent}
            for s in web
        ],
        "app_logins": [
            {
                "issued_at": t.created_at,
                "expires_at": t.expires_at,
                "rotated_at": t.rotated_at,
                "revoked_at": t.revoked_at,
                "device": t.user_agent,
            }
            for t in refresh
        ],
    }
    return [json_file("account", account), json_file("sessions_and_activity", sessions)]


@exporter("profile")
async def export_profile(context: ExportContext) -> list[ExportFile]:
    profile = await context.session.scalar(
        select(Profile).where(
            Profile.tenant_id == context.tenant_id, Profile.user_id == context.user_id
        )
    )
    files = []
    if profile is not None:
        skip = {"id", "tenant_id", "user_id"}
        data = {
            c.key: getattr(profile, c.key) for c in Profile.__table__.columns if c.key not in skip
        }
        files.append(json_file("profile", data))
    embedding = await context.session.scalar(
        select(SoulEmbedding).where(SoulEmbedding.user_id == context.user_id)
    )
    if embedding is not None:
        meaning = {
            "model": embedding.model,
            "computed_at": embedding.updated_at,
            "vector": [round(float(x), 6) for x in from_bytes(embedding.vector)],
        }
        files.append(json_file("answers_meaning_embedding", meaning))
    return files


@exporter("photos")
async def export_photos(context: ExportContext) -> list[ExportFile]:
    photos = await _rows(
        context,
        select(ProfilePhoto)
        .where(ProfilePhoto.user_id == context.user_id)
        .order_by(ProfilePhoto.position),
    )
    files = [
        json_file(
            "photos",
            [
                {
                    "file": f"{p.id}.webp",
                    "uploaded_at": p.created_at,
                    "width": p.width,
                    "height": p.height,
                    "status": p.status,
                }
                for p in photos
            ],
        )
    ]
    for photo in photos:
        data = await context.storage.get(photo.storage_key)
        if data is not None:
            files.append(ExportFile(f"{photo.id}.webp", data))
    return files


@exporter("matches")
async def export_matches(context: ExportContext) -> list[ExportFile]:
    """Proposals made to the member; the other person is an alias, nothing more."""
    matches = await _rows(
        context,
        select(DailyMatch)
        .where(DailyMatch.user_id == context.user_id)
        .order_by(DailyMatch.day, DailyMatch.rank),
    )
    rows = [
        {
            "day": m.day,
            "with": context.aliases(m.candidate_id),
            "score": m.score,
            "label": m.label,
            "breakdown": m.breakdown,
            "shared": m.factors,
            "distance": m.distance_bucket,
            "your_answer": m.outcome,
            "answered_at": m.outcome_at,
        }
        for m in matches
    ]
    return [json_file("daily_matches", rows)]


@exporter("bookings")
async def export_bookings(context: ExportContext) -> list[ExportFile]:
    query = (
        select(Booking, Venue.name, Deal.ends_at)
        .join(Venue, Venue.id == Booking.venue_id)
        .join(Deal, Deal.id == Booking.deal_id)
        .where(Booking.member_id == context.user_id)
        .order_by(Booking.starts_at)
    )
    bookings = [
        {
            "venue": venue_name,
            "starts_at": b.starts_at,
            "ends_at": ends_at,
            "party": b.party,
            "code": b.code,
            "status": b.status,
            "currency": b.currency,
            "paid_minor": b.amount_minor,
            "refunded_minor": b.refund_minor,
            "note": b.note,
            "booked_at": b.created_at,
            "checked_in_at": b.checked_in_at,
            "cancelled_at": b.cancelled_at,
            "cancelled_by": b.cancelled_by,
        }
        for b, venue_name, ends_at in (await context.session.execute(query)).all()
    ]
    reviews = await context.session.execute(
        select(VenueReview, Venue.name)
        .join(Venue, Venue.id == VenueReview.venue_id)
        .where(VenueReview.member_id == context.user_id)
    )
    loyalty = await _rows(
        context, select(LoyaltyEntry).where(LoyaltyEntry.member_id == context.user_id)
    )
    return [
        json_file("bookings", bookings),
        json_file(
            "reviews",
            [
                {
                    "venue": name,
                    "rating": r.rating,
                    "text": r.text,
                    "status": r.status,
                    "written_at": r.created_at,
                }
                for r, name in reviews.all()
            ],
        ),
        json_file(
            "loyalty_points",
            [{"points": e.points, "reason": e.reason, "at": e.created_at} for e in loyalty],
        ),
    ]


@exporter("safety")
async def export_safety(context: ExportContext) -> list[ExportFile]:
    me = context.user_id
    blocks = await _rows(context, select(Block).where(Block.blocker_id == me))
    # Only reports this member filed. Reports others filed about them stay out: showing
    # them would expose who reported (and what they said) and could compromise a case
    # under review (GDPR art. 15(4): the rights of others).
    filed = await _rows(context, select(Report).where(Report.reporter_id == me))
    actions = await _rows(
        context, select(ModerationAction).where(ModerationAction.target_user_id == me)
    )
    selfies = await _rows(context, select(SelfieCheck).where(SelfieCheck.user_id == me))
    files = [
        json_file(
            "blocks_you_made",
            [{"member": context.aliases(b.blocked_id), "at": b.created_at} for b in blocks],
        ),
        json_file("reports_you_filed", [_report(context, r) for r in filed]),
        json_file(
            "moderation_decisions_about_you",
            [{"action": a.action, "days": a.days, "at": a.created_at} for a in actions],
        ),
        json_file(
            "verification_selfies",
            [{"pose": s.pose, "status": s.status, "at": s.created_at} for s in selfies],
        ),
    ]
    for selfie in selfies:
        data = await context.storage.get(selfie.storage_key) if selfie.storage_key else None
        if data is not None:
            files.append(ExportFile(f"selfie-{selfie.id}.webp", data))
    return files


def _report(context: ExportContext, report: Report) -> dict[str, Any]:
    # The evidence is a copy of someone else's words: only the reporter's own are included.
    return {
        "about": report.subject_type,
        "member": context.aliases(report.subject_user_id),
        "category": report.category,
        "your_details": report.details,
        "status": report.status,
        "outcome": report.outcome,
        "filed_at": report.created_at,
        "resolved_at": report.resolved_at,
    }


@exporter("messages_to_you")
async def export_outbox(context: ExportContext) -> list[ExportFile]:
    user = await context.session.get(User, context.user_id)
    assert user is not None
    emails = await _rows(
        context,
        select(OutboxEmail)
        .where(
            OutboxEmail.tenant_id == context.tenant_id,
            or_(OutboxEmail.user_id == user.id, OutboxEmail.to_address == user.email),
        )
        .order_by(OutboxEmail.created_at),
    )
    sms = await _rows(context, select(OutboxSms).where(OutboxSms.user_id == user.id))
    return [
        json_file(
            "emails",
            [
                {
                    "at": e.created_at,
                    "to": e.to_address,
                    "subject": e.subject,
                    "body": e.text_body,
                    "status": e.status,
                }
                for e in emails
            ],
        ),
        json_file(
            "text_messages",
            [{"at": s.created_at, "to": s.to_number, "body": s.body} for s in sms],
        ),
    ]


@exporter("privacy")
async def export_privacy(context: ExportContext) -> list[ExportFile]:
    history = await consents.history(context.session, context.tenant_id, context.user_id)
    access = await audit.entries_about(context.session, context.tenant_id, context.user_id)
    roles = await context.session.execute(
        select(VenueStaff.role, Venue.name)
        .join(Venue, Venue.id == VenueStaff.venue_id)
        .where(VenueStaff.user_id == context.user_id)
    )
    return [
        json_file(
            "consents",
            [
                {"purpose": c.purpose, "granted": c.granted, "source": c.source, "at": c.created_at}
                for c in history
            ],
        ),
        json_file(
            "staff_access_to_your_data",
            [
                {
                    "at": line.entry.created_at,
                    "what": audit.describe_what(line.entry.what),
                    "by": audit.describe_staff(line.staff_role),
                }
                for line in access
            ],
        ),
        json_file("venue_roles", [{"venue": name, "role": role} for role, name in roles.all()]),
    ]
