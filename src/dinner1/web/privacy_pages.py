"""Members' privacy pages (consents, data export, account deletion, who looked at their
data) and the administrators' staff access log."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from dinner1.accounts.auth import Principal
from dinner1.accounts.models import Role
from dinner1.core.deps import RuntimeDep, SessionDep, TenantDep, public_base_url
from dinner1.core.errors import AppError
from dinner1.core.text import N_
from dinner1.db.types import utcnow
from dinner1.locale.service import gettext as _
from dinner1.privacy import audit, consents, deletion, export
from dinner1.privacy.service import change_consents
from dinner1.web.forms import field_errors_from_app_error, read_form
from dinner1.web.rendering import render
from dinner1.web.session import PagePrincipal, PageUser, clear_session_cookie, page_role

router = APIRouter(include_in_schema=False)

PURPOSE_TEXT = {
    consents.Purpose.SEMANTIC_MATCHING: (
        N_("Match on the meaning of what I write"),
        N_(
            "A model on our own servers reads your free-text answers to find people who "
            "write about life the way you do. Without it, we match on your choices only."
        ),
    ),
    consents.Purpose.MARKETING_EMAIL: (
        N_("Emails about offers and news"),
        N_("Occasional emails about new tables, deals and features. Never shared."),
    ),
    consents.Purpose.ANALYTICS: (
        N_("Help improve the service"),
        N_("Count how you use the pages (never what you write) so we can make them better."),
    ),
}
NOTICES = {
    "consents_saved": N_("Your choices are saved and already apply."),
    "export_ready": N_("Your data is ready to download. The link works for 7 days."),
}


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/settings/privacy")
async def privacy_page(
    request: Request, principal: PageUser, session: SessionDep, runtime: RuntimeDep
) -> Response:
    in_force = await consents.current(session, principal.tenant_id, principal.user_id)
    exports = await export.list_exports(
        runtime.settings, principal.tenant_id, principal.user_id, now=utcnow()
    )
    access = await audit.entries_about(session, principal.tenant_id, principal.user_id, 50)
    key = request.query_params.get("notice")
    return render(
        request,
        "privacy/settings.html",
        active="settings",
        notice=_(NOTICES[key]) if key in NOTICES else None,
        purposes=[
            (purpose, _(PURPOSE_TEXT[purpose][0]), _(PURPOSE_TEXT[purpose][1]), record)
            for purpose, record in in_force.items()
        ],
        exports=exports,
        access=[
            (
                line.entry.created_at,
                audit.describe_what(line.entry.what),
                audit.describe_staff(line.staff_role),
            )
            for line in access
        ],
        grace_days=runtime.settings.privacy.deletion_grace_days,
    )


@router.post("/settings/privacy/consents")
async def save_consents(request: Request, principal: PageUser, session: SessionDep) -> Response:
    form = await request.form()
    wanted = {purpose: form.get(purpose.value) == "on" for purpose in consents.PURPOSES}
    await change_consents(
        session, principal.tenant_id, principal.user_id, wanted, source="settings", now=utcnow()
    )
    return _redirect("/settings/privacy?notice=consents_saved")


@router.post("/settings/privacy/exports")
async def request_export(principal: PageUser, session: SessionDep, runtime: RuntimeDep) -> Response:
    await export.check_export_rate(runtime.limiter, principal.user_id)
    await export.create_export(
        session,
        runtime.settings,
        runtime.media,
        principal.tenant_id,
        principal.user_id,
        now=utcnow(),
    )
    return _redirect("/settings/privacy?notice=export_ready#export")


@router.get("/settings/privacy/delete")
async def delete_page(request: Request, principal: PageUser, runtime: RuntimeDep) -> Response:
    return render(
        request,
        "privacy/delete.html",
        active="settings",
        grace_days=runtime.settings.privacy.deletion_grace_days,
    )


@router.post("/settings/privacy/delete")
async def delete_account(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    tenant: TenantDep,
    runtime: RuntimeDep,
) -> Response:
    values = await read_form(request, "password", "confirm")
    try:
        await deletion.check_deletion_rate(runtime.limiter, principal.user_id)
        user = await deletion.request_deletion(
            session,
            runtime,
            tenant,
            principal,
            password=values["password"],
            confirm=values["confirm"] == "yes",
            base_url=public_base_url(request),
            now=utcnow(),
        )
    except AppError as exc:
        errors, form_error = field_errors_from_app_error(exc)
        return render(
            request,
            "privacy/delete.html",
            status_code=exc.status,
            active="settings",
            errors=errors,
            form_error=form_error,
            grace_days=runtime.settings.privacy.deletion_grace_days,
        )
    assert user.deletion_requested_at is not None
    # Logged out: the page is shown as to a visitor, and the cookie goes.
    request.state.principal = None
    response = render(
        request,
        "privacy/deleted.html",
        erase_after=deletion.erase_after(runtime.settings, user.deletion_requested_at),
    )
    clear_session_cookie(response)
    return response


@router.get("/privacy/deletion/cancel")
async def cancel_page(request: Request, principal: PagePrincipal) -> Response:
    """The link in the email only shows a button: mail scanners follow links, and a GET
    must not change anything."""
    return render(
        request,
        "privacy/cancel.html",
        member=request.query_params.get("member", ""),
        token=request.query_params.get("token", ""),
    )


@router.post("/privacy/deletion/cancel")
async def cancel_deletion(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    tenant: TenantDep,
    runtime: RuntimeDep,
) -> Response:
    values = await read_form(request, "member", "token")
    try:
        await deletion.cancel_deletion(
            session,
            runtime.settings,
            tenant,
            uuid.UUID(values["member"]),
            values["token"],
            now=utcnow(),
        )
    except (AppError, ValueError) as exc:
        detail = exc.detail if isinstance(exc, AppError) else None
        return render(
            request,
            "privacy/cancel.html",
            status_code=getattr(exc, "status", 400),
            form_error=detail or _("This link is invalid or has expired."),
        )
    return render(request, "privacy/cancel.html", restored=True)


def _day(value: str | None, *, offset: int = 0) -> datetime | None:
    """The start (UTC) of a day typed as YYYY-MM-DD; blank or unreadable means no bound."""
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=offset), time(0), tzinfo=UTC)


@router.get("/admin/access-log")
async def admin_access_log(
    request: Request,
    _admin: Annotated[Principal, Depends(page_role(Role.ADMIN))],
    session: SessionDep,
    tenant: TenantDep,
    staff: Annotated[str | None, Query(max_length=320)] = None,
    member: Annotated[str | None, Query(max_length=320)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    lines = await audit.search(
        session,
        tenant.id,
        staff=staff or None,
        member=member or None,
        since=_day(since),
        until=_day(until, offset=1),
        limit=200,
    )
    return render(
        request,
        "privacy/access_log.html",
        lines=lines,
        filters={
            "staff": staff or "",
            "member": member or "",
            "since": since or "",
            "until": until or "",
        },
        describe=audit.describe_what,
    )
