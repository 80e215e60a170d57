"""Phone and selfie verification, and who may show interest in you."""

from __future__ import annotations

from fastapi import APIRouter, UploadFile, status

from dinner1.accounts.auth import CurrentPrincipal
from dinner1.core.deps import RuntimeDep, SessionDep, TenantDep
from dinner1.core.errors import BadRequest
from dinner1.locale.service import gettext as _
from dinner1.safety import selfies, verification
from dinner1.safety.phones import mask
from dinner1.safety.schemas import (
    CodeIn,
    PhoneCodeSent,
    PhoneIn,
    PoseOut,
    VerificationOut,
    VerificationSettingsIn,
)

router = APIRouter(prefix="/api/v1/verification", tags=["verification"])


@router.get("", response_model=VerificationOut)
async def read_verification(principal: CurrentPrincipal, session: SessionDep) -> VerificationOut:
    """What is verified on your account, and your selfie check."""
    return await verification.status(session, principal)


@router.post("/phone", status_code=status.HTTP_202_ACCEPTED, response_model=PhoneCodeSent)
async def send_phone_code(
    data: PhoneIn,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
    tenant: TenantDep,
) -> PhoneCodeSent:
    """Text a one-time code to your number (06… is read as Moroccan unless you say FR)."""
    sent = await verification.send_phone_code(
        session, runtime.settings, runtime.limiter, principal, data, tenant.name
    )
    return PhoneCodeSent(
        phone=mask(sent.phone),
        expires_at=sent.expires_at,
        resend_after_seconds=verification.RESEND_COOLDOWN_SECONDS,
    )


@router.post("/phone/confirm", response_model=VerificationOut)
async def confirm_phone_code(
    data: CodeIn, principal: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep
) -> VerificationOut:
    """Prove the number with the code you received."""
    await verification.confirm_phone_code(session, runtime.settings, principal, data)
    return await verification.status(session, principal)


@router.post("/selfie/pose", response_model=PoseOut)
async def request_pose(principal: CurrentPrincipal, session: SessionDep) -> PoseOut:
    """The pose to take your selfie in (chosen at random by the server)."""
    return selfies.pose_out(await selfies.request_pose(session, principal))


@router.post("/selfie", status_code=status.HTTP_201_CREATED, response_model=PoseOut)
async def submit_selfie(
    photo: UploadFile, principal: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep
) -> PoseOut:
    """Send the selfie (JPEG, PNG or WebP); only moderators ever see it."""
    data = await photo.read(selfies.MAX_SELFIE_BYTES + 1)
    if not data:
        raise BadRequest(_("The photo is empty."))
    check = await selfies.submit_selfie(session, runtime.media, runtime.limiter, principal, data)
    return selfies.pose_out(check)


@router.put("/settings", response_model=VerificationOut)
async def update_settings(
    data: VerificationSettingsIn, principal: CurrentPrincipal, session: SessionDep
) -> VerificationOut:
    """Choose to hear only from identity-verified members."""
    await verification.set_verified_requests_only(session, principal, data.verified_requests_only)
    return await verification.status(session, principal)
