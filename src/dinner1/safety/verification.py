"""Verification: a phone proved by a one-time code, and the member's verification state.

A code is six random digits sent by SMS (`mail.sms`), stored only as an HMAC, valid for
`phone_code_ttl_minutes`, with `phone_code_attempts` tries; a new code can be asked for
after a short cooldown, a few times a day. The number is kept encrypted, plus a keyed
hash that finds it on other accounts (a risk signal). Wrong codes feed the risk score.
The selfie check (identity, the "verified" badge) lives in `selfies`.
"""

from __future__ import annotations

import math
import secrets
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts import service as accounts
from dinner1.accounts.auth import Principal
from dinner1.accounts.models import PhoneVerification, User
from dinner1.config import Settings
from dinner1.core.errors import AppError, Conflict, RateLimited
from dinner1.core.ratelimit import RateLimiter
from dinner1.core.security import constant_time_equals
from dinner1.core.text import N_
from dinner1.db.types import utcnow
from dinner1.locale import service as i18n
from dinner1.locale.service import gettext as _
from dinner1.mail.sms import send_sms
from dinner1.safety import repository, risk, selfies
from dinner1.safety.countries import member_country
from dinner1.safety.phones import code_hash, mask, normalize_phone, phone_hash
from dinner1.safety.schemas import CodeIn, PhoneIn, VerificationOut

RESEND_COOLDOWN_SECONDS = 60
CODES_PER_DAY = 5
SMS_BODY = N_("Your %(brand)s code is %(code)s. It expires in %(minutes)s minutes. Never share it.")


class WrongCode(AppError):
    status = 422
    slug = "wrong-code"
    title = N_("That code is not right")
    # The failed attempt must count even though the request fails.
    commit_session = True


class CodeExpired(AppError):
    status = 410
    slug = "code-expired"
    title = N_("This code has expired; ask for a new one")


async def _check_can_send(session: AsyncSession, limiter: RateLimiter, user: User) -> None:
    latest = await repository.phone_codes(session, user.tenant_id, user.id)
    if latest:
        waited = (utcnow() - latest[0].created_at).total_seconds()
        if waited < RESEND_COOLDOWN_SECONDS:
            raise RateLimited(
                math.ceil(RESEND_COOLDOWN_SECONDS - waited),
                _("We just sent you a code; wait a minute before asking for another."),
            )
    try:
        await limiter.check("phone-code", f"{user.tenant_id}:{user.id}", CODES_PER_DAY, 86400)
    except RateLimited as exc:
        raise RateLimited(
            int(exc.extra["retry_after"]),
            _("You asked for many codes today; try again tomorrow."),
        ) from exc


async def send_phone_code(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    principal: Principal,
    data: PhoneIn,
    brand: str,
) -> PhoneVerification:
    """Normalize the number, then text it a fresh code (the newest code replaces older ones)."""
    user = await accounts.load_user(session, principal.tenant_id, principal.user_id)
    country = data.country or await member_country(session, user)
    e164 = normalize_phone(data.phone, country)
    await _check_can_send(session, limiter, user)
    code = f"{secrets.randbelow(1_000_000):06d}"
    verification_id = uuid.uuid4()
    verification = PhoneVerification(
        id=verification_id,
        tenant_id=user.tenant_id,
        user_id=user.id,
        phone=e164,
        code_hash=code_hash(settings.secret_key_value(), str(verification_id), code),
        expires_at=utcnow() + timedelta(minutes=settings.safety.phone_code_ttl_minutes),
    )
    session.add(verification)
    with i18n.use_locale(user.locale or "en"):
        body = i18n.gettext(SMS_BODY) % {
            "brand": brand,
            "code": code,
            "minutes": settings.safety.phone_code_ttl_minutes,
        }
    await send_sms(
        session,
        settings,
        tenant_id=user.tenant_id,
        user_id=user.id,
        to_number=e164,
        body=body,
        kind="phone_code",
    )
    return verification


async def confirm_phone_code(
    session: AsyncSession, settings: Settings, principal: Principal, data: CodeIn
) -> User:
    user = await accounts.load_user(session, principal.tenant_id, principal.user_id)
    newest = await repository.latest_phone_code(session, user.tenant_id, user.id)
    latest = newest if newest is not None and newest.used_at is None else None
    if latest is None:
        raise Conflict(_("Ask for a code first."))
    if latest.expires_at <= utcnow():
        raise CodeExpired()
    limit = settings.safety.phone_code_attempts
    if latest.attempts >= limit:
        raise RateLimited(RESEND_COOLDOWN_SECONDS, _("Too many wrong codes; ask for a new one."))
    typed = "".join(data.code.split())
    expected = latest.code_hash
    if not constant_time_equals(
        code_hash(settings.secret_key_value(), str(latest.id), typed), expected
    ):
        latest.attempts += 1
        await session.flush()
        await risk.recompute(session, settings, user.tenant_id, user.id)
        left = limit - latest.attempts
        raise WrongCode(
            i18n.ngettext(
                "That code is not right; %(left)s attempt left.",
                "That code is not right; %(left)s attempts left.",
                left,
            )
            % {"left": left},
            attempts_left=left,
        )
    now = utcnow()
    latest.used_at = now
    user.phone, user.phone_verified_at = latest.phone, now
    user.phone_hash = phone_hash(settings.secret_key_value(), latest.phone)
    await session.flush()
    await risk.recompute(session, settings, user.tenant_id, user.id)
    return user


async def status(session: AsyncSession, principal: Principal) -> VerificationOut:
    user = await accounts.load_user(session, principal.tenant_id, principal.user_id)
    checks = await repository.selfies_of(session, user.tenant_id, user.id)
    current = checks[0] if checks else None
    return VerificationOut(
        email_verified=user.email_verified_at is not None,
        phone=mask(user.phone) if user.phone else None,
        phone_verified=user.phone_verified_at is not None,
        identity_verified=user.identity_verified_at is not None,
        verification_required=user.verification_required,
        verified_requests_only=user.verified_requests_only,
        selfie=selfies.pose_out(current) if current else None,
        selfie_reason=current.reason if current and current.status == "rejected" else None,
    )


async def set_verified_requests_only(
    session: AsyncSession, principal: Principal, value: bool
) -> User:
    """Only identity-verified members may then show interest in this member."""
    user = await accounts.load_user(session, principal.tenant_id, principal.user_id)
    user.verified_requests_only = value
    return user
