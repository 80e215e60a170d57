"""Accounts JSON API: sign-up, email verification, tokens, passwords, and `/me`."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from dinner1.accounts import service, sessions
from dinner1.accounts.auth import CurrentPrincipal, Principal
from dinner1.accounts.models import User
from dinner1.accounts.schemas import (
    Accepted,
    ChangePasswordIn,
    EmailIn,
    LoginIn,
    LogoutIn,
    MeOut,
    MePatch,
    RefreshIn,
    RegisterIn,
    ResetPasswordIn,
    TokenIn,
    TokenPairOut,
)
from dinner1.core.deps import RuntimeDep, SessionDep, TenantDep, client_ip, public_base_url
from dinner1.locale.service import gettext as _

router = APIRouter(prefix="/api/v1", tags=["accounts"])


def _pair(pair: sessions.TokenPair) -> TokenPairOut:
    return TokenPairOut(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
        refresh_expires_in=pair.refresh_expires_in,
    )


def _me(user: User | Principal) -> MeOut:
    return MeOut.model_validate(user)


# The most requested route first: FastAPI tries routes in order.
@router.get("/me", response_model=MeOut)
async def read_me(principal: CurrentPrincipal) -> Principal:
    """The signed-in account."""
    return principal  # validated once, into MeOut, by the response model


@router.patch("/me", response_model=MeOut)
async def update_me(data: MePatch, principal: CurrentPrincipal, session: SessionDep) -> MeOut:
    """Change display name or language."""
    user = await service.load_user(session, principal.tenant_id, principal.user_id)
    return _me(service.update_me(user, data))


@router.post("/auth/register", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted)
async def register(
    data: RegisterIn, request: Request, session: SessionDep, tenant: TenantDep, runtime: RuntimeDep
) -> Accepted:
    """Create a member account and email a verification link."""
    limits = runtime.settings.rate_limit
    await runtime.limiter.check(
        "register", client_ip(request), limits.sensitive_per_ip_per_hour, 3600
    )
    await service.register(session, runtime.settings, tenant, data, public_base_url(request))
    return Accepted(
        status="verification_sent",
        detail=_("Check your inbox: we sent a link to confirm your email address."),
    )


@router.post("/auth/verify-email", response_model=MeOut)
async def verify_email(data: TokenIn, session: SessionDep, tenant: TenantDep) -> MeOut:
    """Confirm an email address with the token from the verification link."""
    return _me(await service.verify_email(session, tenant, data.token))


@router.post(
    "/auth/resend-verification", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted
)
async def resend_verification(
    data: EmailIn, request: Request, session: SessionDep, tenant: TenantDep, runtime: RuntimeDep
) -> Accepted:
    """Send a new verification link if the account exists and is not verified yet."""
    limits = runtime.settings.rate_limit
    await runtime.limiter.check(
        "resend", client_ip(request), limits.sensitive_per_ip_per_hour, 3600
    )
    await service.resend_verification(
        session, runtime.settings, tenant, data.email, public_base_url(request)
    )
    return Accepted(
        status="accepted", detail=_("If that account needs it, a new link is on its way.")
    )


@router.post("/auth/login", response_model=TokenPairOut)
async def login(
    data: LoginIn, request: Request, session: SessionDep, tenant: TenantDep, runtime: RuntimeDep
) -> TokenPairOut:
    """Exchange email and password for an access token and a refresh token."""
    user = await sessions.authenticate(
        session,
        runtime.login_throttle,
        tenant,
        email=data.email,
        password=data.password,
        client_ip=client_ip(request),
    )
    pair = await sessions.issue_token_pair(
        session, runtime.settings, user, user_agent=request.headers.get("user-agent")
    )
    return _pair(pair)


@router.post("/auth/refresh", response_model=TokenPairOut)
async def refresh(
    data: RefreshIn, request: Request, session: SessionDep, tenant: TenantDep, runtime: RuntimeDep
) -> TokenPairOut:
    """Rotate a refresh token; presenting a used one revokes its whole family."""
    pair = await sessions.rotate_refresh_token(
        session,
        runtime.settings,
        tenant,
        data.refresh_token,
        user_agent=request.headers.get("user-agent"),
    )
    return _pair(pair)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    data: LogoutIn, principal: CurrentPrincipal, session: SessionDep, tenant: TenantDep
) -> Response:
    """Revoke this login: the refresh token's family, or the browser session."""
    if data.refresh_token:
        await sessions.revoke_refresh_token_family(
            session, tenant, principal.user_id, data.refresh_token
        )
    if principal.web_session_id is not None:
        await sessions.end_web_session(session, principal.web_session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/auth/logout-all", status_code=status.HTTP_204_NO_CONTENT)
async def logout_all(principal: CurrentPrincipal, session: SessionDep) -> Response:
    """Revoke every login of this account on every device."""
    user = await service.load_user(session, principal.tenant_id, principal.user_id)
    await sessions.log_out_everywhere(session, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/auth/password/forgot", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted)
async def forgot_password(
    data: EmailIn, request: Request, session: SessionDep, tenant: TenantDep, runtime: RuntimeDep
) -> Accepted:
    """Email a single-use password reset link (the answer is the same for unknown emails)."""
    limits = runtime.settings.rate_limit
    await runtime.limiter.check(
        "forgot", client_ip(request), limits.sensitive_per_ip_per_hour, 3600
    )
    await service.request_password_reset(
        session, runtime.settings, tenant, data.email, public_base_url(request)
    )
    return Accepted(
        status="accepted",
        detail=_("If an account uses that address, we sent it a link to reset the password."),
    )


@router.post("/auth/password/reset", status_code=status.HTTP_204_NO_CONTENT)
async def reset_password(
    data: ResetPasswordIn, session: SessionDep, tenant: TenantDep, runtime: RuntimeDep
) -> Response:
    """Set a new password with the token from the reset link; every login is revoked."""
    await service.reset_password(session, runtime.settings, tenant, data.token, data.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/auth/password/change", response_model=TokenPairOut)
async def change_password(
    data: ChangePasswordIn,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
) -> TokenPairOut:
    """Change the password; other logins are revoked and this client gets a fresh pair."""
    user = await service.load_user(session, principal.tenant_id, principal.user_id)
    await service.change_password(
        session,
        runtime.settings,
        user,
        data.current_password,
        data.new_password,
        keep_web_session=principal.web_session_id,
    )
    pair = await sessions.issue_token_pair(
        session, runtime.settings, user, user_agent=request.headers.get("user-agent")
    )
    return _pair(pair)
