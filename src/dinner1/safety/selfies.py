"""The selfie-with-pose check: the server picks a pose, the member takes a selfie doing it,
a moderator compares it with the profile photos and approves (the "verified" badge) or
rejects with a reason. Selfies go through the image pipeline (metadata stripped) and are
stored privately: only moderators see them, through the console, and each look is logged.
"""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import repository as accounts
from dinner1.accounts.auth import Principal
from dinner1.config import Settings
from dinner1.core.errors import Conflict, NotFound, RateLimited, ValidationFailed
from dinner1.core.ratelimit import RateLimiter
from dinner1.core.storage import MediaStorage
from dinner1.core.text import N_
from dinner1.db.types import utcnow
from dinner1.locale.service import gettext as _
from dinner1.media.images import process_upload_async
from dinner1.privacy.audit import record_access
from dinner1.safety import notices, repository, risk
from dinner1.safety.audit import record_action
from dinner1.safety.models import SelfieCheck
from dinner1.safety.schemas import PoseOut

MAX_SELFIE_BYTES = 10 * 1024 * 1024
SELFIES_PER_DAY = 5
POSES: dict[str, str] = {
    "peace_left": N_("Make a peace sign with your left hand beside your face."),
    "touch_nose": N_("Touch your nose with your right index finger."),
    "thumb_chin": N_("Hold a thumbs-up under your chin."),
    "three_fingers": N_("Hold up three fingers of your left hand next to your cheek."),
    "hand_on_head": N_("Put one hand flat on top of your head."),
    "cover_eye": N_("Cover your left eye with your right hand."),
}


def pose_text(pose: str) -> str:
    return _(POSES[pose]) if pose in POSES else pose


def pose_out(check: SelfieCheck) -> PoseOut:
    return PoseOut(
        id=check.id, pose=check.pose, instruction=pose_text(check.pose), status=check.status
    )


async def request_pose(session: AsyncSession, principal: Principal) -> SelfieCheck:
    """The pose to show (a fresh random one, unless one is already waiting for its selfie)."""
    user = await accounts.get_user(session, principal.tenant_id, principal.user_id)
    if user is not None and user.identity_verified_at is not None:
        raise Conflict(_("Your identity is already verified."))
    checks = await repository.selfies_of(session, principal.tenant_id, principal.user_id)
    if checks and checks[0].status in ("requested", "submitted"):
        return checks[0]
    check = SelfieCheck(
        tenant_id=principal.tenant_id,
        user_id=principal.user_id,
        pose=secrets.choice(list(POSES)),
        status="requested",
    )
    session.add(check)
    await session.flush()
    return check


async def submit_selfie(
    session: AsyncSession,
    media: MediaStorage,
    limiter: RateLimiter,
    principal: Principal,
    data: bytes,
) -> SelfieCheck:
    checks = await repository.selfies_of(session, principal.tenant_id, principal.user_id)
    check = checks[0] if checks and checks[0].status == "requested" else None
    if check is None:
        raise Conflict(_("Ask for a pose first, then take the selfie doing it."))
    try:
        key = f"{principal.tenant_id}:{principal.user_id}"
        await limiter.check("selfie", key, SELFIES_PER_DAY, 86400)
    except RateLimited as exc:
        raise RateLimited(
            int(exc.extra["retry_after"]), _("You sent many selfies today; try again tomorrow.")
        ) from exc
    processed = await process_upload_async(data, max_bytes=MAX_SELFIE_BYTES, with_avif=False)
    check.storage_key = await media.put(
        f"{principal.tenant_id}/private/selfies", processed.normalized.data, ".webp"
    )
    check.status = "submitted"
    await session.flush()
    return check


async def review_selfie(
    session: AsyncSession,
    settings: Settings,
    staff: Principal,
    check_id: uuid.UUID,
    *,
    approve: bool,
    reason: str | None,
) -> SelfieCheck:
    """Approve (identity verified, any verification requirement lifted) or reject with a reason."""
    check = await repository.get_selfie(session, staff.tenant_id, check_id, for_update=True)
    if check is None:
        raise NotFound(_("No such selfie."))
    if check.status != "submitted":
        raise Conflict(_("This selfie was already reviewed."))
    if not approve and not reason:
        raise ValidationFailed(
            _("Say why the selfie is rejected; the member reads it."),
            errors=[{"loc": ["body", "reason"], "msg": "required", "type": "missing"}],
        )
    member = await accounts.get_user(session, staff.tenant_id, check.user_id)
    if member is None:
        raise NotFound(_("No such selfie."))
    now = utcnow()
    check.status = "approved" if approve else "rejected"
    check.reviewed_by, check.reviewed_at, check.reason = staff.user_id, now, reason
    if approve:
        member.identity_verified_at, member.verification_required = now, False
    action = "approve_selfie" if approve else "reject_selfie"
    await record_action(session, staff, action, target_user_id=member.id, reason=reason)
    await session.flush()
    if not approve:
        await risk.recompute(session, settings, staff.tenant_id, member.id)
    await notices.tell_selfie_result(
        session, settings, member, approved=approve, reason=reason or ""
    )
    return check


async def selfie_image(
    session: AsyncSession, media: MediaStorage, staff: Principal, check_id: uuid.UUID
) -> bytes:
    """A selfie's bytes for a moderator (the look is written to the staff access log)."""
    check = await repository.get_selfie(session, staff.tenant_id, check_id)
    data = await media.get(check.storage_key) if check and check.storage_key else None
    if check is None or data is None:
        raise NotFound(_("No such selfie."))
    await record_access(session, staff, check.user_id, "selfie.view", f"selfie {check.id}")
    return data
