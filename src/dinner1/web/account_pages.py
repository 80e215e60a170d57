"""Sign-up, log-in, email confirmation, password reset and settings pages."""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from dinner1.accounts import service, sessions
from dinner1.accounts.schemas import RegisterIn
from dinner1.core.deps import SessionDep, TenantDep, client_ip, get_runtime, public_base_url
from dinner1.core.errors import AppError, InvalidToken, RateLimited
from dinner1.locale import service as i18n
from dinner1.web.forms import (
    field_errors_from_app_error,
    field_errors_from_validation,
    read_form,
    safe_next,
)
from dinner1.web.rendering import render
from dinner1.web.session import (
    PagePrincipal,
    PageUser,
    clear_session_cookie,
    notice_for,
    set_session_cookie,
)

router = APIRouter(include_in_schema=False)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _min_password(request: Request) -> int:
    return get_runtime(request).settings.security.password_min_length


@router.get("/signup")
async def signup_page(request: Request, principal: PagePrincipal) -> Response:
    if principal is not None:
        return _redirect("/")
    return render(
        request, "account/signup.html", active="signup", min_password=_min_password(request)
    )


@router.post("/signup")
async def signup(
    request: Request, principal: PagePrincipal, session: SessionDep, tenant: TenantDep
) -> Response:
    runtime = get_runtime(request)
    values = await read_form(request, "display_name", "email", "password", "date_of_birth")
    shown = {k: v for k, v in values.items() if k != "password"}
    try:
        await runtime.limiter.check(
            "register",
            client_ip(request),
            runtime.settings.rate_limit.sensitive_per_ip_per_hour,
            3600,
        )
        data = RegisterIn.model_validate(
            {
                **values,
                "date_of_birth": values["date_of_birth"] or None,
                "locale": i18n.current_locale.get(),
            }
        )
        await service.register(session, runtime.settings, tenant, data, public_base_url(request))
    except ValidationError as exc:
        return render(
            request,
            "account/signup.html",
            status_code=422,
            active="signup",
            values=shown,
            errors=field_errors_from_validation(exc),
            min_password=_min_password(request),
        )
    except AppError as exc:
        errors, form_error = field_errors_from_app_error(exc)
        return render(
            request,
            "account/signup.html",
            status_code=exc.status,
            active="signup",
            values=shown,
            errors=errors,
            form_error=form_error,
            min_password=_min_password(request),
        )
    return render(request, "account/check_email.html", email=data.email)


@router.get("/login")
async def login_page(request: Request, principal: PagePrincipal) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    if principal is not None:
        return _redirect(next_url)
    return render(
        request, "account/login.html", active="login", next=next_url, notice=notice_for(request)
    )


@router.post("/login")
async def login(
    request: Request, principal: PagePrincipal, session: SessionDep, tenant: TenantDep
) -> Response:
    runtime = get_runtime(request)
    values = await read_form(request, "email", "password", "next")
    next_url = safe_next(values["next"])
    try:
        user = await sessions.authenticate(
            session,
            runtime.login_throttle,
            tenant,
            email=values["email"],
            password=values["password"],
            client_ip=client_ip(request),
        )
    except AppError as exc:
        headers = exc.headers if isinstance(exc, RateLimited) else {}
        response = render(
            request,
            "account/login.html",
            status_code=exc.status,
            active="login",
            values={"email": values["email"]},
            next=next_url,
            form_error=exc.detail or i18n.gettext(exc.title),
        )
        response.headers.update(headers)
        return response
    if user.locale is None:
        user.locale = i18n.current_locale.get()
    raw, expires = await sessions.start_web_session(
        session, runtime.settings, user, user_agent=request.headers.get("user-agent")
    )
    redirect = _redirect(next_url)
    set_session_cookie(redirect, request, raw, expires)
    return redirect


@router.post("/logout")
async def logout(request: Request, principal: PagePrincipal, session: SessionDep) -> Response:
    if principal is not None and principal.web_session_id is not None:
        await sessions.end_web_session(session, principal.web_session_id)
    response = _redirect("/login?notice=logged_out")
    clear_session_cookie(response)
    return response


@router.get("/verify-email")
async def verify_email_page(
    request: Request, principal: PagePrincipal, session: SessionDep, tenant: TenantDep
) -> Response:
    token = request.query_params.get("token", "")
    try:
        verified = await service.verify_email(session, tenant, token)
    except InvalidToken as exc:
        return render(
            request,
            "account/verify_result.html",
            status_code=400,
            ok=False,
            message=exc.detail or i18n.gettext(exc.title),
        )
    if principal is not None and principal.user_id == verified.id:
        request.state.principal = dataclasses.replace(principal, is_verified=True)
    return render(request, "account/verify_result.html", ok=True)


@router.post("/verify-email/resend")
async def resend_verification(
    request: Request, principal: PageUser, session: SessionDep, tenant: TenantDep
) -> Response:
    runtime = get_runtime(request)
    await runtime.limiter.check(
        "resend", client_ip(request), runtime.settings.rate_limit.sensitive_per_ip_per_hour, 3600
    )
    if not principal.is_verified:
        user = await service.load_user(session, principal.tenant_id, principal.user_id)
        await service.send_verification_link(
            session, runtime.settings, tenant, user, public_base_url(request)
        )
    return _redirect("/?notice=verification_sent")


@router.get("/forgot-password")
async def forgot_password_page(request: Request, principal: PagePrincipal) -> Response:
    return render(request, "account/forgot_password.html")


@router.post("/forgot-password")
async def forgot_password(
    request: Request, principal: PagePrincipal, session: SessionDep, tenant: TenantDep
) -> Response:
    runtime = get_runtime(request)
    values = await read_form(request, "email")
    try:
        await runtime.limiter.check(
            "forgot",
            client_ip(request),
            runtime.settings.rate_limit.sensitive_per_ip_per_hour,
            3600,
        )
    except RateLimited as exc:
        return render(
            request,
            "account/forgot_password.html",
            status_code=429,
            values=values,
            form_error=i18n.gettext(exc.title),
        )
    if "@" not in values["email"]:
        return render(
            request,
            "account/forgot_password.html",
            status_code=422,
            values=values,
            errors={"email": i18n.gettext("Enter a valid email address.")},
        )
    await service.request_password_reset(
        session, runtime.settings, tenant, values["email"], public_base_url(request)
    )
    return render(request, "account/forgot_password.html", sent=True)


@router.get("/reset-password")
async def reset_password_page(request: Request, principal: PagePrincipal) -> Response:
    return render(
        request,
        "account/reset_password.html",
        token=request.query_params.get("token", ""),
        min_password=_min_password(request),
    )


@router.post("/reset-password")
async def reset_password(
    request: Request, principal: PagePrincipal, session: SessionDep, tenant: TenantDep
) -> Response:
    values = await read_form(request, "token", "new_password")
    try:
        await service.reset_password(
            session, get_runtime(request).settings, tenant, values["token"], values["new_password"]
        )
    except AppError as exc:
        errors, form_error = field_errors_from_app_error(exc)
        if "password" in errors:
            errors["new_password"] = errors.pop("password")
        return render(
            request,
            "account/reset_password.html",
            status_code=exc.status,
            token=values["token"],
            errors=errors,
            form_error=form_error,
            min_password=_min_password(request),
        )
    response = _redirect("/login?notice=password_reset")
    clear_session_cookie(response)
    return response


@router.get("/settings")
async def settings_page(request: Request, principal: PageUser) -> Response:
    return render(
        request,
        "account/settings.html",
        active="settings",
        notice=notice_for(request),
        min_password=_min_password(request),
    )


@router.post("/settings/language")
async def save_language(request: Request, principal: PageUser, session: SessionDep) -> Response:
    values = await read_form(request, "locale")
    chosen = i18n.normalize(values["locale"])
    if chosen is not None:
        await service.set_locale(session, principal.tenant_id, principal.user_id, chosen)
    return _redirect("/settings?notice=language_saved")


@router.post("/settings/password")
async def change_password(request: Request, principal: PageUser, session: SessionDep) -> Response:
    values = await read_form(request, "current_password", "new_password")
    try:
        user = await service.load_user(session, principal.tenant_id, principal.user_id)
        await service.change_password(
            session,
            get_runtime(request).settings,
            user,
            values["current_password"],
            values["new_password"],
            keep_web_session=principal.web_session_id,
        )
    except AppError as exc:
        errors, form_error = field_errors_from_app_error(exc)
        if "password" in errors:
            errors["new_password"] = errors.pop("password")
        return render(
            request,
            "account/settings.html",
            status_code=exc.status,
            active="settings",
            errors=errors,
            form_error=form_error,
            min_password=_min_password(request),
        )
    return _redirect("/settings?notice=password_changed")
