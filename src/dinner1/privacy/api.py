"""Privacy rights: consents, data export, account deletion, the staff access log."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from starlette.responses import FileResponse

from dinner1.accounts.auth import SESSION_COOKIE, AdminPrincipal, CurrentPrincipal
from dinner1.core.deps import RuntimeDep, SessionDep, TenantDep, public_base_url
from dinner1.db.types import utcnow
from dinner1.privacy import audit, consents, deletion, export
from dinner1.privacy.models import ConsentRecord
from dinner1.privacy.schemas import (
    CancelDeletionIn,
    ConsentOut,
    ConsentsIn,
    DeletionIn,
    DeletionOut,
    ExportOut,
    MemberAccessOut,
    StaffAccessOut,
)
from dinner1.privacy.service import change_consents

router = APIRouter(prefix="/api/v1", tags=["privacy"])


def _consents_out(in_force: dict[consents.Purpose, ConsentRecord | None]) -> list[ConsentOut]:
    return [
        ConsentOut(
            purpose=purpose,
            granted=record.granted if record else False,
            decided_at=record.created_at if record else None,
            source=record.source if record else None,
        )
        for purpose, record in in_force.items()
    ]


@router.get("/privacy/consents", response_model=list[ConsentOut])
async def read_consents(principal: CurrentPrincipal, session: SessionDep) -> list[ConsentOut]:
    """Each purpose and whether the member granted it (nothing is granted by default)."""
    return _consents_out(await consents.current(session, principal.tenant_id, principal.user_id))


@router.put("/privacy/consents", response_model=list[ConsentOut])
async def update_consents(
    data: ConsentsIn, principal: CurrentPrincipal, session: SessionDep
) -> list[ConsentOut]:
    """Grant or withdraw consents; the change applies at once and is kept as history."""
    in_force = await change_consents(
        session, principal.tenant_id, principal.user_id, data.wanted(), source="api", now=utcnow()
    )
    return _consents_out(in_force)


def _export_out(info: export.ExportInfo) -> ExportOut:
    return ExportOut(
        id=info.id,
        created_at=info.created_at,
        expires_at=info.expires_at,
        size_bytes=info.size_bytes,
        download_url=f"/api/v1/privacy/exports/{info.id}",
    )


@router.post("/privacy/exports", response_model=ExportOut, status_code=status.HTTP_201_CREATED)
async def create_export(
    principal: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep
) -> ExportOut:
    """Build a ZIP of everything the service holds about the member (valid 7 days)."""
    await export.check_export_rate(runtime.limiter, principal.user_id)
    info = await export.create_export(
        session,
        runtime.settings,
        runtime.media,
        principal.tenant_id,
        principal.user_id,
        now=utcnow(),
    )
    return _export_out(info)


@router.get("/privacy/exports", response_model=list[ExportOut])
async def list_exports(principal: CurrentPrincipal, runtime: RuntimeDep) -> list[ExportOut]:
    """The member's exports that can still be downloaded."""
    infos = await export.list_exports(
        runtime.settings, principal.tenant_id, principal.user_id, now=utcnow()
    )
    return [_export_out(info) for info in infos]


@router.get("/privacy/exports/{export_id}", response_class=FileResponse)
async def download_export(
    export_id: uuid.UUID, principal: CurrentPrincipal, runtime: RuntimeDep
) -> FileResponse:
    """Download one of the member's own exports (nobody else's, staff included)."""
    path = await export.export_path(
        runtime.settings, principal.tenant_id, principal.user_id, export_id, now=utcnow()
    )
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"dinner1-data-{export_id.hex[:8]}.zip",
        headers={"Cache-Control": "no-store"},
    )


@router.post("/privacy/deletion", response_model=DeletionOut, status_code=status.HTTP_202_ACCEPTED)
async def request_deletion(
    data: DeletionIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    tenant: TenantDep,
    runtime: RuntimeDep,
) -> DeletionOut:
    """Delete the account: hidden and logged out now, erased after the grace period."""
    await deletion.check_deletion_rate(runtime.limiter, principal.user_id)
    user = await deletion.request_deletion(
        session,
        runtime,
        tenant,
        principal,
        password=data.password,
        confirm=data.confirm,
        base_url=public_base_url(request),
        now=utcnow(),
    )
    response.delete_cookie(SESSION_COOKIE, path="/")
    assert user.deletion_requested_at is not None
    return DeletionOut(
        deletion_requested_at=user.deletion_requested_at,
        erase_after=deletion.erase_after(runtime.settings, user.deletion_requested_at),
    )


@router.post("/privacy/deletion/cancel", status_code=status.HTTP_204_NO_CONTENT)
async def cancel_deletion(
    data: CancelDeletionIn, session: SessionDep, tenant: TenantDep, runtime: RuntimeDep
) -> Response:
    """Keep the account: the member and token come from the link in the email."""
    await deletion.cancel_deletion(
        session, runtime.settings, tenant, data.member, data.token, now=utcnow()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/privacy/access-log", response_model=list[MemberAccessOut])
async def my_access_log(principal: CurrentPrincipal, session: SessionDep) -> list[MemberAccessOut]:
    """When staff looked at the member's data, and what (never which person)."""
    lines = await audit.entries_about(session, principal.tenant_id, principal.user_id)
    return [
        MemberAccessOut(
            at=line.entry.created_at,
            what=line.entry.what,
            description=audit.describe_what(line.entry.what),
            by=audit.describe_staff(line.staff_role),
        )
        for line in lines
    ]


def _as_utc(value: datetime | None) -> datetime | None:
    """A date-time without an offset is read as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@router.get("/admin/access-log", response_model=list[StaffAccessOut])
async def staff_access_log(
    _admin: AdminPrincipal,
    session: SessionDep,
    tenant: TenantDep,
    staff: Annotated[str | None, Query(max_length=320, description="id or email")] = None,
    member: Annotated[str | None, Query(max_length=320, description="id or email")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[StaffAccessOut]:
    """Every staff access to members' data, newest first, filtered by staff, member, date."""
    lines = await audit.search(
        session,
        tenant.id,
        staff=staff,
        member=member,
        since=_as_utc(since),
        until=_as_utc(until),
        limit=limit,
    )
    return [
        StaffAccessOut(
            id=line.entry.id,
            at=line.entry.created_at,
            staff_id=line.entry.staff_id,
            staff_name=line.staff_name,
            staff_role=line.staff_role,
            subject_user_id=line.entry.subject_user_id,
            what=line.entry.what,
            reason=line.entry.reason,
        )
        for line in lines
    ]
