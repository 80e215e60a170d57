"""Home pages per role, the language switch, API docs and the admin outbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from dinner1.accounts import service as accounts
from dinner1.accounts.auth import Principal
from dinner1.accounts.models import Role
from dinner1.core.deps import SessionDep, TenantDep
from dinner1.locale import service as i18n
from dinner1.mail import service as mail
from dinner1.privacy.audit import record_access_many
from dinner1.profiles import repository as profiles_repo
from dinner1.profiles import service as profiles
from dinner1.safety import console
from dinner1.web import STATIC_DIR
from dinner1.web.account_pages import router as account_router
from dinner1.web.console_pages import router as console_router
from dinner1.web.dining_pages import router as dining_router
from dinner1.web.forms import read_form, safe_next
from dinner1.web.privacy_pages import router as privacy_pages_router
from dinner1.web.rendering import environment, render
from dinner1.web.session import PagePrincipal, notice_for, page_role, set_language_cookie
from dinner1.web.soul_pages import router as soul_router
from dinner1.web.venue_pages import router as venue_router
from dinner1.web.venue_setup_pages import router as venue_setup_router

router = APIRouter(include_in_schema=False)
router.include_router(account_router)
router.include_router(soul_router)
router.include_router(dining_router)
router.include_router(console_router)
router.include_router(privacy_pages_router)
router.include_router(venue_setup_router)
router.include_router(venue_router)

HOME_TEMPLATES = {
    Role.MEMBER: "home/member.html",
    Role.VENUE_OWNER: "home/venue_owner.html",
    Role.MODERATOR: "home/moderator.html",
    Role.ADMIN: "home/admin.html",
}


@router.get("/")
async def home(request: Request, principal: PagePrincipal, session: SessionDep) -> Response:
    if principal is None:
        return render(request, "home/visitor.html", active="home", notice=notice_for(request))
    template = HOME_TEMPLATES.get(Role(principal.role), "home/member.html")
    progress = None
    waiting = None
    if principal.role == Role.MEMBER:
        profile = await profiles_repo.get_profile(session, principal.tenant_id, principal.user_id)
        progress = profiles.progress(profile)
    elif principal.role in (Role.MODERATOR, Role.ADMIN):
        waiting = await console.queue(session, principal)
    return render(
        request,
        template,
        active="home",
        notice=notice_for(request),
        progress=progress,
        waiting=waiting,
        overdue=sum(1 for item in waiting or () if item.overdue),
    )


@router.post("/language")
async def choose_language(
    request: Request, principal: PagePrincipal, session: SessionDep
) -> Response:
    values = await read_form(request, "locale", "next")
    chosen = i18n.normalize(values["locale"])
    response = RedirectResponse(safe_next(values["next"]), status_code=303)
    if chosen is not None:
        set_language_cookie(response, request, chosen)
        if principal is not None:
            await accounts.set_locale(session, principal.tenant_id, principal.user_id, chosen)
    return response


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "img" / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/docs")
async def api_docs() -> HTMLResponse:
    return HTMLResponse(environment().get_template("docs.html").render())


@router.get("/admin/outbox")
async def admin_outbox(
    request: Request,
    admin: Annotated[Principal, Depends(page_role(Role.ADMIN))],
    session: SessionDep,
    tenant: TenantDep,
    to: Annotated[str | None, Query(max_length=320)] = None,
) -> Response:
    emails = await mail.list_outbox(session, tenant.id, to_address=to, limit=100)
    await record_access_many(session, admin, [e.user_id for e in emails], "outbox.read")
    return render(request, "admin/outbox.html", emails=emails, to=to)
